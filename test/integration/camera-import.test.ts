// Handheld cameras end to end in the core: a real Station on temp folders with a stand-in mount
// root (a subfolder appearing is a camera being plugged in), real SQLite, spool, sharp and exifr.
// Photos are real fundus JPEGs from ../shared/data/fundus when present, generated otherwise.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Station, type StationConfig } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { burstPhotos, cardPhotoBytes, copyVolume, endedSession, plugIn, pullOut, sessions, writeCard, yank } from '../fixtures/camera-volume.ts';
import { hasSharedData } from '../fixtures/shared-data.ts';
import type { EventName } from '../../src/shared/contract/index.ts';
import { dispatch } from '../../src/main/core/api/dispatch.ts';
import { StationError } from '../../src/shared/errors.ts';
import { deviceProfileSchema } from '../../src/shared/devices.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
let open: Station[] = [];

async function station(root: string, dataDir = tempDir('cam-data'), extra: Partial<StationConfig> = {}) {
  const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, logger: silentLogger(), volumesRoot: root, volumePollMs: 50, ...extra });
  open.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

const readyImages = async (s: Station) => (await s.api['images.list']({ limit: 5000 })).items.filter((i) => i.status === 'ready');
const errorImages = async (s: Station) => (await s.api['images.list']({ limit: 5000 })).items.filter((i) => i.status === 'error');

/** Nothing half-written: no temp file in the spool, and every spooled file hashes to its name. */
async function assertSpoolWhole(s: Station) {
  expect(await readdir(path.join(s.spool.root, 'tmp'))).toEqual([]);
  const filesDir = path.join(s.spool.root, 'files');
  if (!existsSync(filesDir)) return;
  for (const sub of await readdir(filesDir)) {
    for (const name of await readdir(path.join(filesDir, sub))) {
      const digest = createHash('sha256').update(await readFile(path.join(filesDir, sub, name))).digest('hex');
      expect(digest).toBe(name);
    }
  }
}

function recordEvents(s: Station) {
  const seen: { event: EventName; payload: unknown }[] = [];
  s.events.subscribe((event, payload) => void seen.push({ event, payload }));
  return seen;
}

describe('handheld camera on the stand-in mount root', () => {
  it(`takes in all 30 photos of DCIM/100CAMRA once; re-plugged with 5 more, only the 5 (${hasSharedData ? 'real fundus photos' : 'generated photos'})`, async () => {
    const root = tempDir('cam-root');
    const staging = tempDir('cam-stage');
    const s = await station(root);
    const seen = recordEvents(s);
    const bytes = await cardPhotoBytes(35, { tag: 'card-a' });
    const photos = burstPhotos(bytes);
    const card = path.join(staging, 'AURORA');
    await writeCard(card, photos.slice(0, 30));
    await writeFile(path.join(card, 'DCIM', '100CAMRA', '._IMG_0001.JPG'), 'AppleDouble'); // not a photo

    await plugIn(card, root, 'AURORA');
    const first = await endedSession(s, 1);
    expect(first).toMatchObject({ state: 'done', filesOnCamera: 30, filesToImport: 30, newImages: 30, alreadyKnown: 0, refused: 0, volumeLabel: 'AURORA' });
    expect(first.message).toBe('30 new photos taken in.');
    expect(await readyImages(s)).toHaveLength(30);
    const info = await s.api['station.info']({});
    expect(info.notices.map((n) => n.message)).toContain('Camera connected: 30 new photos (AURORA)');
    // progress was reported as n of m with bytes
    const progress = seen.filter((e) => e.event === 'cameras.progress').map((e) => e.payload as { doneFiles: number; totalFiles: number; doneBytes: number; totalBytes: number });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ doneFiles: 30, totalFiles: 30 });
    expect(progress.at(-1)!.doneBytes).toBe(progress.at(-1)!.totalBytes);

    // the new photos, grouped by burst: 6 bursts of 5 (2 s apart, bursts 2 minutes apart)
    const view = await s.api['cameras.photos']({ limit: 400 });
    expect(view.session?.id).toBe(first.id);
    expect(view.bursts.map((b) => b.photos.length)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(view.bursts[0]!.photos.map((p) => p.fileName)).toEqual(['IMG_0001.JPG', 'IMG_0002.JPG', 'IMG_0003.JPG', 'IMG_0004.JPG', 'IMG_0005.JPG']);
    expect(view.bursts[0]!.photos[0]!.thumbnailUrl).toMatch(/^\/t\//);

    // pull it out, add 5 photos on the camera, plug it back in: only the 5 are read
    const kept = path.join(staging, 'AURORA-kept');
    await pullOut(root, 'AURORA', kept);
    await waitFor(async () => (await s.api['cameras.list']({})).cameras.length === 0, 10_000, 'camera gone');
    await writeCard(kept, photos.slice(30));
    await plugIn(kept, root, 'AURORA');
    const second = await endedSession(s, 2);
    expect(second).toMatchObject({ state: 'done', filesOnCamera: 35, filesToImport: 5, newImages: 5, alreadyKnown: 0 });
    expect(await readyImages(s)).toHaveLength(35);
    expect((await s.api['cameras.photos']({ limit: 400 })).bursts.map((b) => b.photos.map((p) => p.fileName))).toEqual([
      ['IMG_0031.JPG', 'IMG_0032.JPG', 'IMG_0033.JPG', 'IMG_0034.JPG', 'IMG_0035.JPG'],
    ]);
    expect(await errorImages(s)).toEqual([]);
    await assertSpoolWhole(s);
  });

  it('pulled out in the middle of a large import: nothing half-written, no crash, the rest on the next plug-in', async () => {
    const root = tempDir('cam-root');
    const staging = tempDir('cam-stage');
    const s = await station(root);
    const total = 150;
    // Larger generated photos, so the import takes long enough to pull the card out part-way.
    const photos = burstPhotos(await cardPhotoBytes(total, { tag: 'big', width: 1400, height: 1000, grain: 30, preferReal: false }), { burstSize: 6 });
    const master = path.join(staging, 'master');
    await writeCard(master, photos);
    const card = path.join(staging, 'card');
    await copyVolume(master, card);

    let yanked = false;
    const pulled = new Promise<void>((resolve) => {
      s.events.subscribe((event, payload) => {
        if (event !== 'cameras.progress' || yanked) return;
        if ((payload as { doneFiles: number }).doneFiles >= 10) {
          yanked = true;
          void yank(root, 'CAM').then(resolve);
        }
      });
    });
    await plugIn(card, root, 'CAM');
    await pulled;
    const cut = await endedSession(s, 1);
    expect(cut.state).toBe('interrupted');
    const takenFirst = cut.newImages + cut.alreadyKnown;
    expect(takenFirst).toBeGreaterThanOrEqual(10);
    expect(takenFirst).toBeLessThan(total);
    expect(cut.message).toBe(`Camera removed during import: ${takenFirst} of ${total} photos taken in; plug it in again to take the rest`);
    expect(cut.messageLevel).toBe('warning');
    // what reached the store is whole, and nothing else is there: no refused rows, no temp files
    expect(await readyImages(s)).toHaveLength(takenFirst);
    expect(await errorImages(s)).toEqual([]);
    await assertSpoolWhole(s);
    // the station is still fine: the API answers
    expect((await s.api['cameras.list']({})).watch.problem).toBeNull();

    // plugged in again, as it was: only the remainder is read
    const again = path.join(staging, 'again');
    await copyVolume(master, again);
    await plugIn(again, root, 'CAM');
    const rest = await endedSession(s, 2);
    expect(rest.state).toBe('done');
    expect(rest.filesToImport).toBe(total - takenFirst);
    expect(rest.newImages).toBe(total - takenFirst);
    expect(await readyImages(s)).toHaveLength(total);
    expect(await errorImages(s)).toEqual([]);
    await assertSpoolWhole(s);
  });

  it('a drive without DCIM is not a camera: nothing is read or changed on it', async () => {
    const root = tempDir('cam-root');
    const staging = tempDir('cam-stage');
    const s = await station(root);
    // Even with a profile for any device that deletes after import, a drive that is not a camera is left alone.
    await s.api['cameras.saveProfile']({ profile: deviceProfileSchema.parse({ id: 'any', name: 'Any camera, delete after import', deleteAfterImport: true }) });
    const stick = path.join(staging, 'BACKUP');
    await mkdir(path.join(stick, 'Photos'), { recursive: true });
    const [jpeg] = await cardPhotoBytes(1, { tag: 'stick', preferReal: false });
    await writeFile(path.join(stick, 'Photos', 'IMG_0001.JPG'), jpeg!);
    await plugIn(stick, root, 'BACKUP');
    const cam = await waitFor(async () => (await s.api['cameras.list']({})).cameras.find((c) => c.state === 'not-a-camera'), 10_000, 'not a camera');
    expect(cam).toMatchObject({ label: 'BACKUP', session: null });
    expect(cam.detail).toMatch(/not treated as a camera/);
    expect(await sessions(s)).toEqual([]);
    expect(await readyImages(s)).toEqual([]);
    expect(existsSync(path.join(root, 'BACKUP', 'Photos', 'IMG_0001.JPG'))).toBe(true);

    // IT adds a profile naming that folder: the drive plugged in now is looked at again and read.
    await s.api['cameras.saveProfile']({ profile: deviceProfileSchema.parse({ id: 'backup', name: 'Backup camera', match: { volumeLabel: 'BACKUP' }, photoPaths: ['Photos'] }) });
    const done = await endedSession(s, 1);
    expect(done).toMatchObject({ state: 'done', newImages: 1, deletedFromCamera: 0 });
    expect(existsSync(path.join(root, 'BACKUP', 'Photos', 'IMG_0001.JPG'))).toBe(true);
  });

  it('a profile finds photos outside DCIM, applies its burst gap and file-name rule, and deletes after import only when asked', async () => {
    const root = tempDir('cam-root');
    const staging = tempDir('cam-stage');
    const s = await station(root);
    // Validated where it crosses the boundary (both hosts go through dispatch): a 400 with the reason.
    const bad = await dispatch(s.api, 'cameras.saveProfile', { profile: { id: 'x', name: 'Bad', photoPaths: ['/abs'], burstSeconds: -1 } }).catch((e: Error) => e);
    expect(bad).toBeInstanceOf(StationError);
    expect((bad as StationError).message).toMatch(/"\/abs" must be a folder on the camera/);
    expect((bad as StationError).message).toMatch(/burst gap cannot be negative/);
    await s.api['cameras.saveProfile']({
      profile: deviceProfileSchema.parse({
        id: 'remidio',
        name: 'Remidio NM',
        match: { volumeLabel: 'REMIDIO' },
        photoPaths: ['Images/Fundus'],
        fileNameRule: '^(?<patientId>\\d+)_(?<eye>OD|OS)_',
        burstSeconds: 300,
        deleteAfterImport: true,
      }),
    });
    expect((await s.api['cameras.profiles']({})).items.map((p) => p.id)).toEqual(['remidio']);
    const bytes = await cardPhotoBytes(4, { tag: 'remidio', preferReal: false });
    const card = path.join(staging, 'REMIDIO');
    const dir = path.join(card, 'Images', 'Fundus');
    await mkdir(dir, { recursive: true });
    for (const [i, b] of bytes.entries()) await writeFile(path.join(dir, `4711_${i < 2 ? 'OD' : 'OS'}_${i}.jpg`), b);
    await plugIn(card, root, 'REMIDIO');
    const done = await endedSession(s, 1);
    expect(done).toMatchObject({ state: 'done', newImages: 4, deletedFromCamera: 4 });
    expect(done.message).toBe('4 new photos taken in. 4 photos deleted from the camera after import.');
    expect(await readdir(path.join(root, 'REMIDIO', 'Images', 'Fundus'))).toEqual([]);
    const imgs = await readyImages(s);
    expect(imgs.map((i) => i.patientId)).toEqual(['4711', '4711', '4711', '4711']);
    expect(imgs.filter((i) => i.laterality === 'OD')).toHaveLength(2);
    const view = await s.api['cameras.photos']({ limit: 400 });
    expect(view.burstSeconds).toBe(300);
    expect(view.bursts).toHaveLength(1);
  });

  it('sends a burst to an eye: to the exam capturing now, else the eye is set and the photos stay unassigned', async () => {
    const root = tempDir('cam-root');
    const staging = tempDir('cam-stage');
    const s = await station(root);
    const card = path.join(staging, 'CAM');
    await writeCard(card, burstPhotos(await cardPhotoBytes(6, { tag: 'send', preferReal: false }), { burstSize: 3 }));
    await plugIn(card, root, 'CAM');
    await endedSession(s, 1);
    const [od, os] = (await s.api['cameras.photos']({ limit: 400 })).bursts;
    expect(od!.photos).toHaveLength(3);

    const r1 = await s.api['cameras.sendBurst']({ imageIds: od!.photos.map((p) => p.id), eye: 'OD' });
    expect(r1).toEqual({ orderId: null, eye: 'OD', count: 3 });
    let view = await s.api['cameras.photos']({ limit: 400 });
    expect(view.bursts[0]).toMatchObject({ eye: 'OD', orderId: null });
    expect(view.capturingNow).toBeNull();

    // an exam marked "capturing now": the next burst goes onto it
    const now = new Date().toISOString();
    s.db.prepare(`INSERT INTO orders (id, patient_id, patient_id_norm, patient_name, scheduled_at, scheduled_day, source, status,
      capturing_now, created_at, updated_at) VALUES ('o1', 'P1', 'P1', 'Test Patient', ?, ?, 'walk-in', 'capturing', 1, ?, ?)`).run(now, now.slice(0, 10), now, now);
    const r2 = await s.api['cameras.sendBurst']({ imageIds: os!.photos.map((p) => p.id), eye: 'OS' });
    expect(r2).toEqual({ orderId: 'o1', eye: 'OS', count: 3 });
    view = await s.api['cameras.photos']({ limit: 400 });
    expect(view.capturingNow).toMatchObject({ orderId: 'o1', patientName: 'Test Patient' });
    expect(view.bursts[1]).toMatchObject({ eye: 'OS', orderId: 'o1' });
    const audit = s.db.prepare("SELECT operator, action FROM audit WHERE image_id IS NOT NULL ORDER BY seq").all() as { operator: string; action: string }[];
    expect(audit).toHaveLength(6);
    expect(audit.every((a) => a.operator.length > 0)).toBe(true);
  });

  it('a restart during an import: the session is closed as interrupted and the camera is read again at start', async () => {
    const root = tempDir('cam-root');
    const staging = tempDir('cam-stage');
    const dataDir = tempDir('cam-data');
    const s = await station(root, dataDir);
    const card = path.join(staging, 'CAM');
    const total = 60;
    await writeCard(card, burstPhotos(await cardPhotoBytes(total, { tag: 'restart', width: 1200, height: 900, grain: 30, preferReal: false })));
    const started = new Promise<void>((resolve) =>
      s.events.subscribe((event, payload) => {
        if (event === 'cameras.progress' && (payload as { doneFiles: number }).doneFiles >= 5) resolve();
      }),
    );
    await plugIn(card, root, 'CAM');
    await started;
    await s.close();
    open = open.filter((x) => x !== s);
    const s2 = await station(root, dataDir);
    const list = await waitFor(async () => {
      const l = await sessions(s2);
      return l.length >= 2 && l[0]!.state === 'done' ? l : undefined;
    }, 60_000, 'second session');
    expect(list[1]!.state).toBe('interrupted');
    expect(list[1]!.message).toMatch(/^The station stopped during the camera import: \d+ of 60 photos taken in/);
    expect(await readyImages(s2)).toHaveLength(total);
    await assertSpoolWhole(s2);
    await rm(staging, { recursive: true, force: true });
  });
  it('a full disk during an import: nothing is counted as refused, the rest stay on the camera, and the next plug-in takes them', async () => {
    const root = tempDir('cam-root');
    const staging = tempDir('cam-stage');
    let diskFull = false;
    let written = 0;
    // Seams (StationConfig.storage): the spool's write fails with ENOSPC, as a full disk does, once
    // a few files are in; statfs reports the disk full, then room again.
    const spoolWrite = async (fh: import('node:fs/promises').FileHandle, bytes: Buffer) => {
      if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      await fh.writeFile(bytes);
      if (++written >= 6) diskFull = true; // photos and thumbnails: about three photos
    };
    const statfs = async () => ({ freeBytes: diskFull ? 0 : 50 * 1024 ** 3, totalBytes: 100 * 1024 ** 3 });
    const s = await station(root, tempDir('cam-data'), { storage: { checkMs: 3_600_000, statfs, spoolWrite } });
    const photos = burstPhotos(await cardPhotoBytes(10, { tag: 'full-disk', preferReal: false }));
    const card = path.join(staging, 'FULL');
    await writeCard(card, photos);
    await plugIn(card, root, 'FULL');
    const first = await endedSession(s, 1);
    expect(first.state).toBe('interrupted');
    expect(first.refused).toBe(0);
    // Photos are stored four at a time, so how many got in before the disk filled varies a little.
    const firstIn = first.newImages;
    expect(firstIn).toBeGreaterThan(0);
    expect(firstIn).toBeLessThan(10);
    expect(first.message).toBe(
      `The station's disk is full, so the camera import stopped: ${firstIn} of 10 photos taken in. The rest stay on the camera: plug it in again once IT has freed space.`,
    );
    expect(first.messageLevel).toBe('warning');
    expect(await errorImages(s)).toEqual([]);
    await assertSpoolWhole(s);

    // IT frees space; the camera is plugged in again: exactly the rest are taken in.
    diskFull = false;
    written = -1000;
    await s.storage.check();
    const kept = path.join(staging, 'FULL-kept');
    await pullOut(root, 'FULL', kept);
    await waitFor(async () => (await s.api['cameras.list']({})).cameras.length === 0, 10_000, 'camera gone');
    await plugIn(kept, root, 'FULL');
    const second = await endedSession(s, 2);
    expect(second).toMatchObject({ state: 'done', filesToImport: 10 - firstIn, newImages: 10 - firstIn, refused: 0 });
    expect(await readyImages(s)).toHaveLength(10);
  });
});
