// Per-service lanes: online, or offline (no answer at all) until a cheap reachability check (one
// HEAD to the service's origin, no credentials) gets any answer; and the service's clock, from
// the Date header of its answers. Credentials pauses are the runner's (they are persisted).
import type { Logger } from '../kernel/logger.ts';
import { clockSkewMs, isClockSkewReportable } from '../sync/retry-policy.ts';
import { Rechecks } from './rechecks.ts';
import type { LaneProblem, LaneSpec, LaneView } from './types.ts';

export interface LaneState {
  readonly spec: LaneSpec;
  offline: boolean;
  offlineSince: string | null;
  /** Last time a job was let through to recheck a credentials pause. */
  authProbeAt: number;
  lastError: LaneProblem | null;
  /** Service clock minus ours, when large enough to matter. */
  skew: number | null;
  skewLogged: boolean;
}

export interface LanesDeps {
  log: Logger;
  reachabilityIntervalMs: number;
  /** True when anything answers at `url` (any HTTP status). */
  reachable: (url: string) => Promise<boolean>;
  /** The lane is reachable again: whatever waits out a backoff on it may go now. */
  onBack: (service: string) => void;
}

export async function headReachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return true; // any answer at all: the service is reachable again
  } catch {
    return false;
  }
}

export class Lanes {
  private readonly d: LanesDeps;
  private readonly lanes = new Map<string, LaneState>();
  /** Offline lanes, checked every reachabilityIntervalMs (a HEAD to the origin; no origin: assume back). */
  private readonly rechecks: Rechecks;

  constructor(deps: LanesDeps) {
    this.d = deps;
    this.rechecks = new Rechecks({
      intervalMs: deps.reachabilityIntervalMs,
      check: async (service) => {
        const url = originOf(this.get(service).spec);
        return url ? this.d.reachable(url) : true;
      },
      onBack: (service) => this.setOnline(this.get(service), true),
    });
  }

  add(spec: LaneSpec): void {
    if (this.lanes.has(spec.service)) throw new Error(`lane ${spec.service} is already registered`);
    this.lanes.set(spec.service, {
      spec,
      offline: false,
      offlineSince: null,
      authProbeAt: 0,
      lastError: null,
      skew: null,
      skewLogged: false,
    });
  }

  get(service: string): LaneState {
    const lane = this.lanes.get(service);
    if (!lane) throw new Error(`no lane ${service}: register it before its kinds`);
    return lane;
  }

  has(service: string): boolean {
    return this.lanes.has(service);
  }

  /** In registration order. */
  all(): LaneState[] {
    return [...this.lanes.values()];
  }

  setOffline(lane: LaneState, problem: LaneProblem): void {
    lane.lastError = problem;
    if (lane.offline) return;
    lane.offline = true;
    lane.offlineSince = problem.at;
    this.d.log.warn({ service: lane.spec.service, code: problem.code }, 'sync: service unreachable; checking every few seconds');
    this.rechecks.watch(lane.spec.service);
  }

  /** Back online (an answer, a success, Resume, new settings). */
  setOnline(lane: LaneState, log: boolean): void {
    this.rechecks.stop(lane.spec.service);
    if (!lane.offline) return;
    lane.offline = false;
    lane.offlineSince = null;
    if (log) this.d.log.info({ service: lane.spec.service }, 'sync: service reachable again; resuming');
    this.d.onBack(lane.spec.service);
  }

  /** The service's Date header against our clock; a skew of minutes is kept (and logged once). */
  noteServerDate(lane: LaneState, serverDate: string | undefined): void {
    const skew = clockSkewMs(serverDate, new Date());
    if (skew === null) return;
    const reportable = isClockSkewReportable(skew);
    lane.skew = reportable ? skew : null;
    if (reportable && !lane.skewLogged) {
      lane.skewLogged = true;
      this.d.log.warn({ service: lane.spec.service, skewMs: skew }, 'sync: the local clock differs from the service clock');
    } else if (!reportable) lane.skewLogged = false;
  }

  /** The lane as the views show it: a credentials pause first, then offline, else online. */
  static view(l: LaneState, pause: LaneProblem | null): LaneView {
    return {
      state: pause ? 'paused' : l.offline ? 'offline' : 'online',
      since: pause ? pause.at : l.offline ? l.offlineSince : null,
      message: pause ? pause.message : l.offline ? (l.lastError?.message ?? null) : null,
      lastError: l.lastError,
      pause,
      clockSkewMs: l.skew,
    };
  }

  close(): void {
    this.rechecks.close();
  }
}

/** The lane's check address; null (no check, assume back) also when it cannot be worked out. */
function originOf(spec: LaneSpec): string | null {
  try {
    return spec.origin();
  } catch {
    return null;
  }
}
