// The job runner's vocabulary: what a kind of job is, what it gets while it runs, and what it
// answers. A kind is registered with the runner (runner.register(kind)); the runner never names one.
import type { JobKind, JobRow } from '../store/outbox.ts';

export type { JobKind, JobRow };

/** How a failure is handled: wait and try again, pause the service's lane, or fail this one job. */
export type FailureKind = 'retry' | 'auth' | 'fatal';

/**
 * A classified failure (sync's SyncError is one). `message` is for people (the Queue) and is never
 * logged: it may quote a peer. `code` must be a code token (logged). A retry failure without a
 * `status` means the service did not answer at all: its lane goes offline until it answers again
 * (except the codes 'Unexpected' and 'ABORTED').
 */
export interface JobFailure {
  kind: FailureKind;
  message: string;
  code?: string | undefined;
  status?: number | undefined;
  /**
   * The kind watches its peers itself (PACS routes: one lane, several PACS): a retry without a
   * `status` does not take the whole lane offline.
   */
  keepLaneOnline?: boolean | undefined;
  /** The service asked for this wait (Retry-After); it replaces the backoff, up to its cap. */
  retryAfterMs?: number | undefined;
  /** The service's Date header, for the clock-skew check. */
  serverDate?: string | undefined;
}

/**
 * - done: the kind has recorded the success (in the transaction that also records what depends on
 *   it); the service answered, so its lane is online and any credentials pause is lifted.
 * - skipped: the kind finished the job without the service (dropped, or nothing to send).
 * - failed: the runner records it (backoff, pause, or 'failed' for a person).
 */
export type JobResult = { status: 'done'; serverDate?: string | undefined } | { status: 'skipped' } | { status: 'failed'; error: JobFailure };

export interface JobContext {
  /** Aborted when the job is stopped (pause, close, new settings): it goes back to waiting uncounted. */
  readonly signal: AbortSignal;
  /** Bytes this job sends in all, once known (for progress and time left). */
  setTotal(bytes: number): void;
  /** Bytes sent so far; feeds the speed meter. */
  progress(sentBytes: number): void;
}

/** What the Queue may say about a job beyond its row (e.g. an order waiting for its photos). */
export interface JobNote {
  /** Work this job waits for before it can be claimed (photos not yet in storage); 0 when none. */
  waitingFor: number;
}

export interface KindSpec {
  /** sync_jobs.kind */
  readonly kind: JobKind;
  /** The service lane: jobs of every kind on one lane pause and go offline together. */
  readonly service: string;
  /** How many jobs of this kind may run at once (read at every look at the queue). */
  concurrency(): number;
  /** False while this kind may not run at all (cloud kinds: no valid cloud settings); default true. */
  ready?(): boolean;
  /** Claims up to `limit` due jobs in a transaction; default: the oldest due (Outbox.claimDue). */
  claim?(limit: number, now: string): JobRow[];
  /** Does the work once, idempotently. May throw: `classify` turns the error into a JobFailure. */
  run(job: JobRow, ctx: JobContext): Promise<JobResult>;
  /** A thrown error as a failure; default: retry, code 'Unexpected' (and the error is logged). */
  classify?(err: unknown): JobFailure;
  /** After a failure is classified, before it is recorded (e.g. drop a cached checksum). */
  onFailed?(job: JobRow, failure: JobFailure): void;
  /** Event topic announcing the job's subject when the job changes state (batched, throttled). */
  readonly subjectTopic?: string;
  /** For the Queue: what a waiting job waits for; null when nothing (called for waiting jobs only). */
  describe?(job: JobRow): JobNote | null;
}

export interface LaneSpec {
  readonly service: string;
  /** Where the cheap reachability check (a HEAD, no credentials) goes; null: no check, assume back. */
  origin(): string | null;
}

/** A failure as a lane keeps it (last error, credentials pause). */
export interface LaneProblem {
  kind: FailureKind;
  service: string;
  message: string;
  status: number | null;
  code: string | null;
  at: string;
}

/** Pauses that outlive a restart: the operator's, and each lane's credentials problem. */
export interface PauseState {
  operator: boolean;
  lanes: Record<string, LaneProblem | null>;
}

export interface PauseStore {
  load(): PauseState;
  save(state: PauseState): void;
}

export interface RunnerTiming {
  /** Backoff base and cap for retries (full jitter). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** How often an offline lane is checked for reachability. */
  reachabilityIntervalMs: number;
  /** How often a lane paused by a credentials problem lets one job through (IT may fix it on their side). */
  authRecheckMs: number;
  /** Least time between two change notifications. */
  eventThrottleMs: number;
}

export const DEFAULT_RUNNER_TIMING: RunnerTiming = {
  backoffBaseMs: 2_000,
  backoffCapMs: 5 * 60_000,
  reachabilityIntervalMs: 10_000,
  authRecheckMs: 10 * 60_000,
  eventThrottleMs: 250,
};

/** A lane as the views show it. */
export interface LaneView {
  state: 'online' | 'offline' | 'paused';
  since: string | null;
  message: string | null;
  lastError: LaneProblem | null;
  pause: LaneProblem | null;
  /** Service clock minus ours when large enough to matter, else null. */
  clockSkewMs: number | null;
}

/** A running job's progress. */
export interface LiveJob {
  sent: number;
  total: number;
  startedAt: number;
}
