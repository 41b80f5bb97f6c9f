import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMountInfo, removableMounts, unescapeMountField } from '../../src/main/core/sources/volumes/mountinfo.ts';

const recorded = (name: string): string => readFileSync(new URL(`../fixtures/recorded/${name}`, import.meta.url), 'utf8');

describe('parseMountInfo', () => {
  it('reads every field of a line, including optional fields and super options', () => {
    const [e] = parseMountInfo(
      '702 31 8:17 / /media/alice/NO\\040NAME rw,nosuid,nodev,relatime shared:620 master:3 - vfat /dev/sdb1 rw,fmask=0022,utf8\n',
    );
    expect(e).toEqual({
      mountId: 702,
      parentId: 31,
      major: 8,
      minor: 17,
      root: '/',
      mountPoint: '/media/alice/NO NAME',
      mountOptions: ['rw', 'nosuid', 'nodev', 'relatime'],
      optionalFields: ['shared:620', 'master:3'],
      fsType: 'vfat',
      source: '/dev/sdb1',
      superOptions: ['rw', 'fmask=0022', 'utf8'],
    });
  });

  it('undoes the octal escapes for space, tab, newline and backslash', () => {
    expect(unescapeMountField('NO\\040NAME')).toBe('NO NAME');
    expect(unescapeMountField('a\\011b\\012c\\134d')).toBe('a\tb\nc\\d');
    expect(unescapeMountField('plain')).toBe('plain');
  });

  it('parses a whole desktop mount table and keeps paths with escapes intact', () => {
    const entries = parseMountInfo(recorded('linux-desktop.mountinfo'));
    expect(entries).toHaveLength(36);
    expect(entries.map((e) => e.mountPoint)).toContain('/media/alice/Tab\tand\\slash');
    expect(entries.find((e) => e.mountPoint === '/')?.fsType).toBe('ext4');
  });

  it('skips lines without the documented shape instead of throwing', () => {
    const text = 'garbage\n\n12 1 8:1 / / rw - ext4\n22 1 8:1 / /x rw - ext4 /dev/sda1 rw\r\nnot 1 8:1 / /y rw - ext4 /dev/sda1 rw\n';
    const entries = parseMountInfo(text);
    expect(entries.map((e) => e.mountPoint)).toEqual(['/x']);
    expect(entries[0]!.superOptions).toEqual(['rw']);
  });

  it.skipIf(process.platform !== 'linux')("parses this machine's own /proc/self/mountinfo", () => {
    const text = readFileSync('/proc/self/mountinfo', 'utf8');
    const entries = parseMountInfo(text);
    expect(entries.length).toBe(text.split('\n').filter((l) => l.trim() !== '').length);
    expect(entries.some((e) => e.mountPoint === '/')).toBe(true);
    expect(() => removableMounts(entries)).not.toThrow();
  });
});

describe('removableMounts', () => {
  it('picks the USB drives of a desktop and ignores proc, sys, cgroup, snaps, overlay, /boot/efi and bind mounts', () => {
    const picked = removableMounts(parseMountInfo(recorded('linux-desktop.mountinfo')));
    expect(picked.map((e) => [e.mountPoint, e.fsType, e.source])).toEqual([
      ['/media/alice/NO NAME', 'vfat', '/dev/sdb1'],
      ['/media/alice/Backup Disk', 'ext4', '/dev/sdc1'],
      ['/media/alice/Tab\tand\\slash', 'exfat', '/dev/sdd1'],
      ['/mnt/usb', 'ntfs3', '/dev/sde1'],
    ]);
  });

  it('finds a camera under /run/media (Fedora) and an NTFS drive mounted through fuse', () => {
    const picked = removableMounts(parseMountInfo(recorded('linux-fedora-camera.mountinfo')));
    expect(picked.map((e) => e.mountPoint)).toEqual(['/run/media/bob/CAMERA', '/run/media/bob/Élan Photos']);
  });

  it('does not take an ext4 data disk under /mnt, but does under /media', () => {
    const entries = parseMountInfo(
      '1 0 8:1 / /mnt/data rw - ext4 /dev/sda1 rw\n2 0 8:17 / /media/u/STICK rw - ext4 /dev/sdb1 rw\n',
    );
    expect(removableMounts(entries).map((e) => e.mountPoint)).toEqual(['/media/u/STICK']);
  });

  it('only looks under the roots it is given', () => {
    const entries = parseMountInfo(recorded('linux-desktop.mountinfo'));
    expect(removableMounts(entries, ['/mnt']).map((e) => e.mountPoint)).toEqual(['/mnt/usb']);
    expect(removableMounts(entries, ['/srv/cameras'])).toEqual([]);
    // "/mediafiles" is not under "/media"
    expect(removableMounts(parseMountInfo('1 0 8:1 / /mediafiles/x rw - vfat /dev/sdb1 rw\n'))).toEqual([]);
  });

  it('hides a drive that something else was mounted over', () => {
    const entries = parseMountInfo(
      '1 0 8:17 / /media/u/CAM rw - vfat /dev/sdb1 rw\n2 1 0:90 / /media/u/CAM rw - tmpfs tmpfs rw\n',
    );
    expect(removableMounts(entries)).toEqual([]);
  });
});
