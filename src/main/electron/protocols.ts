// The renderer and its pictures come through custom protocols, never file://:
// app://station/... serves the built renderer, station-media://thumb/<id> and /full/<id> the photos.
import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Station } from '../core/station.ts';
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

export function handleProtocols(rendererDir: string, getStation: () => Station | null): void {
  const root = path.resolve(rendererDir);
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'station') return new Response('Not found', { status: 404 });
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return new Response('Not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
  protocol.handle('station-media', async (request) => {
    const station = getStation();
    const url = new URL(request.url);
    const id = decodeURIComponent(url.pathname.replace(/^\//, ''));
    const media = !station ? null : url.host === 'thumb' ? await station.media.thumbnail(id) : url.host === 'full' ? await station.media.full(id) : null;
    if (!media) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(media.body), { headers: { 'Content-Type': media.contentType, 'Cache-Control': 'private, max-age=31536000, immutable' } });
  });
}
