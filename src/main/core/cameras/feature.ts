// Handheld cameras over USB: the volume monitor (the platform's listing, or a stand-in mount
// root), camera recognition, and one import session per plug-in through the ingest pipeline.
// This is the service; its contract methods and views are in api/cameras.ts.
//
//   plugged in -> recognise (DCIM / profile folder; label, UUID, EXIF make/model/serial)
//              -> list photos -> import what the device's ledger does not know (import-session.ts)
//   pulled out -> the import stops starting files; what was read whole is committed, the rest
//                 is taken at the next plug-in.
import { stat } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';
import { deviceProfileSchema, type DeviceProfile } from '../../../shared/devices.ts';
import { StationError } from '../../../shared/errors.ts';
import type { ImagesRepo } from '../store/images.ts';
import type { EventBus } from '../kernel/events.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { nowIso } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import type { Spool } from '../store/spool.ts';
import { createVolumeLister, createVolumeMonitor, listCameraPhotos, recogniseCamera, volumeKey, type Volume, type VolumeMonitor } from '../sources/volumes/index.ts';
import { deviceName, identityKey, readPhotoIdentity } from './identify.ts';
import type { CameraImport, ImportProgress } from './importer.ts';
import { runImportSession } from './import-session.ts';
import { failedMessage, STALE_MESSAGE } from './messages.ts';
import { CamerasRepo } from '../store/cameras.ts';
import { sendBurst, type BurstResult } from './send-burst.ts';

/** Used when no profile matches: photos in DCIM, bursts of photos within 10 s, nothing deleted. */
export const DEFAULT_PROFILE: DeviceProfile = deviceProfileSchema.parse({ id: 'default', name: 'Any camera (defaults)' });

/** Audited when nobody has started a shift (the worklist's operator picker). */
export const FALLBACK_OPERATOR = 'operator (nobody signed in)';

const NOT_A_CAMERA =
  'No DCIM folder and no folder from a device profile: not treated as a camera. Nothing is read from it or changed on it.';

export interface CamerasFeatureDeps {
  db: Database;
  images: ImagesRepo;
  spool: Spool;
  pipeline: IngestPipeline;
  events: EventBus;
  log: Logger;
  /** The station's notice (kept in station.info and sent as a 'notice' event). */
  notice(level: 'info' | 'warning' | 'error', message: string): void;
  /** A folder standing in for the mount root: each subfolder is a plugged-in volume. */
  volumesRoot?: string | null;
  /** false: do not watch for volumes at all (the API still answers). Default true. */
  watchVolumes?: boolean;
  platform?: NodeJS.Platform;
  pollIntervalMs?: number;
  /** Files read and ingested at once per import. */
  concurrency?: number;
  /** The operator named in the audit trail when a burst is sent to an eye (null: nobody signed in). */
  operator?: () => string | null;
}

export type ConnectedState = 'checking' | 'importing' | 'done' | 'interrupted' | 'failed' | 'not-a-camera';

/** A volume plugged in now, and what the station is doing with it. */
export interface Connected {
  key: string;
  volume: Volume;
  connectedAt: string;
  state: ConnectedState;
  detail: string | null;
  deviceId: string | null;
  deviceName: string | null;
  make: string | null;
  model: string | null;
  serial: string | null;
  profile: DeviceProfile | null;
  sessionId: string | null;
  importer: CameraImport | null;
  task: Promise<void> | null;
  removed: boolean;
}

export interface WatchState {
  mode: 'platform' | 'stand-in' | 'off';
  root: string | null;
  problem: string | null;
}

const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException | undefined)?.code ?? (e as Error | undefined)?.name ?? 'error';

async function exists(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** The progress event's payload: what a bar needs. */
export const progressPayload = (p: ImportProgress) => ({
  sessionId: p.sessionId,
  volumeId: p.volumeId,
  doneFiles: p.doneFiles,
  totalFiles: p.totalFiles,
  doneBytes: p.doneBytes,
  totalBytes: p.totalBytes,
  newImages: p.newImages,
  secondsLeft: p.secondsLeft,
  startedAt: p.startedAt,
});

export class CamerasFeature {
  readonly repo: CamerasRepo;
  private readonly d: CamerasFeatureDeps;
  private readonly connected = new Map<string, Connected>();
  private readonly deviceLocks = new Map<string, Promise<void>>();
  private readonly lastProgressAt = new Map<string, number>();
  /** Every examine/import still running, including those of volumes already pulled out. */
  private readonly tasks = new Set<Promise<void>>();
  private monitor: VolumeMonitor | null = null;
  private closing = false;
  readonly watch: WatchState;

  constructor(deps: CamerasFeatureDeps) {
    this.d = deps;
    this.repo = new CamerasRepo(deps.db);
    this.watch = {
      mode: deps.volumesRoot ? 'stand-in' : deps.watchVolumes === false ? 'off' : 'platform',
      root: deps.volumesRoot ?? null,
      problem: null,
    };
  }

  /** Volumes plugged in now, oldest first. */
  plugged(): Connected[] {
    return [...this.connected.values()].sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
  }

  /** Look at a plugged-in camera again (its photos may have changed). */
  rescan(volumeId: string): void {
    const c = [...this.connected.values()].find((x) => x.volume.id === volumeId);
    if (!c) throw new StationError('not-found', 'That camera is not plugged in any more.');
    if (c.task) throw new StationError('conflict', 'This camera is being read right now.');
    this.begin(c);
    this.changed();
  }

  saveProfile(profile: DeviceProfile): DeviceProfile {
    this.repo.saveProfile(profile);
    this.d.log.info({ profileId: profile.id }, 'device profile saved');
    // A drive that was not a camera may be one under the new profile (its own photo folder).
    for (const c of this.connected.values()) if (c.state === 'not-a-camera' && !c.task) this.begin(c);
    this.changed();
    return profile;
  }

  removeProfile(id: string): void {
    if (!this.repo.removeProfile(id)) throw new StationError('not-found', 'That device profile does not exist.');
    this.d.log.info({ profileId: id }, 'device profile removed');
    this.changed();
  }

  dismiss(sessionId: string): void {
    if (!this.repo.session(sessionId)) throw new StationError('not-found', 'That camera import is no longer here.');
    if (this.repo.dismiss(sessionId)) this.changed();
  }

  sendBurst(imageIds: readonly string[], eye: 'OD' | 'OS'): BurstResult {
    const result = sendBurst(this.d.db, this.repo, { imageIds, eye, operator: this.d.operator?.() ?? FALLBACK_OPERATOR });
    this.d.log.info({ count: result.count, eye, toCapturingExam: result.orderId !== null }, 'camera burst sent to an eye');
    this.d.events.emit('images.changed', { ids: [...new Set(imageIds)] });
    return result;
  }

  start(): void {
    const { log } = this.d;
    const stale = this.repo.closeStaleSessions(STALE_MESSAGE);
    if (stale) log.warn({ stale }, 'camera imports interrupted by the last stop');
    if (this.watch.mode === 'off') return;
    let lister: () => Promise<Volume[]>;
    try {
      lister = createVolumeLister(this.d.platform ?? process.platform, { standInRoot: this.d.volumesRoot ?? undefined });
    } catch (err) {
      this.watch.problem = (err as Error).message;
      log.warn({ err: this.watch.problem }, 'removable volumes are not watched');
      return;
    }
    this.monitor = createVolumeMonitor({
      intervalMs: this.d.pollIntervalMs,
      list: () => this.listVolumes(lister),
      onMounted: (v) => this.onMounted(v),
      onUnmounted: (v) => this.onUnmounted(v),
      onError: (err) => log.warn({ code: codeOf(err) }, 'volume monitor'),
    });
    this.monitor.start();
  }

  /** Stops watching; running imports stop starting files and settle; then resolves. */
  async close(): Promise<void> {
    this.closing = true;
    await this.monitor?.stop();
    for (const c of this.connected.values()) c.importer?.cancel('closing');
    await Promise.allSettled([...this.tasks]);
  }

  /** Look at the volumes now (tests and benchmarks; the monitor also looks every second or so). */
  poll(): Promise<void> {
    return this.monitor?.poll() ?? Promise.resolve();
  }

  /** Resolves when no camera is being examined or imported. */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** True while a camera is being read or imported (the updater must not restart then). */
  busy(): boolean {
    return this.tasks.size > 0;
  }

  private changed(): void {
    this.d.events.emit('cameras.changed', {});
  }

  private async listVolumes(lister: () => Promise<Volume[]>): Promise<Volume[]> {
    try {
      const found = await lister();
      if (this.watch.problem !== null) {
        this.watch.problem = null;
        this.changed();
      }
      return found;
    } catch (err) {
      const problem =
        this.watch.mode === 'stand-in'
          ? `The stand-in mount root ${this.watch.root} cannot be read (${codeOf(err)}).`
          : `Plugged-in drives cannot be listed (${codeOf(err)}).`;
      if (problem !== this.watch.problem) {
        this.watch.problem = problem;
        this.changed();
      }
      throw err;
    }
  }

  private onProgress = (p: ImportProgress): void => {
    const now = Date.now();
    const last = this.lastProgressAt.get(p.sessionId) ?? 0;
    if (now - last < 200 && p.doneFiles < p.totalFiles) return; // a few per second is plenty for a bar
    this.lastProgressAt.set(p.sessionId, now);
    this.d.events.emit('cameras.progress', progressPayload(p));
  };

  /** One import per device at a time: a quick re-plug waits until the last one has settled. */
  private async withDeviceLock<T>(deviceId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.deviceLocks.get(deviceId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = prev.then(() => mine);
    this.deviceLocks.set(deviceId, chained);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.deviceLocks.get(deviceId) === chained) this.deviceLocks.delete(deviceId);
    }
  }

  private async examine(c: Connected): Promise<void> {
    const { log } = this.d;
    const v = c.volume;
    c.state = 'checking';
    c.detail = null;
    const profiles = this.repo.profiles();
    let rec = await recogniseCamera(v.mountPath, profiles, { volumeLabel: v.label });
    if (c.removed || this.closing) return;
    if (!rec.isCamera) {
      c.state = 'not-a-camera';
      c.detail = NOT_A_CAMERA;
      log.info({ fsType: v.fsType }, 'volume is not a camera');
      this.changed();
      return;
    }
    let photos = await listCameraPhotos(rec.photoDirs, v.mountPath);
    const ident = await readPhotoIdentity(photos);
    if (ident.make || ident.model || ident.serial) {
      const again = await recogniseCamera(v.mountPath, profiles, { volumeLabel: v.label, ...ident });
      if (again.isCamera && again.profile?.id !== rec.profile?.id) {
        const sameDirs = again.photoDirs.join('\n') === rec.photoDirs.join('\n');
        rec = again;
        if (!sameDirs) photos = await listCameraPhotos(rec.photoDirs, v.mountPath);
      }
    }
    if (c.removed || this.closing) return;
    const device = this.repo.upsertDevice({
      identityKey: identityKey(v, ident),
      name: deviceName(v, ident),
      make: ident.make,
      model: ident.model,
      serial: ident.serial,
      volumeLabel: v.label,
      volumeUuid: v.uuid,
      profileId: rec.profile?.id ?? null,
    });
    Object.assign(c, { deviceId: device.id, deviceName: device.name, make: ident.make, model: ident.model, serial: ident.serial, profile: rec.profile });
    this.changed();
    const plan = { deviceId: device.id, deviceName: device.name, photoDirs: rec.photoDirs, photos, profile: rec.profile ?? DEFAULT_PROFILE, isCamera: rec.isCamera };
    await this.withDeviceLock(device.id, async () => {
      try {
        await runImportSession(
          {
            repo: this.repo,
            images: this.d.images,
            spool: this.d.spool,
            pipeline: this.d.pipeline,
            log,
            concurrency: this.d.concurrency,
            onProgress: this.onProgress,
            notice: (level, message) => this.d.notice(level, message),
            changed: () => this.changed(),
            closing: () => this.closing,
          },
          c,
          plan,
        );
      } finally {
        if (c.sessionId) this.lastProgressAt.delete(c.sessionId);
      }
    });
  }

  private begin(c: Connected): void {
    const { log } = this.d;
    const task = this.examine(c)
      .catch(async (err: unknown) => {
        if (c.removed || this.closing || !(await exists(c.volume.mountPath))) {
          log.info({ code: codeOf(err) }, 'volume went away while it was being read');
          return;
        }
        c.state = 'failed';
        c.detail = `The camera could not be read (${codeOf(err)}). Unplug it and plug it in again; if this happens again, call IT.`;
        log.warn({ code: codeOf(err) }, 'camera could not be examined'); // no message: it names paths on the camera
        if (c.sessionId) {
          const row = this.repo.session(c.sessionId);
          if (row?.state === 'importing') {
            const figures = { filesToImport: row.files_to_import, newImages: row.new_images, alreadyKnown: row.already_known, refused: row.refused, deleted: 0 };
            this.repo.finishSession(c.sessionId, 'failed', failedMessage(figures, codeOf(err)));
          }
        }
        this.changed();
      })
      .finally(() => {
        if (c.task === task) c.task = null;
        this.tasks.delete(task);
      });
    c.task = task;
    this.tasks.add(task);
  }

  private onMounted(v: Volume): void {
    if (this.closing) return;
    const key = volumeKey(v);
    if (this.connected.has(key)) return;
    const c: Connected = {
      key,
      volume: v,
      connectedAt: nowIso(),
      state: 'checking',
      detail: null,
      deviceId: null,
      deviceName: null,
      make: null,
      model: null,
      serial: null,
      profile: null,
      sessionId: null,
      importer: null,
      task: null,
      removed: false,
    };
    this.connected.set(key, c);
    this.d.log.info({ fsType: v.fsType }, 'volume mounted');
    this.changed();
    this.begin(c);
  }

  private onUnmounted(v: Volume): void {
    const c = this.connected.get(volumeKey(v));
    if (!c) return;
    c.removed = true;
    c.importer?.cancel('removed');
    this.connected.delete(c.key);
    this.d.log.info({ importing: c.importer !== null }, 'volume removed');
    this.changed();
  }
}
