// The renderer and its pictures come through custom protocols, never file://:
// app://station/... serves the built renderer, station-media://thumb/<id> and /full/<id> the photos.
import { net, protocol } from 'electron';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Station } from '../core/station.ts';
import { safeDecode } from '../../shared/safe-decode.ts';
import { logUnexpected } from '../core/api/unexpected.ts';
import { CSP } from './security.ts';

export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: 'station-media', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export const electronMediaUrls = {
  thumb: (id: string) => `station-media://thumb/${encodeURIComponent(id)}`,
  full: (id: string) => `station-media://full/${encodeURIComponent(id)}`,
};

const notFound = () => new Response('Not found', { status: 404 });
const malformed = () => new Response('Malformed address', { status: 400 });

/** A handler that never rejects: an unexpected error is logged once with a reference, answered 500. */
function guarded(getStation: () => Station | null, route: string, handler: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    try {
      return await handler(request);
    } catch (err) {
      const ref = logUnexpected(getStation()?.log, err, { route });
      return new Response(`Something went wrong inside the station (reference ${ref}).`, { status: 500 });
    }
  };
}

export function handleProtocols(rendererDir: string, getStation: () => Station | null): void {
  const root = path.resolve(rendererDir);
  /** The renderer folder's real path, read once it exists (not again for every file served). */
  let realRoot: string | null = null;
  protocol.handle(
    'app',
    guarded(getStation, 'app', async (request) => {
      const url = URL.parse(request.url);
      if (!url || url.host !== 'station') return notFound();
      const decoded = url.pathname === '/' ? 'index.html' : safeDecode(url.pathname);
      if (decoded === null || decoded.includes('\0')) return malformed();
      const rel = decoded.replace(/^\/+/, '');
      const file = path.resolve(root, rel);
      if (!file.startsWith(root + path.sep)) return notFound();
      // Only a regular file that really is inside (no link leading out): a folder would be listed,
      // a missing file makes net.fetch reject (500).
      realRoot ??= await realpath(root).catch(() => null);
      const real = await realpath(file).catch(() => null);
      if (!real || !realRoot || !real.startsWith(realRoot + path.sep) || !(await stat(real)).isFile()) return notFound();
      const res = await net.fetch(pathToFileURL(real).toString());
      const headers = new Headers(res.headers);
      headers.set('Content-Security-Policy', CSP);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(res.body, { status: res.status, headers });
    }),
  );
  protocol.handle(
    'station-media',
    guarded(getStation, 'station-media', async (request) => {
      const station = getStation();
      const url = URL.parse(request.url);
      if (!station || !url) return notFound();
      const id = safeDecode(url.pathname.replace(/^\//, ''));
      if (id === null || id.includes('\0')) return malformed();
      const media = url.host === 'thumb' ? await station.media.thumbnail(id) : url.host === 'full' ? await station.media.full(id) : null;
      if (!media) return notFound();
      return new Response(new Uint8Array(media.body), { headers: { 'Content-Type': media.contentType, 'Cache-Control': 'private, max-age=31536000, immutable' } });
    }),
  );
}
