// Reading the field values worklist sources actually send (dates in several spellings, sex as a
// word or a letter) into the one form orders use. Pure functions; null means "not readable".
import { isRealDate, localToUtcIso, parseDicomDa, parseDicomTm, toUtcIso, type Hms, type Ymd } from '../../../../shared/dates.ts';
import type { Sex } from '../../../../shared/orders.ts';

// The date arithmetic is src/shared/dates.ts's; csv.ts and http-json.ts meet it here.
export { localToUtcIso, ymdToString, type Hms, type Ymd } from '../../../../shared/dates.ts';

const real = (y: number, m: number, d: number): Ymd | null => (isRealDate(y, m, d) ? { y, m, d } : null);

/**
 * A calendar date written as YYYY-MM-DD, YYYYMMDD (DICOM DA), DD.MM.YYYY or DD/MM/YYYY.
 * Slashes are read day first (European exports); see `slashDateOrder` for the guard against
 * month-first files.
 */
export const parseDate = (value: string): Ymd | null => {
  const v = value.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  if (m) return real(Number(m[1]), Number(m[2]), Number(m[3]));
  if (/^\d{8}$/.test(v)) return parseDicomDa(v);
  m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(v);
  if (m) return real(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
};

/**
 * Which way round the slash dates in one file are. A first part above 12 proves day-first; a
 * second part above 12 proves month-first; both means the column is garbage.
 */
export const slashDateOrder = (values: Iterable<string>): 'day-first' | 'month-first' | 'mixed' | 'unknown' => {
  let dayFirst = false;
  let monthFirst = false;
  for (const value of values) {
    const m = /^(\d{1,2})\/(\d{1,2})\/\d{4}(?:[T ]|$)/.exec(value.trim());
    if (!m) continue;
    if (Number(m[1]) > 12) dayFirst = true;
    if (Number(m[2]) > 12) monthFirst = true;
  }
  if (dayFirst && monthFirst) return 'mixed';
  if (monthFirst) return 'month-first';
  return dayFirst ? 'day-first' : 'unknown';
};

/** A time of day: HH:MM, HH:MM:SS, or DICOM TM (HHMM, HHMMSS, HHMMSS.FFFFFF). */
export const parseTime = (value: string): Hms | null => {
  const v = value.trim();
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(v);
  const t = m ? { h: Number(m[1]), mi: Number(m[2]), s: Number(m[3] ?? 0) } : parseDicomTm(v);
  return t && t.h <= 23 && t.mi <= 59 && t.s <= 59 ? { h: t.h, mi: t.mi, s: t.s } : null;
};

/**
 * A scheduled date-time in one field: ISO with an offset (kept exact), or a date and a time
 * separated by "T" or a space without an offset (station local time), or a date alone (midnight).
 */
export const parseDateTime = (value: string): string | null => {
  const v = value.trim();
  const withOffset = toUtcIso(v);
  if (withOffset) return withOffset;
  const m = /^(\S+?)(?:[T ](\S+))?$/.exec(v);
  if (!m) return null;
  const date = parseDate(m[1] ?? '');
  if (!date) return null;
  if (m[2] === undefined) return localToUtcIso(date);
  const time = parseTime(m[2]);
  return time ? localToUtcIso(date, time) : null;
};

const sexWords: Record<string, Sex> = {
  m: 'M',
  male: 'M',
  man: 'M',
  f: 'F',
  female: 'F',
  woman: 'F',
  w: 'F', // German exports: weiblich
  o: 'O',
  other: 'O',
  d: 'O', // German exports: divers
  x: 'O',
  u: 'U',
  unknown: 'U',
};

/** Sex as a letter or a word; blank is Unknown; anything unrecognised is null (the row is rejected). */
export const parseSex = (value: string | null | undefined): Sex | null => {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return 'U';
  return sexWords[v] ?? null;
};

/** Text that may be missing: trimmed, blank as null. Numbers are accepted as their digits. */
export const text = (value: unknown): string | null => {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const v = value.trim();
  return v === '' ? null : v;
};
