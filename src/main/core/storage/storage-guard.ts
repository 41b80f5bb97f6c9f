// Watches the disk of the data folder and stops intake safely when it cannot be written.
//   - A write failure in the pipeline (ENOSPC, SQLITE_FULL, EROFS, ...) turns the state to 'full'
//     or 'error' with a notice saying what to do; the file that failed, and every file offered
//     after it, waits where it is (the camera's copy is never touched) in an in-memory list.
//   - Every few seconds the free space is read (statfs). While stopped, intake resumes by itself
//     once there is room (and a small probe write succeeds): the waiting files are offered again
//     to their sources. While running, free space under the threshold gives a warning.
import { open, rm, statfs as fsStatfs } from 'node:fs/promises';
import { statSync } from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from '../kernel/data-dir.ts';
import { newId, nowIso } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import {
  codeOf,
  resumedMessage,
  roomToResume,
  spaceState,
  storageMessage,
  type StorageInfo,
  type StorageStateName,
  type WriteFailureKind,
} from './storage-state.ts';

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

/** Reads the free space of the disk holding `dir`. A seam: tests replace it to pretend a disk is full. */
export type StatfsFn = (dir: string) => Promise<DiskSpace>;

const realStatfs: StatfsFn = async (dir) => {
  const s = await fsStatfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
};

export interface StorageGuardDeps {
  /** The data folder. */
  dir: string;
  /** Where the probe write goes (the spool's temp folder: same disk, cleared at start). */
  probeDir: string;
  log: Logger;
  /** Shows (or replaces) the one storage notice. */
  notice(level: 'info' | 'warning' | 'error', message: string): void;
  /** Free space below this gives a warning (bytes; 0: no warning). */
  lowBytes(): number;
  /** Offers a waiting file to its source again; false when that source is not running. */
  reoffer(sourceId: string, filePath: string): boolean;
  statfs?: StatfsFn;
  /** How many files the ingest queue writes at once (default 4). */
  concurrency?: number;
  /** How often free space is read (ms). */
  intervalMs?: number;
}

interface Waiting {
  sourceId: string | null;
  path: string;
  size: number;
}

/** The disk's name for the message: the drive (Windows) or the mount point holding the folder. */
function diskOf(dir: string): string {
  if (process.platform === 'win32') return path.parse(path.resolve(dir)).root || dir;
  let current = path.resolve(dir);
  try {
    const dev = statSync(current).dev;
    for (;;) {
      const parent = path.dirname(current);
      if (parent === current || statSync(parent).dev !== dev) return current;
      current = parent;
    }
  } catch {
    return current;
  }
}

export class StorageGuard {
  private readonly d: StorageGuardDeps;
  private readonly statfs: StatfsFn;
  private readonly where: string;
  private state: StorageStateName = 'ok';
  private freeBytes: number | null = null;
  private totalBytes: number | null = null;
  private checkedAt: string | null = null;
  private readonly waiting = new Map<string, Waiting>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(deps: StorageGuardDeps) {
    this.d = deps;
    this.statfs = deps.statfs ?? realStatfs;
    this.where = diskOf(deps.dir);
  }

  info(): StorageInfo {
    return {
      state: this.state,
      freeBytes: this.freeBytes,
      totalBytes: this.totalBytes,
      message: storageMessage(this.state, this.where, this.freeBytes),
      waiting: this.waiting.size,
      checkedAt: this.checkedAt,
    };
  }

  /** False while intake is stopped (full or not writable): new files wait instead of being tried. */
  accepting(): boolean {
    return this.state === 'ok' || this.state === 'low';
  }

  /** A file that could not be stored now; it is offered again when intake resumes. */
  park(sourceId: string | null, filePath: string, size: number): void {
    this.waiting.set(`${sourceId ?? ''}\0${filePath}`, { sourceId, path: filePath, size });
  }

  /** The pipeline (or another writer) could not write to the data folder. */
  writeFailed(err: unknown, kind: WriteFailureKind): void {
    if (!this.accepting()) return; // already stopped: the first cause stays shown
    const from = this.state;
    this.state = kind;
    this.d.log.error({ code: codeOf(err), from, state: this.state }, 'data folder cannot be written; intake waits');
    this.d.notice('error', storageMessage(this.state, this.where, this.freeBytes)!);
    // Only the figures: resuming is for the next timed check, so a failure that free space does
    // not explain (SQLite's own limit, a quota) is retried every few seconds, not in a tight loop.
    void this.readSpace().catch(() => undefined);
  }

  start(): void {
    if (this.timer) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.d.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
  }

  /** One look at the disk (the timer calls this; tests may too). Concurrent calls share one look. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = null));
    return this.checking;
  }

  private async readSpace(): Promise<DiskSpace> {
    const space = await this.statfs(this.d.dir);
    this.freeBytes = space.freeBytes;
    this.totalBytes = space.totalBytes;
    this.checkedAt = nowIso();
    return space;
  }

  private async checkOnce(): Promise<void> {
    let space: DiskSpace;
    try {
      space = await this.readSpace();
    } catch (err) {
      this.d.log.warn({ code: codeOf(err) }, 'free space of the data folder could not be read');
      return;
    }
    if (!this.accepting()) {
      const sizes = [...this.waiting.values()].map((w) => w.size);
      if (!roomToResume(space.freeBytes, sizes, this.d.concurrency) || !(await this.probe())) return;
      this.resume(space.freeBytes);
      return;
    }
    const next = spaceState(space.freeBytes, this.d.lowBytes());
    if (next === this.state) return;
    this.state = next;
    this.d.log.info({ state: next, freeMb: Math.round(space.freeBytes / 1048576) }, 'data folder disk space');
    if (next === 'low') this.d.notice('warning', storageMessage('low', this.where, space.freeBytes)!);
    else this.d.notice('info', 'There is enough free space on the disk of the station\u2019s data folder again.');
  }

  /** A small write, fsynced and removed: can the data folder be written right now? */
  private async probe(): Promise<boolean> {
    const file = path.join(this.d.probeDir, `probe-${newId()}`);
    try {
      const fh = await open(file, 'wx', PRIVATE_FILE_MODE);
      try {
        await fh.writeFile(Buffer.alloc(64 * 1024));
        await fh.sync();
      } finally {
        await fh.close();
      }
      return true;
    } catch (err) {
      this.d.log.debug({ code: codeOf(err) }, 'data folder probe write failed');
      return false;
    } finally {
      await rm(file, { force: true }).catch(() => undefined);
    }
  }

  private resume(freeBytes: number): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    this.state = spaceState(freeBytes, this.d.lowBytes());
    let offered = 0;
    for (const w of waiting) if (w.sourceId && this.d.reoffer(w.sourceId, w.path)) offered++;
    this.d.log.info({ waiting: waiting.length, offered, state: this.state }, 'data folder writable again; intake resumes');
    if (this.state === 'low') this.d.notice('warning', `${resumedMessage(offered)} ${storageMessage('low', this.where, freeBytes)!}`);
    else this.d.notice('info', resumedMessage(offered));
  }
}
