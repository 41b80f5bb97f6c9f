// The one job runner of the outbox (table sync_jobs). Kinds register with it (types.ts: KindSpec);
// it never names one. It claims due jobs in a transaction, up to each kind's concurrency, runs
// them, and records what a failure means:
// - retry (network, timeout, 408/429/5xx): the job waits out a backoff with full jitter (capped),
//   or the service's Retry-After. No answer at all also takes the service's lane offline: nothing
//   more is tried there until a cheap reachability check gets any answer; then everything waiting
//   goes at once.
// - auth (credentials refused): the whole lane pauses with the failure's plain message, no retry
//   storm; it resumes on new settings or Resume, and one job every authRecheckMs checks whether IT
//   fixed it on their side. The job goes back to waiting, uncounted.
// - fatal: that job fails with its reason; a person retries it.
// Stopping (operator pause, close, new settings) aborts what runs; it goes back to waiting without
// counting an attempt. Adding a kind: a file with its KindSpec, runner.register(kind) (and its lane,
// runner.addLane, if it talks to a new service). See docs/SYNC.md, "The job runner".
import type { Logger } from '../kernel/logger.ts';
import type { JobKind, JobRow, Outbox } from '../store/outbox.ts';
import { nextAttemptDelayMs } from '../sync/retry-policy.ts';
import { safeCode } from '../sync/sync-error.ts';
import { headReachable, Lanes, type LaneState } from './lanes.ts';
import { ChangeNotifier, type Notify } from './notifier.ts';
import { Pauses } from './pauses.ts';
import { SpeedMeter } from './speed-meter.ts';
import { DEFAULT_RUNNER_TIMING, type JobFailure, type JobNote, type JobResult, type KindSpec, type LaneProblem } from './types.ts';
import type { LaneSpec, LaneView, LiveJob, PauseStore, RunnerTiming } from './types.ts';

export interface JobRunnerDeps {
  outbox: Outbox;
  log: Logger;
  pauses: PauseStore;
  /** Throttled: something changed; the subjects that changed, per topic. */
  notify: Notify;
  timing?: Partial<RunnerTiming>;
  /** True when anything answers at `url`; default: a HEAD with a 5 s timeout. */
  reachable?: (url: string) => Promise<boolean>;
  random?: () => number;
}

interface Running extends LiveJob {
  job: JobRow;
  kind: KindSpec;
  abort: AbortController;
  /** Stopped on purpose (pause, close, new settings): back to waiting without counting an attempt. */
  stopped: boolean;
  done: Promise<void>;
}

const UNEXPECTED = 'Something unexpected went wrong while sending; it will be tried again. The details are in the log.';

export class JobRunner {
  private readonly d: JobRunnerDeps;
  private readonly timing: RunnerTiming;
  private readonly kinds = new Map<JobKind, KindSpec>();
  private readonly lanes: Lanes;
  private readonly running = new Map<string, Running>();
  private readonly meter = new SpeedMeter();
  private readonly notifier: ChangeNotifier;
  private readonly pauses: Pauses;
  private pumpScheduled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private started = false;
  private closed = false;
  private lastSuccessAt: string | null = null;

  constructor(deps: JobRunnerDeps) {
    this.d = deps;
    this.timing = { ...DEFAULT_RUNNER_TIMING, ...deps.timing };
    this.notifier = new ChangeNotifier(this.timing.eventThrottleMs, deps.notify);
    this.lanes = new Lanes({
      log: deps.log,
      reachabilityIntervalMs: this.timing.reachabilityIntervalMs,
      reachable: deps.reachable ?? headReachable,
      onBack: (service) => {
        for (const k of this.kindsOn(service)) this.d.outbox.makeDueNow(k.kind);
        this.kick();
      },
    });
    this.pauses = new Pauses(deps.pauses);
  }

  // -------------------------------------------------------------------------------------------
  // Registration and life cycle
  // -------------------------------------------------------------------------------------------

  addLane(spec: LaneSpec): void {
    this.lanes.add(spec);
    this.pauses.know(spec.service);
  }

  register(kind: KindSpec): void {
    if (this.kinds.has(kind.kind)) throw new Error(`kind ${kind.kind} is already registered`);
    this.lanes.get(kind.service); // its lane must be known
    this.kinds.set(kind.kind, kind);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const recovered = this.d.outbox.recoverInterrupted();
    if (recovered) this.d.log.info({ recovered }, 'sync: jobs interrupted by the last stop will run again');
    const pending = this.d.outbox.pendingByKind();
    if (Object.keys(pending).length) this.d.log.info({ pending }, 'sync: work waiting from before');
    this.kick();
  }

  /** Stops claiming, stops what runs (it runs again next time, uncounted), and says what is left. */
  async close(): Promise<Partial<Record<JobKind, number>>> {
    if (this.closed) return this.d.outbox.pendingByKind();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.notifier.close();
    this.lanes.close();
    await this.stopRunning();
    const left = this.d.outbox.pendingByKind();
    if (Object.keys(left).length) this.d.log.info({ pending: left }, 'sync: stopped with work waiting; it resumes at the next start');
    return left;
  }

  /** True while a job runs (e.g. the updater waits for it). */
  busy(): boolean {
    return this.running.size > 0;
  }

  private async stopRunning(): Promise<void> {
    const stopping = [...this.running.values()];
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
    this.notifier.changed();
  }

  async pause(): Promise<void> {
    this.pauses.setOperator(true);
    this.d.log.info('sync: paused by the operator');
    await this.stopRunning();
    this.notifier.changed();
  }

  /** Resume after an operator pause; also try again at once after an outage or a credentials problem. */
  resume(): void {
    this.pauses.clearAll(true);
    this.allDueNow();
    this.d.log.info('sync: resumed');
    this.kick();
  }

  /**
   * The settings changed: a credentials pause is lifted, everything waiting goes now, and what is
   * in flight (started with the old settings) is stopped and started again with the new ones.
   */
  settingsChanged(): void {
    if (this.pauses.clearAll(false)) this.d.log.info('sync: cloud settings changed; a paused queue resumes');
    this.allDueNow();
    void this.stopRunning().then(() => this.kick());
    this.kick();
  }

  /** A person retries failed jobs: one, or all. */
  retry(jobId?: string): number {
    const reset = this.d.outbox.retryFailed(jobId);
    for (const j of reset) this.touch(j);
    if (reset.length) this.d.log.info({ count: reset.length }, 'sync: failed jobs retried by hand');
    this.kick();
    return reset.length;
  }

  private allDueNow(): void {
    for (const lane of this.lanes.all()) this.lanes.setOnline(lane, false);
    for (const k of this.kinds.values()) this.d.outbox.makeDueNow(k.kind);
  }

  private kindsOn(service: string): KindSpec[] {
    return [...this.kinds.values()].filter((k) => k.service === service);
  }

  /** The job's subject is announced with the next change notification. */
  private touch(job: Pick<JobRow, 'kind' | 'subject_id'>): void {
    const topic = this.kinds.get(job.kind)?.subjectTopic;
    this.notifier.changed(topic, job.subject_id);
  }

  // -------------------------------------------------------------------------------------------
  // The loop
  // -------------------------------------------------------------------------------------------

  private laneOpen(lane: LaneState, now: number): { open: boolean; probe: boolean } {
    if (lane.offline) return { open: false, probe: false };
    if (this.pauses.lane(lane.spec.service)) {
      // One job now and then checks whether IT fixed it on their side; never a storm.
      if (now - lane.authProbeAt >= this.timing.authRecheckMs) return { open: true, probe: true };
      return { open: false, probe: false };
    }
    return { open: true, probe: false };
  }

  private pump(): void {
    if (this.closed || this.pauses.operator) return;
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const full = new Set<JobKind>();
    for (const kind of this.kinds.values()) {
      if (kind.ready && !kind.ready()) continue;
      const lane = this.lanes.get(kind.service);
      const open = this.laneOpen(lane, nowMs);
      if (!open.open) continue;
      const runningOfKind = [...this.running.values()].filter((r) => r.job.kind === kind.kind).length;
      const free = open.probe ? (runningOfKind ? 0 : 1) : Math.max(0, kind.concurrency() - runningOfKind);
      const claimed = free > 0 ? (kind.claim ? kind.claim(free, now) : this.d.outbox.claimDue(kind.kind, free, now)) : [];
      // Every slot busy: the next job to finish looks again, no timer needed for this kind.
      if (!open.probe && claimed.length === free) full.add(kind.kind);
      if (open.probe && claimed.length) lane.authProbeAt = nowMs;
      for (const job of claimed) this.launch(kind, job);
    }
    this.scheduleTimer(nowMs, full);
  }

  /** Wakes the loop when the next backoff ends or a paused lane may be rechecked. */
  private scheduleTimer(nowMs: number, full: Set<JobKind>): void {
    const nowIso = new Date(nowMs).toISOString();
    const candidates: number[] = [];
    for (const kind of this.kinds.values()) {
      const lane = this.lanes.get(kind.service);
      if (kind.ready && !kind.ready()) continue; // new settings kick the queue
      if (full.has(kind.kind) || lane.offline) continue; // a finishing job, or the reachability check, wakes it
      if (this.pauses.lane(kind.service)) {
        candidates.push(lane.authProbeAt + this.timing.authRecheckMs);
        continue;
      }
      const t = this.d.outbox.earliestDue(kind.kind, nowIso);
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

  private launch(kind: KindSpec, job: JobRow): void {
    const r: Running = { job, kind, abort: new AbortController(), stopped: false, sent: 0, total: 0, startedAt: Date.now(), done: Promise.resolve() };
    this.running.set(job.id, r);
    this.touch(job);
    r.done = (async () => {
      try {
        const result = await this.attempt(r);
        this.record(r, result);
      } catch (err) {
        this.d.log.error({ job: job.id, err: errorSummary(err) }, 'sync: unexpected failure');
      } finally {
        this.running.delete(job.id);
        this.touch(job);
        this.kick();
      }
    })();
  }

  private async attempt(r: Running): Promise<JobResult> {
    const ctx = {
      signal: r.abort.signal,
      setTotal: (bytes: number) => {
        r.total = bytes;
      },
      progress: (sent: number) => {
        this.meter.add(sent - r.sent);
        r.sent = sent;
        this.notifier.changed();
      },
    };
    try {
      return await r.kind.run(r.job, ctx);
    } catch (err) {
      const error = r.kind.classify?.(err) ?? { kind: 'retry', code: 'Unexpected', message: UNEXPECTED };
      if (error.code === 'Unexpected') this.d.log.error({ job: r.job.id, err: errorSummary(err) }, 'sync: unexpected error in a job');
      return { status: 'failed', error };
    }
  }

  private record(r: Running, result: JobResult): void {
    const lane = this.lanes.get(r.kind.service);
    if (result.status === 'done') {
      this.lanes.noteServerDate(lane, result.serverDate);
      this.succeeded(lane);
    } else if (result.status === 'failed') {
      r.kind.onFailed?.(r.job, result.error);
      this.failed(r, lane, result.error);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Outcomes
  // -------------------------------------------------------------------------------------------

  private failed(r: Running, lane: LaneState, e: JobFailure): void {
    const { job } = r;
    const now = Date.now();
    if (r.stopped) {
      // Paused or closing: not the job's fault. Back to waiting, nothing counted.
      this.d.outbox.markFailed(job, null, new Date(now).toISOString());
      return;
    }
    const service = lane.spec.service;
    this.lanes.noteServerDate(lane, e.serverDate);
    const problem: LaneProblem = { kind: e.kind, service, message: e.message, status: e.status ?? null, code: e.code ?? null, at: new Date(now).toISOString() };
    lane.lastError = problem;
    const failure = { kind: e.kind, message: e.message, code: e.code ?? null, status: e.status ?? null };
    if (e.kind === 'retry') {
      const attempts = job.attempts + 1;
      const backoff = nextAttemptDelayMs(attempts, { baseMs: this.timing.backoffBaseMs, capMs: this.timing.backoffCapMs, random: this.d.random });
      const wait = e.retryAfterMs !== undefined ? Math.min(e.retryAfterMs, this.timing.backoffCapMs) : backoff;
      this.d.outbox.markFailed(job, failure, new Date(now + wait).toISOString());
      this.d.log.warn({ job: job.id, kind: job.kind, attempts, waitMs: wait, status: e.status, code: e.code }, 'sync: will retry');
      // No answer at all (refused, reset, timed out, stalled): the service is unreachable.
      if (e.status === undefined && !e.keepLaneOnline && e.code !== 'Unexpected' && e.code !== 'ABORTED') this.lanes.setOffline(lane, problem);
    } else if (e.kind === 'auth') {
      this.d.outbox.markFailed(job, failure, new Date(now).toISOString());
      if (this.pauses.pauseLane(service, problem)) {
        // The message is for people (the Queue and the settings screen); the log gets status and code only.
        this.d.log.warn({ service, status: e.status, code: e.code }, 'sync: paused, the service refused the credentials');
      }
      lane.authProbeAt = now;
    } else {
      this.d.outbox.markFailed(job, failure, new Date(now).toISOString());
      // Never the message: it may quote the peer's reason, which may name the patient.
      this.d.log.warn({ job: job.id, kind: job.kind, status: e.status, code: e.code }, 'sync: job failed; it waits for a person');
    }
    this.notifier.changed();
  }

  private succeeded(lane: LaneState): void {
    this.lastSuccessAt = new Date().toISOString();
    const service = lane.spec.service;
    if (this.pauses.clearLane(service)) {
      // A recheck got through: IT fixed it.
      this.d.log.info({ service }, 'sync: credentials accepted again; resuming');
    }
    if (lane.offline) this.lanes.setOnline(lane, true);
    lane.lastError = null;
  }

  // -------------------------------------------------------------------------------------------
  // Views (the UI's mapping to the contract is in api/)
  // -------------------------------------------------------------------------------------------

  /** The runner's state: pauses, lanes, speed, last success. */
  state(): { operatorPaused: boolean; lanes: Record<string, LaneView>; running: number; sentInFlight: number; bytesPerSecond: number | null; lastSuccessAt: string | null } {
    const lanes: Record<string, LaneView> = {};
    for (const l of this.lanes.all()) lanes[l.spec.service] = Lanes.view(l, this.pauses.lane(l.spec.service));
    return {
      operatorPaused: this.pauses.operator,
      lanes,
      running: this.running.size,
      sentInFlight: [...this.running.values()].reduce((n, r) => n + r.sent, 0),
      bytesPerSecond: this.running.size ? this.meter.rate() : null,
      lastSuccessAt: this.lastSuccessAt,
    };
  }

  /** A running job's progress, or null. */
  live(jobId: string): LiveJob | null {
    const r = this.running.get(jobId);
    return r ? { sent: r.sent, total: r.total, startedAt: r.startedAt } : null;
  }

  /** Whether the job's lane (or the whole queue) is paused. */
  pausedFor(kind: JobKind): boolean {
    const k = this.kinds.get(kind);
    return this.pauses.operator || (!!k && !!this.pauses.lane(k.service));
  }

  /** What a waiting job waits for, from its kind. */
  describe(job: JobRow): JobNote | null {
    return this.kinds.get(job.kind)?.describe?.(job) ?? null;
  }
}

/** A thrown error for the log: its name and code when they are code tokens (never its message). */
export function errorSummary(err: unknown): { name: string; code?: string } {
  const e = err as { name?: unknown; code?: unknown };
  const code = safeCode(e?.code);
  return { name: safeCode(e?.name) ?? typeof err, ...(code !== undefined && { code }) };
}
