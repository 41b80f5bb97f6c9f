// Wrong administrator PINs: 5 cost nothing, then each try waits 30 s, doubling, at most 15 minutes.
import { describe, expect, it } from 'vitest';
import { pinWaitMs, triesBeforeWait, waitAfterFailures, waitInWords } from '../../src/main/core/it-lock/rate-limit.ts';

const T = Date.parse('2025-03-01T09:00:00Z');

describe('PIN tries rate limit', () => {
  it('no wait for the first four wrong PINs; 30 s after the fifth, then doubling, capped at 15 minutes', () => {
    expect([0, 1, 2, 3, 4].map(waitAfterFailures)).toEqual([0, 0, 0, 0, 0]);
    expect(waitAfterFailures(5)).toBe(30_000);
    expect(waitAfterFailures(6)).toBe(60_000);
    expect(waitAfterFailures(7)).toBe(120_000);
    expect(waitAfterFailures(10)).toBe(15 * 60_000);
    expect(waitAfterFailures(1000)).toBe(15 * 60_000);
  });

  it('the wait runs from the last wrong PIN', () => {
    expect(pinWaitMs(5, T, T)).toBe(30_000);
    expect(pinWaitMs(5, T, T + 10_000)).toBe(20_000);
    expect(pinWaitMs(5, T, T + 30_000)).toBe(0);
    expect(pinWaitMs(6, T, T + 30_000)).toBe(30_000);
    expect(pinWaitMs(4, T, T)).toBe(0);
    expect(pinWaitMs(0, null, T)).toBe(0);
  });

  it('a clock set back never makes the wait longer than the wait itself', () => {
    expect(pinWaitMs(5, T, T - 24 * 3600_000)).toBe(30_000);
  });

  it('tells how many tries are left, and the wait in words', () => {
    expect(triesBeforeWait(0)).toBe(5);
    expect(triesBeforeWait(4)).toBe(1);
    expect(triesBeforeWait(9)).toBe(0);
    expect(waitInWords(30_000)).toBe('30 seconds');
    expect(waitInWords(1_000)).toBe('1 second');
    expect(waitInWords(120_000)).toBe('2 minutes');
  });
});
