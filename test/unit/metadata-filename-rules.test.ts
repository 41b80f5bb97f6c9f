import { describe, expect, it } from 'vitest';
import type { FileNameRule } from '../../src/shared/domain.ts';
import { applyFileNameRules, validateFileNameRule } from '../../src/main/core/metadata/filename-rules.ts';

const rule = (id: string, pattern: string, flags?: string): FileNameRule => ({ id, name: id, pattern, flags });

describe('applyFileNameRules', () => {
  const site = rule('site', '^(?<patientId>\\d+)_(?<eye>[A-Za-z]+)_(?<field>\\d+)');

  it('reads patient, eye and field from a matching name', () => {
    expect(applyFileNameRules('12345_OD_1.jpg', [site])).toEqual({
      ruleId: 'site',
      patientId: '12345',
      laterality: 'OD',
      field: '1',
      accessionNumber: null,
    });
  });

  it.each([
    ['R', 'OD'],
    ['re', 'OD'],
    ['od', 'OD'],
    ['Right', 'OD'],
    ['L', 'OS'],
    ['LE', 'OS'],
    ['os', 'OS'],
    ['LEFT', 'OS'],
    ['OU', null],
    ['X', null],
  ] as const)('maps eye value %s to %s', (eye, expected) => {
    expect(applyFileNameRules(`777_${eye}_2.jpg`, [site])?.laterality).toBe(expected);
  });

  it('uses the first rule that matches, and only the base name', () => {
    const byAccession = rule('acc', '^ACC(?<accession>\\d+)-(?<eye>OD|OS)$');
    const match = applyFileNameRules('/mnt/camera/DCIM/ACC99-OS.JPG', [byAccession, site]);
    // The rule is written without the extension: it is tried against the name without it too.
    expect(match).toMatchObject({ ruleId: 'acc', accessionNumber: '99', laterality: 'OS', patientId: null });
    expect(applyFileNameRules('C:\\export\\12345_OD_1.jpg', [byAccession, site])?.ruleId).toBe('site');
  });

  it('returns null when no rule matches, and skips a rule that does not compile', () => {
    expect(applyFileNameRules('IMG_0001.JPG', [site])).toBeNull();
    expect(applyFileNameRules('12345_OD_1.jpg', [rule('bad', '(?<patientId>\\d+'), site])?.ruleId).toBe('site');
  });

  it('gives the same answer every time even with the g flag (no lastIndex state)', () => {
    const global = rule('g', '(?<patientId>\\d+)_(?<eye>OD|OS)', 'gi');
    expect(applyFileNameRules('5_od.jpg', [global])?.patientId).toBe('5');
    expect(applyFileNameRules('5_od.jpg', [global])?.patientId).toBe('5');
  });

  it('treats empty groups as absent', () => {
    expect(applyFileNameRules('_OD.jpg', [rule('r', '^(?<patientId>\\d*)_(?<eye>OD|OS)')])).toMatchObject({ patientId: null, laterality: 'OD' });
  });
});

describe('validateFileNameRule', () => {
  it('accepts a usable rule', () => {
    expect(validateFileNameRule('^(?<patientId>\\d+)_(?<eye>OD|OS)_', 'i')).toBeNull();
    expect(validateFileNameRule('(?<accession>A\\d+)')).toBeNull();
  });

  it('rejects an invalid regular expression with a message', () => {
    expect(validateFileNameRule('(?<patientId>\\d+')).toMatch(/not a valid regular expression/);
    // Valid only when wrapped in a group: the bare pattern is what runs.
    expect(validateFileNameRule('a)(?<eye>b')).toMatch(/not a valid regular expression/);
  });

  it('rejects a pattern without any group the station uses', () => {
    expect(validateFileNameRule('^\\d+_(OD|OS)')).toMatch(/names none of the groups/);
    expect(validateFileNameRule('^(?<patient>\\d+)')).toMatch(/names none of the groups/);
  });

  it('rejects bad flags and empty patterns', () => {
    expect(validateFileNameRule('(?<eye>OD)', 'ix')).toMatch(/flags/);
    expect(validateFileNameRule('(?<eye>OD)', 'ii')).toMatch(/flags/);
    expect(validateFileNameRule('   ')).toMatch(/empty/);
  });
});
