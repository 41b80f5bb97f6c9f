// Whether a file-name rule (a regular expression) can take very long on some file name: JavaScript
// regular expressions backtrack, and a pattern such as ^(a+)+_OD$ takes twice as long for each
// extra "a" in a name that does not match, which stops the whole station. scslre (the analysis
// behind eslint-plugin-regexp's no-super-linear-backtracking rule) finds the quantifiers that cause
// it; the policy below decides which findings are too slow for names of at most 255 bytes.
// Pure JS, no node: or DOM imports: the settings schema (shared with the screens) uses it.
import { analyse, type Report } from 'scslre';

/** File names are at most 255 bytes on the file systems cameras write to; rules never run on longer ones. */
export const MAX_FILE_NAME_BYTES = 255;
/** A file-name rule longer than this is refused (real rules are a few dozen characters). */
export const MAX_RULE_PATTERN_LENGTH = 500;

/**
 * Polynomial backtracking of this degree or more is refused: on a 255-character name degree 3 is
 * at most ~17 million steps (tens of milliseconds), degree 4 is billions (minutes).
 */
const REFUSED_DEGREE = 4;

const ADVICE =
  'Write it without a repeated part inside another repeated part (such as (a+)+ or (\\d*)*) and without several .* or .+ that can match the same characters; a narrower class such as [^_]+ or \\d+ instead of .* usually fixes it.';

/** Length of the longest chain of quantifiers that trade characters with each other (the polynomial degree). */
function tradeChain(reports: readonly Report[]): number {
  const next = new Map<number, Set<number>>();
  const nodes = new Set<number>();
  for (const r of reports) {
    if (r.type === 'Move') nodes.add(r.quant.start);
    if (r.type !== 'Trade') continue;
    const [a, b] = [r.startQuant.start, r.endQuant.start].sort((x, y) => x - y) as [number, number];
    nodes.add(a).add(b);
    if (a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  const longest = new Map<number, number>();
  // Edges always go from an earlier to a later position, so walking positions backwards is a topological order.
  for (const n of [...nodes].sort((x, y) => y - x)) {
    let best = 1;
    for (const m of next.get(n) ?? []) best = Math.max(best, 1 + (longest.get(m) ?? 1));
    longest.set(n, best);
  }
  return Math.max(0, ...longest.values());
}

export type RuleSafety = { safe: true } | { safe: false; reason: 'too-long' | 'exponential' | 'nested' | 'polynomial'; message: string };

const cache = new Map<string, RuleSafety>();

function assess(pattern: string, flags: string): RuleSafety {
  if (pattern.length > MAX_RULE_PATTERN_LENGTH) {
    return { safe: false, reason: 'too-long', message: `The pattern is longer than ${MAX_RULE_PATTERN_LENGTH} characters; file-name rules are short. Shorten it.` };
  }
  let reports: Report[];
  try {
    reports = analyse({ source: pattern, flags: flags.replace(/[^dimsuv]/g, '') }, { maxReports: 100 }).reports;
  } catch {
    return { safe: true }; // not a valid pattern: the syntax check reports that, and such a rule never runs
  }
  if (reports.some((r) => r.exponential)) {
    return { safe: false, reason: 'exponential', message: `This pattern can take hours on some file names and would stop the station. ${ADVICE}` };
  }
  if (reports.some((r) => r.type === 'Self')) {
    return { safe: false, reason: 'nested', message: `This pattern can take minutes on some file names and would stop the station. ${ADVICE}` };
  }
  const degree = tradeChain(reports) + (reports.some((r) => r.type === 'Move') ? 1 : 0);
  if (degree >= REFUSED_DEGREE) {
    return { safe: false, reason: 'polynomial', message: `This pattern can take minutes on some file names and would stop the station. ${ADVICE}` };
  }
  return { safe: true };
}

/** Whether the rule may run on file names; cached, since the same few rules are asked about for every file. */
export function fileNameRuleSafety(pattern: string, flags = ''): RuleSafety {
  const key = `${flags}/${pattern}`;
  let found = cache.get(key);
  if (!found) {
    found = assess(pattern, flags);
    if (cache.size >= 200) cache.clear(); // a few rules in practice; never grows without bound
    cache.set(key, found);
  }
  return found;
}

/** Bytes of a file name in UTF-8, without node:buffer (this module also runs in the screens). */
export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
