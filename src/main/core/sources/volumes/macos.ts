// macOS: every volume is mounted under /Volumes; the boot volume is there too, as a symlink to /.
// `diskutil info -plist` says whether a volume is removable and gives its name and UUID (read with
// the plist package).
// The decisions are pure; createMacVolumeLister is the thin part that looks at the system.
import { execFile } from 'node:child_process';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parsePlist, type PlistValue } from 'plist';
import type { Volume } from './volume.ts';

/** The parts of `diskutil info -plist <mount>` that the station uses. */
export interface DiskutilInfo {
  volumeName: string | null;
  volumeUuid: string | null;
  mountPoint: string | null;
  /** "msdos", "exfat", "apfs", "hfs", ... */
  fsType: string | null;
  /** Any of RemovableMedia, Removable, Ejectable, RemovableMediaOrExternalDevice, or Internal false. */
  removable: boolean;
}

const str = (v: PlistValue | undefined): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** Read diskutil's plist. Throws when the text is not a plist dictionary. */
export function parseDiskutilInfo(xml: string): DiskutilInfo {
  // diskutil prints a plain sentence when it has no answer; the XML parser would log it as a fatal error.
  if (!/<plist[\s>]/.test(xml)) throw new Error('diskutil output is not a plist');
  const doc = parsePlist(xml);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || doc instanceof Date || doc instanceof Uint8Array) {
    throw new Error('diskutil output is not a plist dictionary');
  }
  const d = doc as { [key: string]: PlistValue };
  const flag = (k: string): boolean => d[k] === true;
  return {
    volumeName: str(d.VolumeName),
    volumeUuid: str(d.VolumeUUID),
    mountPoint: str(d.MountPoint),
    fsType: str(d.FilesystemType),
    // Card readers report RemovableMedia; USB sticks and cameras often only Ejectable/external.
    removable:
      flag('RemovableMedia') ||
      flag('Removable') ||
      flag('Ejectable') ||
      flag('RemovableMediaOrExternalDevice') ||
      d.Internal === false,
  };
}

/** The Volume for a mounted folder of /Volumes, or null when diskutil says it is a fixed disk. */
export function volumeFromDiskutil(info: DiskutilInfo, mountPath: string): Volume | null {
  if (!info.removable) return null;
  return {
    id: info.volumeUuid ?? mountPath,
    label: info.volumeName ?? (path.posix.basename(mountPath) || null),
    uuid: info.volumeUuid,
    mountPath,
    fsType: info.fsType,
  };
}

/** What the lister learned about one entry of /Volumes. */
export interface VolumesDirEntry {
  name: string;
  /** readlink's answer when the entry is a symlink, else null. */
  symlinkTarget: string | null;
  /** It sits on another device than /Volumes itself (a folder left behind by a crash is not). */
  isMountPoint: boolean;
}

/** Entries of /Volumes that are mounted volumes, other than the boot volume (a symlink to /). */
export function macVolumeCandidates<T extends VolumesDirEntry>(volumesDir: string, entries: readonly T[]): T[] {
  return entries.filter(
    (e) =>
      !e.name.startsWith('.') &&
      e.isMountPoint &&
      (e.symlinkTarget === null || path.posix.resolve(volumesDir, e.symlinkTarget) !== '/'),
  );
}

export interface MacListOptions {
  volumesDir?: string;
  diskutil?: string;
  timeoutMs?: number;
}

function diskutilInfo(cmd: string, mountPath: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, ['info', '-plist', mountPath], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

async function readVolumesDir(volumesDir: string): Promise<(VolumesDirEntry & { dev: number })[]> {
  const parentDev = (await stat(volumesDir)).dev;
  const out: (VolumesDirEntry & { dev: number })[] = [];
  for (const name of await readdir(volumesDir)) {
    const full = path.join(volumesDir, name);
    try {
      const l = await lstat(full);
      const symlinkTarget = l.isSymbolicLink() ? await readlink(full) : null;
      const s = await stat(full);
      if (!s.isDirectory()) continue;
      out.push({ name, symlinkTarget, isMountPoint: s.dev !== parentDev || symlinkTarget !== null, dev: s.dev });
    } catch {
      // unmounted while we looked: it is simply not there
    }
  }
  return out;
}

/**
 * A list function for the monitor. diskutil takes a noticeable fraction of a second, so its
 * answer is remembered per mount path and device number: a re-mounted volume is asked again.
 * When diskutil fails (network shares, a missing tool) the volume is kept with its folder name,
 * so camera recognition can still decide.
 */
export function createMacVolumeLister(opts: MacListOptions = {}): () => Promise<Volume[]> {
  const volumesDir = opts.volumesDir ?? '/Volumes';
  const cmd = opts.diskutil ?? '/usr/sbin/diskutil';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let cache = new Map<string, Volume | null>();
  return async () => {
    const entries = macVolumeCandidates(volumesDir, await readVolumesDir(volumesDir));
    const next = new Map<string, Volume | null>();
    for (const e of entries) {
      const mountPath = path.join(volumesDir, e.name);
      const key = `${mountPath}\u0000${e.dev}`;
      let v = cache.get(key);
      if (v === undefined) {
        try {
          v = volumeFromDiskutil(parseDiskutilInfo(await diskutilInfo(cmd, mountPath, timeoutMs)), mountPath);
        } catch {
          // Remembered too, so the id stays the same for as long as this mount lasts.
          v = { id: mountPath, label: e.name, uuid: null, mountPath, fsType: null };
        }
      }
      next.set(key, v);
    }
    cache = next;
    return [...next.values()].filter((v): v is Volume => v !== null);
  };
}
