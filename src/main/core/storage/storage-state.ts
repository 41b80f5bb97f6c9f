// Decisions about the data folder's disk, as pure functions: which write failures mean "the disk
// is full" or "the data folder cannot be written", when free space is low, when intake may resume,
// and the sentences the operator reads.
import type { StorageInfo, StorageStateName } from '../../../shared/contract/station.ts';

export type { StorageInfo, StorageStateName };

/** Kinds of write failure that stop intake (the file is fine; the station cannot store it). */
export type WriteFailureKind = 'full' | 'error';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const ERROR_CODES = new Set(['EROFS', 'EIO', 'EACCES', 'EPERM', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR']);

/**
 * 'full' for no space (ENOSPC, EDQUOT, SQLite's SQLITE_FULL), 'error' for a data folder that cannot
 * be written (read-only, I/O error, permissions), null for anything else (a bad file, a bug).
 * SQLite's extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, ...) count as their base.
 */
export function writeFailureKind(err: unknown): WriteFailureKind | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const base = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
  if (FULL_CODES.has(base)) return 'full';
  if (ERROR_CODES.has(base)) return 'error';
  return null;
}

export function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : ((err as Error | null)?.name ?? 'unknown');
}

export const MB = 1024 * 1024;

/** 'low' below the operator's threshold (0 turns the warning off), else 'ok'. */
export function spaceState(freeBytes: number, lowBytes: number): 'ok' | 'low' {
  return lowBytes > 0 && freeBytes < lowBytes ? 'low' : 'ok';
}

/**
 * After a stop, intake may be tried again once the disk has room for the first batch the queue
 * takes on (the `concurrency` largest waiting photos, written at the same time) plus a margin for
 * the database and thumbnails. Less than that and the retried writes would fail again, clean up,
 * free the space they had taken and start over at every check. A probe write then confirms the
 * folder can be written at all (a read-only disk or a quota does not show in the free space).
 */
export function roomToResume(freeBytes: number, waitingSizes: readonly number[], concurrency = 4): boolean {
  const batch = [...waitingSizes].sort((a, b) => b - a).slice(0, Math.max(1, concurrency));
  return freeBytes >= batch.reduce((sum, n) => sum + n, 0) + 2 * MB;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${(bytes / (1024 * MB)).toFixed(1)} GB`;
  if (bytes >= MB) return `${Math.round(bytes / MB)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

/** The sentence for the operator (and IT) for each state; null when all is well. */
export function storageMessage(state: StorageStateName, where: string, freeBytes: number | null): string | null {
  switch (state) {
    case 'ok':
      return null;
    case 'low':
      return `The disk of the station's data folder is almost full (${formatBytes(freeBytes ?? 0)} free). When it is full, new photos will wait in the camera folder: ask IT to free space on ${where} soon.`;
    case 'full':
      return `The disk of the station's data folder is full. Photos wait in the camera folder and will be taken in as soon as space is freed: ask IT to free space on ${where}.`;
    case 'error':
      return `The station cannot write to its data folder (on ${where}). Photos wait in the camera folder and will be taken in as soon as it can write again: call IT.`;
  }
}

/** Said once when intake resumes after a stop. */
export function resumedMessage(waiting: number): string {
  return waiting > 0
    ? `The station can store photos again; the ${waiting === 1 ? 'photo that waited is' : `${waiting} photos that waited are`} being taken in now.`
    : 'The station can store photos again.';
}
