// Cloud sync: the queue's state, its jobs, the operator's pause/resume/retry, and the cloud
// settings (secrets are write-only: the UI sends them, the station only ever shows hints).
import { z } from 'zod';
import { method } from './define.ts';
import { SYNC_ERROR_KINDS, SYNC_SERVICES, SYNC_WORKFLOWS, type CloudSettingsView } from '../sync.ts';
import { pacsLaneSchema } from '../pacs.ts';

const ok = z.object({ ok: z.literal(true) });

export const syncProblemSchema = z.object({
  kind: z.enum(SYNC_ERROR_KINDS),
  service: z.enum(SYNC_SERVICES),
  /** Plain language for the operator and IT; never a secret. May quote a peer: shown, never logged. */
  message: z.string(),
  status: z.number().nullable(),
  code: z.string().nullable(),
  at: z.string(),
});

/** One remote service as the queue sees it. */
export const syncLaneSchema = z.object({
  /** online: answering; offline: not reachable, checked every few seconds; paused: refused our credentials. */
  state: z.enum(['online', 'offline', 'paused']),
  since: z.string().nullable(),
  message: z.string().nullable(),
});

/**
 * The sync indicator's one word:
 * - not-configured: no valid cloud settings yet
 * - idle: configured, reachable, nothing waiting
 * - syncing: work in progress
 * - offline: a service cannot be reached; checked every few seconds
 * - paused: stopped by the operator, or by an auth/settings problem until the settings change
 */
export const queueSummarySchema = z.object({
  state: z.enum(['not-configured', 'idle', 'syncing', 'offline', 'paused']),
  pausedReason: z.enum(['operator', 'auth']).nullable(),
  message: z.string().nullable(),
  uploads: z.object({ waiting: z.number(), running: z.number(), failed: z.number(), done: z.number(), bytesWaiting: z.number() }),
  /** blocked: waiting for their photos to be confirmed in storage. */
  orders: z.object({ waiting: z.number(), running: z.number(), failed: z.number(), done: z.number(), blocked: z.number() }),
  /** Bytes per second over the last few seconds, while something is sent. */
  bytesPerSecond: z.number().nullable(),
  /** Seconds left at the current speed; null when unknown. */
  secondsLeft: z.number().nullable(),
  nextAttemptAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: syncProblemSchema.nullable(),
  /** Service time minus local time (ms) when it is large enough to matter, else null. */
  clockSkewMs: z.number().nullable(),
  /** Plain words about the clock when it is off by more than a few minutes. */
  clockMessage: z.string().nullable(),
  lanes: z.object({ storage: syncLaneSchema, orders: syncLaneSchema }),
  /**
   * Forwards to PACS (images received over DICOM), each route a lane of its own. They do not change
   * `state` or `message` above, which speak of the cloud; `routes` is empty when no route is set up.
   */
  pacs: z.object({ waiting: z.number(), running: z.number(), failed: z.number(), done: z.number(), routes: z.array(pacsLaneSchema) }),
  concurrency: z.number().nullable(),
  bandwidthCapKbps: z.number().nullable(),
});

export const syncJobStateSchema = z.enum(['waiting', 'running', 'retry-wait', 'paused', 'blocked', 'done', 'failed', 'cancelled']);

export const syncJobSchema = z.object({
  id: z.string(),
  kind: z.enum(['upload-image', 'submit-order', 'forward-pacs']),
  state: syncJobStateSchema,
  /** A forward's PACS route (the Queue lists forwards per route); null for other kinds. */
  routeId: z.string().nullable(),
  subjectId: z.string(),
  /** The photo's file name, or the patient's name for an order. */
  title: z.string(),
  /** Eye and patient, or patient id and revision; for a forward, the PACS route first. */
  detail: z.string().nullable(),
  orderId: z.string().nullable(),
  eye: z.enum(['OD', 'OS']).nullable(),
  revision: z.number(),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorKind: z.enum(SYNC_ERROR_KINDS).nullable(),
  bytes: z.number().nullable(),
  /** While running: bytes sent so far, speed and time left for this upload. */
  sentBytes: z.number().nullable(),
  bytesPerSecond: z.number().nullable(),
  secondsLeft: z.number().nullable(),
  /** created / already-there (uploads); created / updated / unchanged / superseded / delivered (orders). */
  outcome: z.string().nullable(),
  /** The platform's id for the order, once accepted. */
  platformOrderId: z.string().nullable(),
  /** Orders: photos not yet confirmed in storage. */
  imagesLeft: z.number().nullable(),
  createdAt: z.string(),
  doneAt: z.string().nullable(),
});

const secretOriginSchema = z.enum(['store', 'environment']).nullable();

export const cloudSettingsViewSchema = z.object({
  container: z.string(),
  workflow: z.enum(SYNC_WORKFLOWS),
  orderEndpointUrl: z.string().nullable(),
  siteId: z.string(),
  stationId: z.string(),
  concurrency: z.number(),
  bandwidthCapKbps: z.number().nullable(),
  connectionStringHint: z.string(),
  connectionStringExpiresOn: z.string().nullable(),
  connectionStringPermissions: z.string().nullable(),
  hasOrderEndpointToken: z.boolean(),
  orderEndpointTokenHint: z.string(),
});

export const cloudSettingsStateSchema = z.object({
  configured: z.boolean(),
  view: cloudSettingsViewSchema.nullable(),
  /** Why the saved settings cannot be used, per field. */
  problems: z.record(z.string(), z.string()),
  /** The plain fields as saved, for the form (no secrets). */
  draft: z.object({
    container: z.string().optional(),
    workflow: z.enum(SYNC_WORKFLOWS).optional(),
    orderEndpointUrl: z.string().nullable().optional(),
    siteId: z.string().optional(),
    stationId: z.string().optional(),
    concurrency: z.number().optional(),
    bandwidthCapKbps: z.number().nullable().optional(),
  }),
  secrets: z.object({ connectionString: secretOriginSchema, orderEndpointToken: secretOriginSchema }),
  /** How secrets are protected on this computer, in words for IT. */
  secretStorage: z.string(),
  suggestedStationId: z.string(),
});

/**
 * A change to the cloud settings. Fields left out keep their value; a secret left out or empty
 * keeps the saved one (the UI never has it), null removes it. The whole is validated again.
 */
export const cloudSettingsPatchSchema = z.object({
  connectionString: z.string().nullable().optional(),
  container: z.string().optional(),
  workflow: z.string().optional(),
  orderEndpointUrl: z.string().nullable().optional(),
  orderEndpointToken: z.string().nullable().optional(),
  siteId: z.string().optional(),
  stationId: z.string().optional(),
  concurrency: z.number().optional(),
  bandwidthCapKbps: z.number().nullable().optional(),
});

const probeKinds = ['invalid-settings', 'unreachable', 'expired', 'not-yet-valid', 'no-permission', 'rejected', 'container-missing', 'error'] as const;

export const probeResultSchema = z.union([
  z.object({ ok: z.literal(true), message: z.string(), clockSkewMs: z.number().nullable() }),
  z.object({ ok: z.literal(false), kind: z.enum(probeKinds), message: z.string(), clockSkewMs: z.number().nullable() }),
]);

export const syncMethods = {
  'sync.status': method('The sync indicator: online/offline/paused, what is waiting, speed and time left.', z.object({}).default({}), queueSummarySchema),
  'sync.jobs': method(
    'The queue: every photo upload, order submission and forward to PACS not finished yet, then the most recent finished ones.',
    z.object({ limit: z.number().int().min(1).max(2000).default(300) }).default({ limit: 300 }),
    z.object({
      uploads: z.array(syncJobSchema),
      orders: z.array(syncJobSchema),
      forwards: z.array(syncJobSchema),
      more: z.object({ uploads: z.number(), orders: z.number(), forwards: z.number() }),
    }),
  ),
  'sync.pause': method('Stop sending (uploads in progress are stopped and sent again later). Everything stays safe on this computer.', z.object({}).default({}), ok),
  'sync.resume': method('Send again now (also retries at once after an outage or a credentials problem).', z.object({}).default({}), ok),
  'sync.retry': method(
    'Try failed jobs again: one (jobId) or all failed ones.',
    z.object({ jobId: z.string().optional() }).default({}),
    z.object({ retried: z.number() }),
  ),
  'sync.settings.get': method('The cloud settings (secrets only as hints) and whether they are complete.', z.object({}).default({}), cloudSettingsStateSchema),
  'sync.settings.update': method(
    'Save cloud settings (validated as a whole). A queue paused by a credentials problem resumes.',
    cloudSettingsPatchSchema,
    z.union([z.object({ ok: z.literal(true), state: cloudSettingsStateSchema }), z.object({ ok: z.literal(false), problems: z.record(z.string(), z.string()) })]),
    { itOnly: true },
  ),
  'sync.settings.test': method(
    'Test connection: upload a small probe file with these settings (or the saved ones), and check the order endpoint accepts the token.',
    cloudSettingsPatchSchema.default({}),
    z.object({
      problems: z.record(z.string(), z.string()).nullable(),
      storage: probeResultSchema.nullable(),
      orders: z.object({ ok: z.boolean(), message: z.string() }).nullable(),
    }),
  ),
};

export const syncEvents = {
  'sync.changed': z.object({}).describe('The queue or its state changed (a job finished, a pause, progress): re-query sync.status / sync.jobs.'),
};

// The sync UI's types, declared once (these schemas); the core builds them (api/sync.ts), the
// renderer shows them (SyncIndicator.tsx, Queue.tsx, CloudSettings.tsx).
export type SyncProblem = z.output<typeof syncProblemSchema>;
export type SyncLane = z.output<typeof syncLaneSchema>;
export type QueueSummary = z.output<typeof queueSummarySchema>;
export type SyncJobView = z.output<typeof syncJobSchema>;
/** What "Test connection" reports. `kind` tells the UI which advice to show. */
export type ProbeResult = z.output<typeof probeResultSchema>;
export type CloudSettingsState = z.output<typeof cloudSettingsStateSchema>;
export type CloudSettingsPatch = z.output<typeof cloudSettingsPatchSchema>;

// The view schema must describe the shared settings view (checked by the compiler, erased at run time).
type Assert<T extends true> = T;
type Extends<A, B> = A extends B ? true : false;
export type _SyncContractChecks = [Assert<Extends<z.output<typeof cloudSettingsViewSchema>, CloudSettingsView>>];
