// electron-updater's HTTP executor under plain Node (no 'electron'): node:http(s) with an
// optional proxy (Node's own proxy support). The tests use it in place of Electron's net executor;
// the desktop app keeps electron-updater's own (Chromium's network stack, system proxy, OS certificates).
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { HttpExecutor, configureRequestOptions, configureRequestUrl, type DownloadOptions } from 'builder-util-runtime';

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
