// What a watched folder may be, as pure decisions. A watcher on /proc, /sys or / follows links such
// as /proc/*/root back to / and never finishes its first scan (issue 12): such folders are refused
// before a watcher exists, and every watcher is bounded (depth, entries, folders).
import path from 'node:path';
import type { MountEntry } from './volumes/mountinfo.ts';

export interface WatchLimits {
  /** Subfolder levels below the watched folder that are looked into (chokidar `depth`). */
  depth: number;
  /** Files and folders found by the first look through the folder; more puts the source in error. */
  maxEntries: number;
  /** Folders watched at any time (each costs the system a watch handle); more puts the source in error. */
  maxDirectories: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = { depth: 8, maxEntries: 100_000, maxDirectories: 5_000 };

/** Longest folder path accepted (Linux PATH_MAX; Windows long paths are shorter in practice). */
export const MAX_FOLDER_PATH_LENGTH = 4096;

/** Kernel and pseudo file systems: their files are not photos and their trees loop or never end. */
const PSEUDO_FS = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'debugfs',
  'tracefs',
  'securityfs',
  'pstore',
  'bpf',
  'configfs',
  'fusectl',
  'mqueue',
  'hugetlbfs',
  'binfmt_misc',
  'efivarfs',
  'selinuxfs',
  'rpc_pipefs',
  'nsfs',
]);

const inside = (p: string, root: string, sep: string): boolean => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

const SYSTEM_FOLDER =
  'This is a system folder, not a camera folder; watching it could stop the station. Choose the folder the camera saves its photos into.';

/** Null when the text can name a folder to watch; else why not. `requireAbsolute`: from the operator (no cwd guessing). */
export function folderTextProblem(folder: string, platform: NodeJS.Platform, requireAbsolute: boolean): string | null {
  if (folder.includes('\0')) return 'The folder path contains an invisible NUL character; type or paste the path again.';
  if (folder.length > MAX_FOLDER_PATH_LENGTH) return `The folder path is longer than ${MAX_FOLDER_PATH_LENGTH} characters; no folder has such a long path. Check what was pasted.`;
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (requireAbsolute && !p.isAbsolute(folder)) {
    const example = platform === 'win32' ? 'D:\\CameraExport or \\\\server\\share\\fundus' : '/home/clinic/CameraExport';
    return `Give the full path of the folder, starting from the drive or the top (e.g. ${example}); "${folder.slice(0, 80)}" is a relative path.`;
  }
  return null;
}

/** Null when the (absolute, link-resolved) folder is not a system folder of the platform; else why not. */
export function systemFolderProblem(folder: string, platform: NodeJS.Platform, env: Record<string, string | undefined> = {}): string | null {
  if (platform === 'win32') {
    const p = path.win32.resolve(folder).toLowerCase();
    const drive = (env.SystemDrive ?? 'C:').toLowerCase();
    const systemRoot = path.win32.resolve(env.SystemRoot ?? `${drive}\\Windows`).toLowerCase();
    if (p === `${drive}\\` || inside(p, systemRoot, '\\')) return SYSTEM_FOLDER;
    return null;
  }
  const p = path.posix.resolve(folder);
  if (p === '/') return SYSTEM_FOLDER;
  if (platform === 'darwin') return ['/System', '/dev'].some((r) => inside(p, r, '/')) ? SYSTEM_FOLDER : null;
  // /run holds runtime state, except where the desktop mounts drives and network shares (udisks, gvfs).
  if (inside(p, '/run', '/') && !inside(p, '/run/media', '/') && !/^\/run\/user\/\d+\/gvfs\/./.test(p)) return SYSTEM_FOLDER;
  return ['/proc', '/sys', '/dev'].some((r) => inside(p, r, '/')) ? SYSTEM_FOLDER : null;
}

/** The mount the path lives on: the longest mount point containing it (the last one mounted wins). */
export function mountOf(folder: string, mounts: readonly MountEntry[]): MountEntry | null {
  let best: MountEntry | null = null;
  for (const m of mounts) {
    if (!inside(folder, m.mountPoint, '/')) continue;
    if (!best || m.mountPoint.length >= best.mountPoint.length) best = m;
  }
  return best;
}

/** Null unless the folder is on a kernel pseudo file system (proc, sysfs, cgroup, ...). */
export function pseudoFsProblem(folder: string, mounts: readonly MountEntry[]): string | null {
  const m = mountOf(folder, mounts);
  return m && PSEUDO_FS.has(m.fsType) ? SYSTEM_FOLDER : null;
}

/** Pseudo file systems mounted below the folder (a container's /proc, say): never looked into. */
export function pseudoMountsInside(folder: string, mounts: readonly MountEntry[]): string[] {
  return mounts.filter((m) => PSEUDO_FS.has(m.fsType) && m.mountPoint !== folder && inside(m.mountPoint, folder, '/')).map((m) => m.mountPoint);
}

export function tooManyEntriesMessage(limits: WatchLimits, what: 'entries' | 'directories'): string {
  const count = what === 'entries' ? `${limits.maxEntries.toLocaleString('en-US')} files and folders` : `${limits.maxDirectories.toLocaleString('en-US')} folders`;
  return `This folder holds more than ${count}, too many to watch; it is not being watched. Choose the folder the camera saves its photos into (not a whole disk or home folder), then remove this one.`;
}
