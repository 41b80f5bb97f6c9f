// Per-site file-name rules: a regular expression with named groups (patientId, eye, field,
// accession) tells what a camera's file names mean, e.g. "12345_OD_1.jpg".
// A rule runs only if it cannot backtrack for long (filename-rule-safety.ts), and only on
// names of at most 255 bytes: one hostile file name must never stop the station.
// Pure and shared: the core's metadata stage runs it on every file, and the File-name rules screen
// runs the very same functions for its "try a file name" box (previewFileNameRules).
import type { FileNameRule, Laterality } from './domain.ts';
import { fileNameRuleSafety, MAX_FILE_NAME_BYTES, MAX_RULE_PATTERN_LENGTH, utf8Length } from './filename-rule-safety.ts';

const RIGHT_WORDS = new Set(['R', 'RE', 'OD', 'RIGHT']);
const LEFT_WORDS = new Set(['L', 'LE', 'OS', 'LEFT']);

/** A file-name rule's eye value: R/RE/OD/right -> OD, L/LE/OS/left -> OS (any case), else null. */
export function eyeValueToLaterality(value: string | null | undefined): Laterality | null {
  const v = value?.trim().toUpperCase();
  if (!v) return null;
  if (RIGHT_WORDS.has(v)) return 'OD';
  if (LEFT_WORDS.has(v)) return 'OS';
  return null;
}

export const KNOWN_GROUPS = ['patientId', 'eye', 'field', 'accession'] as const;

export interface FileNameMatch {
  ruleId: string;
  patientId: string | null;
  laterality: Laterality | null;
  field: string | null;
  accessionNumber: string | null;
}

/** The base name (no folder), with and without its extension: a rule may be written for either. */
function candidates(fileName: string): string[] {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? [base, base.slice(0, dot)] : [base];
}

// 'g' and 'y' make a RegExp remember lastIndex between calls; a rule must match the same way each time.
const statelessFlags = (flags: string | undefined): string => (flags ?? '').replace(/[gy]/g, '');

const compiledRules = new Map<string, RegExp | null>();

/** The rule's RegExp, or null when it does not compile or could backtrack for long (then it never runs). */
function compile(rule: FileNameRule): RegExp | null {
  const flags = statelessFlags(rule.flags);
  const key = `${flags}/${rule.pattern}`;
  if (compiledRules.has(key)) return compiledRules.get(key)!;
  let re: RegExp | null = null;
  try {
    // Settings validation refuses both kinds; a rule stored by an older version, or a camera
    // profile's rule, that slipped through is skipped here (SettingsService says so on load).
    if (fileNameRuleSafety(rule.pattern, flags).safe) re = new RegExp(rule.pattern, flags);
  } catch {
    re = null;
  }
  if (compiledRules.size >= 200) compiledRules.clear();
  compiledRules.set(key, re);
  return re;
}

const clean = (v: string | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};

let applied = 0;

/** How many times rules were applied to a name in this process (tests check: once per image). */
export const fileNameRulesApplied = (): number => applied;

/** The first rule that matches the file's base name, and what its groups say. */
export function applyFileNameRules(fileName: string, rules: readonly FileNameRule[]): FileNameMatch | null {
  applied++;
  const names = candidates(fileName);
  // No file system cameras write to allows longer names; a longer one is not a camera's and no rule reads it.
  if (utf8Length(names[0]!) > MAX_FILE_NAME_BYTES) return null;
  for (const rule of rules) {
    const re = compile(rule);
    if (!re) continue;
    for (const name of names) {
      const m = re.exec(name);
      if (!m) continue;
      const g = m.groups ?? {};
      return {
        ruleId: rule.id,
        patientId: clean(g.patientId),
        laterality: eyeValueToLaterality(g.eye),
        field: clean(g.field),
        accessionNumber: clean(g.accession),
      };
    }
  }
  return null;
}

/** Names of the named groups a pattern declares (an empty alternative makes any pattern match ''). */
function groupNames(pattern: string, flags: string): string[] {
  const m = new RegExp(`(?:${pattern})|`, flags).exec('');
  return Object.keys(m?.groups ?? {});
}

/** A message for settings when the rule cannot work, or null when it is usable. */
export function validateFileNameRule(pattern: string, flags?: string): string | null {
  if (!pattern.trim()) return 'The pattern is empty.';
  if (pattern.length > MAX_RULE_PATTERN_LENGTH) return `The pattern is longer than ${MAX_RULE_PATTERN_LENGTH} characters; file-name rules are short. Shorten it.`;
  const f = flags ?? '';
  if (!/^[dgimsuvy]*$/.test(f) || new Set(f).size !== f.length) {
    return `The flags "${f}" are not valid; use letters from i, m, s, u (each at most once).`;
  }
  let names: string[];
  try {
    const compiled = new RegExp(pattern, f); // the bare pattern must compile, not only when wrapped
    names = groupNames(compiled.source, statelessFlags(f));
  } catch (err) {
    const detail = (err as Error).message.replace(/^Invalid regular expression: /, '');
    return `The pattern is not a valid regular expression (${detail}).`;
  }
  if (!names.some((n) => (KNOWN_GROUPS as readonly string[]).includes(n))) {
    return 'The pattern names none of the groups the station uses: (?<patientId>...), (?<eye>...), (?<field>...) or (?<accession>...).';
  }
  const safety = fileNameRuleSafety(pattern, f);
  return safety.safe ? null : safety.message;
}

/** One rule as the "try a file name" box shows it. */
export interface RuleTrial {
  ruleId: string;
  /** Why the rule cannot be saved or used (the same words settings.update refuses it with), or null. */
  problem: string | null;
  /** Whether this rule, on its own, matches the name. */
  matches: boolean;
}

export interface FileNamePreview {
  /** The name is longer than any camera writes (255 bytes): no rule runs on it. */
  tooLong: boolean;
  rules: RuleTrial[];
  /** What the station would take from the name: the first usable rule that matches, in order. */
  match: FileNameMatch | null;
}

/** What the rules make of a file name, rule by rule and as the station applies them (first match wins). */
export function previewFileNameRules(fileName: string, rules: readonly FileNameRule[]): FileNamePreview {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const tooLong = utf8Length(base) > MAX_FILE_NAME_BYTES;
  const trials = rules.map((rule) => {
    const problem = validateFileNameRule(rule.pattern, rule.flags);
    return { ruleId: rule.id, problem, matches: !problem && !tooLong && applyFileNameRules(fileName, [rule]) !== null };
  });
  const usable = rules.filter((_, i) => trials[i]!.problem === null);
  return { tooLong, rules: trials, match: fileName ? applyFileNameRules(fileName, usable) : null };
}
