import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createBandwidthLimiter, kbpsToBucket, reserveBytes, throttleStream } from '../../src/main/core/sync/bandwidth.ts';

const config = { bytesPerSecond: 1000, burstBytes: 500 };

describe('reserveBytes', () => {
  it('lets a burst through at once, then makes the caller wait for the rest', () => {
    const a = reserveBytes({ tokens: 500, updatedAtMs: 0 }, 400, 0, config);
    expect(a.waitMs).toBe(0);
    const b = reserveBytes(a.state, 400, 0, config);
    expect(b.waitMs).toBe(300); // 300 bytes of debt at 1000 B/s
    expect(b.state.tokens).toBe(-300);
  });

  it('refills with time but never beyond the burst', () => {
    const r = reserveBytes({ tokens: 0, updatedAtMs: 0 }, 100, 10_000, config);
    expect(r.state.tokens).toBe(400); // refilled to 500, then 100 taken
    expect(r.waitMs).toBe(0);
  });

  it('queues parallel takers behind each other: the cap holds for all streams together', () => {
    let state = { tokens: 0, updatedAtMs: 0 };
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = reserveBytes(state, 1000, 0, config);
      state = r.state;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([1000, 2000, 3000, 4000]);
  });

  it('converts kbit/s to bytes/s with a sensible burst', () => {
    expect(kbpsToBucket(8000)).toEqual({ bytesPerSecond: 1_000_000, burstBytes: 250_000 });
    expect(kbpsToBucket(64).burstBytes).toBe(16 * 1024);
  });
});

describe('createBandwidthLimiter and throttleStream', () => {
  it('passes every byte unchanged and asks for the waits the cap implies (fake clock)', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = createBandwidthLimiter(8, {
      // 8 kbit/s = 1000 B/s, burst 16 KiB
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const data = Buffer.alloc(64 * 1024, 7);
    const chunks = Array.from({ length: 16 }, (_, i) => data.subarray(i * 4096, (i + 1) * 4096));
    const out = await buffer(Readable.from(chunks).pipe(throttleStream(limiter)));
    expect(out.equals(data)).toBe(true);
    // 64 KiB at 1000 B/s with a 16 KiB head start: the waits add up to the remaining 48 KiB.
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(48 * 1024 - 16);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(48 * 1024 + 16);
  });

  it('stops waiting when the upload is aborted', async () => {
    const limiter = createBandwidthLimiter(16);
    await limiter.take(16 * 1024); // use up the burst
    const abort = new AbortController();
    const pending = limiter.take(1_000_000, abort.signal);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
