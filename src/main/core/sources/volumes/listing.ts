// Which volumes are mounted now: one entry point over the three platforms and the stand-in root.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { listLinuxVolumes } from './linux.ts';
import { createMacVolumeLister } from './macos.ts';
import { createWindowsVolumeLister } from './windows.ts';
import type { Volume } from './volume.ts';

export type { Volume } from './volume.ts';

export interface VolumeListOptions {
  /**
   * Tests and the headless host (`--volumes-root DIR`): every immediate subfolder of this folder
   * is a mounted volume, whatever the platform. Overrides the platform's own listing.
   */
  standInRoot?: string;
  /** Linux: the folders that removable drives are mounted under (default /media, /run/media, /mnt). */
  linuxRoots?: readonly string[];
  /** Linux: another mount table, for tests ("/proc/self/mountinfo"). */
  mountinfoPath?: string;
  /** Windows and macOS: how long the listing command may take. */
  commandTimeoutMs?: number;
}

/**
 * Stand-in mount root: each immediate subfolder (not hidden) is a volume named after itself.
 * A real mount appears whole, so a test should build a volume beside the root and rename it in.
 * Throws when the root itself is missing: a wrong --volumes-root must not look like "no camera".
 */
export async function listStandInVolumes(root: string): Promise<Volume[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .map((name) => ({ id: name, label: name, uuid: null, mountPath: path.resolve(root, name), fsType: null }));
}

/**
 * A list function for the volume monitor. It may keep a cache between calls (macOS, Windows), so create
 * one per monitor. Throws for platforms without a removable-volume listing.
 */
export function createVolumeLister(platform: NodeJS.Platform, opts: VolumeListOptions = {}): () => Promise<Volume[]> {
  const { standInRoot } = opts;
  if (standInRoot !== undefined) return () => listStandInVolumes(standInRoot);
  switch (platform) {
    case 'linux':
      return () => listLinuxVolumes({ mountinfoPath: opts.mountinfoPath, roots: opts.linuxRoots });
    case 'darwin':
      return createMacVolumeLister({ timeoutMs: opts.commandTimeoutMs });
    case 'win32':
      return createWindowsVolumeLister({ timeoutMs: opts.commandTimeoutMs });
    default:
      throw new Error(`removable volumes are not watched on ${platform}; use a stand-in root`);
  }
}

/** The volumes mounted now (one look; for repeated looks use createVolumeLister). */
export function listVolumes(platform: NodeJS.Platform, opts: VolumeListOptions = {}): Promise<Volume[]> {
  try {
    return createVolumeLister(platform, opts)();
  } catch (e) {
    return Promise.reject(e);
  }
}
