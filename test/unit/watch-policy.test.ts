// What may be watched, decided without touching the disk (issue 12 item 2).
import { describe, expect, it } from 'vitest';
import { parseMountInfo } from '../../src/main/core/sources/volumes/mountinfo.ts';
import { folderTextProblem, pseudoFsProblem, pseudoMountsInside, systemFolderProblem } from '../../src/main/core/sources/watch-policy.ts';

const MOUNTINFO = [
  '22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw',
  '23 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw',
  '24 22 0:22 / /sys rw,nosuid shared:2 - sysfs sysfs rw',
  '25 24 0:23 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw',
  '26 22 0:5 / /dev rw,nosuid shared:3 - devtmpfs udev rw',
  '40 22 0:40 / /srv/chroot/proc rw - proc proc rw',
  '41 22 0:41 / /mnt/debug rw - debugfs debugfs rw',
  '42 22 0:42 / /tmp rw - tmpfs tmpfs rw',
  '43 22 8:17 / /media/clinic/CAMERA rw - vfat /dev/sdb1 rw',
].join('\n');
const mounts = parseMountInfo(MOUNTINFO);

describe('folderTextProblem', () => {
  it('refuses NUL, an overlong path and, from the operator, a relative path', () => {
    expect(folderTextProblem('/a\0b', 'linux', true)).toMatch(/NUL/);
    expect(folderTextProblem(`/${'x'.repeat(5000)}`, 'linux', true)).toMatch(/longer than 4096/);
    expect(folderTextProblem('export', 'linux', true)).toMatch(/full path/);
    expect(folderTextProblem('export', 'linux', false)).toBeNull(); // --watch export: the shell's folder
    expect(folderTextProblem('D:\\CameraExport', 'win32', true)).toBeNull();
    expect(folderTextProblem('\\\\server\\share\\fundus', 'win32', true)).toBeNull();
    expect(folderTextProblem('CameraExport', 'win32', true)).toMatch(/D:\\CameraExport/);
  });
});

describe('systemFolderProblem', () => {
  it.each(['/', '/proc', '/proc/1/root', '/sys', '/dev/shm', '/run', '/run/lock', '/sys/..'])('refuses %s on Linux', (p) => {
    expect(systemFolderProblem(p, 'linux')).toMatch(/system folder/);
  });
  it.each(['/home/clinic/export', '/srv/camera', '/run/media/clinic/CAMERA/DCIM', '/run/user/1000/gvfs/smb-share:server=nas,share=fundus', '/processed', '/device-exports'])('accepts %s on Linux', (p) => {
    expect(systemFolderProblem(p, 'linux')).toBeNull();
  });
  it('refuses the platform roots on macOS and Windows', () => {
    expect(systemFolderProblem('/', 'darwin')).toMatch(/system folder/);
    expect(systemFolderProblem('/System/Library', 'darwin')).toMatch(/system folder/);
    expect(systemFolderProblem('/Users/clinic/Export', 'darwin')).toBeNull();
    expect(systemFolderProblem('C:\\', 'win32')).toMatch(/system folder/);
    expect(systemFolderProblem('c:\\windows\\System32', 'win32')).toMatch(/system folder/);
    expect(systemFolderProblem('E:\\Windows', 'win32', { SystemDrive: 'E:', SystemRoot: 'E:\\Windows' })).toMatch(/system folder/);
    expect(systemFolderProblem('C:\\CameraExport', 'win32')).toBeNull();
    expect(systemFolderProblem('D:\\', 'win32')).toBeNull();
  });
});

describe('pseudo file systems (from /proc/self/mountinfo)', () => {
  it('refuses a folder on proc, sysfs, cgroup, devtmpfs or debugfs wherever it is mounted', () => {
    for (const p of ['/proc/self', '/sys/fs/cgroup/user.slice', '/srv/chroot/proc/1', '/mnt/debug/tracing']) expect(pseudoFsProblem(p, mounts), p).toMatch(/system folder/);
  });
  it('accepts ordinary disks, tmpfs and a camera card', () => {
    for (const p of ['/home/clinic', '/tmp/x', '/media/clinic/CAMERA/DCIM', '/srv/chroot']) expect(pseudoFsProblem(p, mounts), p).toBeNull();
  });
  it('lists pseudo file systems mounted inside a folder, so the watcher skips them', () => {
    expect(pseudoMountsInside('/srv', mounts)).toEqual(['/srv/chroot/proc']);
    expect(pseudoMountsInside('/home', mounts)).toEqual([]);
  });
});
