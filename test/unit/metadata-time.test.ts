import { describe, expect, it } from 'vitest';
import { dicomDateToIso, parseDicomDateTime, parseDicomTime, parseExifDateTime, toTakenTime } from '../../src/main/core/metadata/time.ts';
import { formatOffset, parseOffset } from '../../src/shared/dates.ts';

describe('time normalisation', () => {
  it('parses offsets in EXIF and DICOM spellings', () => {
    expect(parseOffset('+02:00')).toBe(120);
    expect(parseOffset('-0530')).toBe(-330);
    expect(parseOffset('+01')).toBe(60);
    expect(parseOffset('Z')).toBe(0);
    expect(parseOffset('   ')).toBeNull();
    expect(parseOffset('+25:00')).toBeNull();
    expect(formatOffset(-330)).toBe('-05:30');
  });

  it('turns a camera time with an offset into UTC and keeps the offset', () => {
    const local = parseExifDateTime('2024:03:05 09:15:30', '25')!;
    expect(toTakenTime(local, 120)).toEqual({ takenAt: '2024-03-05T07:15:30.250Z', takenOffset: '+02:00' });
  });

  it('takes a time without an offset as local time of this machine, offset unknown', () => {
    const local = parseExifDateTime('2024:03:05 09:15:30')!;
    expect(toTakenTime(local, null)).toEqual({ takenAt: new Date(2024, 2, 5, 9, 15, 30).toISOString(), takenOffset: null });
  });

  it('rejects impossible or placeholder dates', () => {
    expect(parseExifDateTime('0000:00:00 00:00:00')).toBeNull();
    expect(parseExifDateTime('2023:02:30 10:00:00')).toBeNull();
    expect(parseExifDateTime('    :  :     :  :  ')).toBeNull();
    expect(dicomDateToIso('20230230')).toBeNull();
  });

  it('reads DICOM dates, times and date-times, including old ACR-NEMA spellings', () => {
    expect(dicomDateToIso('19521103')).toBe('1952-11-03');
    expect(dicomDateToIso('1994.06.13')).toBe('1994-06-13');
    expect(parseDicomTime('15:32:26.392000')).toEqual({ hour: 15, minute: 32, second: 26, millisecond: 392 });
    expect(parseDicomTime('0915')).toEqual({ hour: 9, minute: 15, second: 0, millisecond: 0 });
    expect(parseDicomDateTime('20240305091530.5+0100')).toEqual({
      local: { year: 2024, month: 3, day: 5, hour: 9, minute: 15, second: 30, millisecond: 500 },
      offsetMinutes: 60,
    });
    expect(parseDicomDateTime('20240305')).toBeNull(); // a date alone does not order images
  });
});
