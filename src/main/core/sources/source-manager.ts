// Keeps the running folder sources in step with the sources table.
import path from 'node:path';
import { StationError } from '../../../shared/errors.ts';
import type { SourcesRepo, SourceRow } from '../db/sources-repo.ts';
import type { EventBus } from '../events.ts';
import { newId, nowIso } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { FolderSource, needsPolling } from './folder-source.ts';
import type { SettleLimits } from './file-settler.ts';

export interface SourceManagerDeps {
  repo: SourcesRepo;
  pipeline: IngestPipeline;
  events: EventBus;
  log: Logger;
  excludeDirs: string[];
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

  async add(folder: string, polling?: boolean): Promise<SourceRow> {
    const resolved = path.resolve(folder);
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
    await this.startOne(row);
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

  private async startOne(row: SourceRow): Promise<void> {
    const { pipeline, repo, events, log } = this.deps;
    const source = new FolderSource({
      id: row.id,
      path: row.path,
      polling: row.polling === 1,
      excludeDirs: this.deps.excludeDirs,
      settle: () => this.deps.settle(),
      alreadyTaken: (p, size, mtime) => pipeline.alreadyTaken(p, size, mtime),
      onFile: (file, sourceId) => pipeline.submit(file, sourceId),
      onRefused: (p, sourceId, reason, size) => pipeline.refuse(p, sourceId, reason, size),
      onState: (state, detail) => {
        if (repo.setState(row.id, state, detail)) {
          log.info({ sourceId: row.id, state }, 'source state');
          events.emit('sources.changed', {});
        }
      },
    });
    this.running.set(row.id, source);
    await source.start();
  }
}
