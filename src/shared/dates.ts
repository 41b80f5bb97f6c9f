// Calendar dates, wall-clock times and UTC offsets: the one home of the pure date parsing and
// formatting that the core (camera capture times, worklist sources, DICOM DA/TM) and the renderer
// share. No I/O and no node: imports. "Local" means this machine's clock, as Date reads it.

export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A calendar day. */
export interface Ymd {
  y: number;
  m: number; // 1-12
  d: number;
}

/** A time of day. */
export interface Hms {
  h: number;
  mi: number;
  s: number;
}

/** True when y-m-d names a real calendar day (no 30 February). */
export const isRealDate = (y: number, m: number, d: number): boolean => {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= daysInMonth;
};

/** "YYYY-MM-DD". */
export const ymdToString = ({ y, m, d }: Ymd): string => `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;

/** The date on this machine's clock, as YYYY-MM-DD (birth dates and worklist days are calendar days, not instants). */
export const localDateString = (now: Date): string => ymdToString({ y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() });

/**
 * A wall-clock date and time with no zone, read as this machine's local time, as UTC ISO.
 * The station stands in the clinic (and beside the camera) whose clock wrote it.
 */
export const localToUtcIso = (date: Ymd, time: Hms = { h: 0, mi: 0, s: 0 }, ms = 0): string =>
  new Date(date.y, date.m - 1, date.d, time.h, time.mi, time.s, ms).toISOString();

/** "+02:00", "+0200", "-05", "Z" -> minutes east of UTC; null when not an offset. */
export function parseOffset(text: string | null | undefined): number | null {
  if (!text) return null;
  const t = text.trim();
  if (t === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(t);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** Minutes east of UTC -> "+02:00". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

// Date and time with an explicit offset; seconds optional because HTML date-time inputs omit them.
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO-8601 date-time with an offset ("Z" or "+01:00"), converted to UTC ISO
 * ("2025-03-01T08:30:00.000Z"); null when it is not one or names an impossible date or time.
 */
export const toUtcIso = (value: string): string | null => {
  const m = ISO_DATETIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', offset] = m as unknown as string[];
  if (!isRealDate(Number(y), Number(mo), Number(d))) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const withColon = offset === 'Z' ? value.trim() : value.trim().replace(/([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const ms = Date.parse(withColon);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

/** Fractional seconds as digits ("25", "392000") -> milliseconds. */
export function fractionToMs(digits: string | null | undefined): number {
  if (!digits || !/^\d+$/.test(digits)) return 0;
  return Math.min(999, Math.round(Number(`0.${digits}`) * 1000));
}

/** DICOM DA "YYYYMMDD" (old ACR-NEMA files write "YYYY.MM.DD"); null unless a real day. */
export function parseDicomDa(text: string | null | undefined): Ymd | null {
  if (!text) return null;
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(y, mo, d) ? { y, m: mo, d } : null;
}

/**
 * DICOM TM "HHMMSS.FFFFFF" (or "HH:MM:SS.frac", as old files write it): hours are required, the
 * rest may be left off. Second 60 (a leap second) is allowed; the caller decides what it means.
 */
export function parseDicomTm(text: string | null | undefined): (Hms & { ms: number }) | null {
  if (!text) return null;
  const m = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(text.trim());
  if (!m) return null;
  const t = { h: Number(m[1]), mi: Number(m[2] ?? '0'), s: Number(m[3] ?? '0'), ms: fractionToMs(m[4]) };
  return t.h <= 23 && t.mi <= 59 && t.s <= 60 ? t : null;
}
