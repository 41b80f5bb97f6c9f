// The station's data folder holds patient photos, the database and the secrets file: only the
// user account that runs the station may read it. Everything the station creates there is made
// private explicitly (folders 0700, files 0600) instead of changing the process umask, which
// would also change what other code in the process creates. A folder left readable by an older
// version (755/644) is tightened at start.
//
// POSIX only: on Windows, mode bits do not exist (chmod only toggles read-only); the data folder
// lives under the user profile, whose ACL already keeps other accounts out.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { chmod, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Whether mode bits mean anything here (false on Windows). */
export const modesApply = process.platform !== 'win32';

/** Readable, writable or enterable by the group or others. */
const isLoose = (mode: number): boolean => (mode & 0o077) !== 0;

/** Creates the folder (and missing parents inside it) as 0700; tightens it when it exists loose. True when it was tightened. */
export function ensurePrivateDir(dir: string): boolean {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!modesApply) return false;
  const mode = statSync(dir).mode;
  if (!isLoose(mode)) return false;
  chmodSync(dir, PRIVATE_DIR_MODE);
  return true;
}

/** Creates an empty file as 0600 if it does not exist (so a library that opens it later keeps that mode). */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}

export interface TightenResult {
  dirs: number;
  files: number;
  /** Entries whose mode could not be changed (owned by another account). */
  failed: number;
}

/**
 * Removes group/other access from every folder and file under `root` (symbolic links are left as
 * they are and not followed). `deep: false` looks at the top-level entries and the logs folder
 * only, which is enough when the root itself was already private.
 */
export async function tightenTree(root: string, opts: { deep: boolean }): Promise<TightenResult> {
  const result: TightenResult = { dirs: 0, files: 0, failed: 0 };
  if (!modesApply) return result;
  const visit = async (p: string, depth: number): Promise<void> => {
    let st;
    try {
      st = await lstat(p);
    } catch {
      return; // gone meanwhile
    }
    if (st.isSymbolicLink()) return;
    if (isLoose(st.mode)) {
      try {
        await chmod(p, st.isDirectory() ? PRIVATE_DIR_MODE : st.mode & 0o700);
        if (st.isDirectory()) result.dirs++;
        else result.files++;
      } catch {
        result.failed++;
      }
    }
    if (!st.isDirectory()) return;
    const goDeeper = opts.deep || depth === 0 || (depth === 1 && path.basename(p) === 'logs');
    if (!goDeeper) return;
    let names: string[];
    try {
      names = await readdir(p);
    } catch {
      return;
    }
    for (const name of names) await visit(path.join(p, name), depth + 1);
  };
  await visit(root, 0);
  return result;
}
