import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskLinkMap, listLinuxVolumes, unescapeUdev, volumeFromMount } from '../../src/main/core/sources/volumes/linux.ts';
import { parseMountInfo } from '../../src/main/core/sources/volumes/mountinfo.ts';

const desktop = fileURLToPath(new URL('../fixtures/recorded/linux-desktop.mountinfo', import.meta.url));

describe('udev link names', () => {
  it('undoes \\xHH escapes, including multi-byte UTF-8', () => {
    expect(unescapeUdev('NO\\x20NAME')).toBe('NO NAME');
    expect(unescapeUdev('\\xc3\\x89lan\\x20Photos')).toBe('Élan Photos');
    expect(unescapeUdev('a\\x2fb')).toBe('a/b');
    expect(unescapeUdev('1A2B-3C4D')).toBe('1A2B-3C4D');
  });

  it('maps the device a link points at to the link name', () => {
    const map = diskLinkMap('/dev/disk/by-label', [
      { name: 'NO\\x20NAME', target: '../../sdb1' },
      { name: 'root', target: '../../nvme0n1p2' },
    ]);
    expect(map.get('/dev/sdb1')).toBe('NO NAME');
    expect(map.get('/dev/nvme0n1p2')).toBe('root');
  });
});

describe('volumeFromMount', () => {
  const [stick] = parseMountInfo('702 31 8:17 / /media/alice/NO\\040NAME rw - vfat /dev/sdb1 rw\n');
  const [unlabelled] = parseMountInfo('703 31 8:33 / /media/alice/1A2B-3C4D rw - vfat /dev/sdc1 rw\n');

  it('uses the filesystem UUID as id and the udev label when known', () => {
    const v = volumeFromMount(stick!, { uuids: new Map([['/dev/sdb1', '1A2B-3C4D']]), labels: new Map([['/dev/sdb1', 'NO NAME']]) });
    expect(v).toEqual({ id: '1A2B-3C4D', label: 'NO NAME', uuid: '1A2B-3C4D', mountPath: '/media/alice/NO NAME', fsType: 'vfat' });
  });

  it('falls back to the device and the mount folder name without udev', () => {
    const v = volumeFromMount(stick!, { uuids: new Map(), labels: new Map() });
    expect(v).toEqual({ id: '/dev/sdb1', label: 'NO NAME', uuid: null, mountPath: '/media/alice/NO NAME', fsType: 'vfat' });
  });

  it('does not mistake a UUID-named mount folder for a label', () => {
    const v = volumeFromMount(unlabelled!, { uuids: new Map([['/dev/sdc1', '1A2B-3C4D']]), labels: new Map() });
    expect(v.label).toBeNull();
  });
});

describe('listLinuxVolumes', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'volumes-linux-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('reads a recorded mount table and real udev-style symlinks', async () => {
    const diskDir = path.join(tmp, 'disk');
    await mkdir(path.join(diskDir, 'by-uuid'), { recursive: true });
    await mkdir(path.join(diskDir, 'by-label'), { recursive: true });
    // udev's links are relative to /dev/disk/by-*; absolute ones resolve the same way
    await symlink('/dev/sdb1', path.join(diskDir, 'by-uuid', '1A2B-3C4D'));
    await symlink('/dev/sdb1', path.join(diskDir, 'by-label', 'NO\\x20NAME'));
    const volumes = await listLinuxVolumes({ mountinfoPath: desktop, diskDir });
    expect(volumes.map((v) => [v.id, v.label, v.mountPath])).toEqual([
      ['1A2B-3C4D', 'NO NAME', '/media/alice/NO NAME'],
      ['/dev/sdc1', 'Backup Disk', '/media/alice/Backup Disk'],
      ['/dev/sdd1', 'Tab\tand\\slash', '/media/alice/Tab\tand\\slash'],
      ['/dev/sde1', 'usb', '/mnt/usb'],
    ]);
  });

  it.skipIf(process.platform !== 'linux')("lists this machine's removable volumes without throwing", async () => {
    const volumes = await listLinuxVolumes();
    for (const v of volumes) expect(v.mountPath.startsWith('/')).toBe(true);
  });
});
