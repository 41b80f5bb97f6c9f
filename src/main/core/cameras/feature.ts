// Handheld cameras over USB, wired together: the volume monitor (the platform's listing, or a
// stand-in mount root), camera recognition, one import session per plug-in through the ingest
// pipeline, progress and the operator's messages, and the API the Cameras screen uses.
//
//   plugged in -> recognise (DCIM / profile folder; label, UUID, EXIF make/model/serial)
//              -> list photos -> drop those in the device's ledger -> import the rest in taken
//                 order (CameraImport) -> ledger row per committed file -> result + message
//   pulled out -> the import stops starting files; what was read whole is committed, the rest
//                 is taken at the next plug-in.
import { stat } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';
import { deviceProfileSchema, type DeviceProfile } from '../../../shared/devices.ts';
import { StationError } from '../../../shared/errors.ts';
import type { volumeMethods, MethodOutput } from '../../../shared/contract/index.ts';
import type { ImagesRepo } from '../db/images-repo.ts';
import type { EventBus } from '../events.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { nowIso } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { Spool } from '../spool.ts';
import type { Handlers, MediaUrls } from '../api/types.ts';
import { toSummary } from '../api/images.ts';
import { assignImages } from '../worklist/assign.ts';
import { groupBursts } from '../worklist/bursts.ts';
import {
  createVolumeLister,
  createVolumeMonitor,
  filesToImport,
  ledgerKey,
  ledgerLookup,
  listCameraPhotos,
  recogniseCamera,
  volumeKey,
  type CameraPhoto,
  type Volume,
  type VolumeMonitor,
} from '../sources/volumes/index.ts';
import { deviceName, identityKey, readPhotoIdentity } from './identify.ts';
import { CameraImport, deleteConfirmed, type ImportProgress, type ImportResult } from './importer.ts';
import { closingMessage, connectedMessage, doneMessage, failedMessage, removedMessage, STALE_MESSAGE, type SessionFigures } from './messages.ts';
import { CamerasRepo, type SessionRow } from './repo.ts';

type CameraMethod = keyof typeof volumeMethods;
type ConnectedOut = MethodOutput<'cameras.list'>['cameras'][number];
type SessionOut = MethodOutput<'cameras.list'>['recentSessions'][number];
type ProgressOut = MethodOutput<'cameras.progress'>['imports'][number];
type Level = 'info' | 'warning' | 'error';

/** Used when no profile matches: photos in DCIM, bursts of photos within 10 s, nothing deleted. */
export const DEFAULT_PROFILE: DeviceProfile = deviceProfileSchema.parse({ id: 'default', name: 'Any camera (defaults)' });

const NOT_A_CAMERA =
  'No DCIM folder and no folder from a device profile: not treated as a camera. Nothing is read from it or changed on it.';

export interface CamerasFeatureDeps {
  db: Database;
  images: ImagesRepo;
  spool: Spool;
  pipeline: IngestPipeline;
  events: EventBus;
  log: Logger;
  urls: MediaUrls;
  /** The station's notice (kept in station.info and sent as a 'notice' event). */
  notice(level: Level, message: string): void;
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
  /** "Name · patient ID" of an order (worklist feature). */
  orderLabel?: (orderId: string) => string | null;
}

/** Audited when nobody has started a shift (the worklist's operator picker). */
export const FALLBACK_OPERATOR = 'operator (nobody signed in)';

export interface CamerasFeature {
  api: Handlers<CameraMethod>;
  start(): void;
  /** Stops watching; running imports stop starting files and settle; then resolves. */
  close(): Promise<void>;
  /** Look at the volumes now (tests and benchmarks; the monitor also looks every second or so). */
  poll(): Promise<void>;
  /** Resolves when no camera is being examined or imported. */
  idle(): Promise<void>;
}

type ConnectedState = ConnectedOut['state'];

interface Connected {
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

const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException | undefined)?.code ?? (e as Error | undefined)?.name ?? 'error';

async function exists(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

export function sessionLevel(row: Pick<SessionRow, 'state' | 'refused'>): Level {
  if (row.state === 'failed') return 'error';
  if (row.state === 'interrupted' || row.refused > 0) return 'warning';
  return 'info';
}

export function createCamerasFeature(deps: CamerasFeatureDeps): CamerasFeature {
  const { db, images, spool, pipeline, events, log } = deps;
  const repo = new CamerasRepo(db);
  const connected = new Map<string, Connected>();
  const deviceLocks = new Map<string, Promise<void>>();
  const inFlight = new Map<string, Promise<string | null>>();
  const lastProgressAt = new Map<string, number>();
  /** Every examine/import still running, including those of volumes already pulled out. */
  const tasks = new Set<Promise<void>>();
  let monitor: VolumeMonitor | null = null;
  let closing = false;
  const watch: MethodOutput<'cameras.list'>['watch'] = {
    mode: deps.volumesRoot ? 'stand-in' : deps.watchVolumes === false ? 'off' : 'platform',
    root: deps.volumesRoot ?? null,
    problem: null,
  };

  const changed = () => events.emit('cameras.changed', {});

  const progressOut = (p: ImportProgress): ProgressOut => ({
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

  const onProgress = (p: ImportProgress) => {
    const now = Date.now();
    const last = lastProgressAt.get(p.sessionId) ?? 0;
    if (now - last < 200 && p.doneFiles < p.totalFiles) return; // a few per second is plenty for a bar
    lastProgressAt.set(p.sessionId, now);
    events.emit('cameras.progress', progressOut(p));
  };

  const sessionOut = (row: SessionRow): SessionOut => ({
    id: row.id,
    deviceId: row.device_id,
    deviceName: row.device_name,
    volumeLabel: row.volume_label,
    state: row.state,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    filesOnCamera: row.files_on_camera,
    filesToImport: row.files_to_import,
    bytesToImport: row.bytes_to_import,
    filesDone: row.files_done,
    bytesDone: row.bytes_done,
    newImages: row.new_images,
    alreadyKnown: row.already_known,
    refused: row.refused,
    deletedFromCamera: row.deleted_from_camera,
    headline: connectedMessage(row.files_to_import, row.files_on_camera),
    message: row.message,
    messageLevel: sessionLevel(row),
    dismissed: row.dismissed_at !== null,
  });

  const connectedOut = (c: Connected): ConnectedOut => {
    const session = c.sessionId ? repo.session(c.sessionId) : undefined;
    const profile = c.profile ?? DEFAULT_PROFILE;
    return {
      volumeId: c.volume.id,
      label: c.volume.label,
      mountPath: c.volume.mountPath,
      state: c.state,
      detail: c.detail,
      deviceId: c.deviceId,
      deviceName: c.deviceName,
      make: c.make,
      model: c.model,
      serial: c.serial,
      profileId: c.profile?.id ?? null,
      profileName: profile.name,
      deleteAfterImport: profile.deleteAfterImport,
      connectedAt: c.connectedAt,
      session: session ? sessionOut(session) : null,
      progress: c.importer ? progressOut(c.importer.progress()) : null,
    };
  };

  /** One import per device at a time: a quick re-plug waits until the last one has settled. */
  async function withDeviceLock<T>(deviceId: string, fn: () => Promise<T>): Promise<T> {
    const prev = deviceLocks.get(deviceId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = prev.then(() => mine);
    deviceLocks.set(deviceId, chained);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (deviceLocks.get(deviceId) === chained) deviceLocks.delete(deviceId);
    }
  }

  async function examine(c: Connected): Promise<void> {
    const v = c.volume;
    c.state = 'checking';
    c.detail = null;
    const profiles = repo.profiles();
    let rec = await recogniseCamera(v.mountPath, profiles, { volumeLabel: v.label });
    if (c.removed || closing) return;
    if (!rec.isCamera) {
      c.state = 'not-a-camera';
      c.detail = NOT_A_CAMERA;
      log.info({ fsType: v.fsType }, 'volume is not a camera');
      changed();
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
    if (c.removed || closing) return;
    const device = repo.upsertDevice({
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
    changed();
    await withDeviceLock(device.id, () => importInto(c, device.id, device.name, rec.photoDirs, photos, rec.profile ?? DEFAULT_PROFILE, rec.isCamera));
  }

  async function importInto(
    c: Connected,
    deviceId: string,
    name: string,
    photoDirs: string[],
    photos: CameraPhoto[],
    profile: DeviceProfile,
    isCamera: boolean,
  ): Promise<void> {
    if (c.removed || closing) return;
    const ledgerRows = repo.ledgerFor(deviceId);
    const lookup = ledgerLookup(deviceId, ledgerRows);
    const todo = filesToImport(photos, lookup);
    const bytes = todo.reduce((a, f) => a + f.size, 0);
    const sessionId = repo.createSession({ deviceId, volumeLabel: c.volume.label, filesOnCamera: photos.length, filesToImport: todo.length, bytesToImport: bytes });
    const importer = new CameraImport({
      sessionId,
      deviceId,
      volumeId: c.volume.id,
      photoDirs,
      files: todo,
      profile,
      repo,
      images,
      pipeline,
      log,
      concurrency: deps.concurrency,
      inFlight,
      onProgress,
    });
    c.sessionId = sessionId;
    c.importer = importer;
    c.state = 'importing';
    if (c.removed) importer.cancel('removed');
    log.info({ sessionId, deviceId, onCamera: photos.length, toImport: todo.length, bytes }, 'camera import started');
    deps.notice('info', `${connectedMessage(todo.length, photos.length)} (${name})`);
    changed();

    let result: ImportResult;
    try {
      result = await importer.run();
    } finally {
      c.importer = null;
      lastProgressAt.delete(sessionId);
    }

    let deleted = 0;
    if (result.state === 'done' && isCamera && profile.deleteAfterImport && !c.removed && !closing) {
      const sha = new Map(ledgerRows.map((r) => [ledgerKey(deviceId, r.relPath, r.size, r.mtimeMs), r.sha256]));
      const fromLedger = photos
        .map((p) => ({ p, h: sha.get(ledgerKey(deviceId, p.relPath, p.size, p.mtimeMs)) }))
        .filter((x): x is { p: CameraPhoto; h: string } => x.h !== undefined)
        .map(({ p, h }) => ({ path: p.path, size: p.size, mtimeMs: p.mtimeMs, sha256: h, verifyHash: true }));
      deleted = await deleteConfirmed([...result.settled.map((s) => ({ ...s, verifyHash: false })), ...fromLedger], {
        spool,
        images,
        log,
        shouldStop: () => c.removed || closing,
      });
      log.info({ sessionId, deleted }, 'photos deleted from the camera after import');
    }

    const figures: SessionFigures = {
      filesToImport: todo.length,
      newImages: result.newImages,
      alreadyKnown: result.alreadyKnown,
      refused: result.refused,
      deleted,
    };
    let message: string;
    if (result.state === 'done') message = doneMessage(figures);
    else if (result.state === 'failed') message = failedMessage(figures, result.reason ?? 'error');
    else if (result.reason === 'closing') message = closingMessage(figures);
    else message = removedMessage(figures);
    repo.finishSession(sessionId, result.state, message, deleted);
    c.state = result.state;
    log.info({ sessionId, state: result.state, reason: result.reason, new: result.newImages, known: result.alreadyKnown, refused: result.refused, skipped: result.skipped }, 'camera import ended');
    if (!closing) {
      deps.notice('info', message);
      changed();
    }
  }

  function begin(c: Connected): void {
    const task = examine(c)
      .catch(async (err: unknown) => {
        if (c.removed || closing || !(await exists(c.volume.mountPath))) {
          log.info({ code: codeOf(err) }, 'volume went away while it was being read');
          return;
        }
        c.state = 'failed';
        c.detail = `The camera could not be read (${codeOf(err)}). Unplug it and plug it in again; if this happens again, call IT.`;
        log.warn({ code: codeOf(err) }, 'camera could not be examined'); // no message: it names paths on the camera
        if (c.sessionId) {
          const row = repo.session(c.sessionId);
          if (row?.state === 'importing') {
            repo.finishSession(c.sessionId, 'failed', failedMessage({ filesToImport: row.files_to_import, newImages: row.new_images, alreadyKnown: row.already_known, refused: row.refused, deleted: 0 }, codeOf(err)));
          }
        }
        changed();
      })
      .finally(() => {
        if (c.task === task) c.task = null;
        tasks.delete(task);
      });
    c.task = task;
    tasks.add(task);
  }

  const onMounted = (v: Volume) => {
    if (closing) return;
    const key = volumeKey(v);
    if (connected.has(key)) return;
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
    connected.set(key, c);
    log.info({ fsType: v.fsType }, 'volume mounted');
    changed();
    begin(c);
  };

  const onUnmounted = (v: Volume) => {
    const c = connected.get(volumeKey(v));
    if (!c) return;
    c.removed = true;
    c.importer?.cancel('removed');
    connected.delete(c.key);
    log.info({ importing: c.importer !== null }, 'volume removed');
    changed();
  };

  const byVolumeId = (volumeId: string): Connected => {
    const c = [...connected.values()].find((x) => x.volume.id === volumeId);
    if (!c) throw new StationError('not-found', 'That camera is not plugged in any more.');
    return c;
  };

  const api: Handlers<CameraMethod> = {
    'cameras.list': () => ({
      cameras: [...connected.values()].sort((a, b) => a.connectedAt.localeCompare(b.connectedAt)).map(connectedOut),
      recentSessions: repo.recentSessions(10).map(sessionOut),
      watch: { ...watch },
    }),
    'cameras.progress': () => ({
      imports: [...connected.values()].flatMap((c) => (c.importer ? [progressOut(c.importer.progress())] : [])),
    }),
    'cameras.photos': ({ sessionId, limit }) => {
      const capturingNow = repo.capturingNow();
      const session = sessionId ? repo.session(sessionId) : repo.latestSessionWithPhotos();
      if (sessionId && !session) throw new StationError('not-found', 'That camera import is no longer here.');
      if (!session) return { session: null, burstSeconds: DEFAULT_PROFILE.burstSeconds, capturingNow, bursts: [], omitted: 0 };
      const profile = repo.profiles().find((p) => p.id === session.device_profile_id) ?? DEFAULT_PROFILE;
      const labels = new Map<string, string | null>();
      const labelOf = (orderId: string | null | undefined): string | null => {
        if (!orderId || !deps.orderLabel) return null;
        if (!labels.has(orderId)) labels.set(orderId, deps.orderLabel(orderId));
        return labels.get(orderId) ?? null;
      };
      const { rows, total } = repo.sessionPhotos(session.id, limit);
      // One clock for the whole import: the camera's EXIF time when every photo has one, else the
      // file times on the card (a mix would compare two clocks and split or merge bursts wrongly).
      const useExif = rows.every((r) => r.taken_at !== null);
      const photos = rows.map((r) => ({
        ...toSummary(r, deps.urls, labelOf(r.order_id)),
        groupTime: useExif && r.taken_at ? r.taken_at : new Date(r.file_mtime_ms).toISOString(),
      }));
      const byId = new Map(photos.map((p) => [p.id, p]));
      const bursts = groupBursts(
        photos.map((p) => ({ id: p.id, takenAt: p.groupTime, ingestedAt: p.ingestedAt })),
        profile.burstSeconds,
      ).map((b) => {
        const members = b.imageIds.map((id) => byId.get(id)!);
        const eyes = new Set(members.map((m) => m.eye));
        const orders = new Set(members.map((m) => m.orderId));
        return {
          key: b.key,
          start: b.start,
          end: b.end,
          eye: eyes.size === 1 ? members[0]!.eye : 'mixed' as const,
          orderId: orders.size === 1 ? members[0]!.orderId : null,
          orderLabel: orders.size === 1 ? members[0]!.orderLabel : null,
          photos: members,
        };
      });
      return { session: sessionOut(session), burstSeconds: profile.burstSeconds, capturingNow, bursts, omitted: total - rows.length };
    },
    'cameras.sendBurst': ({ imageIds, eye }) => {
      const ids = [...new Set(imageIds)];
      const operator = deps.operator?.() ?? FALLBACK_OPERATOR;
      const capturing = repo.capturingNow();
      db.transaction(() => {
        const current = repo.ordersOf(ids);
        if (current.size !== ids.length) throw new StationError('not-found', 'A photo of this burst is no longer here.');
        if (capturing) {
          assignImages(db, { imageIds: ids, orderId: capturing.orderId, eye, operator });
          return;
        }
        // No exam is being captured: file the eye and leave each photo where it is (usually the
        // Unassigned tray; a photo already matched to an exam stays on it, now with its eye).
        const groups = new Map<string | null, string[]>();
        for (const id of ids) {
          const order = current.get(id) ?? null;
          groups.set(order, [...(groups.get(order) ?? []), id]);
        }
        for (const [orderId, group] of groups) assignImages(db, { imageIds: group, orderId, eye, operator });
      })();
      log.info({ count: ids.length, eye, toCapturingExam: capturing !== null }, 'camera burst sent to an eye');
      events.emit('images.changed', { ids });
      return { orderId: capturing?.orderId ?? null, eye, count: ids.length };
    },
    'cameras.dismiss': ({ sessionId }) => {
      if (!repo.session(sessionId)) throw new StationError('not-found', 'That camera import is no longer here.');
      if (repo.dismiss(sessionId)) changed();
      return { ok: true as const };
    },
    'cameras.rescan': ({ volumeId }) => {
      const c = byVolumeId(volumeId);
      if (c.task) throw new StationError('conflict', 'This camera is being read right now.');
      begin(c);
      changed();
      return { ok: true as const };
    },
    'cameras.profiles': () => ({ items: repo.profiles() }),
    'cameras.saveProfile': ({ profile }) => {
      repo.saveProfile(profile);
      log.info({ profileId: profile.id }, 'device profile saved');
      // A drive that was not a camera may be one under the new profile (its own photo folder).
      for (const c of connected.values()) if (c.state === 'not-a-camera' && !c.task) begin(c);
      changed();
      return profile;
    },
    'cameras.removeProfile': ({ id }) => {
      if (!repo.removeProfile(id)) throw new StationError('not-found', 'That device profile does not exist.');
      log.info({ profileId: id }, 'device profile removed');
      changed();
      return { ok: true as const };
    },
  };

  return {
    api,
    start() {
      const stale = repo.closeStaleSessions(STALE_MESSAGE);
      if (stale) log.warn({ stale }, 'camera imports interrupted by the last stop');
      if (watch.mode === 'off') return;
      let lister: () => Promise<Volume[]>;
      try {
        lister = createVolumeLister(deps.platform ?? process.platform, { standInRoot: deps.volumesRoot ?? undefined });
      } catch (err) {
        watch.problem = (err as Error).message;
        log.warn({ err: watch.problem }, 'removable volumes are not watched');
        return;
      }
      monitor = createVolumeMonitor({
        intervalMs: deps.pollIntervalMs,
        list: async () => {
          try {
            const found = await lister();
            if (watch.problem !== null) {
              watch.problem = null;
              changed();
            }
            return found;
          } catch (err) {
            const problem = watch.mode === 'stand-in'
              ? `The stand-in mount root ${watch.root} cannot be read (${codeOf(err)}).`
              : `Plugged-in drives cannot be listed (${codeOf(err)}).`;
            if (problem !== watch.problem) {
              watch.problem = problem;
              changed();
            }
            throw err;
          }
        },
        onMounted,
        onUnmounted,
        onError: (err) => log.warn({ code: codeOf(err) }, 'volume monitor'),
      });
      monitor.start();
    },
    async close() {
      closing = true;
      await monitor?.stop();
      for (const c of connected.values()) c.importer?.cancel('closing');
      await Promise.allSettled([...tasks]);
    },
    poll: () => monitor?.poll() ?? Promise.resolve(),
    async idle() {
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
  };
}
