// The station as a DICOM node (issue 13 item 1): the listener (C-ECHO, C-STORE to the spool and
// the ingest pipeline, C-FIND handed to the worklist server), its settings and known cameras,
// and what each camera did. This is the service; its contract methods and views are in api/dicom.ts.
//
//   camera --A-ASSOCIATE--> association-policy + negotiation --C-STORE--> receiver (spool temp,
//   SHA-256, structure) --> intake (status to the camera; spool + dicom_instances) --> pipeline
import type { Database } from 'better-sqlite3';
import { dicomCameraSchema, dicomNodeSettingsSchema, type DicomCamera, type DicomNodeSettings } from '../../../shared/dicom-settings.ts';
import { StationError } from '../../../shared/errors.ts';
import type { EventBus } from '../kernel/events.ts';
import type { Hooks } from '../kernel/hooks.ts';
import type { Logger } from '../kernel/logger.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { DicomRepo } from '../store/dicom.ts';
import type { ImagesRepo } from '../store/images.ts';
import type { Spool } from '../store/spool.ts';
import type { WriteFailureKind } from '../storage/storage-state.ts';
import { ActivityLog } from './activity.ts';
import { normaliseAe } from './association-policy.ts';
import { DicomIntake } from './intake.ts';
import { DicomListener } from './listener.ts';
import type { FindWorklist } from './types.ts';

/** From the host's command line: any of them turns the listener on, and they are saved (like --watch). */
export interface DicomOverrides {
  /** 0: a free port, for this run only (tests); any other port is saved. */
  port?: number;
  aeTitle?: string;
  address?: string;
  /** AE titles of known cameras (added when missing). */
  cameras?: string[];
}

export interface DicomNodeDeps {
  db: Database;
  images: ImagesRepo;
  spool: Spool;
  pipeline: IngestPipeline;
  hooks: Hooks;
  events: EventBus;
  log: Logger;
  storage: { accepting(): boolean; writeFailed(err: unknown, kind: WriteFailureKind): void };
  overrides?: DicomOverrides;
  findWorklist?: FindWorklist;
}

/** dicom.changed at most this often while cameras are busy. */
const NEWS_MS = 1000;

export class DicomNodeFeature {
  readonly repo: DicomRepo;
  readonly activity: ActivityLog;
  readonly intake: DicomIntake;
  readonly listener: DicomListener;
  private readonly d: DicomNodeDeps;
  private worklist: FindWorklist | null;
  private cachedSettings: DicomNodeSettings;
  private cachedCameras: DicomCamera[];
  private newsTimer: NodeJS.Timeout | null = null;
  /** --dicom-port 0: listen on a free port this run, without saving 0 (the settings need a real port). */
  private anyPort = false;

  constructor(deps: DicomNodeDeps) {
    this.d = deps;
    this.repo = new DicomRepo(deps.db);
    this.activity = new ActivityLog(() => this.news());
    this.worklist = deps.findWorklist ?? null;
    this.cachedSettings = this.repo.settings();
    this.cachedCameras = this.repo.cameras();
    this.intake = new DicomIntake({
      repo: this.repo,
      images: deps.images,
      spool: deps.spool,
      pipeline: deps.pipeline,
      log: deps.log,
      writeFailed: (err, kind) => deps.storage.writeFailed(err, kind),
      // Images wait while a camera is sending (the listener is made just below).
      receiving: () => this.listener.busy(),
    });
    this.listener = new DicomListener({
      settings: () => (this.anyPort ? { ...this.cachedSettings, port: 0 } : this.cachedSettings),
      cameras: () => this.cachedCameras,
      accepting: () => deps.storage.accepting(),
      tmpDir: deps.spool.tmpDir,
      intake: this.intake,
      activity: this.activity,
      findWorklist: () => this.worklist,
      log: deps.log,
    });
    // The instance row points at its image in the transaction that stores the image.
    deps.hooks.imageStored.push((image) => {
      if (image.dicom) this.repo.linkImage(image.dicom.sopInstanceUid, image.id);
    });
  }

  /** The worklist server (MWL C-FIND); without one, C-FIND is answered with a failure status. */
  useWorklist(fn: FindWorklist | null): void {
    this.worklist = fn;
  }

  async start(): Promise<void> {
    this.applyOverrides();
    await this.listener.start();
    const recovered = await this.intake.recover();
    if (recovered) this.d.log.warn({ recovered }, 'dicom objects acknowledged before a stop are taken in again');
  }

  /** True while a camera is sending an object (the updater waits). */
  busy(): boolean {
    return this.listener.busy();
  }

  settings(): DicomNodeSettings {
    return this.cachedSettings;
  }

  async updateSettings(patch: Partial<DicomNodeSettings>): Promise<void> {
    const parsed = dicomNodeSettingsSchema.safeParse({ ...this.cachedSettings, ...patch });
    if (!parsed.success) throw new StationError('bad-input', parsed.error.issues[0]?.message ?? 'These DICOM settings are not valid.');
    this.repo.saveSettings(parsed.data);
    this.cachedSettings = parsed.data;
    if (patch.port !== undefined) this.anyPort = false;
    await this.listener.restart();
    this.news(true);
  }

  cameras(): DicomCamera[] {
    return this.cachedCameras;
  }

  saveCamera(camera: DicomCamera, previousAeTitle: string | null): void {
    const c = dicomCameraSchema.parse(camera);
    const clash = this.cachedCameras.find((k) => normaliseAe(k.aeTitle) === normaliseAe(c.aeTitle) && k.aeTitle !== (previousAeTitle ?? c.aeTitle));
    if (clash) throw new StationError('conflict', `Another camera (${clash.name}) already uses the AE title ${clash.aeTitle}. Each camera needs its own.`);
    this.repo.saveCamera(c, previousAeTitle);
    this.cachedCameras = this.repo.cameras();
    this.news(true);
  }

  removeCamera(aeTitle: string): boolean {
    const removed = this.repo.removeCamera(aeTitle);
    this.cachedCameras = this.repo.cameras();
    this.news(true);
    return removed;
  }

  async close(): Promise<void> {
    if (this.newsTimer) clearTimeout(this.newsTimer);
    await this.listener.stop();
    await this.intake.idle();
  }

  private applyOverrides(): void {
    const o = this.d.overrides;
    if (!o || (o.port === undefined && !o.aeTitle && !o.address && !o.cameras?.length)) return;
    const next = dicomNodeSettingsSchema.parse({
      ...this.cachedSettings,
      enabled: true,
      ...(o.port !== undefined && o.port !== 0 && { port: o.port }),
      ...(o.aeTitle && { aeTitle: o.aeTitle }),
      ...(o.address && { address: o.address }),
    });
    this.repo.saveSettings(next);
    this.cachedSettings = next;
    this.anyPort = o.port === 0;
    for (const ae of o.cameras ?? []) {
      if (this.cachedCameras.some((c) => normaliseAe(c.aeTitle) === normaliseAe(ae))) continue;
      this.repo.saveCamera(dicomCameraSchema.parse({ aeTitle: ae, name: ae }));
    }
    this.cachedCameras = this.repo.cameras();
  }

  /** dicom.changed: at once for a change IT made, else at most once a second. */
  private news(now = false): void {
    if (now) {
      this.d.events.emit('dicom.changed', {});
      return;
    }
    if (this.newsTimer) return;
    this.newsTimer = setTimeout(() => {
      this.newsTimer = null;
      this.d.events.emit('dicom.changed', {});
    }, NEWS_MS);
    this.newsTimer.unref();
  }
}
