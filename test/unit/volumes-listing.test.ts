import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVolumeLister, listStandInVolumes, listVolumes } from '../../src/main/core/sources/volumes/listing.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'volumes-listing-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('listStandInVolumes', () => {
  it('takes every visible subfolder as a volume named after it', async () => {
    await mkdir(path.join(root, 'NO NAME'));
    await mkdir(path.join(root, 'AURORA'));
    await mkdir(path.join(root, '.hidden'));
    await writeFile(path.join(root, 'file.txt'), 'not a volume');
    expect(await listStandInVolumes(root)).toEqual([
      { id: 'AURORA', label: 'AURORA', uuid: null, mountPath: path.join(root, 'AURORA'), fsType: null },
      { id: 'NO NAME', label: 'NO NAME', uuid: null, mountPath: path.join(root, 'NO NAME'), fsType: null },
    ]);
  });

  it('throws when the root is missing, so a wrong --volumes-root is noticed', async () => {
    await expect(listStandInVolumes(path.join(root, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('listVolumes', () => {
  it('uses the stand-in root on any platform when one is given', async () => {
    await mkdir(path.join(root, 'CAM'));
    for (const platform of ['linux', 'darwin', 'win32', 'freebsd'] as const) {
      expect((await listVolumes(platform, { standInRoot: root })).map((v) => v.id)).toEqual(['CAM']);
    }
  });

  it('reads the Linux mount table it is pointed at', async () => {
    const mountinfoPath = fileURLToPath(new URL('../fixtures/recorded/linux-fedora-camera.mountinfo', import.meta.url));
    const volumes = await listVolumes('linux', { mountinfoPath });
    expect(volumes.map((v) => [v.label, v.mountPath, v.fsType])).toEqual([
      ['CAMERA', '/run/media/bob/CAMERA', 'exfat'],
      ['Élan Photos', '/run/media/bob/Élan Photos', 'fuseblk'],
    ]);
    expect((await listVolumes('linux', { mountinfoPath, linuxRoots: ['/media'] }))).toEqual([]);
  });

  it('refuses a platform it cannot watch, with a reason', async () => {
    expect(() => createVolumeLister('aix')).toThrow(/not watched on aix/);
    await expect(listVolumes('aix')).rejects.toThrow(/stand-in root/);
  });
});
