// Issue 10, decided in the core, through a real Station on temp folders and a real SQLite file:
// a TIFF from a camera folder is told to the operator at intake and never queued (the exam is sent
// without it, to a real Azurite and the reference order-intake server); the worklist search folds
// accents, case, punctuation and word order (the day's list and the all-days search in SQLite);
// a photo whose camera clock says 2004 is shown and ordered by its arrival, with the clock flagged.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import type { MethodOutput } from '../../src/shared/contract/index.ts';
import { call, FAST_SYNC, signIn, startSyncWorld, until, type SyncWorld } from '../fixtures/sync-world.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { burstPhotos, cardPhotoBytes, plugIn, writeCard } from '../fixtures/camera-volume.ts';

let world: SyncWorld;
const open: Station[] = [];

beforeAll(async () => {
  world = await startSyncWorld();
});

afterAll(async () => {
  for (const s of open) await s.close();
  await world?.stop();
});

const RULE = { id: 'site', name: 'Site rule', pattern: '^(?<patientId>[A-Z0-9-]+)_(?<eye>OD|OS)_' };

async function station(): Promise<{ s: Station; watch: string }> {
  const watch = tempDir('flow-watch');
  const s = await Station.open({
    dataDir: tempDir('flow-data'),
    host: 'headless',
    version: 'test',
    urls: { thumb: (id) => `/t/${id}`, full: (id) => `/f/${id}` },
    watch: [watch],
    logger: silentLogger(),
    watchVolumes: false,
    quality: false,
    syncTiming: FAST_SYNC,
  });
  open.push(s);
  await call(s, 'settings.update', { fileNameRules: [RULE] });
  await signIn(s);
  return { s, watch };
}

async function walkIn(s: Station, patientId: string, name: string): Promise<string> {
  const r = await call(s, 'orders.create', { order: { patientId, name, birthDate: '1960-02-03', sex: 'F', scheduledAt: new Date().toISOString() }, allowDuplicate: true });
  if (!r.created) throw new Error('not created');
  return r.order.id;
}

type Img = MethodOutput<'images.list'>['items'][number];
async function drop(s: Station, dir: string, name: string, bytes: Buffer): Promise<Img> {
  writeFileSync(path.join(dir, name), bytes);
  return waitFor(async () => (await call(s, 'images.list', { limit: 500 })).items.find((i) => i.fileName === name && i.status === 'ready'), 15_000, name);
}

let seed = 300;
const exifTime = (d: Date) =>
  `${d.getFullYear()}:${String(d.getMonth() + 1).padStart(2, '0')}:${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
const jpeg = (taken?: Date) => syntheticFundusJpeg({ width: 480, height: 360, seed: seed++, ...(taken && { exif: { IFD2: { DateTimeOriginal: exifTime(taken) } } }) });

describe('a photo that can never be sent is decided at intake', () => {
  it('a TIFF is marked at once, never queued, never the best image, and the exam is sent without it', async () => {
    const { s, watch } = await station();
    const r = await call(s, 'sync.settings.update', world.cloud());
    if (!r.ok) throw new Error('cloud settings refused');
    const orderId = await walkIn(s, 'TIF-1', 'Tiff, Tina');

    const tiffBytes = await sharp(await jpeg()).tiff().toBuffer();
    const tiff = await drop(s, watch, 'TIF-1_OD_1.tif', tiffBytes);
    expect(tiff.format).toBe('tiff');
    expect(tiff.unsendable).toMatch(/cannot be sent/);
    expect(tiff.unsendable).toMatch(/Export it from the camera as JPEG/);
    // Alone in its eye it is not a usable photo: the exam says so instead of promising a send.
    let exam = await call(s, 'exam.get', { orderId });
    expect(exam.eyes.OD.images.map((i) => i.fileName)).toEqual(['TIF-1_OD_1.tif']);
    expect(exam.eyes.OD.best).toBeNull();
    expect(exam.blockers.join(' ')).toMatch(/right eye \(OD\) has no usable photo/);
    await expect(call(s, 'exam.complete', { orderId })).rejects.toThrow(/no usable photo/);

    const od = await drop(s, watch, 'TIF-1_OD_2.jpg', await jpeg());
    const os = await drop(s, watch, 'TIF-1_OS_1.jpg', await jpeg());
    expect(od.unsendable).toBeNull();
    exam = await call(s, 'exam.get', { orderId });
    expect(exam.eyes.OD.best?.imageId).toBe(od.id);
    expect(exam.blockers).toEqual([]);
    await call(s, 'exam.complete', { orderId });

    const status = () => (s.db.prepare('SELECT status FROM orders WHERE id = ?').get(orderId) as { status: string }).status;
    await until(() => status() === 'sent', 20_000, async () => ({ status: status(), jobs: await call(s, 'sync.jobs', { limit: 20 }) }));
    const items = (await call(s, 'images.list', { limit: 50 })).items;
    expect(items.find((i) => i.id === tiff.id)?.syncState).toBeNull();
    expect(items.find((i) => i.id === od.id)?.syncState).toBe('uploaded');
    const blobs = await world.blobNames();
    expect(blobs).toContain(`${od.id}.jpg`);
    expect(blobs).toContain(`${os.id}.jpg`);
    expect(blobs.some((b) => b.startsWith(tiff.id))).toBe(false);
    const order = world.intake.received.find((o) => o.Patient.LocalId === 'TIF-1')!;
    expect(order.Camera.Images.map((i) => i.LocalId).sort()).toEqual([od.id, os.id].sort());
    const jobs = await call(s, 'sync.jobs', { limit: 50 });
    expect(JSON.stringify(jobs)).not.toContain(tiff.id);
  });
});

describe('search', () => {
  it('finds names without accents, in any case, word order or punctuation, on the day and over every day', async () => {
    const { s } = await station();
    await walkIn(s, 'S-1', 'Müller, Anna');
    await walkIn(s, 'S-2', 'García López, José');
    await walkIn(s, 'S-3', 'Okonkwo, Grace');
    await walkIn(s, 'S-4', "O'Brien, Seán");
    await walkIn(s, 'S-5', 'Łukasz-Strauß, Øystein');
    const names = async (search: string, allDays = false) => (await call(s, 'worklist.list', { search, allDays })).items.map((o) => o.name).sort();
    for (const allDays of [false, true]) {
      expect(await names('muller', allDays)).toEqual(['Müller, Anna']);
      expect(await names('garcia', allDays)).toEqual(['García López, José']);
      expect(await names('Grace Okonkwo', allDays)).toEqual(['Okonkwo, Grace']);
      expect(await names('obrien sean', allDays)).toEqual(["O'Brien, Seán"]);
      expect(await names('lukasz strauss oystein', allDays)).toEqual(['Łukasz-Strauß, Øystein']);
      expect(await names('s 3', allDays)).toEqual(['Okonkwo, Grace']);
      expect(await names('grace muller', allDays)).toEqual([]);
    }
  });
});

describe('one time per photo', () => {
  it('a camera clock that says 2004 is flagged, and the photo is shown and ordered by its arrival', async () => {
    const { s, watch } = await station();
    const orderId = await walkIn(s, 'CLK-1', 'Clock, Carl');
    const now = await drop(s, watch, 'CLK-1_OD_1.jpg', await jpeg(new Date(Date.now() - 60_000)));
    const wrong = await drop(s, watch, 'CLK-1_OD_2.jpg', await jpeg(new Date(2004, 2, 1, 10, 22, 0)));
    expect(now.time.source).toBe('camera');
    expect(now.time.cameraClock).toBeNull();
    expect(wrong.time.source).toBe('arrival');
    expect(wrong.time.at).toBe(wrong.ingestedAt);
    expect(wrong.time.cameraClock).toBe(new Date(2004, 2, 1, 10, 22, 0).toISOString());
    // Taken last (it arrived last), so it is the last photo of the eye and the automatic best image.
    const exam = await call(s, 'exam.get', { orderId });
    expect(exam.eyes.OD.images.map((i) => i.fileName)).toEqual(['CLK-1_OD_1.jpg', 'CLK-1_OD_2.jpg']);
    expect(exam.eyes.OD.best).toEqual({ imageId: wrong.id, rule: 'last-taken' });
  });
});

describe('a camera card photo has one time', () => {
  it('a photo without a capture time of its own takes its time on the card, in the Inbox, the exam and the Cameras screen alike', async () => {
    const root = tempDir('flow-cam-root');
    const staging = tempDir('flow-cam-stage');
    const s = await Station.open({
      dataDir: tempDir('flow-cam-data'),
      host: 'headless',
      version: 'test',
      urls: { thumb: (id) => `/t/${id}`, full: (id) => `/f/${id}` },
      logger: silentLogger(),
      volumesRoot: root,
      volumePollMs: 50,
      quality: false,
    });
    open.push(s);
    const bytes = await cardPhotoBytes(2, { tag: 'flow-card', preferReal: false });
    const start = Date.now() - 3_600_000; // shot an hour ago, imported now
    const card = path.join(staging, 'CARD');
    await writeCard(card, burstPhotos(bytes, { start }));
    await plugIn(card, root, 'CARD');
    const imgs = await waitFor(async () => {
      const ready = (await call(s, 'images.list', { limit: 50 })).items.filter((i) => i.status === 'ready');
      return ready.length === 2 ? ready : undefined;
    }, 30_000, 'two card photos');
    for (const img of imgs) {
      expect(img.time.source).toBe('camera');
      expect(img.takenAt).toBe(img.time.at);
    }
    expect(imgs.map((i) => i.time.at).sort()).toEqual([new Date(start).toISOString(), new Date(start + 2_000).toISOString()]);
    const view = await waitFor(async () => {
      const v = await call(s, 'cameras.photos', { limit: 50 });
      return v.bursts.length > 0 ? v : undefined;
    }, 10_000, 'camera bursts');
    expect(view.bursts[0]!.start).toBe(new Date(start).toISOString());
    expect(view.bursts[0]!.photos.map((p) => p.time.at).sort()).toEqual(imgs.map((i) => i.time.at).sort());
  });
});
