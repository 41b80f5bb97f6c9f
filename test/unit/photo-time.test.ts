// One time per photo (shared/photo-time.ts): the capture time when the camera's clock is
// believable, else the arrival time with the camera's clock flagged; today's photos show the time
// only, others the date too.
import { describe, expect, it } from 'vitest';
import { believableTakenAt, cameraClockNote, formatPhotoTime, isBelievableCaptureTime, photoTime } from '../../src/shared/photo-time.ts';

const arrived = '2025-06-10T09:00:00.000Z';

describe('photo time', () => {
  it('uses the capture time when it is believable', () => {
    expect(photoTime('2025-06-10T08:59:58.000Z', arrived)).toEqual({ at: '2025-06-10T08:59:58.000Z', source: 'camera', cameraClock: null });
    // A card imported the next week: still the camera's time.
    expect(isBelievableCaptureTime('2025-06-03T15:00:00.000Z', arrived)).toBe(true);
    // Two clocks a few minutes apart.
    expect(isBelievableCaptureTime('2025-06-10T09:05:00.000Z', arrived)).toBe(true);
  });

  it('a camera whose clock says 2004 (or the future) is shown and sorted by arrival, with its clock flagged', () => {
    const t = photoTime('2004-03-01T10:22:00.000Z', arrived);
    expect(t.at).toBe(arrived);
    expect(t.source).toBe('arrival');
    expect(t.cameraClock).toBe('2004-03-01T10:22:00.000Z');
    expect(cameraClockNote(t.cameraClock)).toMatch(/^camera clock says 2004-03-0[12] \d\d:\d\d$/);
    expect(isBelievableCaptureTime('2025-06-11T09:00:00.000Z', arrived)).toBe(false);
    expect(believableTakenAt('2007-01-01T00:00:00.000Z', arrived)).toBeNull();
    expect(believableTakenAt('2025-06-10T08:00:00.000Z', arrived)).toBe('2025-06-10T08:00:00.000Z');
  });

  it('no capture time: the arrival time, nothing flagged', () => {
    expect(photoTime(null, arrived)).toEqual({ at: arrived, source: 'arrival', cameraClock: null });
    expect(cameraClockNote(null)).toBeNull();
  });

  it('writes the time alone for today, the date and time for any other day', () => {
    const now = new Date(2025, 5, 10, 15, 0, 0);
    expect(formatPhotoTime(new Date(2025, 5, 10, 9, 5, 7).toISOString(), now)).toBe('09:05:07');
    expect(formatPhotoTime(new Date(2025, 5, 9, 9, 5, 7).toISOString(), now)).toBe('2025-06-09 09:05:07');
    expect(formatPhotoTime(new Date(2004, 2, 1, 10, 22, 0).toISOString(), now)).toBe('2004-03-01 10:22:00');
    expect(formatPhotoTime(null, now)).toBe('—');
  });
});
