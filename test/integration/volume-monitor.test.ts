// A stand-in mount root on a real temp folder: a camera volume is "plugged in" by renaming a
// prepared folder into the root (a real mount appears whole), and "pulled out" by removing it.
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCameraPhotos, recogniseCamera } from '../../src/main/core/sources/volumes/camera.ts';
import { filesToImport, ledgerLookup } from '../../src/main/core/sources/volumes/ledger.ts';
import { createVolumeLister } from '../../src/main/core/sources/volumes/listing.ts';
import { createVolumeMonitor } from '../../src/main/core/sources/volumes/monitor.ts';
import type { VolumeMonitor } from '../../src/main/core/sources/volumes/monitor.ts';
import type { Volume } from '../../src/main/core/sources/volumes/volume.ts';
import { deviceProfileSchema } from '../../src/shared/devices.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { hasSharedData, sharedPath } from '../fixtures/shared-data.ts';

type Event = { kind: 'mounted' | 'unmounted'; volume: Volume };

/** Monitor events as a queue the test can await one by one. */
function eventQueue() {
  const queued: Event[] = [];
  const waiting: ((e: Event) => void)[] = [];
  const push = (e: Event) => {
    const w = waiting.shift();
    if (w) w(e);
    else queued.push(e);
  };
  const next = (): Promise<Event> => {
    const e = queued.shift();
    return e ? Promise.resolve(e) : new Promise((r) => waiting.push(r));
  };
  return { push, next, pending: () => queued.length };
}

/** Photos to put on the card: real fundus JPEGs when ../shared/data is there, generated ones otherwise. */
async function photoSource(n: number, dir: string): Promise<string[]> {
  const real = hasSharedData ? (await readdir(sharedPath('fundus'))).filter((f) => /^hrf_.*\.jpg$/.test(f)) : [];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `src-${i}.jpg`);
    if (real.length > 0) await copyFile(sharedPath('fundus', real[i % real.length]!), file);
    else await writeFile(file, await syntheticFundusJpeg({ width: 96, height: 64, seed: i + 1 }));
    out.push(file);
  }
  return out;
}

let root: string;
let staging: string;
let monitor: VolumeMonitor | null = null;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'volumes-root-'));
  staging = await mkdtemp(path.join(os.tmpdir(), 'volumes-staging-'));
});
afterEach(async () => {
  await monitor?.stop();
  monitor = null;
  await rm(root, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
});

/** Build a card in staging with photos IMG_0001.. taken one second apart, then plug it in. */
async function plugIn(label: string, photos: string[], firstNumber = 1): Promise<void> {
  const card = path.join(staging, label);
  const folder = path.join(card, 'DCIM', '100CAMRA');
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, '._IMG_0001.JPG'), 'AppleDouble'); // left by a Mac: not a photo
  for (const [i, src] of photos.entries()) {
    const n = firstNumber + i;
    const dest = path.join(folder, `IMG_${String(n).padStart(4, '0')}.JPG`);
    await copyFile(src, dest);
    const taken = 1_700_000_000 + n;
    await utimes(dest, taken, taken);
  }
  await rename(card, path.join(root, label));
}

describe('volume monitor on a stand-in mount root', () => {
  it('notices a camera being plugged in and pulled out, finds its photos, and on re-plug only the new ones', async () => {
    const events = eventQueue();
    const errors: unknown[] = [];
    monitor = createVolumeMonitor({
      list: createVolumeLister(process.platform, { standInRoot: root }),
      intervalMs: 20,
      onMounted: (volume) => events.push({ kind: 'mounted', volume }),
      onUnmounted: (volume) => events.push({ kind: 'unmounted', volume }),
      onError: (e) => void errors.push(e),
    });
    monitor.start();
    const aurora = deviceProfileSchema.parse({ id: 'aurora', name: 'Optomed Aurora', match: { volumeLabel: 'AURORA' } });
    const sources = await photoSource(7, staging);

    // plug in a card with 5 photos
    await plugIn('AURORA', sources.slice(0, 5));
    const mounted = await events.next();
    expect(mounted.kind).toBe('mounted');
    expect(mounted.volume).toMatchObject({ id: 'AURORA', label: 'AURORA', mountPath: path.join(root, 'AURORA') });

    const cam = await recogniseCamera(mounted.volume.mountPath, [aurora], { volumeLabel: mounted.volume.label });
    expect(cam.isCamera).toBe(true);
    expect(cam.profile?.id).toBe('aurora');
    expect(cam.photoDirs).toEqual([path.join(root, 'AURORA', 'DCIM')]);

    const listing = await listCameraPhotos(cam.photoDirs, mounted.volume.mountPath);
    expect(listing.map((p) => p.relPath)).toEqual([1, 2, 3, 4, 5].map((n) => `DCIM/100CAMRA/IMG_000${n}.JPG`));
    expect(listing.every((p) => p.size > 0)).toBe(true);
    const firstImport = filesToImport(listing, ledgerLookup(aurora.id, []));
    expect(firstImport).toHaveLength(5);

    // pull it out
    await rm(path.join(root, 'AURORA'), { recursive: true });
    const unmounted = await events.next();
    expect(unmounted).toMatchObject({ kind: 'unmounted', volume: { id: 'AURORA' } });

    // plug it back in with 2 more photos: only those 2 are new
    await plugIn('AURORA', sources, 1);
    const again = await events.next();
    expect(again.kind).toBe('mounted');
    const cam2 = await recogniseCamera(again.volume.mountPath, [aurora], { volumeLabel: again.volume.label });
    const listing2 = await listCameraPhotos(cam2.photoDirs, again.volume.mountPath);
    expect(listing2).toHaveLength(7);
    const fresh = filesToImport(listing2, ledgerLookup(aurora.id, firstImport));
    expect(fresh.map((p) => p.relPath)).toEqual(['DCIM/100CAMRA/IMG_0006.JPG', 'DCIM/100CAMRA/IMG_0007.JPG']);

    // a folder that is not a camera is still a volume, but not a camera
    await mkdir(path.join(staging, 'BACKUP', 'Documents'), { recursive: true });
    await rename(path.join(staging, 'BACKUP'), path.join(root, 'BACKUP'));
    const other = await events.next();
    expect(other.volume.id).toBe('BACKUP');
    expect((await recogniseCamera(other.volume.mountPath, [aurora], { volumeLabel: other.volume.label })).isCamera).toBe(false);

    await monitor.stop();
    expect(events.pending()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('reports a missing stand-in root through onError, and picks up once it exists', async () => {
    const missing = path.join(root, 'later');
    const events = eventQueue();
    let failed!: (e: unknown) => void;
    const firstError = new Promise<unknown>((r) => (failed = r));
    monitor = createVolumeMonitor({
      list: createVolumeLister(process.platform, { standInRoot: missing }),
      intervalMs: 20,
      onMounted: (volume) => events.push({ kind: 'mounted', volume }),
      onUnmounted: (volume) => events.push({ kind: 'unmounted', volume }),
      onError: (e) => failed(e),
    });
    monitor.start();
    expect(await firstError).toMatchObject({ code: 'ENOENT' });
    await mkdir(path.join(staging, 'later', 'CAM', 'DCIM'), { recursive: true });
    await rename(path.join(staging, 'later'), missing);
    expect((await events.next()).volume.id).toBe('CAM');
  });
});
