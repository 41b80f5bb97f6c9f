// npm run bench:volume [-- --count N]
// A handheld camera's card on a stand-in mount root, against the real headless host
// (--volumes-root, quality assessment on): (1) the first import of N photos (default 4,000),
// from the moment the card appears until every photo is committed; (2) the rescan: the card is
// pulled out, 10 photos are added, it is plugged in again, and we time from the re-plug until
// those 10 are shown (their images.changed events). The photos are small distinct JPEGs
// (synthetic fundus pictures, 640x480, each made unique by a JPEG comment). Last line: JSON.
import { parseArgs } from 'node:util';
import { mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WebSocket } from 'ws';
import { startHost, tempDir } from '../test/fixtures/headless.ts';
import { syntheticFundusJpeg, withUniqueComment } from '../test/fixtures/fundus.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '4000' } } });
const count = Number(values.count);
const added = 10;
const WIDTH = 640;
const HEIGHT = 480;

console.error(`generating ${count + added} distinct ${WIDTH}x${HEIGHT} JPEGs…`);
const bases = await Promise.all(Array.from({ length: 16 }, (_, i) => syntheticFundusJpeg({ width: WIDTH, height: HEIGHT, seed: 300 + i, quality: 85 })));
const stamp = Date.now();
const photo = (i: number) => withUniqueComment(bases[i % bases.length]!, `bench-volume-${stamp}-${i}`);
const start = Date.UTC(2026, 10, 20, 8, 0, 0);

async function writePhotos(folder: string, from: number, to: number): Promise<number> {
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const file = path.join(folder, `IMG_${String(i + 1).padStart(5, '0')}.JPG`);
    const b = photo(i);
    bytes += b.length;
    await writeFile(file, b);
    const t = new Date(start + Math.floor(i / 6) * 60_000 + (i % 6) * 1_500); // bursts of 6
    await utimes(file, t, t);
  }
  return bytes;
}

const root = tempDir('bench-volumes');
const staging = tempDir('bench-card');
const card = path.join(staging, 'CARD');
const folder = path.join(card, 'DCIM', '100CAMRA');
await mkdir(folder, { recursive: true });
const cardBytes = await writePhotos(folder, 0, count);

const host = await startHost({ extraArgs: ['--volumes-root', root] });
const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api/events?token=${host.token}`, { headers: { origin: host.origin } });
await new Promise((r, j) => {
  ws.once('open', r);
  ws.once('error', j);
});
const seen = new Map<string, number>(); // image id -> when its event arrived
ws.on('message', (m) => {
  const { event, payload } = JSON.parse(String(m)) as { event: string; payload: { ids?: string[] } };
  if (event !== 'images.changed') return;
  const t = performance.now();
  for (const id of payload.ids ?? []) if (!seen.has(id)) seen.set(id, t);
});
const until = async (n: number, what: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (seen.size < n) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${seen.size}/${n})`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
type Session = { state: string; filesToImport: number; newImages: number; filesOnCamera: number };
const sessions = async () => (await host.call<{ recentSessions: Session[] }>('cameras.list')).recentSessions;

// (1) first import
const t0 = performance.now();
await rename(card, path.join(root, 'CARD'));
await until(count, 'the first import', 30 * 60_000);
const firstSeconds = (performance.now() - t0) / 1000;
let first: Session | undefined;
while (!first || first.state === 'importing') {
  first = (await sessions())[0];
  await new Promise((r) => setTimeout(r, 20));
}

// (2) rescan: pull out, add 10 photos, plug back in
await rename(path.join(root, 'CARD'), card);
while ((await host.call<{ cameras: unknown[] }>('cameras.list')).cameras.length > 0) await new Promise((r) => setTimeout(r, 20));
await writePhotos(folder, count, count + added);
const before = seen.size;
const t1 = performance.now();
await rename(card, path.join(root, 'CARD'));
await until(before + added, 'the 10 new photos', 60_000);
const rescanSeconds = (performance.now() - t1) / 1000;
let second: Session | undefined;
while (!second || second.state === 'importing' || second === first) {
  const list = await sessions();
  second = list.length >= 2 ? list[0] : undefined;
  await new Promise((r) => setTimeout(r, 20));
}
const images = await host.call<{ total: number; items: { status: string }[] }>('images.list', { limit: 5000 });
ws.close();
await host.stop();

const result = {
  photos: count,
  photoPixels: `${WIDTH}x${HEIGHT}`,
  avgFileKB: Number((cardBytes / count / 1024).toFixed(1)),
  firstImportSeconds: Number(firstSeconds.toFixed(2)),
  importImagesPerSecond: Number((count / firstSeconds).toFixed(1)),
  firstSession: { state: first.state, newImages: first.newImages },
  rescanPhotosOnCard: second.filesOnCamera,
  rescanFilesRead: second.filesToImport,
  rescanSeconds: Number(rescanSeconds.toFixed(2)),
  monitorPollMs: 1000,
  imagesInStation: images.items.filter((i) => i.status === 'ready').length,
  budget: { rescanSeconds: 2 },
};
console.log(JSON.stringify(result));
process.exit(0);
