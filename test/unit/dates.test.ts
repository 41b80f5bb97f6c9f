// The one date module (src/shared/dates.ts): calendar days, offsets, ISO with offsets, and the
// DICOM DA/TM grammar that camera metadata and worklist sources both read.
import { describe, expect, it } from 'vitest';
import {
  formatOffset,
  fractionToMs,
  isRealDate,
  localDateString,
  localToUtcIso,
  pad2,
  parseDicomDa,
  parseDicomTm,
  parseOffset,
  toUtcIso,
  ymdToString,
} from '../../src/shared/dates.ts';

describe('calendar days', () => {
  it('knows real days from impossible ones, leap years included', () => {
    expect(isRealDate(2024, 2, 29)).toBe(true);
    expect(isRealDate(2025, 2, 29)).toBe(false);
    expect(isRealDate(1900, 2, 29)).toBe(false);
    expect(isRealDate(2000, 2, 29)).toBe(true);
    expect(isRealDate(2025, 4, 31)).toBe(false);
    expect(isRealDate(2025, 13, 1)).toBe(false);
    expect(isRealDate(2025, 1.5, 1)).toBe(false);
  });

  it('writes days as YYYY-MM-DD, from parts or from this machine\'s clock', () => {
    expect(pad2(7)).toBe('07');
    expect(ymdToString({ y: 952, m: 3, d: 9 })).toBe('0952-03-09');
    expect(localDateString(new Date(2025, 0, 5, 23, 59))).toBe('2025-01-05');
  });

  it('reads a zone-less wall-clock time as this machine\'s local time', () => {
    expect(localToUtcIso({ y: 2025, m: 3, d: 1 }, { h: 9, mi: 30, s: 0 }, 250)).toBe(new Date(2025, 2, 1, 9, 30, 0, 250).toISOString());
    expect(localToUtcIso({ y: 2025, m: 3, d: 1 })).toBe(new Date(2025, 2, 1).toISOString());
  });
});

describe('offsets', () => {
  it('parses and formats the spellings cameras, DICOM and ISO use', () => {
    expect(parseOffset('+0530')).toBe(330);
    expect(parseOffset('-03:30')).toBe(-210);
    expect(parseOffset('Z')).toBe(0);
    expect(parseOffset('+15:00')).toBeNull();
    expect(parseOffset('GMT')).toBeNull();
    expect(formatOffset(330)).toBe('+05:30');
    expect(formatOffset(-210)).toBe('-03:30');
    expect(formatOffset(-0)).toBe('+00:00');
  });

  it('turns an ISO date-time with an offset into UTC, and refuses one without', () => {
    expect(toUtcIso('2025-03-01T09:30+01:00')).toBe('2025-03-01T08:30:00.000Z');
    expect(toUtcIso('2025-02-29T09:30Z')).toBeNull();
    expect(toUtcIso('2025-03-01T09:30')).toBeNull();
  });
});

describe('DICOM DA and TM', () => {
  it('reads DA, also in the ACR-NEMA dotted form, only for real days', () => {
    expect(parseDicomDa('20240229')).toEqual({ y: 2024, m: 2, d: 29 });
    expect(parseDicomDa(' 1999.12.31 ')).toEqual({ y: 1999, m: 12, d: 31 });
    expect(parseDicomDa('20250229')).toBeNull();
    expect(parseDicomDa('2025-03-01')).toBeNull();
    expect(parseDicomDa('')).toBeNull();
    expect(parseDicomDa(null)).toBeNull();
  });

  it('reads TM with any trailing part left off, and fractions as milliseconds', () => {
    expect(parseDicomTm('09')).toEqual({ h: 9, mi: 0, s: 0, ms: 0 });
    expect(parseDicomTm('0930')).toEqual({ h: 9, mi: 30, s: 0, ms: 0 });
    expect(parseDicomTm('093015.25')).toEqual({ h: 9, mi: 30, s: 15, ms: 250 });
    expect(parseDicomTm('09:30:15')).toEqual({ h: 9, mi: 30, s: 15, ms: 0 });
    expect(parseDicomTm('235960')).toEqual({ h: 23, mi: 59, s: 60, ms: 0 }); // a leap second
    expect(parseDicomTm('2400')).toBeNull();
    expect(parseDicomTm('0960')).toBeNull();
    expect(parseDicomTm('9:30')).toBeNull();
  });

  it('rounds fractions of a second to milliseconds, at most 999', () => {
    expect(fractionToMs('392000')).toBe(392);
    expect(fractionToMs('9999')).toBe(999);
    expect(fractionToMs('x')).toBe(0);
  });
});
