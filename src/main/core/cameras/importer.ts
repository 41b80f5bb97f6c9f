// One camera import: the files the ledger did not know, in the order taken, each read whole into
// memory and handed to the ingest pipeline, a few reads ahead. The pipeline hashes, de-duplicates
// and decodes in its one bounded queue (shared with the watched folders) and says whether the
// photo was new or already known. A file is never given to the pipeline half-read, so pulling the
// cable leaves no temp file and no row: a read that fails is dropped, and the file is taken next
// time. The ledger row is written after each commit.
import { createHash } from 'node:crypto';
import { readFile, stat, unlink } from 'node:fs/promises';
import type { FileNameRule } from '../../../shared/domain.ts';
import type { DeviceProfile } from '../../../shared/devices.ts';
import type { ImagesRepo } from '../store/images.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import type { Logger } from '../kernel/logger.ts';
import type { Spool } from '../store/spool.ts';
import type { CameraPhoto } from '../sources/volumes/camera.ts';
import type { CamerasRepo, FileOutcome } from '../store/cameras.ts';

export interface ImportCounts {
  doneFiles: number;
  doneBytes: number;
  newImages: number;
  alreadyKnown: number;
  refused: number;
  /** Files that changed or vanished on the camera between listing and reading: taken next time. */
  skipped: number;
  /** Read whole but not stored: the station's data folder cannot be written (disk full). Taken next time. */
  waiting: number;
}

export interface ImportProgress extends ImportCounts {
  sessionId: string;
  volumeId: string;
  totalFiles: number;
  totalBytes: number;
  secondsLeft: number | null;
  startedAt: string;
}

export type ImportEnd = 'done' | 'interrupted' | 'failed';

export interface ImportResult extends ImportCounts {
  state: ImportEnd;
  /** Why it stopped early: 'removed' (the volume went away), 'closing' (the station stops), or an error code. */
  reason: string | null;
  /** Files settled in this session with the hash now in the station (candidates for delete-after-import). */
  settled: { path: string; size: number; mtimeMs: number; sha256: string }[];
}

export interface CameraImportOptions {
  sessionId: string;
  deviceId: string;
  volumeId: string;
  /** Folders that must still be there for the volume to count as plugged in. */
  photoDirs: readonly string[];
  files: readonly CameraPhoto[];
  profile: DeviceProfile;
  repo: CamerasRepo;
  pipeline: Pick<IngestPipeline, 'take' | 'refuse'>;
  log: Logger;
  /** Files read ahead and waiting for the pipeline at once; the pipeline's queue bounds the decodes. */
  concurrency?: number;
  onProgress(p: ImportProgress): void;
}

const GONE_CODES = new Set(['ENOENT', 'ENOTDIR', 'EIO', 'ENXIO', 'ENODEV', 'ESTALE', 'ENOTCONN', 'EBADF', 'ENOMEDIUM']);
const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException | undefined)?.code ?? 'error';

/** Seconds left from the bytes rate so far; null until a second's worth or a few files are done. */
export function estimateSecondsLeft(doneBytes: number, totalBytes: number, elapsedMs: number, doneFiles: number): number | null {
  if (doneBytes <= 0 || elapsedMs <= 0 || (elapsedMs < 1000 && doneFiles < 3)) return null;
  const remaining = Math.max(0, totalBytes - doneBytes);
  return Math.ceil(remaining / (doneBytes / elapsedMs) / 1000);
}

export function profileRules(profile: DeviceProfile): FileNameRule[] {
  return profile.fileNameRule ? [{ id: `profile:${profile.id}`, name: profile.name, pattern: profile.fileNameRule }] : [];
}

export class CameraImport {
  private readonly o: CameraImportOptions;
  private stopReason: string | null = null;
  private readonly counts: ImportCounts = { doneFiles: 0, doneBytes: 0, newImages: 0, alreadyKnown: 0, refused: 0, skipped: 0, waiting: 0 };
  private readonly settled: ImportResult['settled'] = [];
  private readonly startedMs = Date.now();
  private readonly startedAt = new Date().toISOString();
  private readonly totalBytes: number;

  constructor(o: CameraImportOptions) {
    this.o = o;
    this.totalBytes = o.files.reduce((a, f) => a + f.size, 0);
  }

  /** Stop starting files; those being read finish or fail, those fully read are still committed. */
  cancel(reason: 'removed' | 'closing' | 'storage'): void {
    this.stopReason ??= reason;
  }

  get cancelled(): boolean {
    return this.stopReason !== null;
  }

  progress(): ImportProgress {
    return {
      ...this.counts,
      sessionId: this.o.sessionId,
      volumeId: this.o.volumeId,
      totalFiles: this.o.files.length,
      totalBytes: this.totalBytes,
      secondsLeft: estimateSecondsLeft(this.counts.doneBytes, this.totalBytes, Date.now() - this.startedMs, this.counts.doneFiles),
      startedAt: this.startedAt,
    };
  }

  async run(): Promise<ImportResult> {
    const { files } = this.o;
    let next = 0;
    let failure: unknown = null;
    const worker = async () => {
      while (!this.cancelled && failure === null && next < files.length) {
        const seq = next++;
        try {
          await this.takeOne(files[seq]!, seq);
        } catch (err) {
          failure = err; // the station's own side failed (database, spool): stop, keep what is done
        }
      }
    };
    const k = Math.max(1, Math.min(this.o.concurrency ?? 3, files.length));
    await Promise.all(Array.from({ length: k }, worker));
    this.o.onProgress(this.progress());
    let state: ImportEnd = 'done';
    let reason = this.stopReason;
    if (failure !== null) {
      state = 'failed';
      reason = codeOf(failure);
      this.o.log.error({ sessionId: this.o.sessionId, code: reason, name: (failure as Error).name }, 'camera import failed');
    } else if (this.stopReason !== null && this.counts.doneFiles + this.counts.skipped < files.length) {
      state = 'interrupted';
    }
    return { ...this.counts, state, reason, settled: this.settled };
  }

  private async volumeGone(): Promise<boolean> {
    for (const d of this.o.photoDirs) {
      try {
        if (!(await stat(d)).isDirectory()) return true;
      } catch {
        return true;
      }
    }
    return false;
  }

  private async takeOne(file: CameraPhoto, seq: number): Promise<void> {
    const { pipeline, log, sessionId } = this.o;
    let bytes: Buffer;
    try {
      bytes = await readFile(file.path);
    } catch (err) {
      if (await this.volumeGone()) {
        this.cancel('removed');
        return; // the half-read file is simply dropped: nothing was written anywhere
      }
      const code = codeOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        this.counts.skipped++; // deleted on the camera since we listed it
        return;
      }
      // This one file cannot be read while the volume is there: a visible refusal, like folder sources.
      pipeline.refuse(file.path, null, `The photo could not be read from the camera (${code}). Check the card, then plug the camera in again.`, file.size);
      this.record(file, seq, { kind: 'refused' });
      return;
    }
    if (bytes.length !== file.size) {
      // Changed since it was listed (or cut short by the unplug): never ingest a partial read.
      if (await this.volumeGone()) this.cancel('removed');
      else this.counts.skipped++;
      return;
    }
    // Hashing, de-duplication (also against a photo of another card being taken in right now)
    // and the decode happen once, in the pipeline's queue.
    const r = await pipeline.take({ path: file.path, bytes, size: file.size, mtimeMs: file.mtimeMs, completeAt: Date.now() }, null, {
      fileNameRules: profileRules(this.o.profile),
      // The card's file time is the camera's own clock: the capture time when the photo carries none.
      cardTime: file.mtimeMs,
    });
    if (r.kind === 'known') {
      this.record(file, seq, { kind: 'known', imageId: r.imageId, sha256: r.sha256 });
      return;
    }
    if (r.kind === 'waiting') {
      // The station cannot store photos now (its disk is full): this one and the rest stay on the
      // camera, unrecorded in the ledger, and are taken at the next plug-in.
      this.counts.waiting++;
      this.cancel('storage');
      return;
    }
    if (r.kind !== 'new') {
      this.record(file, seq, { kind: 'refused' });
      return;
    }
    this.record(file, seq, { kind: 'new', imageId: r.imageId, sha256: r.sha256 });
    log.debug({ sessionId, seq }, 'camera photo taken in');
  }

  private record(file: CameraPhoto, seq: number, outcome: FileOutcome): void {
    this.o.repo.recordFile(this.o.sessionId, this.o.deviceId, file, seq, outcome);
    this.counts.doneFiles++;
    this.counts.doneBytes += file.size;
    if (outcome.kind === 'new') this.counts.newImages++;
    else if (outcome.kind === 'known') this.counts.alreadyKnown++;
    else this.counts.refused++;
    if (outcome.kind !== 'refused') this.settled.push({ path: file.path, size: file.size, mtimeMs: file.mtimeMs, sha256: outcome.sha256 });
    this.o.onProgress(this.progress());
  }
}

/**
 * Delete-after-import: only photos whose bytes are confirmed in the spool with a ready image row,
 * only when the file on the camera is still the one that was taken in (same size and time, and
 * for files not read this time, the same hash). Returns how many were deleted.
 */
export async function deleteConfirmed(
  files: readonly { path: string; size: number; mtimeMs: number; sha256: string; verifyHash: boolean }[],
  deps: { spool: Spool; images: ImagesRepo; log: Logger; shouldStop(): boolean },
): Promise<number> {
  let deleted = 0;
  for (const f of files) {
    if (deps.shouldStop()) break;
    const row = deps.images.bySha(f.sha256);
    if (!row || row.status !== 'ready' || !deps.spool.has(f.sha256)) continue;
    try {
      const s = await stat(f.path);
      if (s.size !== f.size || Math.floor(s.mtimeMs) !== Math.floor(f.mtimeMs)) continue;
      if (f.verifyHash) {
        const hash = createHash('sha256').update(await readFile(f.path)).digest('hex');
        if (hash !== f.sha256) continue;
      }
      await unlink(f.path);
      deleted++;
    } catch (err) {
      deps.log.warn({ code: codeOf(err) }, 'could not delete a photo from the camera');
      if (GONE_CODES.has(codeOf(err))) break;
    }
  }
  return deleted;
}
