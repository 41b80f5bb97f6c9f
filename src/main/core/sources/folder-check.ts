// Looks at a folder before it is watched (thin I/O around watch-policy.ts): the path as typed, the
// folder its links lead to, and, on Linux, the file system it is on (/proc/self/mountinfo).
import { access, constants, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseMountInfo, type MountEntry } from './volumes/mountinfo.ts';
import { folderTextProblem, pseudoFsProblem, pseudoMountsInside, systemFolderProblem } from './watch-policy.ts';

export interface FolderCheck {
  /** What the operator or IT should know when the folder may not be watched; null when it may. */
  problem: string | null;
  /** The absolute path to store and watch (as given, normalised; links are not replaced). */
  path: string;
  /** Pseudo file systems mounted somewhere below the folder; the watcher never looks into them. */
  skipInside: string[];
}

export interface FolderCheckOptions {
  /**
   * true: typed by the operator (sources.add): the folder must be an absolute path to an existing,
   * readable folder now. false: from the command line or the database: a relative path is taken
   * from the station's working folder and a missing folder is shown as unreachable and re-tried.
   */
  fromOperator: boolean;
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
}

async function linuxMounts(): Promise<MountEntry[]> {
  try {
    return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
  } catch {
    return []; // no /proc (a container without it): the path checks still apply
  }
}

/** Null when the folder can be read now, else what the operator or IT should know. */
export async function folderProblem(folder: string): Promise<string | null> {
  try {
    const s = await stat(folder);
    if (!s.isDirectory()) return 'This path is a file, not a folder.';
    await access(folder, constants.R_OK | constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'The folder does not exist or the network share is not connected.';
    if (code === 'ENOTDIR') return 'A part of this path is a file, not a folder.';
    if (code === 'EACCES' || code === 'EPERM') return 'The station is not allowed to read this folder. Ask IT to give it read access.';
    if (code === 'ENAMETOOLONG') return 'The folder path is too long for this computer.';
    return `The folder cannot be opened (${code ?? 'error'}).`;
  }
}

export async function checkWatchedFolder(folder: string, opts: FolderCheckOptions): Promise<FolderCheck> {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const textProblem = folderTextProblem(folder, platform, opts.fromOperator);
  if (textProblem) return { problem: textProblem, path: folder, skipInside: [] };
  const resolved = path.resolve(folder);
  const refuse = (problem: string): FolderCheck => ({ problem, path: resolved, skipInside: [] });
  const systemProblem = systemFolderProblem(resolved, platform, env);
  if (systemProblem) return refuse(systemProblem);
  if (opts.fromOperator) {
    const readable = await folderProblem(resolved);
    if (readable) return refuse(readable);
  }
  // A link (or a folder inside one) can lead anywhere: the folder it really is must pass too.
  let real = resolved;
  try {
    real = await realpath(resolved);
  } catch {
    // Missing now (a share not yet connected): checked again each time the watcher starts.
  }
  const realProblem = real === resolved ? null : systemFolderProblem(real, platform, env);
  if (realProblem) return refuse(realProblem);
  if (platform !== 'linux') return { problem: null, path: resolved, skipInside: [] };
  const mounts = await linuxMounts();
  const pseudo = pseudoFsProblem(real, mounts);
  if (pseudo) return refuse(pseudo);
  return { problem: null, path: resolved, skipInside: pseudoMountsInside(real, mounts).map((m) => path.join(resolved, path.relative(real, m))) };
}
