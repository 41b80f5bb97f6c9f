import { RestError } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_SKEW_REPORT_MS,
  classifyFailure,
  clockSkewMs,
  failureFacts,
  headerValue,
  isClockSkewReportable,
  nextAttemptDelayMs,
  retryAfterMs,
} from '../../src/main/core/sync/retry-policy.ts';

describe('classifyFailure by HTTP status and code', () => {
  const cases: Array<[number, string | undefined, string]> = [
    [409, 'BlobAlreadyExists', 'done'],
    [409, 'LeaseIdMissing', 'fatal'],
    [401, undefined, 'auth'],
    [403, 'AuthenticationFailed', 'auth'],
    [403, 'AuthorizationFailure', 'auth'],
    [403, 'AuthorizationPermissionMismatch', 'auth'],
    [404, 'ContainerNotFound', 'auth'],
    [404, undefined, 'fatal'],
    [400, 'Md5Mismatch', 'fatal'],
    [400, 'InvalidMetadata', 'fatal'],
    [413, 'RequestBodyTooLarge', 'fatal'],
    [422, undefined, 'fatal'],
    [408, undefined, 'retry'],
    [429, undefined, 'retry'],
    [500, 'InternalError', 'retry'],
    [502, undefined, 'retry'],
    [503, 'ServerBusy', 'retry'],
    [504, undefined, 'retry'],
  ];
  it.each(cases)('%i %s -> %s', (status, code, expected) => {
    expect(classifyFailure({ status, code })).toBe(expected);
  });

  it('reads a real Azure RestError (statusCode, code, response headers)', () => {
    const err = new RestError('The specified blob already exists.', { statusCode: 409, code: 'BlobAlreadyExists' });
    expect(classifyFailure(err)).toBe('done');
    expect(classifyFailure(new RestError('x', { statusCode: 403, code: 'AuthorizationFailure' }))).toBe('auth');
    expect(classifyFailure(new RestError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }))).toBe('retry');
    expect(classifyFailure(new RestError('x', { code: 'REQUEST_SEND_ERROR' }))).toBe('retry');
  });
});

describe('classifyFailure without a status', () => {
  it('retries network failures, including fetch() wrapping them in a cause', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(classifyFailure(Object.assign(new Error(code), { code }))).toBe('retry');
    }
    expect(classifyFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))).toBe('retry');
  });

  it('retries timeouts and aborts', () => {
    expect(classifyFailure(new DOMException('timed out', 'TimeoutError'))).toBe('retry');
    expect(classifyFailure(new DOMException('aborted', 'AbortError'))).toBe('retry');
  });

  it('fails a job whose local file is missing or unreadable', () => {
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('fatal');
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('fatal');
  });

  it('keeps an existing classification and retries the unknown', () => {
    expect(classifyFailure({ kind: 'auth', message: 'x' })).toBe('auth');
    expect(classifyFailure({ kind: 'fatal' })).toBe('fatal');
    expect(classifyFailure(new Error('something odd'))).toBe('retry');
    expect(classifyFailure(undefined)).toBe('retry');
  });
});

describe('failureFacts and headerValue', () => {
  it('reads headers from fetch Headers, plain records and arrays', () => {
    const h = new Headers({ Date: 'Tue, 01 Jan 2030 00:00:00 GMT' });
    expect(headerValue(failureFacts({ status: 503, headers: h }).headers, 'date')).toBe('Tue, 01 Jan 2030 00:00:00 GMT');
    expect(headerValue({ 'Retry-After': '7' }, 'retry-after')).toBe('7');
    expect(headerValue({ 'retry-after': ['3', '4'] }, 'Retry-After')).toBe('3');
    expect(headerValue(undefined, 'date')).toBeUndefined();
  });

  it('takes statusCode (Azure) or status (fetch/plain)', () => {
    expect(failureFacts({ statusCode: 500 }).status).toBe(500);
    expect(failureFacts({ status: 429 }).status).toBe(429);
  });
});

describe('nextAttemptDelayMs', () => {
  it('grows exponentially up to the cap, scaled by the random draw (full jitter)', () => {
    const max = (attempt: number) => nextAttemptDelayMs(attempt, { random: () => 0.999999 });
    expect(max(1)).toBe(999);
    expect(max(2)).toBe(1999);
    expect(max(3)).toBe(3999);
    expect(max(9)).toBe(255_999);
    expect(max(10)).toBe(299_999); // 512 s capped at 5 min
    expect(max(1000)).toBe(299_999); // no overflow for long outages
    expect(nextAttemptDelayMs(5, { random: () => 0 })).toBe(0);
    expect(nextAttemptDelayMs(3, { random: () => 0.5 })).toBe(2000);
  });

  it('honours baseMs and capMs, and treats attempt < 1 as the first', () => {
    expect(nextAttemptDelayMs(4, { baseMs: 100, capMs: 500, random: () => 0.5 })).toBe(250);
    expect(nextAttemptDelayMs(0, { random: () => 0.5 })).toBe(500);
  });

  it('spreads many jobs over the window (not all at the same moment)', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = Array.from({ length: 200 }, () => nextAttemptDelayMs(6, { random }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(32_000);
    expect(new Set(delays.map((d) => Math.floor(d / 4000))).size).toBe(8); // every eighth of the window used
  });
});

describe('retryAfterMs', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('reads seconds or an HTTP date', () => {
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe('clock skew', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('is the service clock minus ours', () => {
    expect(clockSkewMs('Tue, 01 Jan 2030 00:10:00 GMT', now)).toBe(600_000);
    expect(clockSkewMs('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(-60_000);
    expect(clockSkewMs(undefined, now)).toBeNull();
    expect(clockSkewMs('garbage', now)).toBeNull();
  });

  it('is reported only beyond the threshold, either way', () => {
    expect(CLOCK_SKEW_REPORT_MS).toBe(300_000);
    expect(isClockSkewReportable(600_000)).toBe(true);
    expect(isClockSkewReportable(-600_000)).toBe(true);
    expect(isClockSkewReportable(299_000)).toBe(false);
    expect(isClockSkewReportable(null)).toBe(false);
  });
});
