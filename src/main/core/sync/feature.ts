// Cloud sync as one feature of the station: the outbox (store/outbox.ts), the one job runner
// (jobs/runner.ts) with its two lanes and two kinds (upload-blob.ts, submit-order.ts), the cloud
// settings and their secrets, wired to the exam hooks. The station creates it in its constructor,
// spreads the api (api/sync.ts) into its own, calls start() once the station is up and close()
// before the database closes.
import type { Database } from 'better-sqlite3';
import type { EventBus } from '../kernel/events.ts';
import type { Hooks } from '../kernel/hooks.ts';
import type { Logger } from '../kernel/logger.ts';
import type { SettingsRepo } from '../store/settings.ts';
import { newId } from '../kernel/ids.ts';
import { Outbox, type JobKind, type JobState } from '../store/outbox.ts';
import { OutboxReads, type JobListRow } from '../store/outbox-reads.ts';
import { JobRunner } from '../jobs/runner.ts';
import { DEFAULT_RUNNER_TIMING, type JobNote, type LaneProblem, type LiveJob, type PauseStore, type RunnerTiming } from '../jobs/types.ts';
import { CloudSettingsStore, type CloudSettingsPatch, type UpdateResult } from './cloud-settings.ts';
import { memorySecretStore, type SecretStore } from './secrets.ts';
import { probeConnection, type BlobUploader, type BlobUploaderOptions } from './blob-uploader.ts';
import { parseConnectionString } from './connection-string.ts';
import { uploadBlobKind } from './upload-blob.ts';
import { submitOrderKind } from './submit-order.ts';
import type { ProbeResult } from '../../../shared/contract/sync.ts';

export interface SyncTiming extends RunnerTiming {
  /** Whole order POST, answer included. */
  orderTimeoutMs: number;
  /** An upload without progress for this long is aborted and retried. */
  stallTimeoutMs: number;
}

const DEFAULT_TIMING: SyncTiming = { ...DEFAULT_RUNNER_TIMING, orderTimeoutMs: 30_000, stallTimeoutMs: 60_000 };

/** Who the audit trail names when the station itself marks an exam sent. */
export { SYNC_OPERATOR } from './submit-order.ts';

export interface SyncFeatureDeps {
  db: Database;
  spoolPath: (sha256: string) => string;
  log: Logger;
  events: EventBus;
  hooks: Hooks;
  settingsRepo: SettingsRepo;
  /** Injected by the host (safeStorage, a 0600 file, environment variables); memory-only if absent. */
  secrets?: SecretStore;
  timing?: Partial<SyncTiming>;
  createUploader?: (options: BlobUploaderOptions) => BlobUploader;
  reachable?: (url: string) => Promise<boolean>;
}

export interface TestConnectionResult {
  problems: Record<string, string> | null;
  storage: ProbeResult | null;
  orders: { ok: boolean; message: string } | null;
}

/** The queue's facts for the sync indicator; api/sync.ts turns them into the contract's view. */
export interface SyncStatus {
  configured: boolean;
  concurrency: number | null;
  bandwidthCapKbps: number | null;
  counts: { kind: JobKind; state: JobState; n: number }[];
  /** Bytes of unfinished uploads not sent yet. */
  bytesWaiting: number;
  blockedOrders: number;
  nextAttemptAt: string | null;
  runner: ReturnType<JobRunner['state']>;
}

/** A job as the Queue lists it: its row, its progress while it runs, and what it waits for. */
export interface JobListing {
  row: JobListRow;
  live: LiveJob | null;
  note: JobNote | null;
  /** Its lane, or the whole queue, is paused. */
  paused: boolean;
}

export interface SyncFeature {
  outbox: Outbox;
  runner: JobRunner;
  cloud: CloudSettingsStore;
  /** Queue an exam's work: what the examCompleted hook does (inside the completing transaction). */
  enqueueExam(orderId: string, revision: number): void;
  updateSettings(patch: CloudSettingsPatch): UpdateResult;
  testConnection(patch: CloudSettingsPatch): Promise<TestConnectionResult>;
  pause(): Promise<void>;
  resume(): void;
  retry(jobId?: string): number;
  /** True while an upload or an order is being sent. */
  busy(): boolean;
  status(): SyncStatus;
  /** The Queue's jobs: uploads, orders, and forwards to PACS (kind 'forward-pacs', when any). */
  jobs(limit: number): { uploads: JobListing[]; orders: JobListing[]; forwards: JobListing[]; more: { uploads: number; orders: number; forwards: number } };
  start(): void;
  close(): Promise<{ uploads: number; orders: number }>;
  pending(): { uploads: number; orders: number };
}

const PAUSE_KEY = 'sync.pause';

/**
 * Checks the order endpoint and its token without creating anything: a POST of `{}` with the
 * token and no Idempotency-Key, which a conforming endpoint refuses with 400 (after checking the
 * token, which gives 401/403 when wrong).
 */
export async function checkOrderEndpoint(url: string, token: string): Promise<{ ok: boolean; message: string }> {
  let host = 'the order service';
  try {
    host = new URL(url).host;
  } catch {
    return { ok: false, message: 'The order endpoint address is not valid.' };
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    if (res.status === 401 || res.status === 403) {
      return { ok: false, message: `The order service at ${host} refused the token (HTTP ${res.status}). Check the order endpoint token.` };
    }
    if (res.status === 404 || res.status === 405) {
      return { ok: false, message: `There is no order endpoint at this address on ${host} (HTTP ${res.status}). Check the address.` };
    }
    if (res.status >= 500) return { ok: false, message: `The order service at ${host} answered with an error (HTTP ${res.status}). Try again later.` };
    return { ok: true, message: `The order service at ${host} answered and accepted the token.` };
  } catch {
    return { ok: false, message: `Cannot reach the order service at ${host}. Check the address and the network.` };
  }
}

/** The pauses as saved since issue 5 (settings key 'sync.pause'): { operator, storage, orders }. */
function pauseStore(repo: SettingsRepo): PauseStore {
  type Saved = { operator?: boolean; storage?: LaneProblem | null; orders?: LaneProblem | null };
  return {
    load: () => {
      const saved = repo.get<Saved>(PAUSE_KEY) ?? {};
      return { operator: saved.operator ?? false, lanes: { storage: saved.storage ?? null, orders: saved.orders ?? null } };
    },
    save: (state) => repo.set(PAUSE_KEY, { operator: state.operator, ...state.lanes }),
  };
}

/** A service's origin without credentials (the SAS is never sent by the reachability check). */
function originOf(url: string | null | undefined): string | null {
  return url ? `${new URL(url).origin}/` : null;
}

const counted = (left: Partial<Record<JobKind, number>>) => ({ uploads: left['upload-image'] ?? 0, orders: left['submit-order'] ?? 0 });

export function createSyncFeature(d: SyncFeatureDeps): SyncFeature {
  const outbox = new Outbox(d.db, newId);
  const reads = new OutboxReads(d.db);
  const cloud = new CloudSettingsStore(d.settingsRepo, d.secrets ?? memorySecretStore());
  const timing: SyncTiming = { ...DEFAULT_TIMING, ...d.timing };
  const settings = () => cloud.current();
  const runner = new JobRunner({
    outbox,
    log: d.log,
    pauses: pauseStore(d.settingsRepo),
    timing,
    notify: (subjects) => {
      // The kinds' subject topics: 'images.changed' (uploads).
      for (const [topic, ids] of subjects) d.events.emit(topic as 'images.changed', { ids });
      d.events.emit('sync.changed', {});
    },
    ...(d.reachable && { reachable: d.reachable }),
  });
  runner.addLane({ service: 'storage', origin: () => originOf(settings() && parseConnectionString(settings()!.settings.connectionString).blobEndpoint) });
  runner.addLane({ service: 'orders', origin: () => originOf(settings()?.settings.orderEndpointUrl) });
  // Each cloud kind waits for valid cloud settings (KindSpec.ready); other kinds (PACS) do not.
  const configured = (): boolean => settings() !== null;
  runner.register({
    ready: configured,
    ...uploadBlobKind({
      outbox,
      reads,
      spoolPath: d.spoolPath,
      log: d.log,
      settings,
      stallTimeoutMs: timing.stallTimeoutMs,
      ...(d.createUploader && { createUploader: d.createUploader }),
    }),
  });
  runner.register({
    ready: configured,
    ...submitOrderKind({
      db: d.db,
      outbox,
      reads,
      log: d.log,
      settings,
      orderTimeoutMs: timing.orderTimeoutMs,
      ordersChanged: (orderId) => d.events.emit('orders.changed', { ids: [orderId] }),
    }),
  });

  const enqueueExam = (orderId: string, revision: number): void => {
    const r = outbox.enqueueExam(orderId, revision);
    d.log.info({ order: orderId, revision, uploads: r.imageIds.length, alreadyUploaded: r.alreadyUploaded }, 'sync: exam queued');
    runner.kick(); // runs after the completing transaction commits (setImmediate)
  };

  // In the transactions that complete and reopen an exam: the work is queued (or withdrawn)
  // atomically with the change itself.
  d.hooks.examCompleted.push((_db, e) => enqueueExam(e.orderId, e.revision));
  d.hooks.examReopened.push((_db, e) => {
    const r = outbox.cancelExam(e.orderId);
    if (r.imageIds.length || r.orders) d.log.info({ order: e.orderId, uploads: r.imageIds.length, orders: r.orders }, 'sync: reopened exam withdrawn from the queue');
    runner.kick();
  });

  const listing = (kind: JobKind, limit: number): { items: JobListing[]; more: number } => {
    const { rows, more } = reads.listJobs(kind, limit);
    const items = rows.map((row) => {
      const waiting = row.state === 'waiting' || row.state === 'retry-wait';
      return { row, live: runner.live(row.id), note: waiting ? runner.describe(row) : null, paused: runner.pausedFor(kind) };
    });
    return { items, more };
  };

  return {
    outbox,
    runner,
    cloud,
    enqueueExam,
    updateSettings(patch) {
      const result = cloud.update(patch);
      if (result.ok) {
        d.log.info({ workflow: result.state.view?.workflow, concurrency: result.state.view?.concurrency }, 'sync: cloud settings saved');
        runner.settingsChanged();
      }
      return result;
    },
    async testConnection(patch) {
      const candidate = cloud.candidate(patch);
      if (!candidate.ok) return { problems: candidate.problems, storage: null, orders: null };
      const s = candidate.settings;
      const [storage, orders] = await Promise.all([
        probeConnection({ connectionString: s.connectionString, container: s.container, stationId: s.stationId }),
        s.workflow === 'image-first' && s.orderEndpointUrl && s.orderEndpointToken
          ? checkOrderEndpoint(s.orderEndpointUrl, s.orderEndpointToken)
          : Promise.resolve(null),
      ]);
      d.log.info({ storageOk: storage.ok, storageKind: storage.ok ? null : storage.kind, ordersOk: orders?.ok ?? null }, 'sync: connection tested');
      return { problems: null, storage, orders };
    },
    pause: () => runner.pause(),
    resume: () => runner.resume(),
    retry: (jobId) => runner.retry(jobId),
    busy: () => runner.busy(),
    status() {
      const cfg = settings();
      const state = runner.state();
      return {
        configured: cfg !== null,
        concurrency: cfg?.settings.concurrency ?? null,
        bandwidthCapKbps: cfg?.settings.bandwidthCapKbps ?? null,
        counts: outbox.counts(),
        bytesWaiting: Math.max(0, reads.bytesWaiting() - state.sentInFlight),
        blockedOrders: reads.blockedOrders(),
        nextAttemptAt: outbox.nextAttemptAt(),
        runner: state,
      };
    },
    jobs(limit) {
      const u = listing('upload-image', limit);
      const o = listing('submit-order', limit);
      const f = listing('forward-pacs', limit);
      return { uploads: u.items, orders: o.items, forwards: f.items, more: { uploads: u.more, orders: o.more, forwards: f.more } };
    },
    start: () => runner.start(),
    close: async () => counted(await runner.close()),
    pending: () => counted(outbox.pendingByKind()),
  };
}
