// Keeps the running folder sources in step with the sources table. A folder is checked before it
// is watched (folder-check.ts: no system or pseudo file system, no relative path from the operator)
// and sources.add answers once the first look is done or after a few seconds, whichever is first.
import path from 'node:path';
import { StationError } from '../../../shared/errors.ts';
import type { SourcesRepo, SourceRow } from '../store/sources.ts';
import type { EventBus } from '../kernel/events.ts';
import { newId, nowIso } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { FolderSource, needsPolling } from './folder-source.ts';
import type { SettleLimits } from './file-settler.ts';
import { checkWatchedFolder } from './folder-check.ts';
import { DEFAULT_WATCH_LIMITS, type WatchLimits } from './watch-policy.ts';

/** How long sources.add (and startup) waits for a folder's first look before answering with "starting". */
const ANSWER_WITHIN_MS = 3_000;

const within = (ms: number, work: Promise<void>): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });

export interface SourceManagerDeps {
  repo: SourcesRepo;
  pipeline: IngestPipeline;
  events: EventBus;
  log: Logger;
  excludeDirs: string[];
  /** Bounds on each watcher (depth, entries, folders); tests make them small. */
  watchLimits?: Partial<WatchLimits>;
  settle(): SettleLimits;
}

export class SourceManager {
  private readonly deps: SourceManagerDeps;
  private readonly running = new Map<string, FolderSource>();

  constructor(deps: SourceManagerDeps) {
    this.deps = deps;
    deps.pipeline.onFileFromSource((sourceId) => {
      deps.repo.touchLastFile(sourceId, nowIso());
      deps.events.emit('sources.changed', {});
    });
  }

  list(): SourceRow[] {
    return this.deps.repo.active();
  }

  async startAll(): Promise<void> {
    await Promise.all(this.deps.repo.active().filter((s) => s.kind === 'folder').map((s) => this.startOne(s)));
  }

  /**
   * Watch a folder. `fromOperator` (sources.add): it must be an absolute path to a readable folder
   * now. Otherwise (the --watch flag, first run) a relative path is taken from the working folder
   * and a missing folder is shown as unreachable until it appears. Refusals are 'bad-input'.
   */
  async add(folder: string, polling?: boolean, opts: { fromOperator?: boolean } = {}): Promise<SourceRow> {
    const check = await checkWatchedFolder(folder, { fromOperator: opts.fromOperator ?? false });
    if (check.problem) throw new StationError('bad-input', check.problem);
    const resolved = check.path;
    const insideDataDir = (d: string) => resolved === path.resolve(d) || resolved.startsWith(path.resolve(d) + path.sep);
    if (this.deps.excludeDirs.some(insideDataDir)) {
      throw new StationError('bad-input', 'This is the station\u2019s own data folder; choose the camera\u2019s export folder instead.');
    }
    const existing = this.deps.repo.byPath(resolved);
    if (existing) return existing;
    const id = newId();
    this.deps.repo.add({ id, kind: 'folder', path: resolved, polling: polling ?? needsPolling(folder), at: nowIso() });
    const row = this.deps.repo.byId(id)!;
    this.deps.log.info({ sourceId: id, polling: row.polling === 1 }, 'source added');
    await this.startOne(row, check.skipInside);
    this.deps.events.emit('sources.changed', {});
    return this.deps.repo.byId(id)!;
  }

  async remove(id: string): Promise<void> {
    const row = this.deps.repo.byId(id);
    if (!row || row.removed_at) throw new StationError('not-found', 'That folder is not being watched.');
    await this.running.get(id)?.stop();
    this.running.delete(id);
    this.deps.repo.markRemoved(id, nowIso());
    this.deps.log.info({ sourceId: id }, 'source removed');
    this.deps.events.emit('sources.changed', {});
  }

  /** Re-examine a file of a running source; false when that source is not running. */
  retouch(sourceId: string, filePath: string): boolean {
    const source = this.running.get(sourceId);
    source?.touch(filePath);
    return !!source;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => s.stop()));
    this.running.clear();
  }

  private async startOne(row: SourceRow, skipInside?: string[]): Promise<void> {
    const { pipeline, repo, events, log } = this.deps;
    const onState = (state: SourceRow['state'], detail: string | null) => {
      if (repo.setState(row.id, state, detail)) {
        log.info({ sourceId: row.id, state }, 'source state');
        events.emit('sources.changed', {});
      }
    };
    if (!skipInside) {
      // A folder stored earlier (an older version accepted any path): checked again, never watched if refused.
      const check = await checkWatchedFolder(row.path, { fromOperator: false });
      if (check.problem) {
        log.warn({ sourceId: row.id }, 'source refused: system folder');
        onState('error', check.problem);
        return;
      }
      skipInside = check.skipInside;
    }
    const source = new FolderSource({
      id: row.id,
      path: row.path,
      polling: row.polling === 1,
      excludeDirs: [...this.deps.excludeDirs, ...skipInside],
      limits: { ...DEFAULT_WATCH_LIMITS, ...this.deps.watchLimits },
      settle: () => this.deps.settle(),
      alreadyTaken: (p, size, mtime) => pipeline.alreadyTaken(p, size, mtime),
      onFile: (file, sourceId) => pipeline.submit(file, sourceId),
      onRefused: (p, sourceId, reason, size) => pipeline.refuse(p, sourceId, reason, size),
      onState,
    });
    this.running.set(row.id, source);
    // A huge folder must not hold up the answer (or the station's start): its first look goes on.
    const started = source.start().catch((err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      log.warn({ sourceId: row.id, code }, 'source could not start');
      onState('error', `The folder could not be watched (${code}).`);
    });
    await within(ANSWER_WITHIN_MS, started);
  }
}
