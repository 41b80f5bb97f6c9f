// Per-site file-name rules: a regular expression with named groups (patientId, eye, field,
// accession) tells what a camera's file names mean, e.g. "12345_OD_1.jpg".
import type { FileNameRule, Laterality } from '../../../shared/domain.ts';
import { eyeValueToLaterality } from './laterality.ts';

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

function compile(rule: FileNameRule): RegExp | null {
  try {
    return new RegExp(rule.pattern, statelessFlags(rule.flags));
  } catch {
    return null; // settings validation rejects these; a bad rule that slipped through is skipped
  }
}

const clean = (v: string | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};

/** The first rule that matches the file's base name, and what its groups say. */
export function applyFileNameRules(fileName: string, rules: readonly FileNameRule[]): FileNameMatch | null {
  const names = candidates(fileName);
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
  return null;
}
