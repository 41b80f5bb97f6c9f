// npm run bench:ingest [-- --count N]
// Writes N synthetic 3000x2000 fundus-like JPEGs into the watched folder of a real headless
// station and measures (1) throughput for a burst and (2) latency from "file complete on disk" to
// "row committed and event emitted" while files arrive one every 100 ms. Last line: JSON.
import { parseArgs } from 'node:util';
import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { WebSocket } from 'ws';
import { startHost, tempDir } from '../test/fixtures/headless.ts';
import { syntheticFundusJpeg, withUniqueComment } from '../test/fixtures/fundus.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, 'latency-count': { type: 'string', default: '60' } } });
const count = Number(values.count);
const latencyCount = Number(values['latency-count']);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

console.error(`generating ${count + latencyCount} synthetic 3000x2000 JPEGs…`);
const bases = await Promise.all(Array.from({ length: 8 }, (_, i) => syntheticFundusJpeg({ width: 3000, height: 2000, seed: 100 + i, grain: 24, quality: 92 })));
const files = Array.from({ length: count + latencyCount }, (_, i) => withUniqueComment(bases[i % bases.length]!, `bench-${i}-${Date.now()}`));
const avgMb = files.reduce((a, f) => a + f.length, 0) / files.length / 1e6;
const staging = tempDir('bench-stage');

const host = await startHost();
const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api/events?token=${host.token}`, { headers: { origin: host.origin } });
await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
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
for (let i = 0; i < count; i++) {
  const tmp = path.join(staging, `b${i}.jpg`);
  await writeFile(tmp, files[i]!);
  await rename(tmp, path.join(host.watchDir, `burst-${i}.jpg`));
}
const writeSeconds = (performance.now() - t0) / 1000;
await waitForCount(count);
const burstSeconds = (performance.now() - t0) / 1000;
const imagesPerSecond = count / burstSeconds;

// (2) Latency: one file every 100 ms, each written in place; "complete" = its last byte is written.
const completeAt = new Map<string, number>();
for (let i = 0; i < latencyCount; i++) {
  const name = `steady-${i}.jpg`;
  await writeFile(path.join(host.watchDir, name), files[count + i]!);
  completeAt.set(name, performance.now());
  await new Promise((r) => setTimeout(r, 100));
}
await waitForCount(count + latencyCount);
const list = await host.call<{ items: { id: string; fileName: string; status: string }[] }>('images.list', { limit: 5000 });
const latencies: number[] = [];
for (const item of list.items) {
  const done = completeAt.get(item.fileName);
  const ev = seen.get(item.id);
  if (done !== undefined && ev !== undefined) latencies.push(ev - done);
}
const notReady = list.items.filter((i) => i.status !== 'ready');
for (const i of notReady) console.error(`not ready: ${i.fileName}: ${(i as { error?: string }).error}`);
const errors = notReady.length;
ws.close();
await host.stop();

const result = {
  images: count,
  avgFileMB: Number(avgMb.toFixed(2)),
  burstSeconds: Number(burstSeconds.toFixed(2)),
  writeSeconds: Number(writeSeconds.toFixed(2)),
  imagesPerSecond: Number(imagesPerSecond.toFixed(1)),
  latencySamples: latencies.length,
  latencyMsP50: Number(percentile(latencies, 50).toFixed(1)),
  latencyMsP95: Number(percentile(latencies, 95).toFixed(1)),
  latencyMsMax: Number(Math.max(...latencies).toFixed(1)),
  notReady: errors,
  budget: { imagesPerSecond: 40, latencyMsP95: 300 },
};
console.log(JSON.stringify(result));
process.exit(0);
