// Is this volume a camera, where are its photos, and which photos are there.
import { readdir, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { profileForDevice } from '../../../../shared/devices.ts';
import type { DeviceIdentity, DeviceProfile } from '../../../../shared/devices.ts';
import type { ListedFile } from './ledger.ts';

export interface CameraRecognition {
  /** True when the volume has photo folders: DCIM/ or a folder from a device profile. */
  isCamera: boolean;
  /** Absolute paths of the photo folders found, spelled as they are on the volume. */
  photoDirs: string[];
  /** The profile that applies, as far as the volume alone (and the hints) can tell. */
  profile: DeviceProfile | null;
}

export interface CameraPhoto extends ListedFile {
  /** Absolute path. */
  path: string;
}

const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.dcm', '.png', '.tif', '.tiff']);
// Folders Windows puts on every drive; they hold no photos and may not be readable.
const SYSTEM_NAMES = new Set(['system volume information', '$recycle.bin', 'recycler']);

/** Hidden and system entries: "._IMG.JPG" (macOS), ".Trashes", ".Spotlight-V100", "$RECYCLE.BIN". */
export function isHiddenOrSystem(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name.toLowerCase());
}

export function isPhotoFile(name: string): boolean {
  return !isHiddenOrSystem(name) && PHOTO_EXTENSIONS.has(path.extname(name).toLowerCase());
}

const isMissing = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/**
 * Find `rel` ("DCIM", "Images/Fundus") under `root`, each step matched exactly first and then
 * ignoring case: FAT does not care about case, but a stand-in folder on ext4 does.
 */
export async function findDirCaseInsensitive(root: string, rel: string): Promise<string | null> {
  let dir = root;
  for (const part of rel.split(/[\\/]+/).filter((p) => p !== '' && p !== '.')) {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    const dirs = entries.filter((e) => e.isDirectory());
    const hit = dirs.find((e) => e.name === part) ?? dirs.find((e) => e.name.toLowerCase() === part.toLowerCase());
    if (!hit) return null;
    dir = path.join(dir, hit.name);
  }
  return dir === root ? null : dir;
}

/** Drop folders inside another listed folder, so no photo is listed twice. */
function outermost(dirs: string[]): string[] {
  const unique = [...new Set(dirs)];
  return unique.filter((d) => !unique.some((o) => o !== d && d.startsWith(o + path.sep)));
}

async function existingDirs(root: string, rels: readonly string[]): Promise<string[]> {
  const found = await Promise.all(rels.map((r) => findDirCaseInsensitive(root, r)));
  return outermost(found.filter((d): d is string => d !== null));
}

const isDefaultOnly = (p: DeviceProfile): boolean => p.photoPaths.every((r) => r.toUpperCase() === 'DCIM');
const namesDevice = (p: DeviceProfile): boolean => Object.values(p.match).some((v) => v);

/**
 * Decide whether a mounted volume is a camera. The profile is chosen, most reliable first: one
 * matching the hints (volume label now; EXIF make/model/serial once a photo has been read, by
 * calling again or with profileForDevice); one whose own non-DCIM folder is on the volume; a
 * profile that names no device (a site-wide default). A volume that has vanished is not a camera.
 */
export async function recogniseCamera(
  mountPath: string,
  profiles: readonly DeviceProfile[],
  hints: DeviceIdentity = {},
): Promise<CameraRecognition> {
  const dcim = await findDirCaseInsensitive(mountPath, 'DCIM');
  const pathsOf = new Map<DeviceProfile, string[]>();
  for (const p of profiles) pathsOf.set(p, await existingDirs(mountPath, p.photoPaths));

  const profile =
    profileForDevice(profiles.filter(namesDevice), hints) ??
    profiles.find((p) => !isDefaultOnly(p) && pathsOf.get(p)!.length > 0) ??
    profiles.find((p) => !namesDevice(p)) ??
    null;

  const fromProfile = profile ? pathsOf.get(profile)! : [];
  const photoDirs = fromProfile.length > 0 ? fromProfile : dcim ? [dcim] : [];
  return { isCamera: photoDirs.length > 0, photoDirs, profile };
}

/**
 * Every photo under the folders, recursively, skipping hidden and system files, sorted by path.
 * `relPath` is relative to `volumeRoot` (pass the volume's mount path, as the ledger needs), or
 * to the photo folder itself when it is not given. A file deleted while we look is skipped; a
 * folder that cannot be read (the volume was pulled) rejects, so a partial list never passes
 * for a whole one.
 */
export async function listCameraPhotos(photoDirs: readonly string[], volumeRoot?: string): Promise<CameraPhoto[]> {
  const out: CameraPhoto[] = [];
  const seen = new Set<string>();
  for (const top of photoDirs) {
    const base = volumeRoot ?? top;
    const pending = [top];
    while (pending.length > 0) {
      const dir = pending.pop()!;
      const entries = await readdir(dir, { withFileTypes: true });
      const files: string[] = [];
      for (const e of entries) {
        if (isHiddenOrSystem(e.name)) continue;
        const full = path.join(dir, e.name);
        if (e.isDirectory()) pending.push(full);
        else if (e.isFile() && isPhotoFile(e.name) && !seen.has(full)) files.push(full);
      }
      // stat in small batches: one at a time is slow over USB, all at once floods the thread pool
      for (let i = 0; i < files.length; i += 32) {
        const batch = files.slice(i, i + 32);
        const stats = await Promise.all(
          batch.map((f) =>
            stat(f).catch((e: unknown) => {
              if (isMissing(e)) return null;
              throw e;
            }),
          ),
        );
        stats.forEach((s, k) => {
          if (!s) return;
          const full = batch[k]!;
          seen.add(full);
          out.push({
            path: full,
            relPath: path.relative(base, full).split(path.sep).join('/'),
            size: s.size,
            mtimeMs: s.mtimeMs,
          });
        });
      }
    }
  }
  return out.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}
