// The headless host: the same contract over HTTP + WebSocket, on loopback only, behind a token.
// The renderer is served from the built files; a browser tab is the UI.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { StationError } from '../../shared/errors.ts';
import { dispatch } from '../core/api/dispatch.ts';
import type { Station } from '../core/station.ts';
import { parseCookies, readBody, safeEqual, sendError, sendJson, STATUS_FOR } from './http-util.ts';

export interface HeadlessOptions {
  station: Station;
  port: number;
  token?: string;
  rendererDir: string;
}

export interface HeadlessServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

const COOKIE = 'capture_station_token';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export const mediaPaths = {
  thumb: (id: string) => `/media/thumb/${encodeURIComponent(id)}`,
  full: (id: string) => `/media/full/${encodeURIComponent(id)}`,
};

export async function startHeadlessServer(opts: HeadlessOptions): Promise<HeadlessServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const { station } = opts;
  let port = opts.port;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /** Another site in the same browser must not reach us: exact Host (DNS rebinding) and Origin. */
  const sameSite = (req: IncomingMessage): boolean => {
    if (!allowedHosts().has(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    return origin === undefined || allowedOrigins().has(origin);
  };

  const tokenOf = (req: IncomingMessage, url: URL): string | null => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
    const q = url.searchParams.get('token');
    if (q) return q;
    return parseCookies(req.headers.cookie)[COOKIE] ?? null;
  };

  const csp = () =>
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ].join('; ');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (!sameSite(req)) return sendError(res, 403, 'forbidden', 'Requests are accepted only from this station\u2019s own page.');
    const given = tokenOf(req, url);
    if (!given || !safeEqual(given, token)) {
      return sendError(res, 401, 'unauthorised', 'Open the address printed by the station, including its ?token= part.');
    }

    if (url.pathname === '/api/health' && req.method === 'GET') {
      return sendJson(res, 200, {
        ok: true,
        version: station.config.version,
        startedAt: station.startedAt,
        ingestPending: station.pipeline.pending,
        storage: station.storage.info(),
      });
    }
    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return sendError(res, 405, 'bad-input', 'Use POST for /api/call/<method>.');
      const name = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      let input: unknown;
      try {
        const text = await readBody(req, 1_000_000);
        input = text.trim() ? JSON.parse(text) : undefined;
      } catch {
        return sendError(res, 400, 'bad-input', 'The request body must be JSON (at most 1 MB).');
      }
      try {
        return sendJson(res, 200, await dispatch(station.api, name, input));
      } catch (err) {
        const e = err instanceof StationError ? err : new StationError('internal', 'Something went wrong inside the station.');
        return sendError(res, STATUS_FOR[e.code], e.code, e.message);
      }
    }
    if (url.pathname.startsWith('/media/') && req.method === 'GET') {
      const [, , kind, rawId] = url.pathname.split('/');
      const id = decodeURIComponent(rawId ?? '');
      const media = kind === 'thumb' ? await station.media.thumbnail(id) : kind === 'full' ? await station.media.full(id) : null;
      if (!media) return sendError(res, 404, 'not-found', 'No picture for that image.');
      res.writeHead(200, { 'content-type': media.contentType, 'cache-control': 'private, max-age=31536000, immutable' });
      res.end(media.body);
      return;
    }
    if (req.method === 'GET') return serveStatic(url, res);
    return sendError(res, 404, 'not-found', 'Nothing here.');
  };

  const serveStatic = async (url: URL, res: ServerResponse): Promise<void> => {
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(opts.rendererDir, rel);
    if (!file.startsWith(path.resolve(opts.rendererDir) + path.sep)) return sendError(res, 404, 'not-found', 'Nothing here.');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      if (rel === 'index.html') {
        return sendError(res, 503, 'unavailable', 'The user interface is not built yet: run `npm run build` once, then start the station again.');
      }
      return sendError(res, 404, 'not-found', 'Nothing here.');
    }
    const headers: Record<string, string> = {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    };
    if (rel === 'index.html') {
      headers['content-security-policy'] = csp();
      // The page's own sub-requests (scripts, pictures) carry the token as a same-site cookie.
      headers['set-cookie'] = `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    res.end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'internal', 'Something went wrong inside the station.');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const given = tokenOf(req, url);
    if (url.pathname !== '/api/events' || !sameSite(req) || !given || !safeEqual(given, token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });
  const unsubscribe = station.events.subscribe((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : opts.port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
