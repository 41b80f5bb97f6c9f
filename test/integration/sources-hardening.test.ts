// Issue 12 item 2: what may be watched. /proc made the station follow /proc/*/root back to / and
// stop answering (even SIGTERM); now system folders, files, relative paths and odd text are refused
// with a plain 400, links are never followed, and a huge tree ends in an error state, not a hang.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { startHost, tempDir, waitFor, type RunningHost } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };

/** One sources.add over real HTTP: the status and the operator's message. */
async function addOverHttp(host: RunningHost, folder: string): Promise<{ status: number; message: string | undefined }> {
  const { status, body } = await host.callRaw('sources.add', { path: folder });
  return { status, message: body.error?.message };
}

const health = async (host: RunningHost) => (await fetch(`${host.origin}/api/health`, { headers: { authorization: `Bearer ${host.token}` } })).status;

describe.runIf(process.platform === 'linux')('sources.add on the real headless host', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ watchDirs: [] });
  }, 40_000);
  afterAll(async () => {
    await host?.kill9();
  });

  it('refuses /proc with a 400 and a plain message, keeps answering, and stops on SIGTERM', async () => {
    const r = await addOverHttp(host, '/proc');
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/system folder/);
    expect(await health(host)).toBe(200);
    for (const p of ['/sys', '/dev', '/run', '/', '/proc/self/root', '/sys/fs/cgroup']) {
      const x = await addOverHttp(host, p);
      expect(x.status, p).toBe(400);
      expect(x.message, p).toMatch(/system folder/);
    }
    // A link to /proc from an ordinary folder is judged by where it leads.
    const base = tempDir('links');
    symlinkSync('/proc', path.join(base, 'proc-link'));
    expect((await addOverHttp(host, path.join(base, 'proc-link'))).message).toMatch(/system folder/);
    expect((await host.call<{ items: unknown[] }>('sources.list')).items).toHaveLength(0);
  });

  it('refuses a file, a relative path, a NUL, a 10 KB path and a missing folder, each with a 400 and a message', async () => {
    const base = tempDir('odd');
    writeFileSync(path.join(base, 'photo.jpg'), 'x');
    const cases: [string, RegExp][] = [
      [path.join(base, 'photo.jpg'), /file, not a folder/],
      ['camera-export', /full path/],
      ['./camera-export', /full path/],
      [`${base}/a\0b`, /NUL/],
      [`/${'a'.repeat(10_240)}`, /longer than 4096/],
      [path.join(base, 'missing'), /does not exist/],
    ];
    for (const [p, message] of cases) {
      const r = await addOverHttp(host, p);
      expect(r.status, JSON.stringify(p.slice(0, 40))).toBe(400);
      expect(r.message).toMatch(message);
    }
    expect(await health(host)).toBe(200);
  });

  it('watches a folder holding a link loop and a link to / without following them, and still takes in photos', async () => {
    const dir = tempDir('loops');
    symlinkSync('..', path.join(dir, 'loop'));
    symlinkSync('/', path.join(dir, 'root'));
    mkdirSync(path.join(dir, 'day1'));
    // A photo outside the folder, linked in: links are not followed, so it is not taken in either.
    const outside = path.join(tempDir('outside'), 'elsewhere.jpg');
    writeFileSync(outside, await syntheticFundusJpeg({ width: 500, height: 400, seed: 6 }));
    symlinkSync(outside, path.join(dir, 'linked.jpg'));
    const added = await host.call<{ id: string; state: string }>('sources.add', { path: dir });
    const watching = await waitFor(async () => {
      const s = (await host.call<{ items: { id: string; state: string }[] }>('sources.list')).items.find((x) => x.id === added.id);
      return s?.state === 'watching' ? s : undefined;
    }, 20_000, 'watching');
    expect(watching.state).toBe('watching');
    writeFileSync(path.join(dir, 'day1', 'p1.jpg'), await syntheticFundusJpeg({ width: 500, height: 400, seed: 5 }));
    const img = await waitFor(async () => (await host.call<{ items: { fileName: string; status: string }[] }>('images.list', { limit: 50 })).items.find((i) => i.fileName === 'p1.jpg' && i.status === 'ready'), 20_000, 'p1.jpg');
    expect(img.status).toBe('ready');
    // Nothing reached through the links was taken in.
    const names = (await host.call<{ items: { fileName: string }[] }>('images.list', { limit: 500 })).items.map((i) => i.fileName);
    expect(names).toEqual(['p1.jpg']);
    expect(await health(host)).toBe(200);
    const exit = await host.stop('SIGTERM');
    expect(exit).toBe(0);
  }, 60_000);
});

describe('a folder too large to watch', () => {
  let open: Station[] = [];
  afterEach(async () => {
    await Promise.all(open.map((s) => s.close()));
    open = [];
  });

  it('is put in an error state with a plain message, and the station keeps working', async () => {
    const big = tempDir('big');
    for (let d = 0; d < 6; d++) {
      mkdirSync(path.join(big, `d${d}`));
      for (let f = 0; f < 10; f++) writeFileSync(path.join(big, `d${d}`, `f${f}.txt`), 'x');
    }
    const s = await Station.open({ dataDir: tempDir('data'), host: 'headless', version: 'test', urls, logger: silentLogger(), quality: false, watchVolumes: false, watchLimits: { maxEntries: 30 } });
    open.push(s);
    await s.api['sources.add']({ path: big });
    const src = await waitFor(async () => (await s.api['sources.list']({})).items.find((x) => x.state === 'error'), 15_000, 'error state');
    expect(src.stateDetail).toMatch(/more than 30 files and folders/);
    expect(src.stateDetail).toMatch(/Choose the folder the camera saves/);
    // A normal folder beside it is still watched.
    const small = tempDir('small');
    await s.api['sources.add']({ path: small });
    await waitFor(async () => (await s.api['sources.list']({})).items.find((x) => x.path === small && x.state === 'watching'), 15_000, 'small watching');
  });

  it('counts folders too, and does not look deeper than the depth limit', async () => {
    const wide = tempDir('wide');
    for (let d = 0; d < 12; d++) mkdirSync(path.join(wide, `d${d}`));
    const deep = tempDir('deep');
    let p = deep;
    for (let d = 0; d < 5; d++) mkdirSync((p = path.join(p, `l${d}`)));
    const s = await Station.open({ dataDir: tempDir('data'), host: 'headless', version: 'test', urls, logger: silentLogger(), quality: false, watchVolumes: false, watchLimits: { maxDirectories: 10, depth: 2 } });
    open.push(s);
    await s.api['sources.add']({ path: wide });
    const w = await waitFor(async () => (await s.api['sources.list']({})).items.find((x) => x.path === wide && x.state === 'error'), 15_000, 'wide error');
    expect(w.stateDetail).toMatch(/more than 10 folders/);
    // Five levels deep but only two looked into: fewer than 10 folders, so it is watched.
    await s.api['sources.add']({ path: deep });
    await waitFor(async () => (await s.api['sources.list']({})).items.find((x) => x.path === deep && x.state === 'watching'), 15_000, 'deep watching');
    writeFileSync(path.join(deep, 'l0', 'near.jpg'), await syntheticFundusJpeg({ width: 400, height: 300, seed: 8 }));
    await waitFor(async () => (await s.api['images.list']({ limit: 50 })).items.find((i) => i.fileName === 'near.jpg'), 15_000, 'near.jpg');
  });

  it('a system folder stored by an older version is not watched after a restart', async () => {
    const dataDir = tempDir('data');
    const first = await Station.open({ dataDir, host: 'headless', version: 'test', urls, logger: silentLogger(), quality: false, watchVolumes: false });
    first.sourcesRepo.add({ id: 'old-proc', kind: 'folder', path: '/proc', polling: false, at: new Date().toISOString() });
    await first.close();
    const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, logger: silentLogger(), quality: false, watchVolumes: false });
    open.push(s);
    const src = (await s.api['sources.list']({})).items.find((x) => x.id === 'old-proc')!;
    expect(src.state).toBe('error');
    expect(src.stateDetail).toMatch(/system folder/);
  });
});
