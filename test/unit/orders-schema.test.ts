import { describe, expect, it } from 'vitest';
import {
  makeOrderInputSchema,
  makeWorklistEntrySchema,
  normalisePatientId,
  orderInputSchema,
  toUtcIso,
  type OrderInputDraft,
} from '../../src/shared/orders.ts';

// A fixed "now" so "not in the future" does not depend on the day the tests run.
const now = () => new Date(2025, 2, 1, 12, 0, 0); // 1 March 2025, local time
const schema = makeOrderInputSchema(now);

const valid: OrderInputDraft = {
  patientId: '  ab 123 ',
  name: ' Müller, Anna ',
  birthDate: '1956-04-30',
  sex: 'F',
  scheduledAt: '2025-03-01T09:30+01:00',
  site: '',
  externalOrderId: 'ORD-1',
};

const messagesFor = (input: unknown): string[] => {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

describe('orderInputSchema', () => {
  it('accepts a walk-in order, trims text, turns blanks into null and the time into UTC', () => {
    expect(schema.parse(valid)).toEqual({
      patientId: 'ab 123',
      name: 'Müller, Anna',
      birthDate: '1956-04-30',
      sex: 'F',
      scheduledAt: '2025-03-01T08:30:00.000Z',
      site: null,
      externalOrderId: 'ORD-1',
      accessionNumber: null,
    });
  });

  it('asks for the patient ID when it is missing or blank, and limits it to 64 characters', () => {
    expect(messagesFor({ ...valid, patientId: undefined })).toEqual(['Patient ID is required.']);
    expect(messagesFor({ ...valid, patientId: '   ' })).toEqual(['Patient ID is required.']);
    expect(messagesFor({ ...valid, patientId: 'X'.repeat(64) })).toEqual([]);
    expect(messagesFor({ ...valid, patientId: 'X'.repeat(65) })).toEqual(['Patient ID can be at most 64 characters.']);
  });

  it('asks for the name', () => {
    expect(messagesFor({ ...valid, name: '' })).toEqual(['Name is required.']);
  });

  it('explains each way a birth date can be wrong', () => {
    expect(messagesFor({ ...valid, birthDate: '30.04.1956' })).toEqual(['Birth date must be a date written as YYYY-MM-DD.']);
    expect(messagesFor({ ...valid, birthDate: '1957-02-29' })).toEqual(['Birth date is not a real calendar date.']);
    expect(messagesFor({ ...valid, birthDate: '2025-03-02' })).toEqual(['Birth date cannot be in the future.']);
    expect(messagesFor({ ...valid, birthDate: '2025-03-01' })).toEqual([]);
    expect(messagesFor({ ...valid, birthDate: '1899-12-31' })).toEqual(['Birth date is before 1900; check the year.']);
    expect(messagesFor({ ...valid, birthDate: '1960-02-29' })).toEqual([]);
  });

  it('takes only M, F, O or U for sex', () => {
    expect(messagesFor({ ...valid, sex: 'X' })).toEqual(['Sex must be M (male), F (female), O (other) or U (unknown).']);
    expect(messagesFor({ ...valid, sex: 'U' })).toEqual([]);
  });

  it('wants a scheduled time with a time zone', () => {
    const msg = 'Scheduled time must be a date and time with a time zone, for example 2025-03-01T09:30+01:00.';
    expect(messagesFor({ ...valid, scheduledAt: '2025-03-01 09:30' })).toEqual([msg]);
    expect(messagesFor({ ...valid, scheduledAt: '2025-03-01T09:30' })).toEqual([msg]);
    expect(messagesFor({ ...valid, scheduledAt: '2025-02-30T09:30Z' })).toEqual([msg]);
    expect(messagesFor({ ...valid, scheduledAt: '2025-03-01T24:30Z' })).toEqual([msg]);
  });

  it('never repeats the value it rejects', () => {
    const secret = 'SECRET-PATIENT-9'.repeat(5);
    const result = schema.safeParse({ ...valid, patientId: secret, birthDate: 'SECRET', name: 7 });
    expect(result.success).toBe(false);
    const text = JSON.stringify(result.error?.issues);
    expect(text).not.toContain('SECRET');
  });

  it('the default schema reads the real clock (a far-future birth date fails)', () => {
    expect(orderInputSchema.safeParse({ ...valid, birthDate: '2999-01-01' }).success).toBe(false);
  });
});

describe('worklistEntrySchema', () => {
  it('allows an unknown birth date, unlike a walk-in order', () => {
    const entry = makeWorklistEntrySchema(now).parse({ ...valid, birthDate: null, source: 'csv', scheduledStepId: ' SPS-1 ' });
    expect(entry.birthDate).toBeNull();
    expect(entry.scheduledStepId).toBe('SPS-1');
    expect(schema.safeParse({ ...valid, birthDate: null }).success).toBe(false);
  });
});

describe('toUtcIso', () => {
  it('converts offsets and rejects impossible values', () => {
    expect(toUtcIso('2025-03-01T09:30:15.5+0100')).toBe('2025-03-01T08:30:15.500Z');
    expect(toUtcIso('2025-03-01T23:30-02:00')).toBe('2025-03-02T01:30:00.000Z');
    expect(toUtcIso('2025-03-01T09:30')).toBeNull();
    expect(toUtcIso('2025-13-01T09:30Z')).toBeNull();
    expect(toUtcIso('yesterday')).toBeNull();
  });
});

describe('normalisePatientId', () => {
  it('trims, upper-cases and removes spaces', () => {
    expect(normalisePatientId(' ab 12\t3 ')).toBe('AB123');
    expect(normalisePatientId('ab-123')).toBe('AB-123');
  });
});
