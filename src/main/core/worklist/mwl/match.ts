// Matching one query value against one item value, as cameras expect it (PS3.4 C.2.2.2, with the
// leniencies worklist servers in the field use): universal (empty or "*"), single value, "*" and "?"
// wildcards, date and time ranges, names without case or accents. Pure.
import { foldText } from './charset.ts';

/** A query value as dcmjs-dimse hands it: trailing padding trimmed (it leaves "20261130- "). */
export const cleanQueryValue = (v: string): string => v.replace(/[\s\0]+$/, '').replace(/^\s+/, '');

export const isUniversal = (q: string): boolean => q === '' || /^\*+$/.test(q);
export const hasWildcard = (q: string): boolean => /[*?]/.test(q);

const regexCache = new Map<string, RegExp>();
function wildcardRegex(q: string): RegExp {
  let re = regexCache.get(q);
  if (!re) {
    const body = [...q].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`, 's');
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(q, re);
  }
  return re;
}

/** Single value or wildcards; exact case (codes, AE titles, descriptions). */
export function matchText(q: string, value: string): boolean {
  if (isUniversal(q)) return true;
  return hasWildcard(q) ? wildcardRegex(q).test(value) : q === value;
}

/** Identifiers (patient id, accession, procedure and step ids): like text, but without case, as the station compares ids. */
export const matchId = (q: string, value: string): boolean => matchText(q.toUpperCase(), value.toUpperCase());

/**
 * Person names: without case or accents ("muller*" finds "Müller^Anna"), on the whole PN string
 * with its "^" component separators, so "MÜLLER^ANNA" and "Müller*" both match. Only the
 * alphabetic group counts (the part before "=").
 */
export function matchName(q: string, value: string): boolean {
  if (isUniversal(q)) return true;
  const alpha = (s: string) => foldText(s.split('=')[0] ?? '').replace(/\^+$/, '');
  return matchText(alpha(q), alpha(value));
}

/** A DA or TM query: a single value, or a range with either end open. */
export interface Range {
  lo: string | null;
  hi: string | null;
}

export class QueryValueError extends Error {}

const DA = /^\d{8}$/;

/** "20261130", "20261101-20261130", "-20261130", "20261101-" (null: universal). */
export function parseDateQuery(q: string): Range | null {
  if (isUniversal(q)) return null;
  const parts = q.split('-');
  const ok = (s: string) => s === '' || DA.test(s);
  if (parts.length === 1 && DA.test(q)) return { lo: q, hi: q };
  if (parts.length === 2 && ok(parts[0]!) && ok(parts[1]!) && (parts[0] || parts[1])) return { lo: parts[0] || null, hi: parts[1] || null };
  throw new QueryValueError('date');
}

const TM = /^(\d{2})(\d{2})?(\d{2})?(\.\d{1,6})?$/;

// A TM bound as HHMMSS: the start of its precision (low end) or its end (high end): "12" -> 120000 / 125959.
function timeBound(t: string, high: boolean): string {
  const m = TM.exec(t.replace(/:/g, ''));
  if (!m) throw new QueryValueError('time');
  return `${m[1]}${m[2] ?? (high ? '59' : '00')}${m[3] ?? (high ? '59' : '00')}`;
}

/** "0800", "080000-120000", "-1200", "0800-" (null: universal). Bounds as HHMMSS. */
export function parseTimeQuery(q: string): Range | null {
  if (isUniversal(q)) return null;
  const parts = q.split('-');
  if (parts.length === 1) return { lo: timeBound(q, false), hi: timeBound(q, true) };
  if (parts.length !== 2 || (!parts[0] && !parts[1])) throw new QueryValueError('time');
  return { lo: parts[0] ? timeBound(parts[0], false) : null, hi: parts[1] ? timeBound(parts[1], true) : null };
}

const inRange = (v: string, r: Range): boolean => (r.lo === null || v >= r.lo) && (r.hi === null || v <= r.hi);

/** A date value (YYYYMMDD; '' never matches a range). */
export const matchDate = (r: Range | null, value: string): boolean => r === null || (value !== '' && inRange(value, r));

/**
 * Scheduled Procedure Step Start Date and Time together. With both given they are one date-time
 * range (PS3.4 C.2.2.2.5.1, combined datetime matching): "20261101-20261130" with "0800-1700"
 * means from 1 November 08:00 to 30 November 17:00. One of them alone matches on its own.
 */
export function matchDateTime(date: Range | null, time: Range | null, itemDate: string, itemTime: string): boolean {
  if (date === null) return time === null || (itemTime !== '' && inRange(itemTime.slice(0, 6), time));
  if (time === null) return matchDate(date, itemDate);
  if (itemDate === '') return false;
  const at = `${itemDate}${(itemTime || '000000').slice(0, 6).padEnd(6, '0')}`;
  const lo = date.lo === null ? null : `${date.lo}${time.lo ?? '000000'}`;
  const hi = date.hi === null ? null : `${date.hi}${time.hi ?? '235959'}`;
  return inRange(at, { lo, hi });
}

/** UI: one UID or a list separated by "\" (list matching). */
export function matchUidList(q: string, value: string): boolean {
  if (q === '') return true;
  return q.split('\\').some((u) => cleanQueryValue(u.replace(/\0/g, '')) === value);
}
