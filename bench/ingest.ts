// npm run bench:ingest [-- --count N] [-- --latency-count N] [-- --synthetic] [-- --cpu-prof DIR]
//   [-- --station-node-options '--trace-gc' [-- --station-output FILE]]
// Photos: the real fundus photographs in ../shared/data/fundus (or $CAPTURE_SHARED_DATA/fundus),
// read in place, scaled to 3000x2000 in memory, the copies written to temp folders only; else
// synthetic 3000x2000 fundus-like JPEGs.
// Measures, in one run:
//  (0) the floor: the least any station must do per photo (read the file, hash it, decode it once
//      at reduced size with the station's own sharp settings, make a 256 px thumbnail from that
//      decode), one photo in flight per core, in this process; measured before and after (1)-(2);
//  (1) throughput of a real headless station taking a burst from a watched folder, until every
//      photo is committed and its event emitted, ready with its quality hint;
//  (2) latency from "file complete on disk" to "row committed and event emitted" while photos
//      arrive one every 100 ms.
// The last line is one JSON object.
import { parseArgs } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { startHost, tempDir } from '../test/fixtures/headless.ts';
import { syntheticFundusJpeg, withUniqueComment } from '../test/fixtures/fundus.ts';
import { sharedPath } from '../test/fixtures/shared-data.ts';
import { decodeReduced } from '../src/main/core/imaging/decode.ts';
import { sha256 } from '../src/main/core/store/spool.ts';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '200' }, 'latency-count': { type: 'string', default: '60' }, synthetic: { type: 'boolean', default: false }, 'cpu-prof': { type: 'string' }, 'station-node-options': { type: 'string' }, 'station-output': { type: 'string' } },
});
const count = Number(values.count);
const latencyCount = Number(values['latency-count']);
const WIDTH = 3000;
const HEIGHT = 2000;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

// --- the photos -------------------------------------------------------------------------------
const realDir = sharedPath('fundus');
const realFiles = !values.synthetic && existsSync(realDir) ? readdirSync(realDir).filter((f) => /\.(jpe?g|tiff?)$/i.test(f)).sort() : [];
let bases: Buffer[];
let photoSource: string;
if (realFiles.length > 0) {
  console.error(`scaling ${realFiles.length} real fundus photos to ${WIDTH}x${HEIGHT}…`);
  photoSource = 'real';
  bases = await Promise.all(
    realFiles.map((f) =>
      sharp(readFileSync(path.join(realDir, f)))
        .resize(WIDTH, HEIGHT, { fit: 'contain', background: '#000' })
        .jpeg({ quality: 92 })
        .toBuffer(),
    ),
  );
} else {
  console.error(`no real photos in ${realDir}: generating synthetic ${WIDTH}x${HEIGHT} JPEGs…`);
  photoSource = 'synthetic';
  bases = await Promise.all(Array.from({ length: 8 }, (_, i) => syntheticFundusJpeg({ width: WIDTH, height: HEIGHT, seed: 100 + i, grain: 24, quality: 92 })));
}
const files = Array.from({ length: count + latencyCount }, (_, i) => withUniqueComment(bases[i % bases.length]!, `bench-${i}-${Date.now()}`));
const avgMb = files.reduce((a, f) => a + f.length, 0) / files.length / 1e6;
const staging = tempDir('bench-stage');
const floorDir = tempDir('bench-floor');
const floorPaths = await Promise.all(
  files.slice(0, count).map(async (bytes, i) => {
    const p = path.join(floorDir, `f${i}.jpg`);
    await writeFile(p, bytes);
    return p;
  }),
);

// --- (0) the floor ----------------------------------------------------------------------------
const cores = os.availableParallelism();
async function floorOnce(p: string): Promise<void> {
  const bytes = await readFile(p);
  sha256(bytes);
  const raw = await decodeReduced({ kind: 'encoded', bytes }); // the station's decode: shrink-on-load to 512 px
  await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } })
    .resize(256, 256, { fit: 'inside' })
    .jpeg({ quality: 82 })
    .toBuffer();
}
const floorCpuMs: number[] = [];
const floorByThread: Record<string, number>[] = [];
async function measureFloor(): Promise<number> {
  let next = 0;
  const t = performance.now();
  const cpu = process.cpuUsage();
  const th0 = threadCpuMs(process.pid);
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (next < floorPaths.length) await floorOnce(floorPaths[next++]!);
    }),
  );
  const used = process.cpuUsage(cpu);
  floorByThread.push(byThread(th0, threadCpuMs(process.pid), floorPaths.length));
  floorCpuMs.push((used.user + used.system) / 1000 / floorPaths.length);
  return floorPaths.length / ((performance.now() - t) / 1000);
}
/** CPU time of each thread of a process, in ms (Linux; empty elsewhere). */
function threadCpuMs(pid: number | undefined): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
      const fields = raw.replace(/^.*\) /, '').split(' ');
      out.set(tid, { name, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 });
    } catch {
      // the thread ended
    }
  }
  return out;
}
// Where the CPU goes, by thread: the event loop, V8's helpers (garbage collection, compiling),
// libuv's pool (file reads, fsyncs, sharp's calls), the quality worker, libvips (decode, encode).
const THREAD_GROUPS: Record<string, string> = { MainThread: 'eventLoop', V8Worker: 'v8Gc', 'libuv-worker': 'libuvPool', WorkerThread: 'qualityWorker', 'libvips worker': 'libvips' };
function byThread(before: Map<string, { name: string; ms: number }>, after: Map<string, { name: string; ms: number }>, photos: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [tid, t] of after) {
    const group = THREAD_GROUPS[t.name] ?? 'other';
    out[group] = (out[group] ?? 0) + (t.ms - (before.get(tid)?.ms ?? 0)) / photos;
  }
  for (const k of Object.keys(out)) out[k] = round(out[k]!);
  return out;
}

/** CPU time of a process, every thread, in ms (Linux; null elsewhere). */
function processCpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in ticks of 1/100 s
  } catch {
    return null;
  }
}
for (const p of floorPaths.slice(0, cores * 2)) await floorOnce(p); // warm sharp up, like the station's first photos
const floorBefore = await measureFloor();
console.error(`floor: ${floorBefore.toFixed(1)} photos/s`);

// --- (1) + (2) the station ----------------------------------------------------------------------
// --cpu-prof DIR: the station writes a V8 CPU profile (main thread and workers) into DIR on exit.
// --station-node-options OPTS: Node options for the station only (e.g. --trace-gc); its output
// goes to --station-output FILE.
const profileDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : null;
const stationOptions = [profileDir ? `--cpu-prof --cpu-prof-dir=${profileDir}` : '', values['station-node-options'] ?? ''].join(' ').trim();
const host = await startHost(stationOptions ? { env: { NODE_OPTIONS: stationOptions } } : {});
const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api/events?token=${host.token}`, { headers: { origin: host.origin } });
await new Promise((r, j) => {
  ws.once('open', r);
  ws.once('error', j);
});
const seen = new Map<string, number>(); // image id -> time the event arrived
ws.on('message', (m) => {
  const { event, payload } = JSON.parse(String(m)) as { event: string; payload: { ids: string[] } };
  if (event !== 'images.changed') return;
  const t = performance.now();
  for (const id of payload.ids) if (!seen.has(id)) seen.set(id, t);
});
const waitForCount = async (n: number) => {
  while (seen.size < n) await new Promise((r) => setTimeout(r, 5));
};

// (1) Throughput: the camera dumps a burst (written under a temp name, renamed when complete).
const t0 = performance.now();
const cpu0 = processCpuMs(host.child.pid);
const threads0 = threadCpuMs(host.child.pid);
for (let i = 0; i < count; i++) {
  const tmp = path.join(staging, `b${i}.jpg`);
  await writeFile(tmp, files[i]!);
  await rename(tmp, path.join(host.watchDir, `burst-${i}.jpg`));
}
const writeSeconds = (performance.now() - t0) / 1000;
await waitForCount(count);
const burstSeconds = (performance.now() - t0) / 1000;
const imagesPerSecond = count / burstSeconds;
const cpu1 = processCpuMs(host.child.pid);
const stationByThread = byThread(threads0, threadCpuMs(host.child.pid), count);
const stationCpuMsPerPhoto = cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / count : null;

// (2) Latency: one file every 100 ms, each written in place; "complete" = its last byte is written.
const completeAt = new Map<string, number>();
for (let i = 0; i < latencyCount; i++) {
  const name = `steady-${i}.jpg`;
  await writeFile(path.join(host.watchDir, name), files[count + i]!);
  completeAt.set(name, performance.now());
  await new Promise((r) => setTimeout(r, 100));
}
await waitForCount(count + latencyCount);
const list = await host.call<{ items: { id: string; fileName: string; status: string; quality: unknown }[] }>('images.list', { limit: 5000 });
const latencies: number[] = [];
for (const item of list.items) {
  const done = completeAt.get(item.fileName);
  const ev = seen.get(item.id);
  if (done !== undefined && ev !== undefined) latencies.push(ev - done);
}
const notReady = list.items.filter((i) => i.status !== 'ready');
for (const i of notReady) console.error(`not ready: ${i.fileName}: ${(i as { error?: string }).error}`);
const withoutHint = list.items.filter((i) => i.status === 'ready' && i.quality === null).length;
ws.close();
await host.stop();
if (values['station-output']) await writeFile(values['station-output'], host.output());

// Decodes per photo, from the station's own count (the last "image taken in" log line carries it).
let decodes = 0;
let takenIn = 0;
for (const line of readFileSync(path.join(host.dataDir, 'logs', 'station.log'), 'utf8').split('\n')) {
  if (!line.includes('"image taken in"')) continue;
  takenIn++;
  decodes = Math.max(decodes, (JSON.parse(line) as { decodes?: number }).decodes ?? 0);
}

const floorAfter = await measureFloor();
console.error(`floor (after): ${floorAfter.toFixed(1)} photos/s`);
const floorImagesPerSecond = (floorBefore + floorAfter) / 2;

const result = {
  images: count,
  photos: photoSource,
  avgFileMB: round(avgMb, 2),
  burstSeconds: round(burstSeconds, 2),
  writeSeconds: round(writeSeconds, 2),
  imagesPerSecond: round(imagesPerSecond),
  floorImagesPerSecond: round(floorImagesPerSecond),
  floorRuns: [round(floorBefore), round(floorAfter)],
  ratioToFloor: round(imagesPerSecond / floorImagesPerSecond, 2),
  cpuMsPerPhoto: {
    floor: round(floorCpuMs.reduce((a, b) => a + b, 0) / floorCpuMs.length),
    station: stationCpuMsPerPhoto === null ? null : round(stationCpuMsPerPhoto),
    floorByThread: floorByThread.at(-1) ?? null,
    stationByThread,
  },
  decodesPerPhoto: takenIn > 0 && decodes > 0 ? round(decodes / takenIn, 2) : null,
  cores,
  loadAverage1m: round(os.loadavg()[0]!, 2),
  latencySamples: latencies.length,
  latencyMsP50: round(percentile(latencies, 50)),
  latencyMsP95: round(percentile(latencies, 95)),
  latencyMsMax: round(Math.max(...latencies)),
  notReady: notReady.length,
  withoutHint,
  budget: { imagesPerSecond: 40, latencyMsP95: 300, ratioToFloor: 0.8 },
};
console.log(JSON.stringify(result));
process.exit(0);
