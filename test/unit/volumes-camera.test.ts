import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findDirCaseInsensitive,
  isPhotoFile,
  listCameraPhotos,
  recogniseCamera,
} from '../../src/main/core/sources/volumes/camera.ts';
import { deviceProfileSchema } from '../../src/shared/devices.ts';
import type { DeviceProfileInput } from '../../src/shared/devices.ts';

let vol: string;
beforeEach(async () => {
  vol = await mkdtemp(path.join(os.tmpdir(), 'volumes-camera-'));
});
afterEach(async () => {
  await rm(vol, { recursive: true, force: true });
});

async function put(rel: string, bytes = 'x', mtimeSec?: number): Promise<string> {
  const full = path.join(vol, ...rel.split('/'));
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, bytes);
  if (mtimeSec !== undefined) await utimes(full, mtimeSec, mtimeSec);
  return full;
}

const profile = (input: Partial<DeviceProfileInput> & { id: string }) => deviceProfileSchema.parse({ name: input.id, ...input });

describe('isPhotoFile', () => {
  it('takes image extensions in any case and leaves out hidden and other files', () => {
    expect(['a.jpg', 'B.JPEG', 'c.dcm', 'd.png', 'e.TIF', 'f.tiff'].every(isPhotoFile)).toBe(true);
    expect(['._a.jpg', '.hidden.jpg', 'clip.mp4', 'Thumbs.db', 'jpg', 'notes.txt'].some(isPhotoFile)).toBe(false);
  });
});

describe('recogniseCamera', () => {
  it('finds DCIM whatever its case', async () => {
    await put('dcim/100CAMRA/IMG_0001.JPG');
    const r = await recogniseCamera(vol, []);
    expect(r).toEqual({ isCamera: true, photoDirs: [path.join(vol, 'dcim')], profile: null });
  });

  it('is not a camera without DCIM or a profile folder, nor when the volume is gone', async () => {
    await put('Documents/letter.jpg');
    await put('DCIM.txt');
    expect((await recogniseCamera(vol, [])).isCamera).toBe(false);
    expect((await recogniseCamera(path.join(vol, 'gone'), [])).isCamera).toBe(false);
  });

  it("takes a profile's own folder as evidence, and its folders as the photo folders", async () => {
    await put('Images/Fundus/2024/p1.jpg');
    await put('DCIM/100CAMRA/x.jpg');
    const remidio = profile({ id: 'remidio', match: { make: 'Remidio' }, photoPaths: ['images/fundus'] });
    const r = await recogniseCamera(vol, [profile({ id: 'generic', match: { make: 'Canon' } }), remidio]);
    expect(r.profile?.id).toBe('remidio');
    expect(r.photoDirs).toEqual([path.join(vol, 'Images', 'Fundus')]);
  });

  it('lets the hints choose the profile, most specific first', async () => {
    await put('DCIM/100CAMRA/x.jpg');
    const byLabel = profile({ id: 'label', match: { volumeLabel: 'AURORA' } });
    const byMake = profile({ id: 'make', match: { make: 'Optomed' } });
    const fallback = profile({ id: 'site default', match: {} });
    expect((await recogniseCamera(vol, [fallback, byLabel, byMake], { volumeLabel: 'AURORA' })).profile?.id).toBe('label');
    expect((await recogniseCamera(vol, [fallback, byLabel, byMake], { make: 'Optomed', volumeLabel: 'AURORA' })).profile?.id).toBe('make');
    expect((await recogniseCamera(vol, [fallback, byMake], {})).profile?.id).toBe('site default');
    expect((await recogniseCamera(vol, [byMake], {})).profile).toBeNull();
  });

  it('does not list a folder twice when a profile names a folder and its subfolder', async () => {
    await put('DCIM/100CAMRA/x.jpg');
    const p = profile({ id: 'p', match: { volumeLabel: 'CAM' }, photoPaths: ['DCIM', 'DCIM/100CAMRA', 'Missing'] });
    const r = await recogniseCamera(vol, [p], { volumeLabel: 'cam' });
    expect(r.photoDirs).toEqual([path.join(vol, 'DCIM')]);
  });
});

describe('findDirCaseInsensitive', () => {
  // Needs a case-sensitive filesystem to hold both spellings (not macOS's or Windows' default).
  it.skipIf(process.platform !== 'linux')('prefers the exact spelling and ignores files with the name', async () => {
    await mkdir(path.join(vol, 'dcim'));
    await mkdir(path.join(vol, 'DCIM'));
    expect(await findDirCaseInsensitive(vol, 'DCIM')).toBe(path.join(vol, 'DCIM'));
    await put('photos', 'a file, not a folder');
    expect(await findDirCaseInsensitive(vol, 'PHOTOS')).toBeNull();
  });
});

describe('listCameraPhotos', () => {
  it('lists photos recursively with size and mtime, relative to the volume, without hidden or system files', async () => {
    await put('DCIM/100CAMRA/IMG_0001.JPG', 'aaaa', 1_700_000_000);
    await put('DCIM/100CAMRA/sub/IMG_0002.dcm', 'bb', 1_700_000_010);
    await put('DCIM/100CAMRA/._IMG_0001.JPG', 'resource fork');
    await put('DCIM/.Trashes/501/IMG_0009.JPG');
    await put('DCIM/System Volume Information/IndexerVolumeGuid.jpg');
    await put('DCIM/100CAMRA/MOV_0003.MP4');
    await put('Other/elsewhere.jpg');
    await symlink(path.join(vol, 'Other'), path.join(vol, 'DCIM', 'link'));
    const photos = await listCameraPhotos([path.join(vol, 'DCIM')], vol);
    expect(photos).toEqual([
      {
        path: path.join(vol, 'DCIM', '100CAMRA', 'IMG_0001.JPG'),
        relPath: 'DCIM/100CAMRA/IMG_0001.JPG',
        size: 4,
        mtimeMs: 1_700_000_000_000,
      },
      {
        path: path.join(vol, 'DCIM', '100CAMRA', 'sub', 'IMG_0002.dcm'),
        relPath: 'DCIM/100CAMRA/sub/IMG_0002.dcm',
        size: 2,
        mtimeMs: 1_700_000_010_000,
      },
    ]);
  });

  it('gives paths relative to the photo folder when no volume root is given', async () => {
    await put('DCIM/100CAMRA/IMG_0001.JPG');
    const [p] = await listCameraPhotos([path.join(vol, 'DCIM')]);
    expect(p?.relPath).toBe('100CAMRA/IMG_0001.JPG');
  });

  it('rejects when a photo folder cannot be read, rather than return part of a card', async () => {
    await expect(listCameraPhotos([path.join(vol, 'DCIM')], vol)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
