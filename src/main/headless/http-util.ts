// Small pure helpers of the headless host. Nothing here decodes what it does not have to, and
// nothing here throws on what a client sends.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../../shared/errors.ts';

export const STATUS_FOR: Record<ErrorCode, number> = {
  'bad-input': 400,
  unauthorised: 401,
  locked: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export interface ErrorExtras {
  /** The log reference of an unexpected error. */
  ref?: string;
  headers?: Record<string, string>;
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, extras: ErrorExtras = {}): void {
  const error = extras.ref ? { code, message, ref: extras.ref } : { code, message };
  sendJson(res, status, { error }, extras.headers);
}

export class BodyTooLargeError extends Error {
  constructor() {
    super('too-large');
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The request body as text, at most `limit` bytes. A larger body rejects with BodyTooLargeError
 * without destroying the request: the rest of the body is read and dropped, so the connection
 * stays usable for the next request (destroying the request would destroy the socket under the
 * answer). A declared Content-Length above the limit rejects before anything is read.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A token as sent matches when it is the token, or the token percent-encoded (URL, cookie). */
export function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  return safeEqual(given, token) || safeEqual(given, encodeURIComponent(token));
}

/** An origin-form request target (`/path?query`), split but not decoded; null for anything else. */
export function splitTarget(target: string | undefined): { path: string; query: string } | null {
  if (!target?.startsWith('/')) return null;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  const hash = query.indexOf('#');
  return { path, query: hash < 0 ? query : query.slice(0, hash) };
}

/** The raw (still encoded) value of `name` in a query string; null when absent. */
export function rawQueryParam(query: string, name: string): string | null {
  for (const pair of query.split('&')) {
    const i = pair.indexOf('=');
    if (i > 0 && pair.slice(0, i) === name) return pair.slice(i + 1);
  }
  return null;
}

/** The raw (still encoded) value of cookie `name`; other cookies are not looked at. */
export function rawCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/** The token of an `Authorization: Bearer` header, as sent. */
export function bearerToken(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}
