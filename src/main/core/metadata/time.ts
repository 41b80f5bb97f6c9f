// Camera clock values -> UTC ISO-8601 plus the camera's own offset. A time without an offset is
// taken as local time of this machine (the station sits beside the camera), and its offset is
// left unknown rather than guessed. The calendar arithmetic and DICOM DA/TM grammar are the
// station's one date module's (src/shared/dates.ts); this file knows cameras.
import { formatOffset, fractionToMs, isRealDate, localToUtcIso, parseDicomDa, parseDicomTm, parseOffset, ymdToString } from '../../../shared/dates.ts';

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface TakenTime {
  takenAt: string;
  takenOffset: string | null;
}

export function isValidLocal(t: LocalDateTime): boolean {
  if (t.year < 1900 || t.year > 2999) return false;
  if (t.hour > 23 || t.minute > 59 || t.second > 60 || t.millisecond > 999) return false;
  return isRealDate(t.year, t.month, t.day);
}

/** UTC instant of a camera-local time; offsetMinutes null means "local time of this machine". */
export function toTakenTime(t: LocalDateTime, offsetMinutes: number | null): TakenTime | null {
  if (!isValidLocal(t)) return null;
  const second = Math.min(t.second, 59); // a leap second is not worth an invalid date
  if (offsetMinutes === null) {
    const takenAt = localToUtcIso({ y: t.year, m: t.month, d: t.day }, { h: t.hour, mi: t.minute, s: second }, t.millisecond);
    return { takenAt, takenOffset: null };
  }
  const utc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, second, t.millisecond) - offsetMinutes * 60_000;
  return { takenAt: new Date(utc).toISOString(), takenOffset: formatOffset(offsetMinutes) };
}

/** EXIF "YYYY:MM:DD HH:MM:SS" (also with '-' or 'T', as XMP writes it). */
export function parseExifDateTime(text: string | null | undefined, subSec?: string | null): LocalDateTime | null {
  if (!text) return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/.exec(text.trim());
  if (!m) return null;
  const t: LocalDateTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? '0'),
    millisecond: fractionToMs(m[7] ?? subSec?.trim()),
  };
  return isValidLocal(t) ? t : null;
}

/** The offset an XMP/ISO date-time carries at its end ("...+02:00" or "...Z"), if any. */
export function isoTrailingOffset(text: string): number | null {
  const m = /(Z|[+-]\d{2}:?\d{2})$/.exec(text.trim());
  return m ? parseOffset(m[1]) : null;
}

/** DICOM DA "YYYYMMDD" (old ACR-NEMA files write "YYYY.MM.DD") -> parts, for a year a camera can mean. */
export function parseDicomDate(text: string | null | undefined): { year: number; month: number; day: number } | null {
  const da = parseDicomDa(text);
  if (!da) return null;
  const d = { year: da.y, month: da.m, day: da.d };
  return isValidLocal({ ...d, hour: 0, minute: 0, second: 0, millisecond: 0 }) ? d : null;
}

/** DICOM DA -> "YYYY-MM-DD", or null. */
export function dicomDateToIso(text: string | null | undefined): string | null {
  const d = parseDicomDate(text);
  return d ? ymdToString({ y: d.year, m: d.month, d: d.day }) : null;
}

/** DICOM TM "HHMMSS.FFFFFF" (or "HH:MM:SS.frac"); hours are required, the rest may be left off. */
export function parseDicomTime(text: string | null | undefined): Pick<LocalDateTime, 'hour' | 'minute' | 'second' | 'millisecond'> | null {
  const t = parseDicomTm(text);
  return t ? { hour: t.h, minute: t.mi, second: t.s, millisecond: t.ms } : null;
}

/** DICOM DT "YYYYMMDDHHMMSS.FFFFFF&ZZXX": needs at least the hour; may carry its own offset. */
export function parseDicomDateTime(text: string | null | undefined): { local: LocalDateTime; offsetMinutes: number | null } | null {
  if (!text) return null;
  const m = /^(\d{8})(\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,6})?)?)?)([+-]\d{4})?$/.exec(text.trim());
  if (!m) return null;
  const date = parseDicomDate(m[1]);
  const time = parseDicomTime(m[2]);
  if (!date || !time) return null;
  return { local: { ...date, ...time }, offsetMinutes: m[3] ? parseOffset(m[3]) : null };
}
