// The sync engine: runs the outbox. Parallel uploads (the settings' concurrency, an optional
// bandwidth cap shared by all), then each exam's order once every photo it names is confirmed in
// storage (image first). Failures are handled by kind:
// - retry (network, timeout, 408/429/5xx): the job waits out a backoff with full jitter (capped at
//   minutes). A network failure also marks the service offline: nothing more is tried there
//   until a cheap reachability check (one HEAD to the service's origin, no credentials) gets any
//   answer, and then everything waiting goes at once.
// - auth (401/403, expired SAS, missing container): the whole lane for that service pauses with a
//   plain message, no retry storm; it resumes when the settings are saved again (or on Resume,
//   and one job every authRecheckMs checks whether IT fixed it on their side).
// - fatal (other 4xx, a damaged spool file): that job fails with its reason; a person retries it.
// The service's Date header is compared with the local clock; a skew of minutes is reported.
import type { Database } from 'better-sqlite3';
import type { Logger } from '../logger.ts';
import { clockSkewAdvice, createBlobUploader, type BlobUploader, type BlobUploaderOptions } from './blob-uploader.ts';
import { buildBlobMetadata, contentTypeFor } from './blob-metadata.ts';
import { parseConnectionString } from './connection-string.ts';
import { createDigester, type Digester } from './digest-pool.ts';
import { buildOrderRequest, idempotencyKey, orderControlCodeFor, type OrderExam, type OrderRequest } from './order-request.ts';
import { submitOrder, type OrderReceipt } from './order-submit.ts';
import { blobExtensionFor, type JobKind, type JobRow, type Outbox } from './outbox.ts';
import { clockSkewMs, isClockSkewReportable, nextAttemptDelayMs } from './retry-policy.ts';
import { isSyncError, safeCode, storageFailure, SyncError } from './sync-error.ts';
import type { ResolvedCloudSettings } from './cloud-settings.ts';
import { formatTaken } from './order-request.ts';
import type { SyncProblem, SyncService } from '../../../shared/sync.ts';
import type { QueueSummaryView, SyncJobView } from '../../../shared/contract/sync.ts';

export interface SyncTiming {
  /** Backoff base and cap for retries (full jitter). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** How often an offline service is checked for reachability. */
  reachabilityIntervalMs: number;
  /** How often a lane paused by a credentials problem tries one job (IT may fix it on their side). */
  authRecheckMs: number;
  /** Whole order POST, answer included. */
  orderTimeoutMs: number;
  /** An upload without progress for this long is aborted and retried. */
  stallTimeoutMs: number;
  /** Least time between two 'sync.changed' events. */
  eventThrottleMs: number;
}

export const DEFAULT_TIMING: SyncTiming = {
  backoffBaseMs: 2_000,
  backoffCapMs: 5 * 60_000,
  reachabilityIntervalMs: 10_000,
  authRecheckMs: 10 * 60_000,
  orderTimeoutMs: 30_000,
  stallTimeoutMs: 60_000,
  eventThrottleMs: 250,
};

/** Pauses that outlive a restart: the operator's, and a lane's credentials problem. */
export interface PauseState {
  operator: boolean;
  storage: SyncProblem | null;
  orders: SyncProblem | null;
}

export interface PauseStore {
  load(): PauseState;
  save(state: PauseState): void;
}

export type SyncEmit = (event: 'sync.changed' | 'images.changed' | 'orders.changed', payload: { ids?: string[] }) => void;

export interface SyncEngineDeps {
  db: Database;
  outbox: Outbox;
  spoolPath: (sha256: string) => string;
  log: Logger;
  settings: () => ResolvedCloudSettings | null;
  pauses: PauseStore;
  emit: SyncEmit;
  timing?: Partial<SyncTiming>;
  createUploader?: (options: BlobUploaderOptions) => BlobUploader;
  /** True when anything answers at `url` (any HTTP status); default: a HEAD with a 5 s timeout. */
  reachable?: (url: string) => Promise<boolean>;
  /** The station's operator name for the audit trail when an order is sent. */
  onOrderSent?: (db: Database, info: { orderId: string; revision: number; platformOrderId: string | null; outcome: string }) => void;
  random?: () => number;
}

interface Running {
  job: JobRow;
  abort: AbortController;
  /** Stopped on purpose (pause, close): goes back to waiting without counting an attempt. */
  stopped: boolean;
  sent: number;
  total: number;
  startedAt: number;
  done: Promise<void>;
}

interface Lane {
  service: SyncService;
  offline: boolean;
  offlineSince: string | null;
  checking: boolean;
  checkTimer: ReturnType<typeof setTimeout> | null;
  /** Last time a job was let through to recheck a credentials pause. */
  authProbeAt: number;
  lastError: SyncProblem | null;
}

const KIND_OF: Record<SyncService, JobKind> = { storage: 'upload-image', orders: 'submit-order' };

async function defaultReachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return true; // any answer at all: the service is reachable again
  } catch {
    return false;
  }
}

interface ImageForUpload {
  id: string;
  sha256: string | null;
  md5: string | null;
  format: string | null;
  status: string;
  blob_name: string | null;
  size_bytes: number | null;
  laterality: 'OD' | 'OS' | null;
  eye: 'OD' | 'OS' | null;
  taken_at: string | null;
  taken_offset: string | null;
  rejected_reason: string | null;
  order_id: string | null;
  patient_id: string | null;
  o_patient_id: string | null;
  o_external_order_id: string | null;
  o_accession_number: string | null;
  o_id: string | null;
}

interface UploadPayload {
  blobName: string;
  contentType: string;
  metadata: Record<string, string>;
}

/** Bytes per second over a sliding window, from progress reports (100 ms buckets: O(1) per report). */
class SpeedMeter {
  private readonly buckets: { t: number; bytes: number }[] = [];
  private readonly windowMs: number;
  constructor(windowMs = 5_000) {
    this.windowMs = windowMs;
  }
  add(bytes: number, t = Date.now()): void {
    if (bytes <= 0) return;
    const slot = t - (t % 100);
    const last = this.buckets.at(-1);
    if (last && last.t === slot) last.bytes += bytes;
    else {
      this.buckets.push({ t: slot, bytes });
      this.trim(t);
    }
  }
  private trim(t: number): void {
    while (this.buckets.length && this.buckets[0]!.t < t - this.windowMs) this.buckets.shift();
  }
  rate(t = Date.now()): number | null {
    this.trim(t);
    if (!this.buckets.length) return null;
    const total = this.buckets.reduce((n, s) => n + s.bytes, 0);
    const span = Math.max(1_000, t - this.buckets[0]!.t);
    return Math.round((total * 1000) / span);
  }
}

export class SyncEngine {
  private readonly d: SyncEngineDeps;
  private readonly timing: SyncTiming;
  private readonly running = new Map<string, Running>();
  private readonly lanes: Record<SyncService, Lane>;
  private pauses: PauseState;
  private uploader: { version: number; value: BlobUploader } | null = null;
  private readonly meter = new SpeedMeter();
  private digester: Digester | null = null;
  private readonly prehashQueue: string[] = [];
  private prehashing = false;
  private pumpScheduled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private started = false;
  private closed = false;
  private lastSuccessAt: string | null = null;
  /** Service clock minus ours, per service, when large enough to matter. */
  private readonly skew: Record<SyncService, number | null> = { storage: null, orders: null };
  private readonly skewLogged: Record<SyncService, boolean> = { storage: false, orders: false };
  // Events: throttled 'sync.changed', batched 'images.changed'.
  private changedTimer: ReturnType<typeof setTimeout> | null = null;
  private lastChangedAt = 0;
  private changedImages = new Set<string>();
  private readonly stmts;

  constructor(deps: SyncEngineDeps) {
    this.d = deps;
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    const lane = (service: SyncService): Lane => ({
      service,
      offline: false,
      offlineSince: null,
      checking: false,
      checkTimer: null,
      authProbeAt: 0,
      lastError: null,
    });
    this.lanes = { storage: lane('storage'), orders: lane('orders') };
    this.pauses = deps.pauses.load();
    const db = deps.db;
    this.stmts = {
      imageForUpload: db.prepare<[string], ImageForUpload>(`SELECT i.id, i.sha256, i.md5, i.format, i.status, i.blob_name, i.size_bytes,
          i.laterality, i.eye, i.taken_at, i.taken_offset, i.rejected_reason, i.order_id, i.patient_id,
          o.id AS o_id, o.patient_id AS o_patient_id, o.external_order_id AS o_external_order_id, o.accession_number AS o_accession_number
        FROM images i LEFT JOIN orders o ON o.id = i.order_id WHERE i.id = ?`),
      order: db.prepare<[string], Record<string, unknown>>('SELECT * FROM orders WHERE id = ?'),
      examImages: db.prepare<[string], Record<string, unknown>>(`SELECT id, blob_name, laterality, eye, taken_at, taken_offset, quality_score, facts
        FROM images WHERE order_id = ? AND status = 'ready' AND rejected_reason IS NULL ORDER BY taken_at, ingested_at, id`),
      examEyes: db.prepare<[string], { eye: 'OD' | 'OS'; best_image_id: string | null; ungradable_reason: string | null }>(
        'SELECT eye, best_image_id, ungradable_reason FROM exam_eyes WHERE order_id = ?',
      ),
      counts: db.prepare<[], { kind: JobKind; state: string; n: number }>('SELECT kind, state, count(*) AS n FROM sync_jobs GROUP BY kind, state'),
      bytesWaiting: db.prepare<[], { b: number | null }>(`SELECT sum(coalesce(j.bytes, i.size_bytes, 0)) AS b FROM sync_jobs j JOIN images i ON i.id = j.subject_id
        WHERE j.kind = 'upload-image' AND j.state IN ('waiting', 'running', 'retry-wait')`),
      blockedOrders: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sync_jobs j WHERE j.kind = 'submit-order' AND j.state IN ('waiting', 'retry-wait')
        AND j.payload IS NULL AND EXISTS (SELECT 1 FROM images i WHERE i.order_id = j.subject_id AND i.status = 'ready' AND i.rejected_reason IS NULL AND i.uploaded_at IS NULL)`),
      nextAttempt: db.prepare<[string], { t: string | null }>(`SELECT min(next_attempt_at) AS t FROM sync_jobs WHERE state = 'retry-wait' AND next_attempt_at > ?`),
      pending: db.prepare<[], { kind: JobKind; n: number }>(`SELECT kind, count(*) AS n FROM sync_jobs WHERE state IN ('waiting', 'running', 'retry-wait') GROUP BY kind`),
      activeJobs: db.prepare<[string, number], Record<string, unknown>>(`SELECT j.*, i.file_name, i.eye, i.laterality, i.size_bytes, i.order_id AS image_order_id,
          o.patient_name, o.patient_id AS order_patient_id
        FROM sync_jobs j
        LEFT JOIN images i ON j.kind = 'upload-image' AND i.id = j.subject_id
        LEFT JOIN orders o ON o.id = CASE WHEN j.kind = 'submit-order' THEN j.subject_id ELSE i.order_id END
        WHERE j.kind = ? AND j.state IN ('waiting', 'running', 'retry-wait', 'failed')
        ORDER BY CASE j.state WHEN 'running' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END, j.next_attempt_at, j.created_at LIMIT ?`),
      recentJobs: db.prepare<[string, number], Record<string, unknown>>(`SELECT j.*, i.file_name, i.eye, i.laterality, i.size_bytes, i.order_id AS image_order_id,
          o.patient_name, o.patient_id AS order_patient_id
        FROM sync_jobs j
        LEFT JOIN images i ON j.kind = 'upload-image' AND i.id = j.subject_id
        LEFT JOIN orders o ON o.id = CASE WHEN j.kind = 'submit-order' THEN j.subject_id ELSE i.order_id END
        WHERE j.kind = ? AND j.state = 'done' ORDER BY j.done_at DESC LIMIT ?`),
      setMd5: db.prepare<[string, string, string]>('UPDATE images SET md5 = ? WHERE id = ? AND sha256 = ? AND md5 IS NULL'),
      clearMd5: db.prepare<[string]>('UPDATE images SET md5 = NULL WHERE id = ?'),
      needsMd5: db.prepare<[string], { sha256: string | null }>("SELECT sha256 FROM images WHERE id = ? AND status = 'ready' AND md5 IS NULL AND sha256 IS NOT NULL"),
      countActive: db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM sync_jobs WHERE kind = ? AND state IN ('waiting', 'running', 'retry-wait', 'failed')`),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Life cycle
  // -------------------------------------------------------------------------------------------

  start(): void {
    if (this.started) return;
    this.started = true;
    const recovered = this.d.outbox.recoverInterrupted();
    if (recovered) this.d.log.info({ recovered }, 'sync: jobs interrupted by the last stop will run again');
    const pending = this.pendingCounts();
    if (pending.uploads || pending.orders) this.d.log.info(pending, 'sync: work waiting from before');
    this.kick();
  }

  /** Stops claiming, stops what runs (it is sent again next time), and says what is left. */
  async close(): Promise<{ uploads: number; orders: number }> {
    if (this.closed) return this.pendingCounts();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.changedTimer) clearTimeout(this.changedTimer);
    for (const lane of Object.values(this.lanes)) if (lane.checkTimer) clearTimeout(lane.checkTimer);
    await this.stopRunning();
    await this.digester?.close();
    const left = this.pendingCounts();
    if (left.uploads || left.orders) this.d.log.info(left, 'sync: stopped with work waiting; it resumes at the next start');
    return left;
  }

  /** Jobs not finished (waiting, running or retrying); failed ones wait for a person and are not counted. */
  pendingCounts(): { uploads: number; orders: number } {
    const out = { uploads: 0, orders: 0 };
    for (const r of this.stmts.pending.all()) {
      if (r.kind === 'upload-image') out.uploads = r.n;
      else out.orders = r.n;
    }
    return out;
  }

  private async stopRunning(filter: (r: Running) => boolean = () => true): Promise<void> {
    const stopping = [...this.running.values()].filter(filter);
    for (const r of stopping) {
      r.stopped = true;
      r.abort.abort();
    }
    await Promise.race([Promise.allSettled(stopping.map((r) => r.done)), new Promise((res) => setTimeout(res, 10_000).unref())]);
  }

  // -------------------------------------------------------------------------------------------
  // What the outside asks
  // -------------------------------------------------------------------------------------------

  /** New work may be there (an exam completed, settings saved): look soon, after the caller's commit. */
  kick(): void {
    if (this.pumpScheduled || this.closed || !this.started) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      try {
        this.pump();
      } catch (err) {
        this.d.log.error({ err: errorSummary(err) }, 'sync: the queue could not be read');
      }
    });
    this.changed();
  }

  async pause(): Promise<void> {
    this.setPauses({ ...this.pauses, operator: true });
    this.d.log.info('sync: paused by the operator');
    await this.stopRunning();
    this.changed();
  }

  /** Resume after an operator pause; also try again at once after an outage or a credentials problem. */
  resume(): void {
    this.setPauses({ operator: false, storage: null, orders: null });
    for (const lane of Object.values(this.lanes)) this.setOnline(lane, false);
    this.d.outbox.makeDueNow('upload-image');
    this.d.outbox.makeDueNow('submit-order');
    this.d.log.info('sync: resumed');
    this.kick();
  }

  /** The settings were saved: a new uploader, and a credentials pause is lifted. */
  settingsChanged(): void {
    this.uploader = null;
    if (this.pauses.storage || this.pauses.orders) {
      this.setPauses({ ...this.pauses, storage: null, orders: null });
      this.d.log.info('sync: cloud settings changed; a paused queue resumes');
    }
    for (const lane of Object.values(this.lanes)) this.setOnline(lane, false);
    this.d.outbox.makeDueNow('upload-image');
    this.d.outbox.makeDueNow('submit-order');
    // What is in flight was started with the old settings (a cap, a connection string): start it
    // again with the new ones. A Put Blob is all or nothing, so nothing half-sent stays behind.
    void this.stopRunning().then(() => this.kick());
    this.kick();
  }

  retry(jobId?: string): number {
    const reset = this.d.outbox.retryFailed(jobId);
    for (const j of reset) if (j.kind === 'upload-image') this.imageChanged(j.subject_id);
    if (reset.length) this.d.log.info({ count: reset.length }, 'sync: failed jobs retried by hand');
    this.kick();
    return reset.length;
  }

  private setPauses(next: PauseState): void {
    this.pauses = next;
    this.d.pauses.save(next);
  }

  // -------------------------------------------------------------------------------------------
  // The loop
  // -------------------------------------------------------------------------------------------

  private laneOpen(service: SyncService, now: number): { open: boolean; probe: boolean } {
    const lane = this.lanes[service];
    if (lane.offline) return { open: false, probe: false };
    if (this.pauses[service]) {
      // One job now and then checks whether IT fixed it on their side; never a storm.
      if (now - lane.authProbeAt >= this.timing.authRecheckMs) return { open: true, probe: true };
      return { open: false, probe: false };
    }
    return { open: true, probe: false };
  }

  private pump(): void {
    if (this.closed || this.pauses.operator) return;
    const cfg = this.d.settings();
    if (!cfg) return;
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();

    const storage = this.laneOpen('storage', nowMs);
    let uploadSlotsFull = false;
    if (storage.open) {
      const runningUploads = [...this.running.values()].filter((r) => r.job.kind === 'upload-image').length;
      const free = storage.probe ? (runningUploads ? 0 : 1) : cfg.settings.concurrency - runningUploads;
      const claimed = this.d.outbox.claimUploads(free, now);
      // Every slot busy: the next upload to finish looks again, no timer needed for uploads.
      uploadSlotsFull = !storage.probe && claimed.length === free;
      if (storage.probe && claimed.length) this.lanes.storage.authProbeAt = nowMs;
      for (const job of claimed) this.launch(job, () => this.runUpload(job, cfg));
    }

    const orders = this.laneOpen('orders', nowMs);
    const orderRunning = [...this.running.values()].some((r) => r.job.kind === 'submit-order');
    if (orders.open && !orderRunning) {
      const job = this.d.outbox.claimOrder(now);
      if (job) {
        if (orders.probe) this.lanes.orders.authProbeAt = nowMs;
        this.launch(job, () => this.runOrder(job, cfg));
      }
    }
    this.scheduleTimer(nowMs, uploadSlotsFull);
  }

  /** Wakes the loop when the next backoff ends or a paused lane may be rechecked. */
  private scheduleTimer(nowMs: number, uploadSlotsFull = false): void {
    const nowIso = new Date(nowMs).toISOString();
    const candidates: number[] = [];
    for (const service of ['storage', 'orders'] as const) {
      const lane = this.lanes[service];
      if (service === 'storage' && uploadSlotsFull) continue;
      if (lane.offline) continue; // the reachability check wakes it
      if (this.pauses[service]) {
        candidates.push(lane.authProbeAt + this.timing.authRecheckMs);
        continue;
      }
      const t = this.d.outbox.earliestDue(KIND_OF[service], nowIso);
      if (t) candidates.push(Date.parse(t));
    }
    if (!candidates.length) return;
    const at = Math.max(nowMs + 5, Math.min(...candidates));
    if (this.timer && this.timerAt <= at && this.timerAt > nowMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, Math.min(at - nowMs, 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private launch(job: JobRow, work: () => Promise<void>): void {
    const r: Running = { job, abort: new AbortController(), stopped: false, sent: 0, total: 0, startedAt: Date.now(), done: Promise.resolve() };
    this.running.set(job.id, r);
    r.done = (async () => {
      try {
        await work();
      } catch (err) {
        this.d.log.error({ job: job.id, err: errorSummary(err) }, 'sync: unexpected failure');
      } finally {
        this.running.delete(job.id);
        this.kick();
      }
    })();
  }

  // -------------------------------------------------------------------------------------------
  // Uploads
  // -------------------------------------------------------------------------------------------

  private uploaderFor(cfg: ResolvedCloudSettings): BlobUploader {
    if (this.uploader?.version !== cfg.version) {
      const create = this.d.createUploader ?? createBlobUploader;
      this.uploader = {
        version: cfg.version,
        value: create({
          connectionString: cfg.settings.connectionString,
          container: cfg.settings.container,
          stationId: cfg.settings.stationId,
          bandwidthCapKbps: cfg.settings.bandwidthCapKbps,
          stallTimeoutMs: this.timing.stallTimeoutMs,
        }),
      };
    }
    return this.uploader.value;
  }

  private async runUpload(job: JobRow, cfg: ResolvedCloudSettings): Promise<void> {
    const r = this.running.get(job.id)!;
    this.imageChanged(job.subject_id);
    try {
      const img = this.stmts.imageForUpload.get(job.subject_id);
      if (!img || img.status !== 'ready' || !img.sha256) throw fatal('storage', 'NoImage', 'This photo is no longer on the station.');
      const ext = blobExtensionFor(img.format);
      if (!ext || !img.blob_name) {
        throw fatal(
          'storage',
          'UnsupportedFormat',
          `The platform takes JPEG and DICOM photos; this one is ${(img.format ?? 'of an unknown format').toUpperCase()}. Reject it in the exam (and take it again as JPEG), then complete the exam again.`,
        );
      }
      const uploader = this.uploaderFor(cfg);
      const filePath = this.d.spoolPath(img.sha256);
      // The MD5 from the background digest after ingest, or now (checking the spool copy's SHA-256 on the way).
      let md5: Buffer;
      let size: number;
      if (img.md5) {
        md5 = Buffer.from(img.md5, 'hex');
        size = img.size_bytes ?? 0;
      } else {
        let digest;
        try {
          this.digester ??= createDigester();
          digest = await this.digester.digest(filePath);
        } catch (err) {
          throw storageFailure(err, { where: uploader.where, container: uploader.container, expiresOn: null, startsOn: null });
        }
        if (digest.sha256 !== img.sha256) {
          throw fatal(
            'storage',
            'SpoolDamaged',
            "The station's copy of this photo is damaged (its checksum changed since it was taken in). Copy it again from the camera if it is still there.",
          );
        }
        this.stmts.setMd5.run(digest.md5.toString('hex'), img.id, img.sha256);
        md5 = digest.md5;
        size = digest.size;
      }
      r.total = size;
      let payload = job.payload ? (JSON.parse(job.payload) as UploadPayload) : null;
      if (!payload) {
        payload = {
          blobName: img.blob_name,
          contentType: contentTypeFor(img.blob_name),
          metadata: buildBlobMetadata({
            workflow: cfg.settings.workflow,
            localId: img.id,
            stationId: cfg.settings.stationId,
            sha256: img.sha256,
            laterality: img.eye ?? img.laterality,
            taken: formatTaken(img.taken_at, img.taken_offset),
            orderId: img.o_id ? (img.o_external_order_id ?? img.o_id) : null,
            accessionNumber: img.o_accession_number,
            siteId: cfg.settings.siteId,
            patientId: img.o_patient_id ?? img.patient_id,
          }),
        };
        // Fixed from now on: a later attempt (after a crash, a day later) sends the same name and metadata.
        this.d.outbox.setPayload(job.id, payload, size);
      }
      if (r.abort.signal.aborted) throw new SyncError({ kind: 'retry', service: 'storage', code: 'ABORTED', message: 'Stopped before it started.' });
      const res = await uploader.upload({
        filePath,
        blobName: payload.blobName,
        contentType: payload.contentType,
        md5,
        metadata: payload.metadata,
        signal: r.abort.signal,
        onProgress: (sent) => {
          this.meter.add(sent - r.sent);
          r.sent = sent;
          this.changed();
        },
      });
      this.noteServerDate('storage', res.serverDate);
      this.d.outbox.markUploaded(job, res.outcome, res.bytes);
      this.d.log.info({ job: job.id, image: img.id, outcome: res.outcome, bytes: res.bytes }, 'sync: photo in storage');
      this.succeeded('storage');
      this.imageChanged(job.subject_id);
    } catch (err) {
      // The service got other bytes than the MD5 says: check the spool copy again before any retry.
      if (isSyncError(err) && err.code === 'Md5Mismatch') this.stmts.clearMd5.run(job.subject_id);
      this.failed(job, r, 'storage', err);
      this.imageChanged(job.subject_id);
    }
  }

  /**
   * After ingest: the MD5 (and a check of the SHA-256) of new spool files, in the background on
   * the digest worker, so an upload later needs no hashing pass. Best effort: what is not done
   * here is done before the upload.
   */
  prehash(imageIds: string[]): void {
    for (const id of imageIds) this.prehashQueue.push(id);
    if (this.prehashing || this.closed) return;
    this.prehashing = true;
    // After the caller's transaction (the ingest store hook runs inside it).
    setImmediate(async () => {
      try {
        while (this.prehashQueue.length && !this.closed) {
          const id = this.prehashQueue.shift()!;
          const row = this.stmts.needsMd5.get(id);
          if (!row?.sha256) continue;
          this.digester ??= createDigester();
          try {
            const d = await this.digester.digest(this.d.spoolPath(row.sha256));
            if (!this.closed && d.sha256 === row.sha256) this.stmts.setMd5.run(d.md5.toString('hex'), id, row.sha256);
          } catch {
            // unreadable now: the upload will say so
          }
        }
      } finally {
        this.prehashing = false;
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // Orders
  // -------------------------------------------------------------------------------------------

  /** What the OrderRequest is built from: the exam as it is now (complete, so it does not change). */
  examFor(orderId: string, revision: number, cfg: ResolvedCloudSettings): OrderExam {
    const o = this.stmts.order.get(orderId) as Record<string, string | null> | undefined;
    if (!o) throw fatal('orders', 'NoOrder', 'This order is no longer on the station.');
    const rows = this.stmts.examImages.all(orderId) as {
      id: string;
      blob_name: string | null;
      laterality: 'OD' | 'OS' | null;
      eye: 'OD' | 'OS' | null;
      taken_at: string | null;
      taken_offset: string | null;
      quality_score: number | null;
      facts: string | null;
    }[];
    const facts = rows.map((r) => (r.facts ? (JSON.parse(r.facts) as { make?: string | null; model?: string | null; serial?: string | null }) : {}));
    const camera = facts.find((f) => f.serial || f.model || f.make) ?? {};
    return {
      examId: orderId,
      revision,
      siteId: cfg.settings.siteId,
      stationId: cfg.settings.stationId,
      container: cfg.settings.container,
      order: {
        localId: o.external_order_id ?? orderId,
        accessionNumber: o.accession_number ?? null,
        scheduledTime: o.scheduled_at ?? null,
      },
      patient: { localId: o.patient_id ?? '', name: o.patient_name ?? null, birthDate: o.birth_date ?? null, sex: o.sex ?? null },
      camera: {
        localId: camera.serial ?? cfg.settings.stationId,
        serialNumber: camera.serial ?? null,
        manufacturer: camera.make ?? null,
        model: camera.model ?? null,
      },
      images: rows.map((r) => ({
        localId: r.id,
        blobName: r.blob_name ?? '',
        laterality: (r.eye ?? r.laterality) as 'OD' | 'OS',
        takenAt: r.taken_at,
        takenOffset: r.taken_offset,
        qualityScore: r.quality_score,
      })),
      eyes: this.stmts.examEyes.all(orderId).map((e) => ({ laterality: e.eye, bestImageLocalId: e.best_image_id, ungradableReason: e.ungradable_reason })),
    };
  }

  private async runOrder(job: JobRow, cfg: ResolvedCloudSettings): Promise<void> {
    const r = this.running.get(job.id)!;
    try {
      const o = this.stmts.order.get(job.subject_id) as { revision: number; status: string } | undefined;
      // A body already built may have reached the platform: it is sent to the end whatever the exam does now.
      const attempted = job.payload !== null;
      if (!attempted && (!o || o.revision !== job.revision || (o.status !== 'complete' && o.status !== 'sent'))) {
        // Reopened (and perhaps completed again) since this was queued: the newer revision is what counts.
        this.d.outbox.markCancelled(job);
        this.d.log.info({ job: job.id }, 'sync: order job dropped, the exam changed since');
        return;
      }
      if (cfg.settings.workflow === 'order-first') {
        // The platform already has the order; the photos in storage are the delivery.
        this.finishOrder(job, 'delivered', { platformOrderId: null });
        return;
      }
      let body = job.payload ? (JSON.parse(job.payload) as OrderRequest) : null;
      if (!body) {
        try {
          // NW unless the platform accepted an earlier revision (none can still be on its way: claimOrder).
          const controlCode = orderControlCodeFor(job.revision, this.d.outbox.orderAcceptedBefore(job.subject_id, job.revision));
          body = buildOrderRequest({ ...this.examFor(job.subject_id, job.revision, cfg), controlCode });
        } catch (err) {
          if (isSyncError(err)) throw err;
          throw fatal('orders', 'OrderBuild', err instanceof Error ? err.message : 'The order cannot be built.');
        }
        // The same body for every attempt: the Idempotency-Key promises the same request.
        this.d.outbox.setPayload(job.id, body);
      }
      const receipt: OrderReceipt = await submitOrder({
        url: cfg.settings.orderEndpointUrl ?? '',
        token: cfg.settings.orderEndpointToken ?? '',
        body,
        idempotencyKey: idempotencyKey({ examId: job.subject_id, revision: job.revision }),
        timeoutMs: this.timing.orderTimeoutMs,
        signal: r.abort.signal,
      });
      this.noteServerDate('orders', receipt.serverDate);
      const answer = (receipt.body && typeof receipt.body === 'object' ? receipt.body : {}) as { orderId?: unknown; status?: unknown };
      const outcome = typeof answer.status === 'string' ? answer.status.slice(0, 40) : `accepted (HTTP ${receipt.status})`;
      this.finishOrder(job, outcome, {
        platformOrderId: typeof answer.orderId === 'string' ? answer.orderId.slice(0, 100) : null,
        httpStatus: receipt.status,
        replayed: receipt.replayed,
      });
      this.succeeded('orders');
    } catch (err) {
      this.failed(job, r, 'orders', err);
    }
  }

  private finishOrder(job: JobRow, outcome: string, result: { platformOrderId: string | null; httpStatus?: number; replayed?: boolean }): void {
    const { sent } = this.d.db.transaction(() => {
      const done = this.d.outbox.markOrderDone(job, outcome, result);
      if (done.sent) this.d.onOrderSent?.(this.d.db, { orderId: job.subject_id, revision: job.revision, platformOrderId: result.platformOrderId, outcome });
      return done;
    })();
    // The outcome is the order service's word ("created"): logged only when it is a code token.
    this.d.log.info(
      { job: job.id, order: job.subject_id, revision: job.revision, outcome: safeCode(outcome) ?? null, status: result.httpStatus ?? null, sent },
      'sync: order accepted',
    );
    this.d.emit('orders.changed', { ids: [job.subject_id] });
  }

  // -------------------------------------------------------------------------------------------
  // Failures and connectivity
  // -------------------------------------------------------------------------------------------

  private failed(job: JobRow, r: Running, service: SyncService, err: unknown): void {
    const e = toSyncError(err, service);
    if (e.code === 'Unexpected') this.d.log.error({ job: job.id, err: errorSummary(err) }, 'sync: unexpected error in a job');
    const now = Date.now();
    if (r.stopped) {
      // Paused or closing: not the job's fault. Back to waiting, nothing counted.
      this.d.outbox.markFailed(job, null, new Date(now).toISOString());
      return;
    }
    this.noteServerDate(service, e.serverDate);
    const problem: SyncProblem = {
      kind: e.kind,
      service,
      message: e.message,
      status: e.status ?? null,
      code: e.code ?? null,
      at: new Date(now).toISOString(),
    };
    const lane = this.lanes[service];
    lane.lastError = problem;
    const failure = { kind: e.kind, message: e.message, code: e.code ?? null, status: e.status ?? null };
    if (e.kind === 'retry') {
      const attempts = job.attempts + 1;
      const backoff = nextAttemptDelayMs(attempts, { baseMs: this.timing.backoffBaseMs, capMs: this.timing.backoffCapMs, random: this.d.random });
      const wait = e.retryAfterMs !== undefined ? Math.min(e.retryAfterMs, this.timing.backoffCapMs) : backoff;
      this.d.outbox.markFailed(job, failure, new Date(now + wait).toISOString());
      this.d.log.warn({ job: job.id, kind: job.kind, attempts, waitMs: wait, status: e.status, code: e.code }, 'sync: will retry');
      // No answer at all (refused, reset, timed out, stalled): the service is unreachable.
      if (e.status === undefined && e.code !== 'Unexpected' && e.code !== 'ABORTED') this.setOffline(lane, problem);
    } else if (e.kind === 'auth') {
      this.d.outbox.markFailed(job, failure, new Date(now).toISOString());
      if (!this.pauses[service]) {
        this.setPauses({ ...this.pauses, [service]: problem });
        // The message is for people (the Queue and the Cloud screen); the log gets status and code only.
        this.d.log.warn({ service, status: e.status, code: e.code }, 'sync: paused, the service refused the credentials');
      }
      lane.authProbeAt = now;
    } else {
      this.d.outbox.markFailed(job, failure, new Date(now).toISOString());
      // Never the message: it may quote the order service's reason, which may name the patient.
      this.d.log.warn({ job: job.id, kind: job.kind, status: e.status, code: e.code }, 'sync: job failed; it waits for a person');
    }
    this.changed();
  }

  private succeeded(service: SyncService): void {
    this.lastSuccessAt = new Date().toISOString();
    const lane = this.lanes[service];
    if (this.pauses[service]) {
      // A recheck got through: IT fixed it.
      this.setPauses({ ...this.pauses, [service]: null });
      this.d.log.info({ service }, 'sync: credentials accepted again; resuming');
    }
    if (lane.offline) this.setOnline(lane, true);
    lane.lastError = null;
  }

  private setOffline(lane: Lane, problem: SyncProblem): void {
    lane.lastError = problem;
    if (lane.offline) return;
    lane.offline = true;
    lane.offlineSince = problem.at;
    this.d.log.warn({ service: lane.service, code: problem.code }, 'sync: service unreachable; checking every few seconds');
    this.scheduleCheck(lane);
  }

  private setOnline(lane: Lane, log: boolean): void {
    if (lane.checkTimer) clearTimeout(lane.checkTimer);
    lane.checkTimer = null;
    if (!lane.offline) return;
    lane.offline = false;
    lane.offlineSince = null;
    // Connectivity is back: whatever waits out a backoff goes now.
    this.d.outbox.makeDueNow(KIND_OF[lane.service]);
    if (log) this.d.log.info({ service: lane.service }, 'sync: service reachable again; resuming');
    this.kick();
  }

  private scheduleCheck(lane: Lane): void {
    if (lane.checkTimer || this.closed) return;
    lane.checkTimer = setTimeout(() => {
      lane.checkTimer = null;
      void this.check(lane);
    }, this.timing.reachabilityIntervalMs);
    lane.checkTimer.unref?.();
  }

  private async check(lane: Lane): Promise<void> {
    if (!lane.offline || this.closed) return;
    const url = this.serviceOrigin(lane.service);
    const ok = url ? await (this.d.reachable ?? defaultReachable)(url) : true;
    if (!lane.offline || this.closed) return;
    if (ok) this.setOnline(lane, true);
    else this.scheduleCheck(lane);
  }

  /** The service's origin without credentials (the SAS is never sent by the check). */
  private serviceOrigin(service: SyncService): string | null {
    const cfg = this.d.settings();
    if (!cfg) return null;
    try {
      if (service === 'storage') return `${new URL(parseConnectionString(cfg.settings.connectionString).blobEndpoint).origin}/`;
      return cfg.settings.orderEndpointUrl ? `${new URL(cfg.settings.orderEndpointUrl).origin}/` : null;
    } catch {
      return null;
    }
  }

  private noteServerDate(service: SyncService, serverDate: string | undefined): void {
    const skew = clockSkewMs(serverDate, new Date());
    if (skew === null) return;
    const reportable = isClockSkewReportable(skew);
    this.skew[service] = reportable ? skew : null;
    if (reportable && !this.skewLogged[service]) {
      this.skewLogged[service] = true;
      this.d.log.warn({ service, skewMs: skew }, 'sync: the local clock differs from the service clock');
    } else if (!reportable) this.skewLogged[service] = false;
  }

  /** The skew worth reporting (storage first: SAS times are judged on its clock), in plain words. */
  private clockReport(): { skewMs: number | null; message: string | null } {
    const service: SyncService | null = this.skew.storage !== null ? 'storage' : this.skew.orders !== null ? 'orders' : null;
    if (!service) return { skewMs: null, message: null };
    const ms = this.skew[service]!;
    const advice = clockSkewAdvice(ms);
    return { skewMs: ms, message: service === 'storage' ? advice : advice.replace("the storage service's", "the order service's") };
  }

  // -------------------------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------------------------

  private imageChanged(id: string): void {
    this.changedImages.add(id);
    this.changed();
  }

  /** Throttled: at most one 'sync.changed' (and one batched 'images.changed') per eventThrottleMs. */
  private changed(): void {
    if (this.changedTimer) return;
    const wait = Math.max(0, this.lastChangedAt + this.timing.eventThrottleMs - Date.now());
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null;
      this.lastChangedAt = Date.now();
      if (this.changedImages.size) {
        const ids = [...this.changedImages];
        this.changedImages.clear();
        this.d.emit('images.changed', { ids });
      }
      this.d.emit('sync.changed', {});
    }, wait);
    this.changedTimer.unref?.();
  }

  // -------------------------------------------------------------------------------------------
  // For the UI
  // -------------------------------------------------------------------------------------------

  summary(): QueueSummaryView {
    const cfg = this.d.settings();
    const counts = { 'upload-image': new Map<string, number>(), 'submit-order': new Map<string, number>() };
    for (const r of this.stmts.counts.all()) counts[r.kind].set(r.state, r.n);
    const c = (kind: JobKind, state: string): number => counts[kind].get(state) ?? 0;
    const sentInFlight = [...this.running.values()].reduce((n, r) => n + r.sent, 0);
    const bytesWaiting = Math.max(0, (this.stmts.bytesWaiting.get()?.b ?? 0) - sentInFlight);
    const blocked = this.stmts.blockedOrders.get()?.n ?? 0;
    const uploads = {
      waiting: c('upload-image', 'waiting') + c('upload-image', 'retry-wait'),
      running: c('upload-image', 'running'),
      failed: c('upload-image', 'failed'),
      done: c('upload-image', 'done'),
      bytesWaiting,
    };
    const orders = {
      waiting: c('submit-order', 'waiting') + c('submit-order', 'retry-wait'),
      running: c('submit-order', 'running'),
      failed: c('submit-order', 'failed'),
      done: c('submit-order', 'done'),
      blocked,
    };
    const bytesPerSecond = this.running.size ? this.meter.rate() : null;
    const clock = this.clockReport();
    const authLane = this.pauses.storage ?? this.pauses.orders;
    const offlineLane = this.lanes.storage.offline ? this.lanes.storage : this.lanes.orders.offline ? this.lanes.orders : null;
    const active = uploads.waiting + uploads.running + orders.running + (orders.waiting - blocked);
    const state: QueueSummaryView['state'] = !cfg
      ? 'not-configured'
      : this.pauses.operator || authLane
        ? 'paused'
        : offlineLane
          ? 'offline'
          : active > 0
            ? 'syncing'
            : 'idle';
    const failedCount = uploads.failed + orders.failed;
    const safe = 'The photos are kept safe on this computer.';
    let message: string | null = null;
    if (state === 'not-configured') message = `Cloud sync is not set up yet. ${safe} IT enters the cloud settings to start sending.`;
    else if (this.pauses.operator) message = `Sending is paused. ${safe} Press Resume to send them.`;
    else if (authLane) message = authLane.message;
    else if (offlineLane) message = `${offlineLane.lastError?.message ?? 'A cloud service cannot be reached.'} ${safe}`;
    else if (failedCount) message = `${failedCount} item${failedCount === 1 ? '' : 's'} could not be sent and wait${failedCount === 1 ? 's' : ''} for you: see the Queue.`;
    const lastError = this.lanes.storage.lastError ?? this.lanes.orders.lastError ?? this.pauses.storage ?? this.pauses.orders;
    const lane = (service: SyncService) => {
      const l = this.lanes[service];
      const p = this.pauses[service];
      return p
        ? { state: 'paused' as const, since: p.at, message: p.message }
        : l.offline
          ? { state: 'offline' as const, since: l.offlineSince, message: l.lastError?.message ?? null }
          : { state: 'online' as const, since: null, message: null };
    };
    return {
      state,
      pausedReason: this.pauses.operator ? 'operator' : authLane ? 'auth' : null,
      message,
      uploads,
      orders,
      bytesPerSecond,
      secondsLeft: bytesPerSecond && bytesWaiting ? Math.ceil(bytesWaiting / bytesPerSecond) : null,
      nextAttemptAt: this.stmts.nextAttempt.get(new Date().toISOString())?.t ?? null,
      lastSuccessAt: this.lastSuccessAt,
      lastError,
      clockSkewMs: clock.skewMs,
      clockMessage: clock.message,
      lanes: { storage: lane('storage'), orders: lane('orders') },
      concurrency: cfg?.settings.concurrency ?? null,
      bandwidthCapKbps: cfg?.settings.bandwidthCapKbps ?? null,
    };
  }

  jobs(limit: number): { uploads: SyncJobView[]; orders: SyncJobView[]; more: { uploads: number; orders: number } } {
    const list = (kind: JobKind): { items: SyncJobView[]; more: number } => {
      const active = this.stmts.activeJobs.all(kind, limit);
      const recent = active.length < limit ? this.stmts.recentJobs.all(kind, Math.min(50, limit - active.length)) : [];
      const total = this.stmts.countActive.get(kind)?.n ?? 0;
      return { items: [...active, ...recent].map((row) => this.jobView(row)), more: Math.max(0, total - active.length) };
    };
    const u = list('upload-image');
    const o = list('submit-order');
    return { uploads: u.items, orders: o.items, more: { uploads: u.more, orders: o.more } };
  }

  private jobView(row: Record<string, unknown>): SyncJobView {
    const s = (k: string): string | null => (typeof row[k] === 'string' ? (row[k] as string) : null);
    const n = (k: string): number | null => (typeof row[k] === 'number' ? (row[k] as number) : null);
    const kind = row.kind as JobKind;
    const id = row.id as string;
    const run = this.running.get(id);
    let state = row.state as SyncJobView['state'];
    let imagesLeft: number | null = null;
    // A body already built waits for no photo (it names only photos that were in storage).
    if (kind === 'submit-order' && (state === 'waiting' || state === 'retry-wait') && row.payload == null) {
      imagesLeft = this.d.outbox.imagesLeft(row.subject_id as string);
      if (imagesLeft > 0) state = 'blocked';
    }
    if ((state === 'waiting' || state === 'retry-wait') && (this.pauses.operator || this.pauses[kind === 'upload-image' ? 'storage' : 'orders'])) state = 'paused';
    const elapsed = run ? (Date.now() - run.startedAt) / 1000 : 0;
    const jobRate = run && elapsed > 0.2 && run.sent > 0 ? Math.round(run.sent / elapsed) : null;
    const total = run?.total || n('bytes') || n('size_bytes');
    const result = s('result') ? (JSON.parse(s('result')!) as { platformOrderId?: string | null }) : null;
    const eye = (s('eye') ?? s('laterality')) as 'OD' | 'OS' | null;
    return {
      id,
      kind,
      state,
      subjectId: row.subject_id as string,
      title: kind === 'upload-image' ? (s('file_name') ?? 'Photo') : (s('patient_name') ?? 'Order'),
      detail:
        kind === 'upload-image'
          ? [eye, s('patient_name')].filter(Boolean).join(' · ') || null
          : [s('order_patient_id'), `revision ${n('revision') ?? 1}`].filter(Boolean).join(' · '),
      orderId: kind === 'submit-order' ? (row.subject_id as string) : s('image_order_id'),
      eye: kind === 'upload-image' ? eye : null,
      revision: n('revision') ?? 0,
      attempts: n('attempts') ?? 0,
      nextAttemptAt: row.state === 'retry-wait' ? s('next_attempt_at') : null,
      lastAttemptAt: s('last_attempt_at'),
      lastError: s('last_error'),
      lastErrorKind: (s('last_error_kind') as SyncJobView['lastErrorKind']) ?? null,
      bytes: kind === 'upload-image' ? total : null,
      sentBytes: run ? run.sent : null,
      bytesPerSecond: jobRate,
      secondsLeft: jobRate && total ? Math.max(0, Math.ceil((total - (run?.sent ?? 0)) / jobRate)) : null,
      outcome: s('outcome'),
      platformOrderId: result?.platformOrderId ?? null,
      imagesLeft,
      createdAt: row.created_at as string,
      doneAt: s('done_at'),
    };
  }
}

function fatal(service: SyncService, code: string, message: string): SyncError {
  return new SyncError({ kind: 'fatal', service, code, message });
}

/** Anything a job threw, as a SyncError; a non-sync error is a bug or bad data: fail the job, say so plainly. */
function toSyncError(err: unknown, service: SyncService): SyncError {
  if (isSyncError(err)) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'BlobMetadataError' || name === 'OrderBuildError') {
    return new SyncError({ kind: 'fatal', service, code: name, message: (err as Error).message });
  }
  return new SyncError({ kind: 'retry', service, code: 'Unexpected', message: 'Something unexpected went wrong while sending; it will be tried again. The details are in the log.' });
}

function errorSummary(err: unknown): { name: string; code?: string } {
  const e = err as { name?: unknown; code?: unknown };
  const code = safeCode(e?.code);
  return { name: safeCode(e?.name) ?? typeof err, ...(code !== undefined && { code }) };
}
