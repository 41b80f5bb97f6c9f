// The bandwidth cap on update downloads: paces every response an executor hands to
// electron-updater (full and differential downloads alike) through one token bucket, so a download
// in the background never takes the clinic's line. Works on Electron's net executor and on the
// Node one (node-executor.ts) alike.
import type { IncomingMessage, RequestOptions } from 'node:http';
import { createBandwidthLimiter, throttleStream, type BandwidthLimiter } from '../sync/bandwidth.ts';

/** The part of builder-util-runtime's HttpExecutor the throttle needs. */
export interface ExecutorLike {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): unknown;
}

const THROTTLED = Symbol('capture-station.throttled');

/**
 * Wraps `executor.createRequest` once: each response is re-emitted through the cap current at
 * that moment (`capKbps()`: null = no cap). The wrapped response keeps statusCode, statusMessage
 * and headers, which is all electron-updater reads besides the data.
 */
export function throttleResponses(
  executor: ExecutorLike,
  capKbps: () => number | null,
  makeLimiter: (kbps: number) => BandwidthLimiter = (kbps) => createBandwidthLimiter(kbps),
): void {
  const tagged = executor as ExecutorLike & { [THROTTLED]?: true };
  if (tagged[THROTTLED]) return;
  tagged[THROTTLED] = true;
  const original = executor.createRequest.bind(executor);
  let limiter: { kbps: number; limiter: BandwidthLimiter } | null = null;
  const current = (): BandwidthLimiter | null => {
    const kbps = capKbps();
    if (kbps === null) return null;
    if (!limiter || limiter.kbps !== kbps) limiter = { kbps, limiter: makeLimiter(kbps) };
    return limiter.limiter;
  };
  executor.createRequest = (options, callback) =>
    original(options, (response) => {
      const lim = current();
      if (!lim) return callback(response);
      const paced = throttleStream(lim);
      Object.assign(paced, { statusCode: response.statusCode, statusMessage: response.statusMessage, headers: response.headers });
      response.on('error', (err) => paced.destroy(err));
      response.on('aborted', () => paced.destroy(new Error('Request has been aborted by the server')));
      response.pipe(paced);
      callback(paced as unknown as IncomingMessage);
    });
}
