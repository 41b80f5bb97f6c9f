// One plug-in's import session: the files the device's ledger does not know are imported in the
// order taken (CameraImport), then, when the profile says so and everything went well, the photos
// confirmed in the spool are deleted from the camera, and the session ends with the operator's
// message. The caller holds the device lock.
import type { DeviceProfile } from '../../../shared/devices.ts';
import type { ImagesRepo } from '../store/images.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import type { Logger } from '../kernel/logger.ts';
import type { Spool } from '../store/spool.ts';
import { filesToImport, ledgerKey, ledgerLookup, type CameraPhoto } from '../sources/volumes/index.ts';
import { CameraImport, deleteConfirmed, type ImportProgress, type ImportResult } from './importer.ts';
import { closingMessage, connectedMessage, doneMessage, failedMessage, removedMessage, sessionLevel, storageMessage, type SessionFigures } from './messages.ts';
import type { CamerasRepo } from '../store/cameras.ts';

export interface SessionDeps {
  repo: CamerasRepo;
  images: ImagesRepo;
  spool: Spool;
  pipeline: IngestPipeline;
  log: Logger;
  concurrency?: number;
  onProgress(p: ImportProgress): void;
  notice(level: 'info' | 'warning' | 'error', message: string): void;
  changed(): void;
  /** The station is stopping. */
  closing(): boolean;
}

/** What the session needs of the plugged-in volume; it updates state/sessionId/importer as it goes. */
export interface SessionTarget {
  volume: { id: string; label: string | null };
  removed: boolean;
  state: string;
  sessionId: string | null;
  importer: CameraImport | null;
}

export interface SessionPlan {
  deviceId: string;
  deviceName: string;
  photoDirs: string[];
  photos: CameraPhoto[];
  profile: DeviceProfile;
  isCamera: boolean;
}

export async function runImportSession(d: SessionDeps, c: SessionTarget, plan: SessionPlan): Promise<void> {
  const { repo, log } = d;
  const { deviceId, photos, profile } = plan;
  if (c.removed || d.closing()) return;
  const ledgerRows = repo.ledgerFor(deviceId);
  const todo = filesToImport(photos, ledgerLookup(deviceId, ledgerRows));
  const bytes = todo.reduce((a, f) => a + f.size, 0);
  const sessionId = repo.createSession({ deviceId, volumeLabel: c.volume.label, filesOnCamera: photos.length, filesToImport: todo.length, bytesToImport: bytes });
  const importer = new CameraImport({
    sessionId,
    deviceId,
    volumeId: c.volume.id,
    photoDirs: plan.photoDirs,
    files: todo,
    profile,
    repo,
    pipeline: d.pipeline,
    log,
    concurrency: d.concurrency,
    onProgress: d.onProgress,
  });
  c.sessionId = sessionId;
  c.importer = importer;
  c.state = 'importing';
  if (c.removed) importer.cancel('removed');
  log.info({ sessionId, deviceId, onCamera: photos.length, toImport: todo.length, bytes }, 'camera import started');
  d.notice('info', `${connectedMessage(todo.length, photos.length)} (${plan.deviceName})`);
  d.changed();

  let result: ImportResult;
  try {
    result = await importer.run();
  } finally {
    c.importer = null;
  }

  let deleted = 0;
  if (result.state === 'done' && plan.isCamera && profile.deleteAfterImport && !c.removed && !d.closing()) {
    const sha = new Map(ledgerRows.map((r) => [ledgerKey(deviceId, r.relPath, r.size, r.mtimeMs), r.sha256]));
    const fromLedger = photos
      .map((p) => ({ p, h: sha.get(ledgerKey(deviceId, p.relPath, p.size, p.mtimeMs)) }))
      .filter((x): x is { p: CameraPhoto; h: string } => x.h !== undefined)
      .map(({ p, h }) => ({ path: p.path, size: p.size, mtimeMs: p.mtimeMs, sha256: h, verifyHash: true }));
    deleted = await deleteConfirmed([...result.settled.map((s) => ({ ...s, verifyHash: false })), ...fromLedger], {
      spool: d.spool,
      images: d.images,
      log,
      shouldStop: () => c.removed || d.closing(),
    });
    log.info({ sessionId, deleted }, 'photos deleted from the camera after import');
  }

  const message = endMessage(result, { filesToImport: todo.length, newImages: result.newImages, alreadyKnown: result.alreadyKnown, refused: result.refused, deleted });
  repo.finishSession(sessionId, result.state, message, deleted);
  c.state = result.state;
  log.info(
    { sessionId, state: result.state, reason: result.reason, new: result.newImages, known: result.alreadyKnown, refused: result.refused, skipped: result.skipped },
    'camera import ended',
  );
  if (!d.closing()) {
    d.notice(sessionLevel({ state: result.state, refused: result.refused }), message);
    d.changed();
  }
}

function endMessage(result: ImportResult, figures: SessionFigures): string {
  if (result.state === 'done') return doneMessage(figures);
  if (result.state === 'failed') return failedMessage(figures, result.reason ?? 'error');
  if (result.reason === 'closing') return closingMessage(figures);
  if (result.reason === 'storage') return storageMessage(figures);
  return removedMessage(figures);
}
