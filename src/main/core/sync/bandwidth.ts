// An optional upload bandwidth cap, so a clinic's network stays usable while the queue drains.
// One token bucket is shared by all parallel uploads of an uploader: the cap is for the station,
// not per file. The arithmetic is a pure function; the limiter only adds a clock and a sleep.
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export interface BucketConfig {
  bytesPerSecond: number;
  /** How much may go out at once after an idle spell. */
  burstBytes: number;
}

export interface BucketState {
  /** May go negative: a debt that later reservations wait out (keeps parallel streams fair). */
  tokens: number;
  updatedAtMs: number;
}

/** Pure: reserve `bytes` at `nowMs`; the caller must wait `waitMs` before sending them. */
export function reserveBytes(
  state: BucketState,
  bytes: number,
  nowMs: number,
  config: BucketConfig,
): { state: BucketState; waitMs: number } {
  const elapsed = Math.max(0, nowMs - state.updatedAtMs);
  const refilled = Math.min(config.burstBytes, state.tokens + (elapsed * config.bytesPerSecond) / 1000);
  const tokens = refilled - bytes;
  const waitMs = tokens >= 0 ? 0 : Math.ceil((-tokens / config.bytesPerSecond) * 1000);
  return { state: { tokens, updatedAtMs: nowMs }, waitMs };
}

export function kbpsToBucket(kbps: number): BucketConfig {
  const bytesPerSecond = (kbps * 1000) / 8;
  return { bytesPerSecond, burstBytes: Math.max(16 * 1024, Math.floor(bytesPerSecond / 4)) };
}

export interface BandwidthLimiter {
  /** Resolves when `bytes` may be sent; rejects if `signal` aborts first. */
  take(bytes: number, signal?: AbortSignal): Promise<void>;
}

export function createBandwidthLimiter(
  kbps: number,
  clock: { now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown> } = {},
): BandwidthLimiter {
  const now = clock.now ?? (() => performance.now());
  const wait = clock.sleep ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  const config = kbpsToBucket(kbps);
  let state: BucketState = { tokens: config.burstBytes, updatedAtMs: now() };
  return {
    async take(bytes, signal) {
      const r = reserveBytes(state, bytes, now(), config);
      state = r.state;
      if (r.waitMs > 0) await wait(r.waitMs, signal);
    },
  };
}

/** A pass-through stream that paces its chunks through the limiter. */
export function throttleStream(limiter: BandwidthLimiter, signal?: AbortSignal): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      limiter.take(chunk.length, signal).then(
        () => callback(null, chunk),
        (err: unknown) => callback(err as Error),
      );
    },
  });
}
