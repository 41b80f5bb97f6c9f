// The File-name rules screen's "try a file name" box: previewFileNameRules, the shared pure function
// the screen runs, applies the very code the metadata stage applies, with the same safety limits.
import { describe, expect, it } from 'vitest';
import type { FileNameRule } from '../../src/shared/domain.ts';
import { applyFileNameRules as sharedApply, previewFileNameRules } from '../../src/shared/filename-rules.ts';
import { applyFileNameRules as coreApply, validateFileNameRule as coreValidate } from '../../src/main/core/metadata/filename-rules.ts';
import { validateFileNameRule as sharedValidate } from '../../src/shared/filename-rules.ts';

const rule = (id: string, pattern: string, flags?: string): FileNameRule => ({ id, name: id, pattern, flags });
const SITE = rule('site', '^(?<patientId>\\d+)_(?<eye>OD|OS)_(?<field>\\d+)');
const LOOSE = rule('loose', '^(?<patientId>\\d+)_');

describe('previewFileNameRules', () => {
  it('is the code the core runs (the same functions, not a copy)', () => {
    expect(coreApply).toBe(sharedApply);
    expect(coreValidate).toBe(sharedValidate);
  });

  it('shows the rule that matches first and what it yields', () => {
    const p = previewFileNameRules('12345_OD_2.jpg', [SITE, LOOSE]);
    expect(p.match).toEqual({ ruleId: 'site', patientId: '12345', laterality: 'OD', field: '2', accessionNumber: null });
    expect(p.rules).toEqual([
      { ruleId: 'site', problem: null, matches: true },
      { ruleId: 'loose', problem: null, matches: true },
    ]);
    // In the other order the loose rule wins, as it would at ingest.
    expect(previewFileNameRules('12345_OD_2.jpg', [LOOSE, SITE]).match?.ruleId).toBe('loose');
  });

  it('no rule matches: no match, and each rule says so', () => {
    const p = previewFileNameRules('IMG_0001.JPG', [SITE]);
    expect(p.match).toBeNull();
    expect(p.rules[0]).toEqual({ ruleId: 'site', problem: null, matches: false });
  });

  it('a slow pattern is refused with its reason in words and never runs, even where it would match', () => {
    const slow = rule('slow', '^(?<patientId>(a+)+)_OD');
    const p = previewFileNameRules('aaaa_OD.jpg', [slow, SITE]);
    expect(p.rules[0]!.problem).toMatch(/would stop the station/);
    expect(p.rules[0]!.matches).toBe(false);
    expect(p.match).toBeNull();
  });

  it('an invalid pattern or one naming no known group says why', () => {
    expect(previewFileNameRules('x', [rule('bad', '^(?<patientId>\\d+')]).rules[0]!.problem).toMatch(/not a valid regular expression/);
    expect(previewFileNameRules('x', [rule('nogroup', '^(\\d+)_')]).rules[0]!.problem).toMatch(/names none of the groups/);
  });

  it('a name longer than 255 bytes is not read by any rule (as at ingest)', () => {
    const long = `${'1'.repeat(300)}_OD_1.jpg`;
    const p = previewFileNameRules(long, [SITE]);
    expect(p.tooLong).toBe(true);
    expect(p.match).toBeNull();
    expect(coreApply(long, [SITE])).toBeNull();
  });
});
