// Camera clock values -> UTC ISO-8601 plus the camera's own offset. A time without an offset is
// taken as local time of this machine (the station sits beside the camera), and its offset is
// left unknown rather than guessed.

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

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function isValidLocal(t: LocalDateTime): boolean {
  if (t.year < 1900 || t.year > 2999) return false;
  if (t.hour > 23 || t.minute > 59 || t.second > 60 || t.millisecond > 999) return false;
  const probe = new Date(Date.UTC(t.year, t.month - 1, t.day));
  return probe.getUTCMonth() === t.month - 1 && probe.getUTCDate() === t.day;
}

/** UTC instant of a camera-local time; offsetMinutes null means "local time of this machine". */
export function toTakenTime(t: LocalDateTime, offsetMinutes: number | null): TakenTime | null {
  if (!isValidLocal(t)) return null;
  const second = Math.min(t.second, 59); // a leap second is not worth an invalid date
  if (offsetMinutes === null) {
    const local = new Date(t.year, t.month - 1, t.day, t.hour, t.minute, second, t.millisecond);
    return Number.isNaN(local.getTime()) ? null : { takenAt: local.toISOString(), takenOffset: null };
  }
  const utc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, second, t.millisecond) - offsetMinutes * 60_000;
  return { takenAt: new Date(utc).toISOString(), takenOffset: formatOffset(offsetMinutes) };
}

/** Fractional seconds as digits ("25", "392000") -> milliseconds. */
export function fractionToMs(digits: string | null | undefined): number {
  if (!digits || !/^\d+$/.test(digits)) return 0;
  return Math.min(999, Math.round(Number(`0.${digits}`) * 1000));
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

/** DICOM DA "YYYYMMDD" (old ACR-NEMA files write "YYYY.MM.DD") -> parts. */
export function parseDicomDate(text: string | null | undefined): { year: number; month: number; day: number } | null {
  if (!text) return null;
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidLocal({ ...d, hour: 0, minute: 0, second: 0, millisecond: 0 }) ? d : null;
}

/** DICOM DA -> "YYYY-MM-DD", or null. */
export function dicomDateToIso(text: string | null | undefined): string | null {
  const d = parseDicomDate(text);
  if (!d) return null;
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** DICOM TM "HHMMSS.FFFFFF" (or "HH:MM:SS.frac"); hours are required, the rest may be left off. */
export function parseDicomTime(text: string | null | undefined): Pick<LocalDateTime, 'hour' | 'minute' | 'second' | 'millisecond'> | null {
  if (!text) return null;
  const m = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(text.trim());
  if (!m) return null;
  const t = { hour: Number(m[1]), minute: Number(m[2] ?? '0'), second: Number(m[3] ?? '0'), millisecond: fractionToMs(m[4]) };
  return t.hour <= 23 && t.minute <= 59 && t.second <= 60 ? t : null;
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
