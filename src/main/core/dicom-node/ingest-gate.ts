// Receiving comes first: while a camera is sending, the images of the objects already
// acknowledged wait here before the ingest pipeline (their decode, thumbnail and quality hint
// would take the CPU the transfer needs), and go on once the connection has been quiet for a
// moment. The camera's Success never waits for this: the object is durable in the spool before.
// What a held image keeps in memory (its compact data set) is bounded: past a byte budget, the
// oldest held ones let theirs go (spill) and read it again from the spool when they run. A long
// burst does not hold them for ever: one that has waited maxHoldMs goes on, one at a time. The
// decisions are pure functions (gateDecision, toSpill); IngestGate holds the tasks and one timer.

export interface GatePolicy {
  /** No object received for this long: the burst is over, everything held goes on. */
  quietMs: number;
  /** Held compact data sets above this many bytes: the oldest let theirs go (read again later). */
  heldBudgetBytes: number;
  /** An image held this long goes on (one at a time), even mid-burst. */
  maxHoldMs: number;
  /** At most this many released mid-burst and not yet done. */
  busyInFlight: number;
}

export const INGEST_GATE_POLICY: GatePolicy = { quietMs: 50, heldBudgetBytes: 32 * 1024 * 1024, maxHoldMs: 5000, busyInFlight: 1 };

export interface GateState {
  /** A C-STORE data set is arriving on some association now. */
  receiving: boolean;
  /** Since the last object ended (its response decided); Infinity when none yet. */
  sinceLastObjectMs: number;
  held: number;
  /** How long the oldest held task has waited. */
  oldestHeldMs: number;
  /** Released and not yet done. */
  inFlight: number;
}

export type GateDecision =
  | { kind: 'release-all' }
  | { kind: 'release-one' }
  /** recheckInMs: when the state changes by itself (a timer); null: at the next event (an object ends, a task is done). */
  | { kind: 'hold'; recheckInMs: number | null };

export function gateDecision(s: GateState, p: GatePolicy): GateDecision {
  if (s.held === 0) return { kind: 'hold', recheckInMs: null };
  const quiet = !s.receiving && s.sinceLastObjectMs >= p.quietMs;
  if (quiet) return { kind: 'release-all' };
  const room = s.inFlight < p.busyInFlight;
  if (room && s.oldestHeldMs >= p.maxHoldMs) return { kind: 'release-one' };
  const waits = [s.receiving ? Infinity : p.quietMs - s.sinceLastObjectMs, room ? p.maxHoldMs - s.oldestHeldMs : Infinity];
  const next = Math.min(...waits);
  return { kind: 'hold', recheckInMs: Number.isFinite(next) ? Math.max(1, Math.ceil(next)) : null };
}

/** How many of the oldest held entries (their bytes, oldest first) let their bytes go to be within the budget. */
export function toSpill(heldBytes: readonly number[], budget: number): number {
  let total = heldBytes.reduce((a, b) => a + b, 0);
  let n = 0;
  while (total > budget && n < heldBytes.length) total -= heldBytes[n++];
  return n;
}

interface Held {
  run(): Promise<void>;
  bytes: number;
  spill: (() => void) | null;
  since: number;
}

export interface GateDeps {
  /** True while a C-STORE data set is arriving on any association (DicomListener.busy). */
  receiving(): boolean;
  policy?: GatePolicy;
  now?: () => number;
}

export class IngestGate {
  private readonly d: GateDeps;
  private readonly policy: GatePolicy;
  private readonly now: () => number;
  private readonly held: Held[] = [];
  private inFlight = 0;
  private lastObjectAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(deps: GateDeps) {
    this.d = deps;
    this.policy = deps.policy ?? INGEST_GATE_POLICY;
    this.now = deps.now ?? (() => performance.now());
  }

  get waiting(): number {
    return this.held.length;
  }

  /** An object's data set has ended (whatever the camera is told): the quiet gap starts again. */
  objectEnded(): void {
    this.lastObjectAt = this.now();
    this.pump();
  }

  /**
   * Runs `task` when the gate lets it; resolves when it has run. `bytes`: what it holds meanwhile;
   * `spill`: makes it let them go (the task then reads them again).
   */
  pass(task: () => Promise<void>, bytes: number, spill?: () => void): Promise<void> {
    return new Promise((resolve) => {
      this.held.push({ run: () => task().then(resolve, resolve), bytes, spill: spill ?? null, since: this.now() });
      this.pump();
    });
  }

  private spillOverBudget(): void {
    const withBytes = this.held.filter((h) => h.spill && h.bytes > 0);
    const n = toSpill(
      withBytes.map((h) => h.bytes),
      this.policy.heldBudgetBytes,
    );
    for (const h of withBytes.slice(0, n)) {
      h.spill!();
      h.bytes = 0;
    }
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (;;) {
      const now = this.now();
      const d = gateDecision(
        {
          receiving: this.d.receiving(),
          sinceLastObjectMs: now - this.lastObjectAt,
          held: this.held.length,
          oldestHeldMs: this.held.length ? now - this.held[0].since : 0,
          inFlight: this.inFlight,
        },
        this.policy,
      );
      if (d.kind === 'hold') {
        this.spillOverBudget();
        // A short timer that keeps the process alive: held images are work the station owes.
        if (d.recheckInMs !== null) this.timer = setTimeout(() => this.pump(), d.recheckInMs);
        return;
      }
      const batch = d.kind === 'release-all' ? this.held.splice(0) : this.held.splice(0, 1);
      for (const h of batch) {
        this.inFlight++;
        void h.run().finally(() => {
          this.inFlight--;
          this.pump();
        });
      }
      if (d.kind === 'release-all') return;
    }
  }
}
