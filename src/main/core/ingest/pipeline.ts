// The ingest pipeline for one complete file: hash, dedupe, metadata, one decode (thumbnail +
// quality), spool, then one transaction for the row, and the event only after it commits.
// Every file goes through one bounded work queue, whoever hands it in (a watched folder, a camera
// import), so no more than `concurrency` decodes ever run at once; hashing and de-duplication
// happen here, once, and the caller learns whether the bytes were new or already known.
// When the data folder cannot be written (a full disk, SQLITE_FULL, a read-only folder), a file is
// neither refused nor half-stored: its spool copy is removed unless a row references it, and it
// waits in its camera folder until the storage gate offers it again.
import path from 'node:path';
import type { FileNameRule } from '../../../shared/domain.ts';
import type { ImagesRepo } from '../store/images.ts';
import type { EventBus } from '../kernel/events.ts';
import type { DicomOrigin, Hooks } from '../kernel/hooks.ts';
import { newId, nowIso } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import { readImage, UnreadableFileError, type ReadImageResult } from '../metadata/index.ts';
import type { ParsedDicom } from '../metadata/dicom.ts';
import { renderPreview, type QualityAssessor } from '../imaging/render.ts';
import { decodeStats } from '../imaging/decode.ts';
import { sha256, type Spool } from '../store/spool.ts';
import type { SettledFile } from '../sources/file-settler.ts';
import { writeFailureKind, type WriteFailureKind } from '../storage/storage-state.ts';
import { WorkQueue } from './work-queue.ts';


/** Whether the data folder can take files now (the station's StorageGuard). */
export interface StorageGate {
  accepting(): boolean;
  /** The file waits where it is and is offered again when intake resumes. */
  park(sourceId: string | null, filePath: string, size: number): void;
  writeFailed(err: unknown, kind: WriteFailureKind): void;
}

/**
 * What became of one file: a new image, bytes the station already had (one more sighting), a
 * visible refusal row, or a file left waiting in its folder because the data folder cannot be written.
 */
export type IngestResult =
  | { kind: 'new'; imageId: string; sha256: string }
  | { kind: 'known'; imageId: string; sha256: string }
  | { kind: 'refused' }
  | { kind: 'waiting' };

export interface IngestOptions {
  /** Tried before the station's own rules (a camera's device profile). */
  fileNameRules?: FileNameRule[];
  /** The object came by DICOM C-STORE: handed to the imageStored hooks (links, PACS routes). */
  dicom?: DicomOrigin;
  /**
   * The file's time on a camera card (ms): the camera's clock wrote it when it took the photo, so
   * it is the capture time of a photo whose metadata has none (the Cameras screen, the exam and
   * the order then show one and the same time).
   */
  cardTime?: number;
}

/**
 * An object already durable in the spool under its hash (the DICOM listener streamed it there and
 * has told the camera so): its bytes are never held whole. `parsed` is the parse of a compact data
 * set (its attributes and one representative frame), not of the whole file.
 */
export interface ReceivedObject {
  sha256: string;
  sizeBytes: number;
  /** Where it came from, for the image list: names the camera and the SOP instance, never patient data. */
  sourcePath: string;
  fileName: string;
  /** The compact data set as a Part 10 buffer, and its parse. */
  compact: Buffer;
  parsed: ParsedDicom;
  completeAt: number;
  dicom: DicomOrigin;
}

export interface PipelineDeps {
  images: ImagesRepo;
  spool: Spool;
  events: EventBus;
  /** Consequences in the storing transaction (matching to an order): hooks.imageStored. */
  hooks: Hooks;
  log: Logger;
  fileNameRules(): FileNameRule[];
  assessQuality: QualityAssessor | null;
  concurrency?: number;
  storage?: StorageGate;
}

/** During a burst, a source hears about new files at most this often. */
const SOURCE_NEWS_MS = 250;

export class IngestPipeline {
  private readonly deps: PipelineDeps;
  private readonly queue: WorkQueue;
  private readonly onSourceFile: ((sourceId: string) => void)[] = [];
  /** Ingests in flight by content hash (resolved when settled, whatever the outcome). */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Sources told "a file arrived" in the last SOURCE_NEWS_MS, and whether another came since. */
  private readonly sourceNews = new Map<string, { timer: NodeJS.Timeout; again: boolean }>();

  constructor(deps: PipelineDeps) {
    this.deps = deps;
    this.queue = new WorkQueue(deps.concurrency ?? 4);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** The most files ever taken in at once (each holds at most one decode): a bound tests can see. */
  get peakInFlight(): number {
    return this.queue.peak;
  }

  onFileFromSource(cb: (sourceId: string) => void): void {
    this.onSourceFile.push(cb);
  }

  /** A watched folder's file: queued, nobody waits for the outcome. */
  submit(file: SettledFile, sourceId: string | null): void {
    this.take(file, sourceId).catch(() => undefined);
  }

  /**
   * Queues one whole file and resolves with what became of it. Rejects only when the station's own
   * side fails so that not even a refusal can be written (the database).
   */
  take(file: SettledFile, sourceId: string | null, opts: IngestOptions = {}): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push(() => this.run(file, sourceId, opts).then(resolve, reject));
    });
  }

  /**
   * Queues an object that is already in the spool (see ReceivedObject) and resolves with what
   * became of it. The spool copy is never removed here, whatever happens: the camera was told it
   * is stored. Rejects when the image row cannot be written; the caller keeps the object pending.
   */
  takeReceived(obj: ReceivedObject): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push(() => this.runReceived(obj).then(resolve, reject));
    });
  }

  /**
   * `opts.fileNameRules` are tried before the station's own (a camera's device profile); refused
   * files still get their visible row. Returns the image id, or null when the file was refused.
   */
  async ingest(file: SettledFile, sourceId: string | null, opts: IngestOptions = {}): Promise<string | null> {
    const r = await this.take(file, sourceId, opts);
    return r.kind === 'new' || r.kind === 'known' ? r.imageId : null;
  }

  /** Everything queued so far is done, and its sources have been told. */
  async idle(): Promise<void> {
    await this.queue.idle();
    for (const [sourceId, news] of this.sourceNews) {
      clearTimeout(news.timer);
      this.sourceNews.delete(sourceId);
      if (news.again) this.notifySource(sourceId);
    }
  }

  /**
   * "A file arrived" for a source (its last-file time, the sources list) goes out after the
   * commit, at most once per SOURCE_NEWS_MS per source during a burst; the last one always does.
   */
  private tellSource(sourceId: string): void {
    const pending = this.sourceNews.get(sourceId);
    if (pending) {
      pending.again = true;
      return;
    }
    this.notifySource(sourceId);
    const timer = setTimeout(() => {
      const news = this.sourceNews.get(sourceId);
      this.sourceNews.delete(sourceId);
      if (news?.again) this.tellSource(sourceId);
    }, SOURCE_NEWS_MS);
    timer.unref();
    this.sourceNews.set(sourceId, { timer, again: false });
  }

  private notifySource(sourceId: string): void {
    for (const cb of this.onSourceFile) {
      try {
        cb(sourceId);
      } catch (err) {
        // The image is committed; only the source's last-file time is behind.
        this.deps.log.warn({ sourceId, err: (err as Error).message }, 'source could not be told about a new file');
      }
    }
  }

  /** A file the source could not take (never completed, unreadable, too large): a visible row. */
  refuse(sourcePath: string, sourceId: string | null, reason: string, sizeBytes: number | null): void {
    let id: string;
    try {
      id = this.deps.images.recordError({
        id: newId(),
        sourceId,
        sourcePath,
        fileName: path.basename(sourcePath),
        sizeBytes,
        error: reason,
        at: nowIso(),
      });
    } catch (err) {
      // The refusal itself cannot be written: the file waits and is looked at again later.
      if (this.waitForStorage(err, sourcePath, sourceId, sizeBytes ?? 0)) return;
      throw err;
    }
    this.deps.log.warn({ imageId: id, sourceId }, 'file refused');
    this.deps.events.emit('images.changed', { ids: [id] });
  }

  alreadyTaken(filePath: string, size: number, mtimeMs: number): boolean {
    const s = this.deps.images.sighting(filePath);
    return !!s && s.image_id !== null && s.size_bytes === size && s.mtime_ms === mtimeMs;
  }

  private async run(file: SettledFile, sourceId: string | null, opts: IngestOptions): Promise<IngestResult> {
    const storage = this.deps.storage;
    if (storage && !storage.accepting()) {
      storage.park(sourceId, file.path, file.size);
      return { kind: 'waiting' };
    }
    try {
      const hash = sha256(file.bytes);
      // The same bytes arriving twice at once (a file reported again while it was being taken in,
      // a copy in another folder, the same photo on two cameras) wait for the first one and then
      // count as a duplicate.
      return await this.once(hash, (existing) => this.recordDuplicate(file, hash, existing), () => this.takeIn(file, sourceId, hash, opts));
    } catch (err) {
      if (this.waitForStorage(err, file.path, sourceId, file.size)) return { kind: 'waiting' };
      const reason =
        err instanceof UnreadableFileError
          ? err.message
          : `The file could not be taken in because of an unexpected error (${(err as Error).name}). It was left untouched; see the log.`;
      if (!(err instanceof UnreadableFileError)) this.deps.log.error({ err: (err as Error).message, sourceId }, 'ingest failed');
      this.refuse(file.path, sourceId, reason, file.size);
      return { kind: 'refused' };
    }
  }

  private runReceived(obj: ReceivedObject): Promise<IngestResult> {
    const hash = obj.sha256;
    return this.once(hash, (existing) => existing.id, async () => {
      const read = await readImage(obj.compact, obj.fileName, this.deps.fileNameRules(), { dicom: obj.parsed });
      return this.store({ hash, sizeBytes: obj.sizeBytes, sourceId: null, sourcePath: obj.sourcePath, fileName: obj.fileName, completeAt: obj.completeAt, read, original: null, dicom: obj.dicom });
    });
  }

  /**
   * One image per content hash: waits for an ingest of the same bytes already under way, then
   * either names the image those bytes already are (`known`) or runs `takeIn` as the one in flight.
   */
  private async once(hash: string, known: (existing: { id: string; file_name: string }) => string, takeIn: () => Promise<string>): Promise<IngestResult> {
    for (let first = this.inFlight.get(hash); first; first = this.inFlight.get(hash)) await first;
    const existing = this.deps.images.bySha(hash);
    if (existing) return { kind: 'known', imageId: known(existing), sha256: hash };
    const work = takeIn();
    this.inFlight.set(hash, work.then(() => undefined, () => undefined));
    try {
      return { kind: 'new', imageId: await work, sha256: hash };
    } finally {
      this.inFlight.delete(hash);
    }
  }

  /** A write failure of the data folder: the file waits (true). Anything else is the file's problem (false). */
  private waitForStorage(err: unknown, filePath: string, sourceId: string | null, size: number): boolean {
    const kind = writeFailureKind(err);
    const storage = this.deps.storage;
    if (!kind || !storage) return false;
    this.deps.log.warn({ code: (err as { code?: string }).code, sourceId }, 'file waits: the data folder cannot be written');
    storage.writeFailed(err, kind);
    storage.park(sourceId, filePath, size);
    return true;
  }

  /**
   * Same bytes seen before (a copy, a re-export, a rescan): one image, one more sighting. A file
   * that was not already a sighting of this image is told to the operator (images.duplicate), so
   * it never vanishes silently; a rescan of the same file says nothing.
   */
  private recordDuplicate(file: SettledFile, hash: string, existing: { id: string; file_name: string }): string {
    const { images, events } = this.deps;
    const imageId = existing.id;
    const hadError = !!images.errorForPath(file.path);
    const newFile = images.sighting(file.path)?.image_id !== imageId;
    images.transaction(() => {
      images.recordSighting({ path: file.path, sizeBytes: file.size, mtimeMs: file.mtimeMs, sha256: hash, imageId, at: nowIso() });
      images.clearErrorForPath(file.path);
    });
    if (hadError) events.emit('images.changed', { ids: [imageId] });
    if (newFile) events.emit('images.duplicate', { imageId, fileName: path.basename(file.path), sameAs: existing.file_name, at: nowIso() });
    return imageId;
  }

  private async takeIn(file: SettledFile, sourceId: string | null, hash: string, opts: IngestOptions): Promise<string> {
    const fileName = path.basename(file.path);
    const rules = opts.fileNameRules?.length ? [...opts.fileNameRules, ...this.deps.fileNameRules()] : this.deps.fileNameRules();
    const read = withCardTime(await readImage(file.bytes, fileName, rules, { dicom: file.dicom }), opts.cardTime);
    return this.store({
      hash,
      sizeBytes: file.size,
      sourceId,
      sourcePath: file.path,
      fileName,
      completeAt: file.completeAt,
      read,
      original: file,
      ...(opts.dicom && { dicom: opts.dicom }),
    });
  }

  /**
   * Thumbnail + quality from the one decode, the spool copy (unless it is there already), then one
   * transaction for the row, its sighting and the imageStored hooks; the event after the commit.
   */
  private async store(input: {
    hash: string;
    sizeBytes: number;
    sourceId: string | null;
    sourcePath: string;
    fileName: string;
    completeAt: number;
    read: ReadImageResult;
    /** A folder or camera file (written to the spool here, and sighted); null: already in the spool. */
    original: SettledFile | null;
    dicom?: DicomOrigin;
  }): Promise<string> {
    const { images, spool, events, log } = this.deps;
    const { hash, sourceId, fileName, original } = input;
    const { facts, preview } = input.read;
    const at = nowIso();
    let thumbnail: Buffer | null = null;
    let quality = null;
    let previewNote: string | null = null;
    if (preview.kind === 'none') {
      previewNote = preview.reason;
    } else {
      try {
        ({ thumbnail, quality } = await renderPreview(preview, this.deps.assessQuality));
      } catch (err) {
        if (facts.format !== 'dicom') throw new UnreadableFileError('damaged-image', damagedMessage(facts.format));
        // A valid DICOM whose pixels we cannot draw is still a clinical record: keep it.
        previewNote = 'No preview: the picture inside this DICOM file could not be drawn. The file is kept and will be sent as it is.';
        log.warn({ code: (err as Error).name }, 'dicom preview failed');
      }
    }

    const id = newId();
    try {
      // allSettled: both writes have ended before a failure is cleaned up below.
      const puts = await Promise.allSettled([original ? spool.put(hash, original.bytes) : null, thumbnail ? spool.put(hash, thumbnail, 'thumb') : null]);
      for (const p of puts) if (p.status === 'rejected') throw p.reason;
      images.transaction(() => {
        images.insertReady({
          id,
          sha256: hash,
          sourceId,
          sourcePath: input.sourcePath,
          fileName,
          sizeBytes: input.sizeBytes,
          facts,
          preview: thumbnail ? 'ok' : 'none',
          previewNote,
          quality,
          ingestedAt: at,
          completeAt: new Date(input.completeAt).toISOString(),
        });
        if (original) images.recordSighting({ path: original.path, sizeBytes: original.size, mtimeMs: original.mtimeMs, sha256: hash, imageId: id, at });
        images.clearErrorForPath(input.sourcePath);
        for (const hook of this.deps.hooks.imageStored) hook({ id, facts, fileName, sourceId, ...(input.dicom && { dicom: input.dicom }) });
      });
    } catch (err) {
      // Nothing half-stored: a spool copy that no row references goes (one write of the pair may
      // have succeeded, or the row insert failed with SQLITE_FULL after both). An object that was
      // already in the spool (received over DICOM and acknowledged) stays: it is taken in again.
      if (original && !images.bySha(hash)) await spool.remove(hash).catch(() => undefined);
      throw err;
    }
    log.info({ imageId: id, sha: hash.slice(0, 12), sourceId, format: facts.format, ms: Date.now() - input.completeAt, decodes: decodeStats().started }, 'image taken in');
    events.emit('images.changed', { ids: [id] });
    if (sourceId) this.tellSource(sourceId);
    return id;
  }
}

/** A photo without a capture time of its own takes its time on the camera card, when it came from one. */
function withCardTime(read: ReadImageResult, cardTime: number | undefined): ReadImageResult {
  if (read.facts.takenAt !== null || cardTime === undefined || !Number.isFinite(cardTime) || cardTime <= 0) return read;
  return { ...read, facts: { ...read.facts, takenAt: new Date(cardTime).toISOString(), takenOffset: null } };
}

function damagedMessage(format: string): string {
  const what = format === 'jpeg' ? 'JPEG photo' : `${format.toUpperCase()} image`;
  return `The ${what} is damaged: its picture data cannot be read. Check the photo on the camera and export or take it again.`;
}
