// The contract's sync methods over the sync feature (src/main/core/sync/feature.ts), and the views:
// the queue's facts and job rows become the sync indicator's summary and the Queue's jobs.
import type { QueueSummary, SyncJobView, SyncProblem } from '../../../shared/contract/sync.ts';
import type { PacsLane } from '../../../shared/pacs.ts';
import type { SyncService } from '../../../shared/sync.ts';
import type { LaneProblem, LaneView } from '../jobs/types.ts';
import type { JobKind } from '../store/outbox.ts';
import { clockSkewAdvice } from '../sync/retry-policy.ts';
import type { JobListing, SyncFeature, SyncStatus } from '../sync/feature.ts';
import type { Handlers } from './types.ts';

export type SyncMethodName =
  | 'sync.status'
  | 'sync.jobs'
  | 'sync.pause'
  | 'sync.resume'
  | 'sync.retry'
  | 'sync.settings.get'
  | 'sync.settings.update'
  | 'sync.settings.test';

/** `pacsLanes`: the PACS routes as lanes of the queue (pacs/feature.ts), when forwarding is wired. */
export function syncApi(sync: SyncFeature, pacsLanes: () => PacsLane[] = () => []): Handlers<SyncMethodName> {
  return {
    'sync.status': () => toQueueSummary(sync.status(), pacsLanes()),
    'sync.jobs': ({ limit }) => syncJobs(sync, limit),
    'sync.pause': async () => {
      await sync.pause();
      return { ok: true as const };
    },
    'sync.resume': () => {
      sync.resume();
      return { ok: true as const };
    },
    'sync.retry': ({ jobId }) => ({ retried: sync.retry(jobId) }),
    'sync.settings.get': () => sync.cloud.state(),
    'sync.settings.update': (patch) => sync.updateSettings(patch),
    'sync.settings.test': (patch) => sync.testConnection(patch),
  };
}

export const queueSummary = (sync: SyncFeature): QueueSummary => toQueueSummary(sync.status());

export function syncJobs(
  sync: SyncFeature,
  limit: number,
): { uploads: SyncJobView[]; orders: SyncJobView[]; forwards: SyncJobView[]; more: { uploads: number; orders: number; forwards: number } } {
  const { uploads, orders, forwards, more } = sync.jobs(limit);
  const now = Date.now();
  const view = (j: JobListing) => toJobView(j, now);
  return { uploads: uploads.map(view), orders: orders.map(view), forwards: forwards.map(view), more };
}

const SAFE = 'The photos are kept safe on this computer.';

const problem = (p: LaneProblem | null): SyncProblem | null => (p ? { ...p, service: p.service as SyncService } : null);

/** The lane the summary speaks of: storage first (SAS times are judged on its clock), then orders. */
function firstLane(lanes: Record<string, LaneView>, pick: (l: LaneView) => boolean): SyncService | null {
  for (const service of ['storage', 'orders'] as const) if (lanes[service] && pick(lanes[service])) return service;
  return null;
}

export function toQueueSummary(s: SyncStatus, pacsLanes: PacsLane[] = []): QueueSummary {
  const counts = new Map(s.counts.map((c) => [`${c.kind}/${c.state}`, c.n]));
  const c = (kind: JobKind, state: string): number => counts.get(`${kind}/${state}`) ?? 0;
  const { lanes } = s.runner;
  const totals = (kind: JobKind) => ({
    waiting: c(kind, 'waiting') + c(kind, 'retry-wait'),
    running: c(kind, 'running'),
    failed: c(kind, 'failed'),
    done: c(kind, 'done'),
  });
  const uploads = { ...totals('upload-image'), bytesWaiting: s.bytesWaiting };
  const orders = { ...totals('submit-order'), blocked: s.blockedOrders };
  const authService = firstLane(lanes, (l) => !!l.pause);
  const authLane = authService ? lanes[authService]!.pause : null;
  const offlineService = firstLane(lanes, (l) => l.state === 'offline');
  const offlineLane = offlineService ? lanes[offlineService]! : null;
  const active = uploads.waiting + uploads.running + orders.running + (orders.waiting - orders.blocked);
  const state: QueueSummary['state'] = !s.configured
    ? 'not-configured'
    : s.runner.operatorPaused || authLane
      ? 'paused'
      : offlineLane
        ? 'offline'
        : active > 0
          ? 'syncing'
          : 'idle';
  const failedCount = uploads.failed + orders.failed;
  let message: string | null = null;
  if (state === 'not-configured') message = `Cloud sync is not set up yet. ${SAFE} IT enters the cloud settings to start sending.`;
  else if (s.runner.operatorPaused) message = `Sending is paused. ${SAFE} Press Resume to send them.`;
  else if (authLane) message = authLane.message;
  else if (offlineLane) message = `${offlineLane.lastError?.message ?? 'A cloud service cannot be reached.'} ${SAFE}`;
  else if (failedCount) message = `${failedCount} item${failedCount === 1 ? '' : 's'} could not be sent and wait${failedCount === 1 ? 's' : ''} for you: see the Queue.`;
  const lastError = problem(lanes.storage?.lastError ?? lanes.orders?.lastError ?? lanes.storage?.pause ?? lanes.orders?.pause ?? null);
  const skewService = firstLane(lanes, (l) => l.clockSkewMs !== null);
  const skewMs = skewService ? lanes[skewService]!.clockSkewMs : null;
  const advice = skewMs !== null ? clockSkewAdvice(skewMs) : null;
  const lane = (service: SyncService) => {
    const l = lanes[service];
    return { state: l?.state ?? ('online' as const), since: l?.since ?? null, message: l?.message ?? null };
  };
  const bytesPerSecond = s.runner.bytesPerSecond;
  return {
    state,
    pausedReason: s.runner.operatorPaused ? 'operator' : authLane ? 'auth' : null,
    message,
    uploads,
    orders,
    bytesPerSecond,
    secondsLeft: bytesPerSecond && s.bytesWaiting ? Math.ceil(s.bytesWaiting / bytesPerSecond) : null,
    nextAttemptAt: s.nextAttemptAt,
    lastSuccessAt: s.runner.lastSuccessAt,
    lastError,
    clockSkewMs: skewMs,
    clockMessage: advice && skewService === 'orders' ? advice.replace("the storage service's", "the order service's") : advice,
    lanes: { storage: lane('storage'), orders: lane('orders') },
    pacs: { ...totals('forward-pacs'), routes: pacsLanes },
    concurrency: s.concurrency,
    bandwidthCapKbps: s.bandwidthCapKbps,
  };
}

export function toJobView({ row, live, note, paused }: JobListing, now = Date.now()): SyncJobView {
  const forward = row.kind === 'forward-pacs';
  // A forward names its photo like an upload does, and its PACS route first.
  const upload = row.kind === 'upload-image' || forward;
  let state: SyncJobView['state'] = row.state;
  let imagesLeft: number | null = null;
  if (note) {
    imagesLeft = note.waitingFor;
    if (imagesLeft > 0) state = 'blocked';
  }
  if ((state === 'waiting' || state === 'retry-wait') && paused) state = 'paused';
  const elapsed = live ? (now - live.startedAt) / 1000 : 0;
  const jobRate = live && elapsed > 0.2 && live.sent > 0 ? Math.round(live.sent / elapsed) : null;
  const total = live?.total || row.bytes || row.size_bytes;
  const result = row.result ? (JSON.parse(row.result) as { platformOrderId?: string | null }) : null;
  const eye = row.eye ?? row.laterality;
  return {
    id: row.id,
    kind: row.kind,
    state,
    routeId: forward ? (row.route_id ?? null) : null,
    subjectId: row.subject_id,
    title: upload ? (row.file_name ?? 'Photo') : (row.patient_name ?? 'Order'),
    detail: upload
      ? [forward ? `to ${row.route_name ?? 'a removed PACS route'}` : null, eye, row.patient_name].filter(Boolean).join(' · ') || null
      : [row.order_patient_id, `revision ${row.revision ?? 1}`].filter(Boolean).join(' · '),
    orderId: upload ? row.image_order_id : row.subject_id,
    eye: upload ? eye : null,
    revision: row.revision ?? 0,
    attempts: row.attempts ?? 0,
    nextAttemptAt: row.state === 'retry-wait' ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    lastErrorKind: (row.last_error_kind as SyncJobView['lastErrorKind']) ?? null,
    bytes: upload ? (total ?? null) : null,
    sentBytes: live ? live.sent : null,
    bytesPerSecond: jobRate,
    secondsLeft: jobRate && total ? Math.max(0, Math.ceil((total - (live?.sent ?? 0)) / jobRate)) : null,
    outcome: row.outcome,
    platformOrderId: result?.platformOrderId ?? null,
    imagesLeft,
    createdAt: row.created_at,
    doneAt: row.done_at,
  };
}
