// The composition root: builds the services from config, starts and stops them. Runs under plain
// Node (headless host, tests, benchmarks) and inside Electron's main process alike.
import { mkdirSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { StationError } from '../../shared/errors.ts';
import { openDatabase } from './store/connection.ts';
import { ImagesRepo } from './store/images.ts';
import { SettingsRepo } from './store/settings.ts';
import { SourcesRepo } from './store/sources.ts';
import { EventBus } from './kernel/events.ts';
import { Hooks } from './kernel/hooks.ts';
import { nowIso } from './kernel/ids.ts';
import { createLogger, settleLog, type Logger } from './kernel/logger.ts';
import { IngestPipeline } from './ingest/pipeline.ts';
import { MediaService } from './imaging/media.ts';
import { SettingsService } from './settings/settings-service.ts';
import { SourceManager } from './sources/source-manager.ts';
import type { WatchLimits } from './sources/watch-policy.ts';
import { Spool, type SpoolWrite } from './store/spool.ts';
import { ensurePrivateDir, modesApply, tightenTree } from './kernel/data-dir.ts';
import { StorageGuard, type StatfsFn } from './storage/storage-guard.ts';
import { imagesApi } from './api/images.ts';
import { sourcesApi } from './api/sources.ts';
import type { MediaUrls, StationApi } from './api/types.ts';
import { createQualityAssessor, type QualityAssessorHandle } from './imaging/quality-pool.ts';
import { WorklistFeature } from './worklist/feature.ts';
import { CamerasFeature } from './cameras/feature.ts';
import { camerasApi } from './api/cameras.ts';
import { createSyncFeature, type SyncFeature } from './sync/feature.ts';
import { memorySecretStore, type SecretStore } from './sync/secrets.ts';
import type { SyncTiming } from './sync/feature.ts';
import { syncApi } from './api/sync.ts';
import { orderLabel, worklistApi } from './api/worklist.ts';
import { UpdatesRepo } from './store/updates.ts';
import { UpdateService } from './updates/service.ts';
import { examCapturing } from './updates/policy.ts';
import { updatesApi } from './api/updates.ts';
import { ItLockService } from './it-lock/it-lock-service.ts';
import { ItLockRepo } from './store/it-lock.ts';
import { itLockApi } from './api/it-lock.ts';
import { lockable } from './api/dispatch.ts';
import { createPacsFeature, type PacsFeature, type PacsTiming } from './pacs/feature.ts';
import { pacsApi } from './api/pacs.ts';
import { createFindWorklist } from './worklist/mwl/scp-find.ts';
import { DicomNodeFeature, type DicomOverrides } from './dicom-node/feature.ts';
import { dicomApi } from './api/dicom.ts';

export interface StationConfig {
  dataDir: string;
  host: 'electron' | 'headless';
  version: string;
  urls: MediaUrls;
  /** Folders to watch in addition to those stored (the --watch flag). */
  watch?: string[];
  /** Created and watched when the station has no sources yet (first run of the desktop app). */
  defaultWatchDir?: string;
  /** Quality hints run in a worker pool unless turned off (false), e.g. in tests that do not need them. */
  quality?: boolean;
  /** Where the bundled quality worker is (Electron); under plain Node the .ts source is found. */
  qualityWorkerFile?: string;
  logger?: Logger;
  /** Settling knobs; tests may shorten the incomplete-file timeout. */
  stabilityMs?: number;
  /** Files taken in at once (each holds at most one decode), from folders and cameras alike; default 4. */
  ingestConcurrency?: number;
  /** Bounds on each watched folder (depth, entries, folders; watch-policy.ts); tests make them small. */
  watchLimits?: Partial<WatchLimits>;
  /** Handheld cameras: a folder standing in for the mount root (--volumes-root); each subfolder is a plugged-in volume. */
  volumesRoot?: string;
  /** false: do not watch for USB volumes at all. Default true (the platform's own listing). */
  watchVolumes?: boolean;
  /** How often the volume monitor looks (ms, default 1000). */
  volumePollMs?: number;
  /** Where the secrets are kept (cloud, worklist token; injected by the host: safeStorage, a 0600 file, env). Memory only if absent. */
  secrets?: SecretStore;
  /** Cloud sync timing (backoff, reachability checks, timeouts); tests shorten them. */
  syncTiming?: Partial<SyncTiming>;
  /** PACS forwarding timing (route checks, DIMSE timeouts, concurrency); tests shorten them. */
  pacsTiming?: Partial<PacsTiming>;
  /**
   * The data folder's disk: how often free space is read (ms, default 5000). `statfs` and
   * `spoolWrite` are test seams that stand in for the disk (a full disk without root).
   */
  storage?: { checkMs?: number; statfs?: StatfsFn; spoolWrite?: SpoolWrite };
  /** The IT lock's clock; tests move it instead of waiting out the idle time. */
  itLock?: { now?: () => number };
  /** The DICOM node from the command line (--dicom-port, --dicom-ae-title, --dicom-address, --dicom-camera): turns it on, saved. */
  dicom?: DicomOverrides;
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
  at: string;
}

export class Station {
  readonly config: StationConfig;
  readonly db: Database;
  readonly log: Logger;
  readonly events = new EventBus();
  readonly hooks = new Hooks();
  readonly spool: Spool;
  readonly images: ImagesRepo;
  readonly sourcesRepo: SourcesRepo;
  readonly settings: SettingsService;
  readonly pipeline: IngestPipeline;
  readonly sources: SourceManager;
  readonly media: MediaService;
  readonly worklist: WorklistFeature;
  readonly cameras: CamerasFeature;
  readonly sync: SyncFeature;
  /** Forwarding to PACS: routes, and jobs of kind 'forward-pacs' on the sync feature's runner. */
  readonly pacs: PacsFeature;
  /** The updater facade: the host attaches electron-updater; restarts wait for the busy sources. */
  readonly updates: UpdateService;
  readonly itLock: ItLockService;
  /** The DICOM node: C-ECHO/C-STORE listener (and C-FIND through the worklist server), cameras by AE title. */
  readonly dicom: DicomNodeFeature;
  readonly api: StationApi;
  readonly notices: Notice[] = [];
  /** Notices that replace their predecessor (the one storage notice: full, then space again). */
  private readonly keyedNotices = new Map<string, Notice>();
  readonly storage: StorageGuard;
  private readonly dataDirWasLoose: boolean;
  private readonly quality: QualityAssessorHandle | null;
  readonly startedAt = nowIso();
  private closed = false;

  private constructor(config: StationConfig) {
    this.config = config;
    // Private data folder (0700): patient photos, the database and secrets live here (data-dir.ts).
    this.dataDirWasLoose = ensurePrivateDir(config.dataDir);
    this.log = config.logger ?? createLogger(config.dataDir);
    const { db, recovered } = openDatabase(path.join(config.dataDir, 'station.db'));
    this.db = db;
    // Cloud secrets and the worklist server's token; memory only when the host gives no store.
    const secrets = config.secrets ?? memorySecretStore();
    if (recovered) {
      this.notice(
        'error',
        `The station's database was damaged and has been moved aside to ${recovered.movedTo}. A new, empty one was started; the photos themselves are safe in the spool. Call IT before going on.`,
      );
      this.log.error({ movedTo: recovered.movedTo, reason: recovered.reason }, 'database moved aside');
    }
    this.spool = new Spool(path.join(config.dataDir, 'spool'), { write: config.storage?.spoolWrite });
    this.images = new ImagesRepo(db);
    this.sourcesRepo = new SourcesRepo(db);
    this.settings = new SettingsService(new SettingsRepo(db), { log: this.log, notice: (level, message) => this.notice(level, message) });
    this.quality =
      config.quality === false
        ? null
        : createQualityAssessor({ workerFile: config.qualityWorkerFile, thresholds: () => this.settings.get().qualityThresholds });
    this.storage = new StorageGuard({
      dir: config.dataDir,
      probeDir: this.spool.tmpDir,
      log: this.log,
      notice: (level, message) => this.notice(level, message, 'storage'),
      lowBytes: () => this.settings.get().lowDiskSpaceMegabytes * 1024 * 1024,
      reoffer: (sourceId, filePath) => this.sources.retouch(sourceId, filePath),
      statfs: config.storage?.statfs,
      intervalMs: config.storage?.checkMs,
    });
    this.pipeline = new IngestPipeline({
      storage: this.storage,
      images: this.images,
      spool: this.spool,
      events: this.events,
      hooks: this.hooks,
      log: this.log,
      fileNameRules: () => this.settings.get().fileNameRules,
      assessQuality: this.quality?.assess ?? null,
      concurrency: config.ingestConcurrency,
    });
    this.sources = new SourceManager({
      repo: this.sourcesRepo,
      pipeline: this.pipeline,
      events: this.events,
      log: this.log,
      excludeDirs: [config.dataDir],
      watchLimits: config.watchLimits,
      settle: () => {
        const s = this.settings.get();
        return {
          stabilityMs: config.stabilityMs ?? 40,
          quietMs: 1_000,
          incompleteTimeoutMs: s.incompleteTimeoutSeconds * 1_000,
          maxBytes: s.maxFileMegabytes * 1024 * 1024,
        };
      },
    });
    this.media = new MediaService(this.images, this.spool, () => this.settings.get().fileNameRules);
    this.worklist = new WorklistFeature({
      db,
      settingsRepo: new SettingsRepo(db),
      events: this.events,
      hooks: this.hooks,
      pipeline: this.pipeline,
      log: this.log,
      siteId: () => this.settings.get().siteId,
      fileNameRules: () => this.settings.get().fileNameRules,
      secrets,
    });
    this.cameras = new CamerasFeature({
      db,
      images: this.images,
      spool: this.spool,
      pipeline: this.pipeline,
      events: this.events,
      log: this.log,
      notice: (level, message) => this.notice(level, message),
      volumesRoot: config.volumesRoot ?? null,
      watchVolumes: config.watchVolumes,
      pollIntervalMs: config.volumePollMs,
      operator: () => this.worklist.operators.current()?.name ?? null,
    });
    this.sync = createSyncFeature({
      db,
      spoolPath: (sha) => this.spool.pathFor(sha),
      log: this.log,
      events: this.events,
      hooks: this.hooks,
      settingsRepo: new SettingsRepo(db),
      secrets,
      ...(config.syncTiming && { timing: config.syncTiming }),
    });
    this.itLock = new ItLockService({
      repo: new ItLockRepo(db),
      events: this.events,
      log: this.log,
      who: () => this.worklist.operators.current()?.name ?? 'IT lock (nobody signed in)',
      ...config.itLock,
    });
    // lockable: dispatch refuses the contract's IT-only methods while the IT lock is on.
    const updatesRepo = new UpdatesRepo(db);
    this.updates = new UpdateService({ repo: updatesRepo, log: this.log, version: config.version, changed: () => this.events.emit('updates.changed', {}) });
    // What a restart to install an update must wait for; the DICOM listener adds its own.
    this.updates.addBusySource({
      name: 'exam',
      label: 'an exam is being captured',
      busy: () => examCapturing(updatesRepo.examActivity().map((r) => ({ capturingNow: r.capturing_now === 1, status: r.status, lastActivityAt: r.last_activity_at })), Date.now()),
    });
    this.updates.addBusySource({ name: 'camera-import', label: 'a camera is being imported', busy: () => this.cameras.busy() });
    this.updates.addBusySource({ name: 'sync-upload', label: 'photos or orders are being sent', busy: () => this.sync.busy() });
    this.updates.addBusySource({ name: 'dicom', label: 'a camera is sending images over DICOM', busy: () => this.dicom.busy() });
    this.dicom = new DicomNodeFeature({
      db,
      images: this.images,
      spool: this.spool,
      pipeline: this.pipeline,
      hooks: this.hooks,
      events: this.events,
      log: this.log,
      storage: this.storage,
      ...(config.dicom && { overrides: config.dicom }),
    });
    this.pacs = createPacsFeature({
      db,
      runner: this.sync.runner,
      outbox: this.sync.outbox,
      hooks: this.hooks,
      log: this.log,
      spoolPath: (sha) => this.spool.pathFor(sha),
      ...(config.pacsTiming && { timing: config.pacsTiming }),
    });
    // The worklist server: the listener answers Modality Worklist C-FIND from the station's orders.
    this.dicom.useWorklist(createFindWorklist({ repo: this.worklist.repo, siteId: () => this.settings.get().siteId, log: this.log }));
    this.api = lockable({
      'station.info': () => ({
        version: config.version,
        host: config.host,
        dataDir: config.dataDir,
        startedAt: this.startedAt,
        notices: this.notices,
        storage: this.storage.info(),
      }),
      ...imagesApi({ images: this.images, urls: config.urls, retry: (id) => this.retry(id), orderLabel: (id) => orderLabel(this.worklist, id) }),
      ...sourcesApi(this.sources, this.images),
      'settings.get': () => this.settings.get(),
      'settings.update': (patch) => this.settings.update(patch),
      ...worklistApi(this.worklist, { urls: config.urls, siteId: () => this.settings.get().siteId }),
      ...camerasApi(this.cameras, { urls: config.urls, orderLabel: (id) => orderLabel(this.worklist, id) }),
      ...syncApi(this.sync, () => this.pacs.lanes()),
      ...pacsApi(this.pacs),
      ...updatesApi(this.updates),
      ...itLockApi(this.itLock),
      ...dicomApi(this.dicom),
    }, this.itLock);
  }

  static async open(config: StationConfig): Promise<Station> {
    const station = new Station(config);
    await station.start();
    return station;
  }

  /** `key`: a later notice with the same key replaces this one (a state that changes, e.g. the disk). */
  notice(level: Notice['level'], message: string, key?: string): void {
    const notice = { level, message, at: nowIso() };
    if (key) {
      const before = this.keyedNotices.get(key);
      const i = before ? this.notices.indexOf(before) : -1;
      if (i >= 0) this.notices.splice(i, 1);
      this.keyedNotices.set(key, notice);
    }
    this.notices.push(notice);
    this.events.emit('notice', { level, message });
  }

  private async start(): Promise<void> {
    const cleared = await this.spool.clearTemp();
    if (cleared) this.log.warn({ cleared }, 'removed temp files left by an earlier crash');
    // A data folder an older version left readable by others: the whole tree once; otherwise the top level.
    const tightened = await tightenTree(this.config.dataDir, { deep: this.dataDirWasLoose });
    if (!modesApply) this.log.info('data folder permissions: not changed on Windows (the user profile ACL applies)');
    else if (this.dataDirWasLoose || tightened.dirs || tightened.files || tightened.failed) {
      this.log.warn({ rootWasLoose: this.dataDirWasLoose, ...tightened }, 'data folder made private (0700 folders, 0600 files)');
    }
    this.storage.start();
    // The matching index must exist before the first image arrives.
    this.worklist.start();
    await this.sources.startAll();
    // New folders from the command line start as they are added; stored ones were started above.
    for (const dir of this.config.watch ?? []) await this.sources.add(dir);
    if (this.config.defaultWatchDir && this.sourcesRepo.active().length === 0) {
      mkdirSync(this.config.defaultWatchDir, { recursive: true });
      await this.sources.add(this.config.defaultWatchDir);
    }
    this.cameras.start();
    this.sync.start();
    await this.dicom.start();
    this.log.info({ host: this.config.host, version: this.config.version }, 'station started');
  }

  private async retry(id: string): Promise<void> {
    const row = this.images.byId(id);
    if (!row || row.status !== 'error') throw new StationError('not-found', 'There is no refused file with that id.');
    // A refused DICOM object has no file the station could read again (dicom-node/intake.ts names it dicom://AE/UID).
    if (row.source_path.startsWith('dicom://')) {
      throw new StationError('unavailable', 'This image came over the DICOM network, so the station cannot fetch it again: send it again from the camera.');
    }
    try {
      await access(row.source_path);
    } catch {
      throw new StationError('not-found', 'The file is no longer in the camera folder, so it cannot be tried again.');
    }
    if (!row.source_id || !this.sources.retouch(row.source_id, row.source_path)) {
      throw new StationError('unavailable', 'The folder of this file is not being watched right now.');
    }
  }

  /** Stops sources first, lets in-flight ingests finish, then closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.updates.close();
    await this.storage.stop();
    await this.sources.stopAll();
    await this.cameras.close();
    await this.dicom.close();
    await this.pipeline.idle();
    await this.worklist.stop();
    this.pacs.close();
    await this.sync.close();
    this.itLock.close();
    await this.quality?.close();
    this.db.close();
    this.log.info('station stopped');
    await settleLog(this.log);
  }
}
