// The headless host: the same contract over HTTP + WebSocket, on loopback only, behind a token.
// The renderer is served from the built files; a browser tab is the UI.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { StationError } from '../../shared/errors.ts';
import { dispatch } from '../core/api/dispatch.ts';
import { safeDecode } from '../../shared/safe-decode.ts';
import { internalError, logUnexpected } from '../core/api/unexpected.ts';
import type { Station } from '../core/station.ts';
import { BodyTooLargeError, bearerToken, rawCookie, rawQueryParam, readBody, sendError, sendJson, splitTarget, STATUS_FOR, tokenMatches } from './http-util.ts';

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

/** Limits: a request body, a client's WebSocket message (the host only sends), open event sockets. */
export const LIMITS = { bodyBytes: 1_000_000, wsMessageBytes: 4096, eventSockets: 64 } as const;

/** Where `?token=` is accepted: the page (its address is what the station prints) and the event socket. */
const PAGE_PATHS = new Set(['/', '/index.html']);
const EVENTS_PATH = '/api/events';

const NOT_HERE = 'Nothing here.';
const MALFORMED = 'The address holds a malformed %-escape.';

/**
 * The allowed Host and Origin values and the page's CSP for the port the server listens on. Host
 * names are case-insensitive; anything else (another name, a trailing dot, [::1], which we do not
 * listen on) is refused: DNS rebinding cannot make a browser send one of these.
 */
function bindingsFor(port: number): { hosts: ReadonlySet<string>; origins: ReadonlySet<string>; csp: string } {
  return {
    hosts: new Set([`127.0.0.1:${port}`, `localhost:${port}`]),
    origins: new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]),
    csp: [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ].join('; '),
  };
}

export async function startHeadlessServer(opts: HeadlessOptions): Promise<HeadlessServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const { station } = opts;
  let port = opts.port;

  // What depends on the port, made once it is known (after listen) instead of on every request.
  let site = bindingsFor(port);

  /** Another site in the same browser must not reach us: exact Host (DNS rebinding) and Origin. Raw strings only. */
  const sameSite = (req: IncomingMessage): boolean => {
    if (!site.hosts.has((req.headers.host ?? '').toLowerCase())) return false;
    const origin = req.headers.origin;
    return origin === undefined || site.origins.has(origin.toLowerCase());
  };

  /** The token is compared as sent (raw strings): header, cookie, and `?token=` only where `queryAllowed`. */
  const authorised = (req: IncomingMessage, query: string, queryAllowed: boolean): boolean =>
    tokenMatches(bearerToken(req.headers.authorization), token) ||
    tokenMatches(rawCookie(req.headers.cookie, COOKIE), token) ||
    (queryAllowed && tokenMatches(rawQueryParam(query, 'token'), token));

  /** Which route a request was on, for the log (never the path itself: it may hold anything). */
  const routeOf = new WeakMap<IncomingMessage, string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    // Order: Host/Origin, then the token, then (only for an allowed request) anything parsed.
    if (!sameSite(req)) return sendError(res, 403, 'forbidden', 'Requests are accepted only from this station\u2019s own page.');
    const target = splitTarget(req.url);
    if (!authorised(req, target?.query ?? '', target !== null && PAGE_PATHS.has(target.path))) {
      return sendError(res, 401, 'unauthorised', 'Open the address printed by the station, including its ?token= part.');
    }
    if (!target || safeDecode(target.path) === null) return sendError(res, 400, 'bad-input', MALFORMED);
    const p = target.path;
    const get = req.method === 'GET' || req.method === 'HEAD';

    if (p === '/api/health') {
      if (!get) return sendError(res, 405, 'bad-input', 'Use GET for /api/health.', { headers: { allow: 'GET, HEAD' } });
      return sendJson(res, 200, {
        ok: true,
        version: station.config.version,
        startedAt: station.startedAt,
        ingestPending: station.pipeline.pending,
        storage: station.storage.info(),
      });
    }
    if (p.startsWith('/api/call/')) {
      routeOf.set(req, 'call');
      if (req.method !== 'POST') return sendError(res, 405, 'bad-input', 'Use POST for /api/call/<method>.', { headers: { allow: 'POST' } });
      const name = safeDecode(p.slice('/api/call/'.length)) ?? '';
      let input: unknown;
      try {
        const text = await readBody(req, LIMITS.bodyBytes);
        input = text.trim() ? JSON.parse(text) : undefined;
      } catch (err) {
        if (err instanceof BodyTooLargeError) return sendError(res, 413, 'bad-input', 'The request body is larger than 1 MB.');
        return sendError(res, 400, 'bad-input', 'The request body must be JSON (at most 1 MB).');
      }
      try {
        return sendJson(res, 200, await dispatch(station.api, name, input, station.log));
      } catch (err) {
        // dispatch has logged an unexpected error already (once); anything else is ours to log.
        const e = err instanceof StationError ? err : internalError(logUnexpected(station.log, err, { route: 'call' }));
        return sendError(res, STATUS_FOR[e.code], e.code, e.message, { ref: e.ref });
      }
    }
    if (p.startsWith('/media/')) {
      if (!get) return sendError(res, 405, 'bad-input', 'Use GET for /media/.', { headers: { allow: 'GET, HEAD' } });
      const [, , kind, rawId, ...rest] = p.split('/');
      if (rest.length || (kind !== 'thumb' && kind !== 'full')) return sendError(res, 404, 'not-found', 'No picture for that image.');
      routeOf.set(req, `media.${kind}`);
      const id = safeDecode(rawId ?? '') ?? '';
      const media = kind === 'thumb' ? await station.media.thumbnail(id) : await station.media.full(id);
      if (!media) return sendError(res, 404, 'not-found', 'No picture for that image.');
      res.writeHead(200, { 'content-type': media.contentType, 'content-length': String(media.body.length), 'cache-control': 'private, max-age=31536000, immutable' });
      res.end(media.body);
      return;
    }
    if (p.startsWith('/api/')) return sendError(res, 404, 'not-found', NOT_HERE);
    if (!get) return sendError(res, 405, 'bad-input', 'Only GET and HEAD are answered here.', { headers: { allow: 'GET, HEAD' } });
    routeOf.set(req, 'static');
    return serveStatic(p, res);
  };

  const root = path.resolve(opts.rendererDir);
  const serveStatic = async (rawPath: string, res: ServerResponse): Promise<void> => {
    const rel = rawPath === '/' ? 'index.html' : (safeDecode(rawPath) ?? '').replace(/^\/+/, '');
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return sendError(res, 404, 'not-found', NOT_HERE);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      if (rel === 'index.html') {
        return sendError(res, 503, 'unavailable', 'The user interface is not built yet: run `npm run build` once, then start the station again.');
      }
      return sendError(res, 404, 'not-found', NOT_HERE);
    }
    const headers: Record<string, string> = {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'content-length': String(body.length),
      'cache-control': 'no-cache',
    };
    if (rel === 'index.html') {
      headers['content-security-policy'] = site.csp;
      // The page's own sub-requests (scripts, pictures) carry the token as a same-site cookie.
      headers['set-cookie'] = `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, headers);
    res.end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      try {
        const ref = logUnexpected(station.log, err, { route: routeOf.get(req) ?? 'request' });
        if (res.headersSent) return void res.destroy();
        const e = internalError(ref);
        sendError(res, 500, e.code, e.message, { ref });
      } catch {
        res.destroy();
      }
    });
  });
  // Slow clients (slowloris) are cut off: headers within 10 s, the whole request within 30 s.
  // Node's defaults answer oversized headers with 431 and malformed requests with 400.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  // Clients only listen on the event socket: what they send is ignored, and more than a few KB closes it (1009).
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.wsMessageBytes });
  const sockets = new Set<WebSocket>();
  const refuse = (socket: Socket, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroySoon();
  };
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // An upgraded socket has no error listener of Node's: without ours, a reset would be thrown.
    socket.on('error', () => socket.destroy());
    try {
      if (!sameSite(req)) return refuse(socket, 403, 'Forbidden');
      const target = splitTarget(req.url);
      if (!authorised(req, target?.query ?? '', target?.path === EVENTS_PATH)) return refuse(socket, 401, 'Unauthorized');
      if (!target || safeDecode(target.path) === null) return refuse(socket, 400, 'Bad Request');
      if (target.path !== EVENTS_PATH) return refuse(socket, 404, 'Not Found');
      if (sockets.size >= LIMITS.eventSockets) return refuse(socket, 503, 'Service Unavailable');
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        ws.on('error', () => sockets.delete(ws));
      });
    } catch (err) {
      logUnexpected(station.log, err, { route: 'events' });
      socket.destroy();
    }
  });
  const unsubscribe = station.events.subscribe((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  // After listening, a server 'error' (accept failing with EMFILE when file handles run out) must
  // not be thrown: it is logged and the server goes on accepting once handles are free again.
  server.on('error', (err) => logUnexpected(station.log, err, { route: 'accept' }));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  site = bindingsFor(port);

  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
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
