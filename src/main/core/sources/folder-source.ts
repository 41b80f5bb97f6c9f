// One watched folder (recursive). chokidar reports files; the settler decides when each is whole.
// A folder that is missing or unreadable is shown as unreachable and re-tried, never dropped.
import { watch, type FSWatcher } from 'chokidar';
import { access, constants, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { FileSettler, type SettledFile, type SettleLimits } from './file-settler.ts';

export type SourceState = 'starting' | 'watching' | 'unreachable' | 'stopped';

export interface FolderSourceOptions {
  id: string;
  path: string;
  polling: boolean;
  /** Paths never to take in (the station's own data folder, if someone watches a parent of it). */
  excludeDirs: string[];
  settle(): SettleLimits;
  /** True when this exact file (path, size, mtime) was already taken in: skip without reading it. */
  alreadyTaken(filePath: string, size: number, mtimeMs: number): boolean;
  onFile(file: SettledFile, sourceId: string): void;
  onRefused(filePath: string, sourceId: string, reason: string, size: number | null): void;
  onState(state: SourceState, detail: string | null): void;
}

const IGNORED_NAMES = new Set(['thumbs.db', 'desktop.ini', '.ds_store']);
const IGNORED_SUFFIXES = ['.tmp', '.part', '.partial', '.crdownload', '.download', '~', '.lock'];
const RETRY_UNREACHABLE_MS = 5_000;

/** Hidden and temporary files are never photos; skip them silently (cameras write temp names first). */
export function isIgnoredName(filePath: string): boolean {
  const base = path.basename(filePath).toLowerCase();
  if (base.startsWith('.') || IGNORED_NAMES.has(base)) return true;
  return IGNORED_SUFFIXES.some((s) => base.endsWith(s));
}

/** Network shares (UNC paths, SMB/NFS mounts) do not deliver fs events reliably: poll them. */
export function needsPolling(folder: string): boolean {
  return folder.startsWith('\\\\') || folder.startsWith('//') || /^(smb|nfs|cifs):/i.test(folder);
}

export class FolderSource {
  readonly id: string;
  readonly path: string;
  private readonly opts: FolderSourceOptions;
  private watcher: FSWatcher | null = null;
  private settler: FileSettler;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(opts: FolderSourceOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.path = opts.path;
    this.settler = this.makeSettler();
  }

  private makeSettler(): FileSettler {
    const o = this.opts;
    return new FileSettler({
      limits: () => o.settle(),
      onComplete: (file) => o.onFile(file, o.id),
      onIncomplete: (p, size, reason) =>
        o.onRefused(p, o.id, `Not taken in: ${reason} Nothing was imported from it; it will be taken when it is complete.`, size),
      onUnreadable: (p, reason) => o.onRefused(p, o.id, reason, null),
    });
  }

  get filesInProgress(): number {
    return this.settler.waiting;
  }

  /** Look at one file again (the operator asked to retry a refused file). */
  touch(filePath: string): void {
    this.settler.touch(filePath);
  }

  async start(): Promise<void> {
    this.stopped = false;
    const problem = await folderProblem(this.path);
    if (problem) {
      this.opts.onState('unreachable', problem);
      this.retryLater();
      return;
    }
    const excluded = this.opts.excludeDirs.map((d) => path.resolve(d));
    const watcher = watch(this.path, {
      ignoreInitial: false,
      alwaysStat: true,
      backend: this.opts.polling ? 'polling' : 'auto',
      pollingInterval: 1_000,
      ignorePermissionErrors: true,
      atomic: false,
      ignored: (p: string) => excluded.some((d) => p === d || p.startsWith(d + path.sep)) || (p !== this.path && isIgnoredName(p)),
    });
    this.watcher = watcher;
    const onFileEvent = (p: string, stats?: Stats) => {
      if (stats && !stats.isFile()) return;
      if (stats && this.opts.alreadyTaken(p, stats.size, stats.mtimeMs)) return;
      this.settler.touch(p);
    };
    watcher.on('add', onFileEvent);
    watcher.on('change', onFileEvent);
    watcher.on('unlink', (p) => this.settler.forget(p));
    watcher.on('unlinkDir', (p) => {
      if (path.resolve(p) === path.resolve(this.path)) void this.restartAfterLoss('The folder was removed or disconnected.');
    });
    watcher.on('error', (err) => void this.restartAfterLoss(`The folder could not be watched (${(err as NodeJS.ErrnoException).code ?? 'error'}).`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    if (!this.stopped) this.opts.onState('watching', null);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.settler.close();
    await this.watcher?.close();
    this.watcher = null;
  }

  private async restartAfterLoss(detail: string): Promise<void> {
    if (this.stopped) return;
    await this.watcher?.close();
    this.watcher = null;
    this.opts.onState('unreachable', detail);
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      this.settler = this.makeSettler();
      void this.start();
    }, RETRY_UNREACHABLE_MS);
  }
}

/** Null when the folder can be watched, else what the operator or IT should know. */
export async function folderProblem(folder: string): Promise<string | null> {
  try {
    const s = await stat(folder);
    if (!s.isDirectory()) return 'This path is a file, not a folder.';
    await access(folder, constants.R_OK | constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'The folder does not exist or the network share is not connected.';
    if (code === 'EACCES' || code === 'EPERM') return 'The station is not allowed to read this folder. Ask IT to give it read access.';
    return `The folder cannot be opened (${code ?? 'error'}).`;
  }
}
