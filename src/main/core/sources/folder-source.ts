// One watched folder (recursive). chokidar reports files; the settler decides when each is whole.
// A folder that is missing or unreadable is shown as unreachable and re-tried, never dropped.
// The watcher never follows links (they could lead out of the folder or round in a loop), never
// looks deeper than `limits.depth`, and gives up with an error state past `limits.maxEntries`.
import { watch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { FileSettler, type SettledFile, type SettleLimits } from './file-settler.ts';
import { folderProblem } from './folder-check.ts';
import { DEFAULT_WATCH_LIMITS, tooManyEntriesMessage, type WatchLimits } from './watch-policy.ts';

export { folderProblem } from './folder-check.ts';

export type SourceState = 'starting' | 'watching' | 'unreachable' | 'error' | 'stopped';

export interface FolderSourceOptions {
  id: string;
  path: string;
  polling: boolean;
  /** Paths never to take in (the station's own data folder, if someone watches a parent of it). */
  excludeDirs: string[];
  /** Bounds on what one watcher looks at; DEFAULT_WATCH_LIMITS when absent. */
  limits?: WatchLimits;
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
  private endScan: (() => void) | null = null;

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
    if (this.stopped) return;
    const limits = this.opts.limits ?? DEFAULT_WATCH_LIMITS;
    const excluded = this.opts.excludeDirs.map((d) => path.resolve(d));
    const watcher = watch(this.path, {
      ignoreInitial: false,
      alwaysStat: true,
      backend: this.opts.polling ? 'polling' : 'auto',
      pollingInterval: 1_000,
      ignorePermissionErrors: true,
      atomic: false,
      // Links are reported as links and never entered: /proc/*/root or "loop -> .." cannot pull the watcher away.
      followSymlinks: false,
      depth: limits.depth,
      ignored: (p: string) => excluded.some((d) => p === d || p.startsWith(d + path.sep)) || (p !== this.path && isIgnoredName(p)),
    });
    this.watcher = watcher;
    let scanning = true;
    let entries = 0;
    let directories = 0;
    const overLimit = (what: 'entries' | 'directories') => void this.giveUp(watcher, tooManyEntriesMessage(limits, what));
    const onFileEvent = (p: string, stats?: Stats) => {
      if (scanning && ++entries > limits.maxEntries) return overLimit('entries');
      if (stats && !stats.isFile()) return;
      if (stats && this.opts.alreadyTaken(p, stats.size, stats.mtimeMs)) return;
      this.settler.touch(p);
    };
    watcher.on('add', onFileEvent);
    watcher.on('change', onFileEvent);
    watcher.on('addDir', () => {
      if (scanning && ++entries > limits.maxEntries) return overLimit('entries');
      if (++directories > limits.maxDirectories) overLimit('directories');
    });
    watcher.on('unlink', (p) => this.settler.forget(p));
    watcher.on('unlinkDir', (p) => {
      if (path.resolve(p) === path.resolve(this.path)) void this.restartAfterLoss('The folder was removed or disconnected.');
      else directories = Math.max(0, directories - 1);
    });
    watcher.on('error', (err) => void this.restartAfterLoss(`The folder could not be watched (${(err as NodeJS.ErrnoException).code ?? 'error'}).`));
    // Also ends when the watcher is closed before its first look is done (stopped, or too large).
    await new Promise<void>((resolve) => {
      watcher.once('ready', () => resolve());
      this.endScan = resolve;
    });
    scanning = false;
    this.endScan = null;
    if (!this.stopped && this.watcher === watcher) this.opts.onState('watching', null);
  }

  /** The folder is too large to watch: stop for good (no retry) and say why. */
  private async giveUp(watcher: FSWatcher, detail: string): Promise<void> {
    if (this.stopped || this.watcher !== watcher) return;
    this.watcher = null;
    this.endScan?.();
    this.settler.close();
    await watcher.close();
    this.opts.onState('error', detail);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.settler.close();
    const watcher = this.watcher;
    this.watcher = null;
    this.endScan?.();
    await watcher?.close();
  }

  private async restartAfterLoss(detail: string): Promise<void> {
    if (this.stopped || !this.watcher) return;
    const watcher = this.watcher;
    this.watcher = null;
    this.endScan?.();
    await watcher.close();
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
