// The updater's HTTP, for both hosts:
// - throttleResponses: paces every response an executor hands to electron-updater (full and
//   differential downloads alike) through one token bucket, so a download in the background
//   never takes the clinic's line. Works on Electron's net executor and on the Node one.
// - NodeHttpExecutor: electron-updater's executor under plain Node (no 'electron'): node:http(s)
//   with an optional proxy (Node's own proxy support), used by the tests (and any Node host).
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { HttpExecutor, configureRequestOptions, configureRequestUrl, type DownloadOptions } from 'builder-util-runtime';
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

/**
 * electron-updater's HTTP executor on node:http(s). `proxy` (http://host:port) goes through
 * Node's own proxy agent (CONNECT for https, absolute URLs for http); null: direct.
 */
export class NodeHttpExecutor extends HttpExecutor<http.ClientRequest> {
  private readonly proxy: () => string | null;

  constructor(proxy: () => string | null = () => null) {
    super();
    this.proxy = proxy;
  }

  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): http.ClientRequest {
    const secure = options.protocol === 'https:';
    const proxy = this.proxy();
    // A fresh agent per request: no keep-alive sockets left behind (Node 24 warns about listeners on reused ones).
    const agent = proxy
      ? new (secure ? https.Agent : http.Agent)({ proxyEnv: secure ? { HTTPS_PROXY: proxy } : { HTTP_PROXY: proxy } })
      : false;
    const request = (secure ? https : http).request({ ...options, agent });
    request.on('response', callback);
    return request;
  }

  /** As electron-updater's ElectronHttpExecutor.download: into `destination`, checked on the way. */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions & { redirect?: string } = { headers: options.headers ?? undefined, redirect: 'manual' };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      (this as unknown as { doDownload(o: RequestOptions, c: unknown, n: number): void }).doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error: Error | null) => (error == null ? resolve(destination) : reject(error)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}
