// A full disk under the data folder (issue 12 item 11): photos must wait safely in the camera
// folder (no refusal, no half-written spool file, no half row), the state must say what happened
// and what to do, and intake must resume by itself once space is freed.
// - The scenario on a real, small tmpfs (needs root to mount; skipped with the reason
//   otherwise).
// - The same without root, through two seams in StationConfig.storage: `spoolWrite` replaces the
//   spool's write into its temp file (it fails with ENOSPC like a full disk would) and `statfs`
//   replaces the free-space reading of the data folder's disk.
// - SQLite's own SQLITE_FULL, for real: the database is capped with PRAGMA max_page_count, so the
//   row insert fails after the spool write succeeded.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Station, type StationConfig } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import type { DiskSpace } from '../../src/main/core/storage/storage-guard.ts';
import { startHost, tempDir, waitFor } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
const MB = 1024 * 1024;
const GB = 1024 * MB;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let open: Station[] = [];
const mounts: string[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
  for (const m of mounts.splice(0)) execFileSync('umount', [m]);
});

async function station(dataDir: string, watchDir: string, extra: Partial<StationConfig> = {}) {
  const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, watch: [watchDir], quality: false, logger: silentLogger(), ...extra });
  open.push(s);
  return s;
}

/** Photos the size of a fundus camera's (about 1.3 MB each), all different. */
async function photos(n: number, seed0: number): Promise<Buffer[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => syntheticFundusJpeg({ width: 2000, height: 1500, grain: 40, quality: 95, seed: seed0 + i })));
}

const ready = async (s: Station) => (await s.api['images.list']({ limit: 500 })).items.filter((i) => i.status === 'ready');
const refused = async (s: Station) => (await s.api['images.list']({ limit: 500 })).items.filter((i) => i.status === 'error');
const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
const shownNotices = async (s: Station) => (await s.api['station.info']({})).notices.filter((n) => n.level !== 'info').map((n) => n.message);

/** Mounts a tmpfs of `sizeMb` on a new folder; a reason instead when this machine does not allow it. */
function mountTmpfs(sizeMb: number): { dir: string } | { reason: string } {
  if (process.platform !== 'linux') return { reason: 'a tmpfs can only be mounted on Linux' };
  if (process.getuid?.() !== 0) return { reason: 'mounting a tmpfs needs root; the seam test below covers the same behaviour' };
  const dir = tempDir('tmpfs');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    return { reason: `mount -t tmpfs is not permitted here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})` };
  }
  mounts.push(dir);
  return { dir };
}

describe('a full disk under the data folder', () => {
  it('on a real 48 MB tmpfs: photos wait in the camera folder, the state says so, and all are taken in once space is freed', async (ctx) => {
    const mount = mountTmpfs(48);
    if ('reason' in mount) return ctx.skip(mount.reason);
    const dataDir = path.join(mount.dir, 'data');
    const watchDir = tempDir('camera');
    // A short check interval keeps the test short; nothing below depends on how long anything takes.
    const s = await station(dataDir, watchDir, { storage: { checkMs: 200 } });
    s.settings.update({ lowDiskSpaceMegabytes: 1 });
    const jpegs = await photos(12, 100);
    const size = Math.max(...jpegs.map((j) => j.length));

    // Fill the disk until about four photos still fit.
    const filler = path.join(mount.dir, 'filler.bin');
    writeFileSync(filler, Buffer.alloc(Number(statfsSync(mount.dir).bavail) * statfsSync(mount.dir).bsize - Math.round(4.5 * size)));

    jpegs.forEach((j, i) => writeFileSync(path.join(watchDir, `IMG_${i}.jpg`), j));
    const info = await waitFor(
      async () => {
        const i = await s.api['station.info']({});
        return i.storage.state === 'full' && s.pipeline.pending === 0 && (await ready(s)).length + i.storage.waiting === 12 && i;
      },
      30_000,
      'the disk to be full and every photo either taken in or waiting',
    );
    const taken = await ready(s);
    expect(taken.length).toBeGreaterThan(0);
    expect(taken.length).toBeLessThan(12);
    expect(await refused(s)).toEqual([]); // waiting photos are not bad files
    expect(info.storage.message).toBe(
      `The disk of the station's data folder is full. Photos wait in the camera folder and will be taken in as soon as space is freed: ask IT to free space on ${mount.dir}.`,
    );
    expect(await shownNotices(s)).toContain(info.storage.message);
    // Nothing half-written: no temp files, exactly one spool copy and thumbnail per row.
    expect(filesUnder(path.join(dataDir, 'spool', 'tmp'))).toEqual([]);
    expect(filesUnder(path.join(dataDir, 'spool', 'files')).sort()).toEqual(taken.map((t) => t.sha256).sort());
    expect(filesUnder(path.join(dataDir, 'spool', 'thumbs'))).toHaveLength(taken.length);
    // The camera's copies are untouched.
    jpegs.forEach((j, i) => expect(sha(readFileSync(path.join(watchDir, `IMG_${i}.jpg`)))).toBe(sha(j)));

    // IT frees space: all 12 are taken in, without a restart.
    rmSync(filler);
    await waitFor(async () => (await ready(s)).length === 12, 60_000, 'all 12 photos after space was freed');
    expect((await ready(s)).map((r) => r.sha256).sort()).toEqual(jpegs.map(sha).sort());
    const after = await s.api['station.info']({});
    expect(after.storage).toMatchObject({ state: 'ok', waiting: 0, message: null });
    expect(await shownNotices(s)).not.toContain(info.storage.message);
    expect(await refused(s)).toEqual([]);
    expect(filesUnder(path.join(dataDir, 'spool', 'tmp'))).toEqual([]);
  });

  it('without root, through the seams: a write failing with ENOSPC stops intake, nothing is left half-written, and intake resumes when statfs shows room', async () => {
    const dataDir = tempDir('data');
    const watchDir = tempDir('camera');
    let diskFull = true;
    // Seam: replaces the spool's write into its temp file. Half the bytes are written, then the
    // disk "fills up", as a real write does.
    const spoolWrite = async (fh: import('node:fs/promises').FileHandle, bytes: Buffer) => {
      if (!diskFull) return void (await fh.writeFile(bytes));
      await fh.write(bytes, 0, Math.floor(bytes.length / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    };
    // Seam: replaces statfs of the data folder's disk.
    let space: DiskSpace = { freeBytes: 3 * GB, totalBytes: 100 * GB };
    const statfs = async () => (diskFull ? { ...space, freeBytes: 0 } : space);
    const s = await station(dataDir, watchDir, { storage: { checkMs: 3_600_000, statfs, spoolWrite } });

    const jpegs = await photos(6, 200);
    jpegs.forEach((j, i) => writeFileSync(path.join(watchDir, `P${i}.jpg`), j));
    const info = await waitFor(
      async () => {
        const i = await s.api['station.info']({});
        return i.storage.waiting === 6 && s.pipeline.pending === 0 && i;
      },
      20_000,
      'six photos waiting',
    );
    expect(info.storage).toMatchObject({ state: 'full', freeBytes: 0, message: expect.stringMatching(/^The disk of the station's data folder is full\./) });
    expect(await shownNotices(s)).toEqual([info.storage.message]);
    expect(await ready(s)).toEqual([]);
    expect(await refused(s)).toEqual([]);
    expect(filesUnder(path.join(dataDir, 'spool'))).toEqual([]);
    jpegs.forEach((j, i) => expect(sha(readFileSync(path.join(watchDir, `P${i}.jpg`)))).toBe(sha(j)));

    // Still full at the next check: nothing changes.
    await s.storage.check();
    expect((await s.api['station.info']({})).storage).toMatchObject({ state: 'full', waiting: 6 });

    // Space is freed: the next check re-offers the six, and the notice is no longer shown.
    diskFull = false;
    await s.storage.check();
    await waitFor(async () => (await ready(s)).length === 6, 20_000, 'six photos taken in');
    expect((await s.api['station.info']({})).storage).toMatchObject({ state: 'ok', waiting: 0, freeBytes: 3 * GB });
    expect(await shownNotices(s)).toEqual([]);

    // Below the warning threshold (2 GB by default): a warning, before anything fails; above: gone.
    space = { freeBytes: 1.5 * GB, totalBytes: 100 * GB };
    await s.storage.check();
    const low = await s.api['station.info']({});
    expect(low.storage).toMatchObject({ state: 'low', message: expect.stringMatching(/almost full \(1\.5 GB free\)/) });
    expect(await shownNotices(s)).toEqual([low.storage.message]);
    space = { freeBytes: 2.5 * GB, totalBytes: 100 * GB };
    await s.storage.check();
    expect((await s.api['station.info']({})).storage.state).toBe('ok');
    expect(await shownNotices(s)).toEqual([]);
  });

  it('SQLITE_FULL after the spool write: no row, no orphaned spool copy, and the photos are taken in once the database can grow', async () => {
    const dataDir = tempDir('data');
    const watchDir = tempDir('camera');
    const s = await station(dataDir, watchDir, { storage: { checkMs: 3_600_000 } });
    // A real SQLite limit: the database may not grow by a single page.
    const pages = s.db.pragma('page_count', { simple: true }) as number;
    s.db.pragma(`max_page_count = ${pages}`);

    // Enough photos that their rows need new pages (the first few fit in the pages there are).
    const jpegs = await Promise.all(Array.from({ length: 14 }, (_, i) => syntheticFundusJpeg({ width: 800, height: 600, seed: 300 + i })));
    jpegs.forEach((j, i) => writeFileSync(path.join(watchDir, `D${i}.jpg`), j));
    await waitFor(
      async () => {
        const i = await s.api['station.info']({});
        return i.storage.state === 'full' && s.pipeline.pending === 0 && (await ready(s)).length + i.storage.waiting === 14;
      },
      20_000,
      'the database to be full',
    );
    const taken = await ready(s);
    expect(taken.length).toBeLessThan(14);
    expect(await refused(s)).toEqual([]);
    expect(filesUnder(path.join(dataDir, 'spool', 'files')).sort()).toEqual(taken.map((t) => t.sha256).sort());
    expect(filesUnder(path.join(dataDir, 'spool', 'tmp'))).toEqual([]);

    s.db.pragma('max_page_count = 1073741823');
    await s.storage.check();
    await waitFor(async () => (await ready(s)).length === 14, 20_000, 'all 14 photos');
    expect((await s.api['station.info']({})).storage.state).not.toBe('full');
  });

  it('the headless host shows the disk state in /api/health', async () => {
    const host = await startHost();
    try {
      const res = await fetch(`${host.origin}/api/health`, { headers: { authorization: `Bearer ${host.token}` } });
      const body = (await res.json()) as { storage: { state: string; freeBytes: number | null } };
      expect(['ok', 'low']).toContain(body.storage.state);
      expect(body.storage).toHaveProperty('freeBytes');
    } finally {
      await host.stop();
    }
  });
});
