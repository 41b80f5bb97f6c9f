import { readFileSync } from 'node:fs';
import { parse as parsePlist } from 'plist';
import { describe, expect, it } from 'vitest';
import { macVolumeCandidates, parseDiskutilInfo, volumeFromDiskutil } from '../../src/main/core/sources/volumes/macos.ts';

const recorded = (name: string): string => readFileSync(new URL(`../fixtures/recorded/${name}`, import.meta.url), 'utf8');

// The plist package reads what diskutil prints: these guard the parts the station relies on.
describe('parsePlist (the plist package)', () => {
  it('reads dicts, arrays, strings, numbers, booleans, dates and data', () => {
    const v = parsePlist(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>s</key><string> a &lt;b&gt; &amp; &#233; </string>
  <key>empty</key><string/>
  <key>i</key><integer>-42</integer>
  <key>r</key><real>1.5</real>
  <key>t</key><true/><key>f</key><false/>
  <key>d</key><date>2024-05-01T10:00:00Z</date>
  <key>b</key><data>
    AQID
  </data>
  <key>a</key><array><integer>1</integer><dict/><array/></array>
</dict></plist>`);
    expect(v).toEqual({
      s: ' a <b> & é ',
      empty: '',
      i: -42,
      r: 1.5,
      t: true,
      f: false,
      d: new Date('2024-05-01T10:00:00Z'),
      b: Uint8Array.from([1, 2, 3]),
      a: [1, {}, []],
    });
  });

  it('reads nested arrays of dicts as diskutil prints them', () => {
    const v = parsePlist(recorded('macos-diskutil-boot.plist')) as { APFSPhysicalStores: unknown };
    expect(v.APFSPhysicalStores).toEqual([{ APFSPhysicalStore: 'disk0s2' }]);
  });

  it('rejects text that is not a plist', () => {
    expect(() => parseDiskutilInfo('Could not find disk: /Volumes/Share')).toThrow();
    expect(() => parsePlist('<plist><dict><key>a</key>')).toThrow();
    expect(() => parsePlist('<plist><dict><string>x</string></dict></plist>')).toThrow();
  });
});

describe('diskutil info', () => {
  it('takes an SD card in the built-in reader as removable, with its name and UUID', () => {
    const info = parseDiskutilInfo(recorded('macos-diskutil-sdcard.plist'));
    expect(info).toEqual({
      volumeName: 'NO NAME',
      volumeUuid: '0E239BC6-F960-3107-89CF-1C97F78BB46B',
      mountPoint: '/Volumes/NO NAME',
      fsType: 'msdos',
      removable: true,
    });
    expect(volumeFromDiskutil(info, '/Volumes/NO NAME')).toEqual({
      id: '0E239BC6-F960-3107-89CF-1C97F78BB46B',
      label: 'NO NAME',
      uuid: '0E239BC6-F960-3107-89CF-1C97F78BB46B',
      mountPath: '/Volumes/NO NAME',
      fsType: 'msdos',
    });
  });

  it('takes a USB camera that is external but not "removable media"', () => {
    const info = parseDiskutilInfo(recorded('macos-diskutil-usb-camera.plist'));
    expect(info.removable).toBe(true);
    expect(info.volumeName).toBe('Caméra & Co');
    expect(volumeFromDiskutil(info, '/Volumes/Caméra & Co')?.fsType).toBe('exfat');
  });

  it('takes an external disk that sets no removable flag but is not internal', () => {
    const plist = (internal: boolean) =>
      `<plist version="1.0"><dict><key>Internal</key>${internal ? '<true/>' : '<false/>'}<key>Ejectable</key><false/><key>VolumeName</key><string>SSD</string></dict></plist>`;
    expect(parseDiskutilInfo(plist(false)).removable).toBe(true);
    expect(parseDiskutilInfo(plist(true)).removable).toBe(false);
  });

  it('does not take the boot volume', () => {
    const info = parseDiskutilInfo(recorded('macos-diskutil-boot.plist'));
    expect(info.removable).toBe(false);
    expect(volumeFromDiskutil(info, '/Volumes/Macintosh HD')).toBeNull();
  });

  it('names a volume by its folder when diskutil gives no name or UUID', () => {
    const v = volumeFromDiskutil({ volumeName: null, volumeUuid: null, mountPoint: null, fsType: null, removable: true }, '/Volumes/UNTITLED');
    expect(v).toEqual({ id: '/Volumes/UNTITLED', label: 'UNTITLED', uuid: null, mountPath: '/Volumes/UNTITLED', fsType: null });
  });
});

describe('macVolumeCandidates', () => {
  it('drops the boot volume symlink, hidden entries and folders that are not mount points', () => {
    const picked = macVolumeCandidates('/Volumes', [
      { name: 'Macintosh HD', symlinkTarget: '/', isMountPoint: true },
      { name: 'NO NAME', symlinkTarget: null, isMountPoint: true },
      { name: 'NO NAME 1', symlinkTarget: null, isMountPoint: false }, // left behind by a crash
      { name: '.timemachine', symlinkTarget: null, isMountPoint: true },
      { name: 'Old Boot', symlinkTarget: '../', isMountPoint: true },
    ]);
    expect(picked.map((e) => e.name)).toEqual(['NO NAME']);
  });
});
