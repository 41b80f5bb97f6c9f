// Linux mount table (/proc/self/mountinfo, see proc(5)) as data, and the choice of which mounts
// look like removable media. Pure: the caller reads the file.

/** One line of /proc/self/mountinfo, with the kernel's octal escapes undone. */
export interface MountEntry {
  mountId: number;
  parentId: number;
  /** st_dev of the filesystem: the block device for vfat/exfat/ntfs, an anonymous 0:N for others. */
  major: number;
  minor: number;
  /** Path inside the filesystem that is mounted: "/" unless this is a bind mount of a subtree. */
  root: string;
  mountPoint: string;
  mountOptions: string[];
  /** "shared:7", "master:1", ... (zero or more, before the "-" separator). */
  optionalFields: string[];
  fsType: string;
  /** "/dev/sdb1", "tmpfs", "overlay", ... */
  source: string;
  superOptions: string[];
}

/**
 * Undo the kernel's escaping of space, tab, newline and backslash ("\040", "\011", "\012",
 * "\134"). Other bytes, UTF-8 included, are written raw by the kernel, so they need nothing.
 */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

function parseLine(line: string): MountEntry | null {
  // Fields are separated by single spaces; spaces inside paths are escaped, so split is safe.
  const f = line.split(' ');
  const dash = f.indexOf('-', 6);
  if (dash < 0 || f.length < dash + 3) return null;
  const mountId = Number(f[0]);
  const parentId = Number(f[1]);
  const dev = /^(\d+):(\d+)$/.exec(f[2] ?? '');
  if (!Number.isInteger(mountId) || !Number.isInteger(parentId) || !dev) return null;
  return {
    mountId,
    parentId,
    major: Number(dev[1]),
    minor: Number(dev[2]),
    root: unescapeMountField(f[3]!),
    mountPoint: unescapeMountField(f[4]!),
    mountOptions: f[5]!.split(','),
    optionalFields: f.slice(6, dash),
    fsType: unescapeMountField(f[dash + 1]!),
    source: unescapeMountField(f[dash + 2]!),
    // Super options are absent on some old kernels; they are informative only.
    superOptions: f[dash + 3] ? f[dash + 3]!.split(',') : [],
  };
}

/** Parse mountinfo text. Lines that do not have the documented shape are skipped, never thrown on. */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseLine(line.replace(/\r$/, ''));
    if (entry) out.push(entry);
  }
  return out;
}

export const DEFAULT_REMOVABLE_ROOTS: readonly string[] = ['/media', '/run/media', '/mnt'];

/** Filesystems that cameras, SD cards and USB sticks are formatted with, wherever they are mounted. */
const REMOVABLE_FS = new Set([
  'vfat',
  'msdos',
  'exfat',
  'ntfs',
  'ntfs3',
  'fuseblk', // ntfs-3g and exfat-fuse
  'fuse.exfat',
  'fuse.ntfs-3g',
  'hfsplus',
  'hfs',
  'apfs',
  'udf',
]);

/**
 * Linux filesystems count only under /media and /run/media: that is where the desktop (udisks)
 * mounts a plugged-in drive, while /mnt is where administrators mount fixed data disks.
 */
const DESKTOP_ONLY_FS = new Set(['ext4', 'ext3', 'ext2', 'btrfs', 'xfs', 'f2fs']);
const DESKTOP_ROOTS = ['/media', '/run/media'];

function isUnder(mountPoint: string, root: string): boolean {
  const r = root.endsWith('/') && root !== '/' ? root.slice(0, -1) : root;
  return mountPoint === r || mountPoint.startsWith(r === '/' ? '/' : `${r}/`);
}

/**
 * The mounts that look like a plugged-in drive: under one of `roots`, backed by a /dev block
 * device, the whole filesystem (not a bind mount of a subfolder), of a removable-media type.
 * When one mount point is mounted over twice, only the last (visible) one is kept.
 */
export function removableMounts(
  entries: readonly MountEntry[],
  roots: readonly string[] = DEFAULT_REMOVABLE_ROOTS,
): MountEntry[] {
  const byPoint = new Map<string, MountEntry>();
  for (const e of entries) byPoint.set(e.mountPoint, e); // later lines mount over earlier ones
  return [...byPoint.values()].filter((e) => {
    if (e.root !== '/' || !e.source.startsWith('/dev/')) return false;
    if (!roots.some((r) => isUnder(e.mountPoint, r))) return false;
    if (REMOVABLE_FS.has(e.fsType)) return true;
    return DESKTOP_ONLY_FS.has(e.fsType) && DESKTOP_ROOTS.some((r) => roots.includes(r) && isUnder(e.mountPoint, r));
  });
}
