// Issue 12 item 7: a file-name rule such as ^(?<patientId>(a+)+)_OD$ took seconds per file name
// (doubling per character) and froze the station. Such rules are refused when saved, skipped when
// found stored, and no rule runs on a name longer than 255 bytes.
import { describe, expect, it } from 'vitest';
import type { FileNameRule } from '../../src/shared/domain.ts';
import { fileNameRuleSafety, MAX_RULE_PATTERN_LENGTH, utf8Length } from '../../src/shared/filename-rule-safety.ts';
import { stationSettingsSchema } from '../../src/shared/settings.ts';
import { fileNameRuleProblems } from '../../src/shared/devices.ts';
import { applyFileNameRules, validateFileNameRule } from '../../src/main/core/metadata/filename-rules.ts';

const rule = (id: string, pattern: string, flags?: string): FileNameRule => ({ id, name: id, pattern, flags });
const hostile = (n: number) => `${'a'.repeat(n)}!.jpg`;

const UNSAFE = [
  '^(?<patientId>(a+)+)_OD$', // the issue's rule: exponential
  '^(?<patientId>\\d+)*_(?<eye>OD|OS)$',
  '^(?<patientId>(\\w+\\s?)*)$',
  '^(?<patientId>(?:.*a){20})$', // a repeat inside a repeat
  '^(?<patientId>.*.*.*.*.*.*)=$', // polynomial of high degree
  '(?<patientId>.*)-(?<eye>.*)-(?<field>.*)x', // unanchored: 2 s on a 255-character name
  '^(?<patientId>.+)_(?<eye>.+)_(?<field>.+)_(?<accession>.+)$',
];

const SAFE = [
  // test/unit/metadata-filename-rules.test.ts, the README and the end-to-end tests
  '^(?<patientId>\\d+)_(?<eye>[A-Za-z]+)_(?<field>\\d+)',
  '^ACC(?<accession>\\d+)-(?<eye>OD|OS)$',
  '^(?<patientId>\\d+)_(?<eye>OD|OS)_',
  '(?<accession>A\\d+)',
  '^(?<patientId>[A-Z0-9-]+)_(?<eye>OD|OS)_',
  '(?<patientId>\\d+)_(?<eye>OD|OS)',
  '^(?<patientId>\\d*)_(?<eye>OD|OS)',
  // common shapes with optional parts, lazy and lookaround
  '^(?<patientId>\\d+)(?:_\\d+)?_(?<eye>OD|OS)',
  '^(?<patientId>[A-Z]+\\d+)_(?<eye>OD|OS)(?:_(?<field>\\d+))?(?:_.*)?$',
  '^(?<patientId>.+?)_(?<eye>R|L)',
  '(?<patientId>[^_]+)_(?<eye>[^_]+)_(?<field>[^_]+)',
  '^(?<patientId>.*)_(?<eye>.*)_(?<field>.*)$', // cubic at worst: tens of ms on 255 characters
  '(?<=ID)(?<patientId>\\d+)',
];

describe('fileNameRuleSafety', () => {
  it.each(UNSAFE)('refuses %s', (pattern) => {
    const s = fileNameRuleSafety(pattern);
    expect(s.safe).toBe(false);
    if (!s.safe) expect(s.message).toMatch(/would stop the station/);
  });

  it.each(SAFE)('accepts %s', (pattern) => {
    expect(fileNameRuleSafety(pattern)).toEqual({ safe: true });
    expect(validateFileNameRule(pattern)).toBeNull();
  });

  it('refuses a pattern longer than the limit', () => {
    const long = `^(?<patientId>${'a'.repeat(MAX_RULE_PATTERN_LENGTH)})`;
    expect(validateFileNameRule(long)).toMatch(/longer than 500 characters/);
  });

  it('counts UTF-8 bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
  });
});

describe('the settings schema (shared by the core and the screens)', () => {
  it('puts the refusal on the rule pattern, naming the rule', () => {
    const parsed = stationSettingsSchema.partial().safeParse({ fileNameRules: [{ id: 'r1', name: 'Old camera', pattern: '^(?<patientId>(a+)+)_OD$' }] });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect(issue.path).toEqual(['fileNameRules', 0, 'pattern']);
    expect(issue.message).toMatch(/^File-name rule "Old camera": This pattern can take/);
  });

  it('still accepts the usual rules', () => {
    const rules = SAFE.map((p, i) => rule(`r${i}`, p)).slice(0, 20);
    expect(stationSettingsSchema.partial().safeParse({ fileNameRules: rules }).success).toBe(true);
  });
});

describe('a camera profile\u2019s file-name rule', () => {
  it('is refused the same way (Cameras screen field)', () => {
    expect(fileNameRuleProblems('^(?<patientId>(a+)+)_OD$')).toEqual([expect.stringMatching(/^The file-name rule is refused: This pattern can take/)]);
    expect(fileNameRuleProblems('^(?<patientId>\\d+)_(?<eye>OD|OS)_')).toEqual([]);
  });
});

describe('applyFileNameRules never runs an unsafe rule', () => {
  it('skips the issue\u2019s rule on the hostile name and uses the next rule', () => {
    const site = rule('site', '^(?<patientId>a+)!');
    // 40 a's: 2^40 steps if the rule ran (hours); skipped, so this returns at once.
    expect(applyFileNameRules(hostile(40), [rule('bad', '^(?<patientId>(a+)+)_OD$'), site])).toMatchObject({ ruleId: 'site', patientId: 'a'.repeat(40) });
  });

  it('runs no rule on a name longer than 255 bytes', () => {
    const any = rule('any', '(?<patientId>\\d+)');
    expect(applyFileNameRules(`${'1'.repeat(251)}.jpg`, [any])?.patientId).toBe('1'.repeat(251));
    expect(applyFileNameRules(`${'1'.repeat(252)}.jpg`, [any])).toBeNull();
    expect(applyFileNameRules(`/some/folder/${'é'.repeat(130)}1.jpg`, [any])).toBeNull();
  });
});
