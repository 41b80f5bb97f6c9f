// Linux: removable volumes from the mount table, with UUID and label from udev's /dev/disk links.
// The decisions are pure functions; listLinuxVolumes is the thin part that reads the system.
import { readFile, readdir, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_REMOVABLE_ROOTS, parseMountInfo, removableMounts } from './mountinfo.ts';
import type { MountEntry } from './mountinfo.ts';
import type { Volume } from './volume.ts';

/** udev writes unsafe characters of labels as "\xHH" (a space is "\x20"); undo that, as UTF-8. */
export function unescapeUdev(name: string): string {
  if (!name.includes('\\x')) return name;
  // Escapes are bytes of UTF-8, so rebuild the byte string and decode it once.
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of name.matchAll(/\\x([0-9a-fA-F]{2})/g)) {
    parts.push(Buffer.from(name.slice(last, m.index), 'utf8'), Buffer.from([Number.parseInt(m[1]!, 16)]));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(name.slice(last), 'utf8'));
  return Buffer.concat(parts).toString('utf8');
}

/** A symlink in /dev/disk/by-uuid or by-label: its name and what readlink returned. */
export interface DiskLink {
  name: string;
  target: string;
}

/** Device path ("/dev/sdb1") -> the link's unescaped name (a UUID or a label). */
export function diskLinkMap(linkDir: string, links: readonly DiskLink[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const l of links) map.set(path.resolve(linkDir, l.target), unescapeUdev(l.name));
  return map;
}

export interface DiskIds {
  /** Device path -> filesystem UUID. */
  uuids: ReadonlyMap<string, string>;
  /** Device path -> filesystem label. */
  labels: ReadonlyMap<string, string>;
}

/**
 * A removable mount as a Volume. `device` is the mount's source with symlinks resolved
 * (/dev/mapper/x -> /dev/dm-0) so it meets udev's links. Without a label link, udisks' habit of
 * naming the mount folder after the label makes the folder name the best guess.
 */
export function volumeFromMount(entry: MountEntry, ids: DiskIds, device: string = entry.source): Volume {
  const uuid = ids.uuids.get(device) ?? null;
  // A volume without a label is mounted by udisks under its UUID: that is no label.
  const folder = path.posix.basename(entry.mountPoint);
  const label = ids.labels.get(device) ?? (folder && folder !== uuid ? folder : null);
  return { id: uuid ?? device, label, uuid, mountPath: entry.mountPoint, fsType: entry.fsType };
}

export interface LinuxListOptions {
  mountinfoPath?: string;
  roots?: readonly string[];
  /** Where udev keeps by-uuid and by-label ("/dev/disk"). */
  diskDir?: string;
}

async function readLinks(dir: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return new Map(); // no udev (containers, minimal systems): ids fall back to the device
  }
  const links: DiskLink[] = [];
  for (const name of names) {
    try {
      links.push({ name, target: await readlink(path.join(dir, name)) });
    } catch {
      // the link went away between readdir and readlink: the device was unplugged
    }
  }
  return diskLinkMap(dir, links);
}

async function resolveDevice(source: string): Promise<string> {
  try {
    return await realpath(source);
  } catch {
    return source;
  }
}

/** Read the mount table and udev's links; return the removable volumes mounted now. */
export async function listLinuxVolumes(opts: LinuxListOptions = {}): Promise<Volume[]> {
  const text = await readFile(opts.mountinfoPath ?? '/proc/self/mountinfo', 'utf8');
  const mounts = removableMounts(parseMountInfo(text), opts.roots ?? DEFAULT_REMOVABLE_ROOTS);
  if (mounts.length === 0) return []; // the common case each second: nothing plugged in
  const diskDir = opts.diskDir ?? '/dev/disk';
  const [uuids, labels] = await Promise.all([
    readLinks(path.join(diskDir, 'by-uuid')),
    readLinks(path.join(diskDir, 'by-label')),
  ]);
  return Promise.all(
    mounts.map(async (m) => volumeFromMount(m, { uuids, labels }, await resolveDevice(m.source))),
  );
}
