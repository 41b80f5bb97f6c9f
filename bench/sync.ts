// npm run bench:sync [-- --count 200 --concurrency 8 --rounds 3]
// Uploads `count` photos of about 1.5 MB to Azurite three ways, at the same concurrency:
//   1. through the station's outbox (exams completed -> jobs in SQLite -> the engine: MD5 and
//      SHA-256 of each spool file, conditional create with Content-MD5 and metadata, the job marked
//      done in a committed transaction per photo);
//   2. a plain parallel loop of the Azure SDK's uploadFile (the ceiling: no hashing, no metadata,
//      no bookkeeping), with the same write-only SAS;
//   3. `rclone copy` when rclone is installed (it needs the account key: with a write-only SAS it
//      fails, since it sends a HEAD first).
// Station and SDK runs alternate for `rounds` rounds (default 3); the best of each is reported. Last line:
// {"imagesPerSecond","sdkImagesPerSecond","ratioToSdk","rcloneImagesPerSecond"?,"ratioToRclone"?}
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ContainerClient } from '@azure/storage-blob';
import { startAzurite } from '../test/fixtures/azurite.ts';
import { syntheticFundusJpeg, withUniqueComment } from '../test/fixtures/fundus.ts';
import { tempDir } from '../test/fixtures/headless.ts';
import { call, completeExam, openStation, seedPhoto, signIn } from '../test/fixtures/sync-world.ts';
import { memorySecretStore } from '../src/main/core/sync/secrets.ts';
import { queueSummary } from '../src/main/core/api/sync.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' }, // 'station' or 'sdk', for profiling
  },
});
const count = Math.ceil(Number(values.count) / 2) * 2; // exams of 2 or 4 photos, one half per eye
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const log = (s: string): void => console.error(s);

log(`generating ${count} photos of about 1.5 MB…`);
const bases = await Promise.all(
  Array.from({ length: 4 }, (_, i) => syntheticFundusJpeg({ width: 3000, height: 2000, seed: 300 + i, grain: 32, quality: 92 })),
);
const photos = (round: number): Buffer[] => Array.from({ length: count }, (_, i) => withUniqueComment(bases[i % bases.length]!, `bench-${round}-${i}-${Date.now()}`));
const avgMb = photos(0).reduce((n, b) => n + b.length, 0) / count / 1e6;
log(`average photo: ${avgMb.toFixed(2)} MB; concurrency ${concurrency}; ${rounds} round(s)`);

const az = await startAzurite();
/** This process's CPU time per photo (ms), station vs SDK: what the station's bookkeeping costs. */
const cpuPerPhoto = { station: [] as number[], sdk: [] as number[] };
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000 / count;
};

async function stationRun(round: number): Promise<number> {
  const container = `station-${round}`;
  await az.createContainer(container);
  const station = await openStation({ dataDir: tempDir('bench-sync'), secrets: memorySecretStore(), timing: {} });
  try {
    await signIn(station);
    // Photos in the spool, linked to exams of 4 (2 per eye), as ingest and the operator leave them.
    const files = photos(round);
    const orderIds: string[] = [];
    for (let e = 0; e * 4 < count; e++) {
      const created = await call(station, 'orders.create', {
        order: { patientId: `B-${round}-${e}`, name: `Bench, ${e}`, birthDate: '1970-01-01', sex: 'O', scheduledAt: new Date().toISOString() },
        allowDuplicate: true,
      });
      if (!created.created) throw new Error('order not created');
      // Up to 4 photos per exam, half of them per eye (count is even).
      const chunk = Array.from({ length: Math.min(4, count - e * 4) }, (_, k) => e * 4 + k);
      for (const [eye, part] of [['OD', chunk.slice(0, chunk.length / 2)], ['OS', chunk.slice(chunk.length / 2)]] as const) {
        const ids: string[] = [];
        for (const i of part) {
          // As ingest leaves them: in the spool, SHA-256 and (from the background digest) MD5 known.
          const p = await seedPhoto(station, { laterality: eye, takenAt: new Date(Date.UTC(2025, 2, 1, 8, 0, i % 60)).toISOString(), bytes: files[i]!, md5: true });
          ids.push(p.id);
        }
        await call(station, 'images.assign', { imageIds: ids, orderId: created.order.id, eye });
      }
      orderIds.push(created.order.id);
    }
    const saved = await call(station, 'sync.settings.update', {
      connectionString: az.writeOnlyConnectionString(container),
      container,
      workflow: 'order-first', // uploads only: the same work as the SDK loop, plus what the station adds
      siteId: 'BENCH',
      stationId: 'bench-station',
      concurrency,
      bandwidthCapKbps: null,
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
    await call(station, 'sync.pause');
    for (const id of orderIds) await completeExam(station, id);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await call(station, 'sync.resume');
    // A cheap poll (one indexed count every 5 ms) so the measuring does not slow the station down.
    const progress = station.db.prepare<[], { done: number; failed: number }>(
      "SELECT sum(state = 'done') AS done, sum(state = 'failed') AS failed FROM sync_jobs WHERE kind = 'upload-image'",
    );
    for (;;) {
      const p = progress.get()!;
      if (p.done === count) break;
      if (p.failed) throw new Error(`station upload failed: ${JSON.stringify(queueSummary(station.sync))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - t0) / 1000;
    cpuPerPhoto.station.push(cpuMs(cpu0));
    // Every upload recorded: a committed 'done' row per photo, read back from the database.
    const done = (station.db.prepare("SELECT count(*) AS n FROM sync_jobs WHERE kind = 'upload-image' AND state = 'done'").get() as { n: number }).n;
    if (done !== count) throw new Error(`only ${done} uploads recorded`);
    return count / seconds;
  } finally {
    await station.close();
  }
}

async function sdkRun(round: number): Promise<{ rate: number; dir: string }> {
  const container = `sdk-${round}`;
  await az.createContainer(container);
  const dir = tempDir('bench-sdk');
  const files = photos(round).map((b, i) => {
    const f = path.join(dir, `${String(i).padStart(4, '0')}.jpg`);
    writeFileSync(f, b);
    return f;
  });
  const client = new ContainerClient(az.writeOnlySasUrl(container));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const f = files[next++]!;
        await client.getBlockBlobClient(path.basename(f)).uploadFile(f, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
      }
    }),
  );
  cpuPerPhoto.sdk.push(cpuMs(cpu0));
  return { rate: count / ((performance.now() - t0) / 1000), dir };
}

function hasRclone(): boolean {
  try {
    execFileSync('rclone', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function rcloneRun(dir: string): Promise<number> {
  const container = 'rclone';
  await az.createContainer(container);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('rclone', ['copy', dir, `:azureblob:${container}`, '--transfers', String(concurrency), '--retries', '1', '--low-level-retries', '1', '--no-check-dest'], {
      env: { ...process.env, RCLONE_AZUREBLOB_USE_EMULATOR: 'true', RCLONE_AZUREBLOB_ENDPOINT: az.blobEndpoint },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rclone failed (${code}): ${err.slice(-500)}`))));
  });
  return count / ((performance.now() - t0) / 1000);
}

try {
  // Warm-up: Azurite's first requests are slow (JIT, metadata store).
  {
    await az.createContainer('warmup');
    const c = new ContainerClient(az.writeOnlySasUrl('warmup'));
    const w = photos(99).slice(0, 8);
    await Promise.all(w.map((b, i) => c.getBlockBlobClient(`w${i}.jpg`).uploadData(b)));
  }
  const station: number[] = [];
  const sdk: number[] = [];
  let lastDir = '';
  // Alternate which goes first, so a drift in Azurite (warming up, filling its disk) favours neither.
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['station', 'sdk'] as const) : (['sdk', 'station'] as const);
    for (const which of order) {
      if (which === 'station' && values.only !== 'sdk') {
        const s = await stationRun(r);
        station.push(s);
        log(`round ${r + 1}: station ${s.toFixed(1)} photos/s`);
      }
      if (which === 'sdk' && values.only !== 'station') {
        const d = await sdkRun(r);
        sdk.push(d.rate);
        lastDir = d.dir;
        log(`round ${r + 1}: sdk uploadFile loop ${d.rate.toFixed(1)} photos/s`);
      }
    }
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const result: Record<string, number> = {
    imagesPerSecond: round2(station.length ? best(station) : 0),
    sdkImagesPerSecond: round2(sdk.length ? best(sdk) : 0),
    ratioToSdk: round2(best(station) / best(sdk)),
  };
  if (hasRclone()) {
    mkdirSync(lastDir, { recursive: true });
    const rc = await rcloneRun(lastDir);
    log(`rclone copy ${rc.toFixed(1)} photos/s`);
    result.rcloneImagesPerSecond = round2(rc);
    result.ratioToRclone = round2(best(station) / rc);
  } else {
    log('rclone not installed: skipped (apt-get install -y rclone to compare)');
  }
  log(`${count} photos of ${avgMb.toFixed(2)} MB, concurrency ${concurrency}; station photos/s per round: ${station.map((x) => x.toFixed(1)).join(', ')}; sdk: ${sdk.map((x) => x.toFixed(1)).join(', ')}`);
  const avg = (xs: number[]): string => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1) : '-');
  log(`CPU time of this process per photo: station ${avg(cpuPerPhoto.station)} ms, sdk ${avg(cpuPerPhoto.sdk)} ms (Azurite runs in its own process)`);
  console.log(JSON.stringify(result));
} finally {
  await az.stop();
}
process.exit(0); // keep-alive sockets of the SDK clients would hold the process a while

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
