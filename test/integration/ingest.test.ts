// The station core on real temp folders, a real SQLite file, real sharp/exifr/dcmjs: files arrive
// the way cameras write them, including the bad ones.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync, openSync, writeSync, closeSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { sha256 } from '../../src/main/core/store/spool.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { writeTestDicom } from '../fixtures/dicom.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
let open: Station[] = [];

async function station(dataDir = tempDir('data'), watch: string[] = [tempDir('watch')]) {
  const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, watch, logger: silentLogger() });
  open.push(s);
  return { s, dataDir, watchDir: watch[0]! };
}

const list = async (s: Station) => (await s.api['images.list']({ limit: 500 })).items;
const byName = async (s: Station, name: string) => (await list(s)).find((i) => i.fileName === name);

afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

describe('ingest from a watched folder', () => {
  it('takes in a JPEG with EXIF: facts, thumbnail, spool copy, and one image for identical bytes', async () => {
    const { s, watchDir } = await station();
    const jpeg = await syntheticFundusJpeg({
      width: 1500,
      height: 1000,
      exif: { IFD0: { Make: 'Topcon', Model: 'TRC-NW400' }, IFD2: { DateTimeOriginal: '2026:11:20 09:15:00', OffsetTimeOriginal: '+01:00' } },
    });
    writeFileSync(path.join(watchDir, 'a.jpg'), jpeg);
    const img = await waitFor(() => byName(s, 'a.jpg'), 15_000, 'a.jpg');
    expect(img.status).toBe('ready');
    expect(img.sha256).toBe(sha256(jpeg));
    expect(img.thumbnailUrl).toBe(`/t/${img.id}`);
    expect(img.takenAt).toBe('2026-11-20T08:15:00.000Z');
    expect(existsSync(s.spool.pathFor(img.sha256!))).toBe(true);
    const thumb = await s.media.thumbnail(img.id);
    expect(thumb?.contentType).toBe('image/jpeg');
    const detail = await s.api['images.get']({ id: img.id });
    expect(detail.facts).toMatchObject({ make: 'Topcon', model: 'TRC-NW400', format: 'jpeg' });

    mkdirSync(path.join(watchDir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(path.join(watchDir, 'sub', 'deeper', 'copy-of-a.jpg'), jpeg);
    await new Promise((r) => setTimeout(r, 800));
    await s.pipeline.idle();
    const ready = (await list(s)).filter((i) => i.status === 'ready');
    expect(ready).toHaveLength(1);
  });

  it('the same bytes taken in twice at the same moment become one image, with no refusal', async () => {
    const { s, watchDir } = await station();
    const bytes = await syntheticFundusJpeg({ width: 900, height: 600, seed: 31 });
    const file = (name: string) => ({ path: path.join(watchDir, name), bytes, size: bytes.length, mtimeMs: Date.now(), completeAt: Date.now() });
    const [a, b, c] = await Promise.all([s.pipeline.ingest(file('x.jpg'), null), s.pipeline.ingest(file('x.jpg'), null), s.pipeline.ingest(file('copy.jpg'), null)]);
    expect(a).toBeTruthy();
    expect(b).toBe(a);
    expect(c).toBe(a);
    const items = await list(s);
    expect(items.filter((i) => i.status === 'error')).toEqual([]);
    expect(items.filter((i) => i.status === 'ready')).toHaveLength(1);
  });

  it('waits for a JPEG written slowly and takes it only when complete', async () => {
    const { s, watchDir } = await station();
    const jpeg = await syntheticFundusJpeg({ width: 1200, height: 900, seed: 3 });
    const file = path.join(watchDir, 'slow.jpg');
    const fd = openSync(file, 'w');
    const half = Math.floor(jpeg.length / 2);
    writeSync(fd, jpeg, 0, half);
    await new Promise((r) => setTimeout(r, 700));
    expect(await byName(s, 'slow.jpg')).toBeUndefined();
    writeSync(fd, jpeg, half, jpeg.length - half);
    closeSync(fd);
    const img = await waitFor(() => byName(s, 'slow.jpg'), 15_000, 'slow.jpg');
    expect(img.status).toBe('ready');
    expect(img.sha256).toBe(sha256(jpeg));
  });

  it('takes in a DICOM with its laterality and patient id, and a name in any script', async () => {
    const { s, watchDir } = await station();
    const frame = await syntheticFundusJpeg({ width: 640, height: 480, seed: 5 });
    writeFileSync(path.join(watchDir, 'left.dcm'), writeTestDicom({ jpegFrame: frame, patientId: 'PID-42', laterality: 'L' }));
    const name = '網膜_Ωμέγα_çé_Ögon.jpg';
    writeFileSync(path.join(watchDir, name), await syntheticFundusJpeg({ width: 640, height: 480, seed: 6 }));
    const dcm = await waitFor(() => byName(s, 'left.dcm'), 15_000, 'left.dcm');
    expect(dcm).toMatchObject({ status: 'ready', laterality: 'OS', patientId: 'PID-42', preview: 'ok' });
    const intl = await waitFor(() => byName(s, name), 15_000, 'unicode name');
    expect(intl.status).toBe('ready');
  });

  it('refuses bad files visibly, each with a reason, and still takes the next good file', async () => {
    const { s, watchDir } = await station();
    await s.api['settings.update']({ incompleteTimeoutSeconds: 2 });
    const good = await syntheticFundusJpeg({ width: 800, height: 600, seed: 9 });
    writeFileSync(path.join(watchDir, 'text.jpg'), 'hello, I am not a photo\n');
    writeFileSync(path.join(watchDir, 'empty.jpg'), '');
    writeFileSync(path.join(watchDir, 'truncated.jpg'), good.subarray(0, Math.floor(good.length * 0.6)));
    writeFileSync(path.join(watchDir, 'corrupt.dcm'), Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from('garbage'.repeat(40))]));
    const damaged = Buffer.from(good);
    damaged.fill(0x00, 700, damaged.length - 200);
    writeFileSync(path.join(watchDir, 'damaged.jpg'), damaged);
    writeFileSync(path.join(watchDir, 'good.jpg'), good);

    const ok = await waitFor(() => byName(s, 'good.jpg'), 15_000, 'good.jpg');
    expect(ok.status).toBe('ready');
    for (const name of ['text.jpg', 'empty.jpg', 'truncated.jpg', 'corrupt.dcm']) {
      const row = await waitFor(async () => {
        const r = await byName(s, name);
        return r?.status === 'error' ? r : undefined;
      }, 15_000, name);
      expect(row.error, name).toBeTruthy();
      expect(row.sha256).toBeNull();
    }
    expect((await byName(s, 'text.jpg'))!.error).toMatch(/not a (photo|picture|image)|not an image/i);
    expect((await byName(s, 'truncated.jpg'))!.error).toMatch(/end|finish/i);
    const dmg = await waitFor(() => byName(s, 'damaged.jpg'), 15_000, 'damaged.jpg');
    // A JPEG whose picture data is zeroed either decodes to a broken picture or is refused; never lost.
    expect(['ready', 'error']).toContain(dmg.status);
  });

  it('after a restart, files already taken in are not taken again and nothing is duplicated', async () => {
    const first = await station();
    for (let i = 0; i < 4; i++) writeFileSync(path.join(first.watchDir, `p${i}.jpg`), await syntheticFundusJpeg({ width: 600, height: 400, seed: 20 + i }));
    await waitFor(async () => (await list(first.s)).filter((x) => x.status === 'ready').length === 4, 15_000, '4 images');
    await first.s.close();
    open = open.filter((x) => x !== first.s);
    writeFileSync(path.join(first.watchDir, 'p-new.jpg'), await syntheticFundusJpeg({ width: 600, height: 400, seed: 99 }));
    const second = await station(first.dataDir, [first.watchDir]);
    await waitFor(() => byName(second.s, 'p-new.jpg'), 15_000, 'file added while stopped');
    await second.s.pipeline.idle();
    const items = await list(second.s);
    expect(items.filter((x) => x.status === 'ready')).toHaveLength(5);
    expect((await second.s.api['sources.list']({})).items).toHaveLength(1);
  });

  it('shows a folder that does not exist as unreachable, and starts watching when it appears', async () => {
    const base = tempDir('later');
    const missing = path.join(base, 'share');
    const { s } = await station(undefined, [missing]);
    const src = (await s.api['sources.list']({})).items[0]!;
    expect(src.state).toBe('unreachable');
    expect(src.stateDetail).toMatch(/does not exist|not connected/);
    mkdirSync(missing);
    await waitFor(async () => (await s.api['sources.list']({})).items[0]!.state === 'watching', 15_000, 'watching');
    writeFileSync(path.join(missing, 'x.jpg'), await syntheticFundusJpeg({ width: 500, height: 400, seed: 1 }));
    await waitFor(() => byName(s, 'x.jpg'), 15_000, 'x.jpg');
  });
});
