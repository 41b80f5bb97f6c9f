// The outbox: jobs as rows in SQLite (schema: migrations/003-sync.ts), and the sync columns of
// `images` (blob_name, sync_state, uploaded_at, md5). This file is their one writer: every
// statement that changes them is here. The job runner (jobs/runner.ts) and the kinds
// (sync/upload-blob.ts, sync/submit-order.ts) decide when to call them.
//
// - Jobs are created inside the transaction that completes an exam (enqueueExam, from the
//   examCompleted hook), so "complete" and "queued" commit together or not at all.
// - A job is claimed in a transaction (state 'running'), done idempotently by its kind, and
//   finished in a transaction that also updates what depends on it (the image's sync state, the
//   order's status). A crash leaves 'running' rows; recoverInterrupted() puts them back.
// - Every finishing statement is guarded by `state = 'running'`, so a job cancelled or reset
//   meanwhile is never marked done by a late answer.
// - images.md5 is written only here: taken at the first upload (setMd5), dropped after Md5Mismatch.
import type { Database, Statement } from 'better-sqlite3';
import { blobExtensionFor, blobNameFor, SENDABLE_FORMATS } from '../../../shared/blob-names.ts';
import type { ImageSyncState } from '../../../shared/sync.ts';

/**
 * `format IN (...)`: only photos the platform takes are queued, waited for or named in an order; a
 * TIFF or PNG is told to the operator at intake instead (shared/blob-names.ts unsendableMessage).
 */
const SENDABLE_SQL = `(${SENDABLE_FORMATS.map((f) => `'${f}'`).join(', ')})`;

/** A photo an exam sends: ready, not rejected, in a format the platform takes. `a`: the images alias with its dot ('i.'). */
export const sendablePhotoSql = (a = ''): string => `${a}status = 'ready' AND ${a}rejected_reason IS NULL AND ${a}format IN ${SENDABLE_SQL}`;

/**
 * sync_jobs.kind (the CHECK of migration 003, widened by 007). A new kind adds its name here and in a
 * migration. 'forward-pacs': one image to one PACS route (its jobs' SQL is in store/pacs.ts).
 */
export type JobKind = 'upload-image' | 'submit-order' | 'forward-pacs';
export type JobState = 'waiting' | 'running' | 'retry-wait' | 'done' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  kind: JobKind;
  subject_id: string;
  revision: number;
  state: JobState;
  attempts: number;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_error: string | null;
  last_error_code: string | null;
  last_error_status: number | null;
  last_error_kind: string | null;
  bytes: number | null;
  payload: string | null;
  outcome: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
  done_at: string | null;
  /** The PACS route a 'forward-pacs' job sends to (migration 007); null for the other kinds. */
  route_id?: string | null;
}

export type { ImageSyncState };

/** What a failed attempt leaves on the row. */
export interface JobFailure {
  kind: 'retry' | 'auth' | 'fatal';
  message: string;
  code?: string | null;
  status?: number | null;
}

/** The sync columns of `images` (migration 003), written only by this file. */
export interface ImageSyncColumns {
  /** `<uuid>.jpg|.dcm`, chosen once when the first upload job is queued. */
  blob_name: string | null;
  /** Mirrors the upload job; null when not queued. */
  sync_state: ImageSyncState | null;
  uploaded_at: string | null;
  /** Hex MD5 of the spool file: written by ingest with the row, dropped here after an Md5Mismatch. */
  md5: string | null;
}

/** Kinds whose subject is an image whose sync_state mirrors the job. */
const MIRRORED_IN_IMAGES: ReadonlySet<JobKind> = new Set<JobKind>(['upload-image']);

const IMAGE_STATE_FOR: Record<JobState, ImageSyncState | null> = {
  waiting: 'waiting',
  running: 'uploading',
  'retry-wait': 'retry-wait',
  done: 'uploaded',
  failed: 'failed',
  cancelled: null,
};

export interface EnqueueResult {
  /** Images whose upload job was created or re-activated. */
  imageIds: string[];
  /** Images already uploaded (by an earlier revision): nothing to do. */
  alreadyUploaded: number;
  orderJobId: string | null;
}

export class Outbox {
  readonly db: Database;
  private readonly newId: () => string;
  private readonly s: Record<string, Statement>;

  constructor(db: Database, newId: () => string) {
    this.db = db;
    this.newId = newId;
    this.s = {
      examImages: db.prepare(`SELECT id, format, blob_name FROM images
        WHERE order_id = ? AND ${sendablePhotoSql()} ORDER BY taken_at, ingested_at, id`),
      setBlobName: db.prepare('UPDATE images SET blob_name = ? WHERE id = ? AND blob_name IS NULL'),
      uploadJobFor: db.prepare(`SELECT * FROM sync_jobs WHERE kind = 'upload-image' AND subject_id = ?`),
      insertJob: db.prepare(`INSERT INTO sync_jobs (id, kind, subject_id, revision, state, attempts, next_attempt_at, created_at, updated_at)
        VALUES (@id, @kind, @subjectId, @revision, 'waiting', 0, @at, @at, @at)`),
      reactivate: db.prepare(`UPDATE sync_jobs SET state = 'waiting', attempts = 0, next_attempt_at = @at, payload = NULL,
          last_error = NULL, last_error_code = NULL, last_error_status = NULL, last_error_kind = NULL, updated_at = @at
        WHERE id = @id AND state IN ('cancelled', 'failed')`),
      orderJobFor: db.prepare(`SELECT * FROM sync_jobs WHERE kind = 'submit-order' AND subject_id = ? AND revision = ?`),
      setImageState: db.prepare('UPDATE images SET sync_state = ? WHERE id = ?'),
      // An order job whose body has been built (payload set) may have reached the platform: it is
      // never withdrawn, it is sent to the end (same key, same body). A failed one was refused (4xx).
      cancelOrderJobs: db.prepare(`UPDATE sync_jobs SET state = 'cancelled', updated_at = ?
        WHERE kind = 'submit-order' AND subject_id = ? AND (state = 'failed' OR (state IN ('waiting', 'retry-wait') AND payload IS NULL))`),
      cancelEarlierFailedOrders: db.prepare(`UPDATE sync_jobs SET state = 'cancelled', updated_at = ?
        WHERE kind = 'submit-order' AND subject_id = ? AND revision < ? AND state = 'failed'`),
      acceptedBefore: db.prepare(`SELECT 1 FROM sync_jobs WHERE kind = 'submit-order' AND subject_id = ? AND revision < ? AND state = 'done' LIMIT 1`),
      pendingUploadsOfOrder: db.prepare(`SELECT j.id, j.subject_id FROM sync_jobs j JOIN images i ON i.id = j.subject_id
        WHERE j.kind = 'upload-image' AND i.order_id = ? AND j.state IN ('waiting', 'retry-wait', 'failed')`),
      cancelJob: db.prepare(`UPDATE sync_jobs SET state = 'cancelled', updated_at = ? WHERE id = ? AND state IN ('waiting', 'retry-wait', 'failed')`),
      recover: db.prepare(`UPDATE sync_jobs SET state = 'waiting', updated_at = ? WHERE state = 'running'`),
      recoverImages: db.prepare(`UPDATE images SET sync_state = 'waiting' WHERE sync_state = 'uploading'`),
      due: db.prepare(`SELECT * FROM sync_jobs WHERE kind = ? AND state IN ('waiting', 'retry-wait')
          AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?`),
      // Due; every photo it will name confirmed in storage (a body already built names only photos
      // that were); and no earlier revision of the exam still on its way (it goes first, so that
      // this one's NW/XO is decided on what the platform has answered).
      readyOrder: db.prepare(`SELECT * FROM sync_jobs j WHERE j.kind = 'submit-order' AND j.state IN ('waiting', 'retry-wait')
          AND j.next_attempt_at <= ?
          AND (j.payload IS NOT NULL
            OR NOT EXISTS (SELECT 1 FROM images i WHERE i.order_id = j.subject_id AND ${sendablePhotoSql('i.')} AND i.uploaded_at IS NULL))
          AND NOT EXISTS (SELECT 1 FROM sync_jobs e WHERE e.kind = 'submit-order' AND e.subject_id = j.subject_id AND e.revision < j.revision
            AND e.state IN ('waiting', 'running', 'retry-wait'))
        ORDER BY j.next_attempt_at, j.created_at LIMIT 1`),
      imagesNotUploaded: db.prepare(`SELECT count(*) AS n FROM images
        WHERE order_id = ? AND ${sendablePhotoSql()} AND uploaded_at IS NULL`),
      claim: db.prepare(`UPDATE sync_jobs SET state = 'running', last_attempt_at = @at, updated_at = @at
        WHERE id = @id AND state IN ('waiting', 'retry-wait')`),
      setPayload: db.prepare('UPDATE sync_jobs SET payload = ?, bytes = coalesce(?, bytes) WHERE id = ?'),
      finishDone: db.prepare(`UPDATE sync_jobs SET state = 'done', outcome = @outcome, result = @result, bytes = coalesce(@bytes, bytes),
          attempts = 0, last_error = NULL, last_error_code = NULL, last_error_status = NULL, last_error_kind = NULL,
          done_at = @at, updated_at = @at
        WHERE id = @id AND state = 'running'`),
      imageUploaded: db.prepare(`UPDATE images SET sync_state = 'uploaded', uploaded_at = coalesce(uploaded_at, ?) WHERE id = ?`),
      orderSent: db.prepare(`UPDATE orders SET status = 'sent', updated_at = ? WHERE id = ? AND revision = ? AND status = 'complete'`),
      finishFailed: db.prepare(`UPDATE sync_jobs SET state = @state, attempts = attempts + @count, next_attempt_at = @next,
          last_error = @message, last_error_code = @code, last_error_status = @status, last_error_kind = @kind, updated_at = @at
        WHERE id = @id AND state = 'running'`),
      retryFailed: db.prepare(`UPDATE sync_jobs SET state = 'waiting', attempts = 0, next_attempt_at = @at, updated_at = @at
        WHERE id = @id AND state = 'failed'`),
      allFailed: db.prepare(`SELECT id, kind, subject_id FROM sync_jobs WHERE state = 'failed'`),
      jobById: db.prepare('SELECT * FROM sync_jobs WHERE id = ?'),
      dueNow: db.prepare(`UPDATE sync_jobs SET next_attempt_at = @at, updated_at = @at
        WHERE kind = @kind AND state = 'retry-wait' AND next_attempt_at > @at`),
      earliest: db.prepare(`SELECT min(next_attempt_at) AS t FROM sync_jobs WHERE kind = ? AND state IN ('waiting', 'retry-wait') AND next_attempt_at > ?`),
      cancelRunning: db.prepare(`UPDATE sync_jobs SET state = 'cancelled', updated_at = ? WHERE id = ? AND state = 'running'`),
      setMd5: db.prepare('UPDATE images SET md5 = ? WHERE id = ? AND sha256 = ? AND md5 IS NULL'),
      clearMd5: db.prepare('UPDATE images SET md5 = NULL WHERE id = ?'),
      pending: db.prepare(`SELECT kind, count(*) AS n FROM sync_jobs WHERE state IN ('waiting', 'running', 'retry-wait') GROUP BY kind`),
      counts: db.prepare('SELECT kind, state, count(*) AS n FROM sync_jobs GROUP BY kind, state'),
      nextAttempt: db.prepare(`SELECT min(next_attempt_at) AS t FROM sync_jobs WHERE state = 'retry-wait' AND next_attempt_at > ?`),
    };
  }

  /**
   * Queues an exam's sync work. Call inside the transaction that completes the exam (the
   * examCompleted hook): one upload job per non-rejected photo that is not uploaded yet, and one
   * order job for this revision. Photos uploaded by an earlier revision are not sent again.
   */
  enqueueExam(orderId: string, revision: number, at = new Date().toISOString()): EnqueueResult {
    const run = (): EnqueueResult => {
      const images = this.s.examImages!.all(orderId) as { id: string; format: string | null; blob_name: string | null }[];
      const imageIds: string[] = [];
      let alreadyUploaded = 0;
      for (const img of images) {
        // Chosen once, never changed: a retry after a crash must target the same name.
        const ext = blobExtensionFor(img.format);
        if (!img.blob_name && ext) this.s.setBlobName!.run(blobNameFor(img.id, ext), img.id);
        const job = this.s.uploadJobFor!.get(img.id) as JobRow | undefined;
        if (!job) {
          this.s.insertJob!.run({ id: this.newId(), kind: 'upload-image', subjectId: img.id, revision: 0, at });
        } else if (job.state === 'cancelled' || job.state === 'failed') {
          this.s.reactivate!.run({ id: job.id, at });
        } else {
          if (job.state === 'done') alreadyUploaded++;
          continue; // waiting, running or retrying already; or done
        }
        this.s.setImageState!.run('waiting', img.id);
        imageIds.push(img.id);
      }
      let orderJobId: string | null = null;
      const existing = this.s.orderJobFor!.get(orderId, revision) as JobRow | undefined;
      if (!existing) {
        orderJobId = this.newId();
        this.s.insertJob!.run({ id: orderJobId, kind: 'submit-order', subjectId: orderId, revision, at });
      } else {
        orderJobId = existing.id;
        this.s.reactivate!.run({ id: existing.id, at });
      }
      return { imageIds, alreadyUploaded, orderJobId };
    };
    return this.db.inTransaction ? run() : this.db.transaction(run)();
  }

  /**
   * The exam was reopened: what was queued for it and has not started is cancelled (it is queued
   * again, as a new revision, when the exam is completed again). Work already running finishes;
   * an upload that finishes is kept, an order answer for the old revision does not mark it sent.
   * An order job already attempted (its body built and perhaps received) is not withdrawn: it
   * finishes first, and the next revision is then sent as XO (see readyOrder).
   */
  cancelExam(orderId: string, at = new Date().toISOString()): { imageIds: string[]; orders: number } {
    const run = () => {
      const orders = this.s.cancelOrderJobs!.run(at, orderId).changes;
      const pending = this.s.pendingUploadsOfOrder!.all(orderId) as { id: string; subject_id: string }[];
      const imageIds: string[] = [];
      for (const p of pending) {
        if (this.s.cancelJob!.run(at, p.id).changes) {
          this.s.setImageState!.run(null, p.subject_id);
          imageIds.push(p.subject_id);
        }
      }
      return { imageIds, orders };
    };
    return this.db.inTransaction ? run() : this.db.transaction(run)();
  }

  /** At start: jobs left 'running' by a crash or a kill are simply done again. */
  recoverInterrupted(at = new Date().toISOString()): number {
    return this.db.transaction(() => {
      const n = this.s.recover!.run(at).changes;
      this.s.recoverImages!.run();
      return n;
    })();
  }

  /** Claims up to `limit` due jobs of a kind (state 'running') in one transaction, oldest due first. */
  claimDue(kind: JobKind, limit: number, now = new Date().toISOString()): JobRow[] {
    if (limit <= 0) return [];
    return this.claimSelected(() => this.s.due!.all(kind, now, limit) as JobRow[], now);
  }

  /**
   * Claims the jobs `select` picks (a kind's own due rule, e.g. store/pacs.ts dueForwards), in the
   * same transaction as the pick; a job claimed meanwhile is left out.
   */
  claimSelected(select: () => JobRow[], now = new Date().toISOString()): JobRow[] {
    return this.db.transaction(() => {
      const due = select();
      const claimed: JobRow[] = [];
      for (const job of due) {
        if (this.s.claim!.run({ id: job.id, at: now }).changes) {
          this.mirror(job, 'running');
          claimed.push({ ...job, state: 'running', last_attempt_at: now });
        }
      }
      return claimed;
    })();
  }

  /** Claims up to `limit` due uploads. */
  claimUploads(limit: number, now = new Date().toISOString()): JobRow[] {
    return this.claimDue('upload-image', limit, now);
  }

  /**
   * Claims the next due order job whose images are all confirmed in storage (image first: the
   * order must never name an image that is not there). Null when none is ready.
   */
  claimOrder(now = new Date().toISOString()): JobRow | null {
    return this.db.transaction(() => {
      const job = this.s.readyOrder!.get(now) as JobRow | undefined;
      if (!job || !this.s.claim!.run({ id: job.id, at: now }).changes) return null;
      // A newer revision goes out: an older one the platform refused must not be retried after it.
      if (job.payload === null) this.s.cancelEarlierFailedOrders!.run(now, job.subject_id, job.revision);
      return { ...job, state: 'running' as const, last_attempt_at: now };
    })();
  }

  /** Whether the platform accepted (2xx) an order job of an earlier revision of this exam: XO, else NW. */
  orderAcceptedBefore(orderId: string, revision: number): boolean {
    return this.s.acceptedBefore!.get(orderId, revision) !== undefined;
  }

  /** Non-rejected photos of the exam not yet confirmed in storage. */
  imagesLeft(orderId: string): number {
    return (this.s.imagesNotUploaded!.get(orderId) as { n: number }).n;
  }

  /** Fixes what an attempt sends (blob name and metadata, or the order body) for every later attempt. */
  setPayload(jobId: string, payload: unknown, bytes: number | null = null): void {
    this.s.setPayload!.run(JSON.stringify(payload), bytes, jobId);
  }

  /** The upload is in storage (created now, or 409: an earlier attempt created it). */
  markUploaded(job: JobRow, outcome: 'created' | 'already-there', bytes: number, at = new Date().toISOString()): boolean {
    return this.db.transaction(() => {
      const changed = this.s.finishDone!.run({ id: job.id, outcome, result: null, bytes, at }).changes > 0;
      // Even when the job was reset meanwhile, the blob is there: record that.
      this.s.imageUploaded!.run(at, job.subject_id);
      return changed;
    })();
  }

  /** A job done whose effect nothing else here records (a kind's own result goes in `result`, JSON). */
  markDone(job: JobRow, outcome: string, result?: unknown, at = new Date().toISOString()): boolean {
    return this.s.finishDone!.run({ id: job.id, outcome, result: result === undefined ? null : JSON.stringify(result), bytes: null, at }).changes > 0;
  }

  /**
   * The order service accepted the order (or, order first, every photo is in storage). The order
   * becomes 'sent' only if it is still complete at this revision (not reopened meanwhile).
   */
  markOrderDone(job: JobRow, outcome: string, result: unknown, at = new Date().toISOString()): { sent: boolean } {
    return this.db.transaction(() => {
      this.s.finishDone!.run({ id: job.id, outcome, result: result === undefined ? null : JSON.stringify(result), bytes: null, at });
      const sent = this.s.orderSent!.run(at, job.subject_id, job.revision).changes > 0;
      return { sent };
    })();
  }

  /**
   * - retry: 'retry-wait' until `nextAttemptAt`, one more attempt counted;
   * - auth / stopped: back to 'waiting' without counting (the queue is paused, not the job);
   * - fatal: 'failed' until a person retries it.
   */
  markFailed(job: JobRow, failure: JobFailure | null, nextAttemptAt: string, at = new Date().toISOString()): void {
    const state: JobState = failure === null || failure.kind === 'auth' ? 'waiting' : failure.kind === 'retry' ? 'retry-wait' : 'failed';
    this.db.transaction(() => {
      this.s.finishFailed!.run({
        id: job.id,
        state,
        count: failure === null || failure.kind === 'auth' ? 0 : 1,
        next: nextAttemptAt,
        message: failure?.message ?? job.last_error,
        code: failure ? (failure.code ?? null) : job.last_error_code,
        status: failure ? (failure.status ?? null) : job.last_error_status,
        kind: failure ? failure.kind : job.last_error_kind,
        at,
      });
      this.mirror(job, state);
    })();
  }

  /** A person asks to try failed jobs again (one, or all when no id). Returns what was reset. */
  retryFailed(jobId?: string, at = new Date().toISOString()): JobRow[] {
    return this.db.transaction(() => {
      const jobs = jobId ? [this.s.jobById!.get(jobId) as JobRow | undefined].filter((j): j is JobRow => !!j && j.state === 'failed') : (this.s.allFailed!.all() as JobRow[]);
      const reset: JobRow[] = [];
      for (const j of jobs) {
        if (this.s.retryFailed!.run({ id: j.id, at }).changes) {
          this.mirror(j, 'waiting');
          reset.push(j);
        }
      }
      return reset;
    })();
  }

  /** Connectivity is back: jobs waiting out a backoff of this kind may go now. */
  makeDueNow(kind: JobKind, at = new Date().toISOString()): number {
    return this.s.dueNow!.run({ kind, at }).changes;
  }

  /** When the next job of this kind that is not due yet becomes due (ISO), or null. */
  earliestDue(kind: JobKind, now = new Date().toISOString()): string | null {
    return (this.s.earliest!.get(kind, now) as { t: string | null }).t;
  }

  /** A claimed job that no longer applies (its exam was reopened and changed meanwhile). */
  markCancelled(job: JobRow, at = new Date().toISOString()): void {
    this.s.cancelRunning!.run(at, job.id);
  }

  job(id: string): JobRow | undefined {
    return this.s.jobById!.get(id) as JobRow | undefined;
  }

  /** Jobs not finished (waiting, running or retrying) per kind; failed ones wait for a person. */
  pendingByKind(): Partial<Record<JobKind, number>> {
    const out: Partial<Record<JobKind, number>> = {};
    for (const r of this.s.pending!.all() as { kind: JobKind; n: number }[]) out[r.kind] = r.n;
    return out;
  }

  /** How many jobs per kind and state. */
  counts(): { kind: JobKind; state: JobState; n: number }[] {
    return this.s.counts!.all() as { kind: JobKind; state: JobState; n: number }[];
  }

  /** The next time a job waiting out a backoff becomes due (ISO), or null. */
  nextAttemptAt(now = new Date().toISOString()): string | null {
    return (this.s.nextAttempt!.get(now) as { t: string | null }).t;
  }

  /** The MD5 computed before an upload (checked against the row's SHA-256), when the row has none. */
  setMd5(imageId: string, sha256: string, md5Hex: string): void {
    this.s.setMd5!.run(md5Hex, imageId, sha256);
  }

  /** The service got other bytes than the MD5 says: drop it, so the next attempt checks the spool copy again. */
  clearMd5(imageId: string): void {
    this.s.clearMd5!.run(imageId);
  }

  /** The image's sync_state follows its upload job. */
  private mirror(job: Pick<JobRow, 'kind' | 'subject_id'>, state: JobState): void {
    if (MIRRORED_IN_IMAGES.has(job.kind)) this.s.setImageState!.run(IMAGE_STATE_FOR[state], job.subject_id);
  }
}
