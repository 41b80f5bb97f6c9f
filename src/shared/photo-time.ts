// One time per photo, everywhere it is shown or sorted: when the camera took it, if the camera's
// clock can be believed, else when the station took it in. Pure; the core (exam order, the best
// image's "last taken", the views) and the renderer (how the time is written) share it.
//
// Believable: the capture time lies between BELIEVABLE_DAYS_BEFORE days before the photo arrived
// and BELIEVABLE_MINUTES_AFTER minutes after it. A camera cannot take a photo after the station
// received it (a few minutes allow for two clocks set slightly apart), and a photo on a camera card
// may wait a few weeks before it is imported, not years: a camera whose battery reset its clock
// says 2004 or 2007, and that photo must neither look like today's nor sort first.
import { localDateString, pad2 } from './dates.ts';

export const BELIEVABLE_DAYS_BEFORE = 30;
export const BELIEVABLE_MINUTES_AFTER = 10;

export interface PhotoTime {
  /** The time to show and sort by (UTC ISO). */
  at: string;
  /** camera: the capture time (from the file, or its time on the camera card); arrival: when the station took it in. */
  source: 'camera' | 'arrival';
  /** The capture time the camera gave when it is not believable (UTC ISO), to show as "camera clock says …"; else null. */
  cameraClock: string | null;
}

const ms = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

/** Whether a capture time can be believed, judged against when the photo arrived. */
export function isBelievableCaptureTime(takenAt: string | null | undefined, arrivedAt: string): boolean {
  const t = ms(takenAt);
  const a = ms(arrivedAt);
  if (Number.isNaN(t)) return false;
  if (Number.isNaN(a)) return true;
  return t >= a - BELIEVABLE_DAYS_BEFORE * 86_400_000 && t <= a + BELIEVABLE_MINUTES_AFTER * 60_000;
}

/** The one time of a photo: its capture time when believable, else its arrival time (with the camera's time kept to show). */
export function photoTime(takenAt: string | null | undefined, arrivedAt: string): PhotoTime {
  if (isBelievableCaptureTime(takenAt, arrivedAt)) return { at: new Date(ms(takenAt)).toISOString(), source: 'camera', cameraClock: null };
  const cameraClock = takenAt && !Number.isNaN(ms(takenAt)) ? new Date(ms(takenAt)).toISOString() : null;
  return { at: arrivedAt, source: 'arrival', cameraClock };
}

/** The capture time if believable, else null (callers fall back to the arrival time). */
export const believableTakenAt = (takenAt: string | null | undefined, arrivedAt: string): string | null =>
  isBelievableCaptureTime(takenAt, arrivedAt) ? new Date(ms(takenAt)).toISOString() : null;

const hms = (d: Date): string => `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;

/**
 * How a photo's time is written: the time alone when it is today (on this computer's clock), else
 * the date and the time ("2025-03-01 09:30:12"), so a photo from another day never looks like today's.
 */
export function formatPhotoTime(iso: string | null | undefined, now: Date = new Date()): string {
  const t = ms(iso);
  if (Number.isNaN(t)) return '—';
  const d = new Date(t);
  const day = localDateString(d);
  return day === localDateString(now) ? hms(d) : `${day} ${hms(d)}`;
}

/** "camera clock says 2004-03-01 10:22": the flag shown beside a photo whose capture time is not believable. */
export function cameraClockNote(cameraClock: string | null | undefined): string | null {
  const t = ms(cameraClock);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return `camera clock says ${localDateString(d)} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** What the time of a photo is, in words, for a tooltip. */
export function photoTimeTitle(t: PhotoTime): string {
  if (t.source === 'camera') return 'When the camera took it';
  if (t.cameraClock) return "When the station took it in; the camera's clock is wrong, so its own time is not used";
  return 'When the station took it in (the file has no capture time)';
}
