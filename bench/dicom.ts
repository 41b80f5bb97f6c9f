// npm run bench:dicom [-- --count N --paced N]
// The DICOM listener with DCMTK as the camera, in one run:
// (1) receive-and-store throughput: N OP images (default 200, 3000x2000 JPEG Baseline made by
//     img2dcm -oph) sent by one dcmsend to the station, and the same files to DCMTK's own storescp
//     (ratioToStorescp = station throughput / storescp throughput; the thumbnail and hint may follow),
//     the station's CPU time and garbage collections while it receives, storescp's CPU time, and
//     the fsync floor: a plain Node loop that writes and fsyncs files of the same sizes one after
//     the other (what "Success only once durable" costs at least; storescp does not fsync), as
//     fsyncFloorSeconds and ratioToFsyncFloor = floor seconds / station seconds;
// (2) at one image every 200 ms (`paced` more images, default 50): from the end of each object's
//     transfer (its dicom_instances row: fsynced in the spool) to its image row, with thumbnail and
//     quality hint, committed (the images.changed event after the commit); p50/p95;
// (3) peak memory of the headless host (RSS, polled from /proc every 10 ms) above its idle RSS
//     (after one photo warmed it up) while it receives a 150 MB multi-frame object.
// Every DCMTK program here runs with TCP_NODELAY=1 (DCMTK reads it from the environment): with
// Nagle's algorithm left on, each C-STORE response from storescp waits ~40 ms for a delayed ACK,
// which made storescp look 25 times slower than it is. The station's sockets are set no-delay.
// Its temp folders (about 450 MB) are removed at the end. Last line: one JSON object.
import { parseArgs } from 'node:util';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { Station } from '../src/main/core/station.ts';
import { silentLogger } from '../src/main/core/kernel/logger.ts';
import { syntheticFundusJpeg } from '../test/fixtures/fundus.ts';
import { repoRoot, tempDir } from '../test/fixtures/headless.ts';
import { freePort, OP_KEYS, run, send, start, writeMultiFrame, echo } from '../test/fixtures/dicom-camera.ts';
import { measureMwl, MWL_SCU } from './dicom-mwl.ts';

process.env.TCP_NODELAY = '1';
// As both hosts do (cli.ts, electron/index.ts): fsyncs and sharp's decodes share libuv's pool.
process.env.UV_THREADPOOL_SIZE ??= '8';
const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, paced: { type: 'string', default: '50' } } });
const count = Number(values.count);
const paced = Number(values.paced);
const WIDTH = 3000;
const HEIGHT = 2000;

const dir = tempDir('bench-dicom');
console.error(`making ${count + paced} OP images (${WIDTH}x${HEIGHT} JPEG Baseline) with img2dcm…`);
const bases: string[] = [];
for (let i = 0; i < 8; i++) {
  const file = path.join(dir, `base-${i}.jpg`);
  writeFileSync(file, await syntheticFundusJpeg({ width: WIDTH, height: HEIGHT, seed: 500 + i, quality: 92, grain: 14 }));
  bases.push(file);
}
const BENCH_KEYS = [...OP_KEYS, 'PatientID=BENCH-1', 'PatientName=Bench^Network'];
const files: string[] = [];
for (let i = 0; i < count + paced; i++) {
  const out = path.join(dir, `op-${i}.dcm`);
  const r = await run('img2dcm', ['-oph', ...[...BENCH_KEYS, `ImageLaterality=${i % 2 ? 'L' : 'R'}`].flatMap((k) => ['-k', k]), bases[i % bases.length]!, out]);
  if (r.code !== 0) throw new Error(`img2dcm: ${r.out}`);
  files.push(out);
}
const bulk = files.slice(0, count);
const bulkBytes = bulk.reduce((n, f) => n + statSync(f).size, 0);

/** User + system CPU ms of a process so far (/proc/PID/stat; clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

// (1o) The fsync floor: the same files written and fsynced one after the other by plain Node.
const floorDir = tempDir('bench-dicom-floor');
const contents = bulk.map((f) => readFileSync(f));
let t = performance.now();
for (let i = 0; i < contents.length; i++) {
  const fh = await open(path.join(floorDir, `f${i}`), 'wx');
  await fh.write(contents[i]!);
  await fh.sync();
  await fh.close();
}
const fsyncFloorSeconds = (performance.now() - t) / 1000;
contents.length = 0;

// (1a) DCMTK's storescp: the reference receiver (writes each object to a file, no fsync).
const scpPort = await freePort();
const scpDir = tempDir('bench-storescp');
const scp = start('storescp', ['+xa', '-aet', 'REFERENCE', '-od', scpDir, String(scpPort)]);
for (let i = 0; i < 50 && (await echo(scpPort, 'CAM1', 'REFERENCE')).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
t = performance.now();
const toScp = await send(scpPort, bulk, 'CAM1', 'REFERENCE');
const storescpSeconds = (performance.now() - t) / 1000;
const storescpCpuMs = cpuMsOf(scp.pid!);
scp.kill();
if (toScp.code !== 0) throw new Error(`dcmsend to storescp: ${toScp.out}`);

// (1b) The station, in this process, quality hints on.
const stationDir = tempDir('bench-dicom-station');
const station = await Station.open({
  dataDir: stationDir,
  host: 'headless',
  version: 'bench',
  urls: { thumb: (id) => id, full: (id) => id },
  logger: silentLogger(),
  watchVolumes: false,
  dicom: { port: 0, aeTitle: 'STATION', address: '127.0.0.1', cameras: ['CAM1'] },
});
const port = station.dicom.listener.port()!;
const committedAt = new Map<string, number>();
station.events.subscribe((event, payload) => {
  if (event !== 'images.changed') return;
  const now = performance.timeOrigin + performance.now();
  for (const id of (payload as { ids: string[] }).ids) if (!committedAt.has(id)) committedAt.set(id, now);
});
console.error(`sending ${count} objects to storescp and to the station…`);
let gcCount = 0;
let gcMs = 0;
const gcs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcCount++;
    gcMs += e.duration;
  }
});
gcs.observe({ entryTypes: ['gc'] });
const cpuBefore = process.cpuUsage();
t = performance.now();
const toStation = await send(port, bulk);
const stationSeconds = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(cpuBefore);
gcs.disconnect();
if (toStation.code !== 0) throw new Error(`dcmsend to the station: ${toStation.out}`);
await station.dicom.intake.idle();
await station.pipeline.idle();
const drainSeconds = (performance.now() - t) / 1000;

// (2) Paced: one object every 200 ms, each in its own association as a camera sends a capture.
console.error(`sending ${paced} objects at one every 200 ms…`);
const sends: Promise<unknown>[] = [];
for (const file of files.slice(count)) {
  sends.push(send(port, [file]));
  await new Promise((r) => setTimeout(r, 200));
}
await Promise.all(sends);
await station.dicom.intake.idle();
await station.pipeline.idle();
const latencies: number[] = [];
let withHint = 0;
for (const file of files.slice(count)) {
  const sop = (await run('dcmdump', ['+P', 'SOPInstanceUID', file])).out.match(/\[([\d.]+)\]/)![1]!;
  const row = station.dicom.repo.instance(sop);
  if (!row?.image_id) throw new Error(`no image for ${sop}`);
  const image = station.images.byId(row.image_id)!;
  if (image.quality_verdict) withHint++;
  latencies.push(committedAt.get(row.image_id)! - Date.parse(row.received_at));
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
await station.close();

// (3) Memory: the headless host as a DICOM node, receiving a 150 MB multi-frame object.
console.error('writing a 150 MB multi-frame object and sending it to the headless host…');
const big = path.join(dir, 'oct.dcm');
await writeMultiFrame(big, { frames: 158, rows: 1000, columns: 1000 });
const data = tempDir('bench-dicom-host');
const host = spawn(
  process.execPath,
  ['--disable-warning=ExperimentalWarning', 'src/main/headless/cli.ts', '--data', data, '--port', '0', '--renderer-dir', data, '--volumes-root', data, '--dicom-port', '0', '--dicom-ae-title', 'STATION', '--dicom-address', '127.0.0.1', '--dicom-camera', 'CAM1'],
  { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
);
const hostPort = await new Promise<number>((resolve, reject) => {
  createInterface({ input: host.stdout! }).on('line', (line) => {
    const m = line.match(/^DICOM node STATION listening on [^:]+:(\d+)/);
    if (m) resolve(Number(m[1]));
  });
  host.once('exit', (code) => reject(new Error(`headless host exited with ${code}`)));
});
const rss = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${host.pid}/status`, 'utf8'))![1]) * 1024;
// Idle means a station that has taken in a photo already (its quality worker and decoder are up),
// so the figure is what receiving the large object costs, not what the first photo of the day starts.
const coldRss = rss();
if ((await send(hostPort, [files[0]!])).code !== 0) throw new Error('warm-up send failed');
await new Promise((r) => setTimeout(r, 2000));
const idle: number[] = [];
for (let i = 0; i < 20; i++) {
  idle.push(rss());
  await new Promise((r) => setTimeout(r, 50));
}
const idleRss = idle.reduce((a, b) => a + b, 0) / idle.length;
let peakRss = idleRss;
const poll = setInterval(() => (peakRss = Math.max(peakRss, rss())), 10);
t = performance.now();
const bigSend = await send(hostPort, [big]);
const bigSeconds = (performance.now() - t) / 1000;
await new Promise((r) => setTimeout(r, 1500)); // its image (one frame) follows the acknowledgement
clearInterval(poll);
host.kill('SIGTERM');
await new Promise((r) => (host.exitCode === null ? host.once('exit', r) : r(null)));
if (bigSend.code !== 0) throw new Error(`dcmsend of the large object: ${bigSend.out}`);

// The worklist server over a store of 20,000 orders (bench/dicom-mwl.ts), after the station above has stopped.
const mwl = await measureMwl({ orders: 20_000, perDay: 500 });

const mb = (b: number) => Number((b / 1024 / 1024).toFixed(1));
const stationPerSecond = count / stationSeconds;
const storescpPerSecond = count / storescpSeconds;
const result = {
  objects: count,
  objectPixels: `${WIDTH}x${HEIGHT}`,
  avgObjectKB: Number((bulkBytes / count / 1024).toFixed(1)),
  station: {
    seconds: Number(stationSeconds.toFixed(2)),
    objectsPerSecond: Number(stationPerSecond.toFixed(1)),
    mbPerSecond: Number((mb(bulkBytes) / stationSeconds).toFixed(1)),
    // The whole process (receiving, and the images let through mid-burst), every thread.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    gcCount,
    gcPauseMs: Math.round(gcMs),
  },
  storescp: { seconds: Number(storescpSeconds.toFixed(2)), objectsPerSecond: Number(storescpPerSecond.toFixed(1)), cpuMs: storescpCpuMs },
  ratioToStorescp: Number((stationPerSecond / storescpPerSecond).toFixed(2)),
  fsyncFloorSeconds: Number(fsyncFloorSeconds.toFixed(2)),
  ratioToFsyncFloor: Number((fsyncFloorSeconds / stationSeconds).toFixed(2)),
  allImagesReadySeconds: Number(drainSeconds.toFixed(2)),
  paced: { objects: paced, everyMs: 200, withHint, transferEndToHintMs: { p50: Math.round(pct(50)), p95: Math.round(pct(95)), max: Math.round(latencies.at(-1)!) } },
  largeObject: { megabytes: mb(statSync(big).size), seconds: Number(bigSeconds.toFixed(2)), coldRssMB: mb(coldRss), idleRssMB: mb(idleRss), peakRssMB: mb(peakRss), peakAboveIdleMB: mb(peakRss - idleRss) },
  mwl: { scu: MWL_SCU, orders: mwl.mwlOrders, perDay: mwl.perDay, mwlFindP95Ms: mwl.mwlFindP95Ms, mwlDayListP95Ms: mwl.mwlDayListP95Ms, mwlDayItems: mwl.mwlDayItems, handler: mwl.handler, findscu: mwl.findscu },
  loadAverage: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(1))),
  goals: { ratioToStorescp: 0.8, transferEndToHintP95Ms: 300, peakAboveIdleMB: 100, mwlFindP95Ms: 50 },
};
for (const d of [dir, floorDir, scpDir, stationDir, data]) rmSync(d, { recursive: true, force: true });
console.log(JSON.stringify(result));
process.exit(0);
