// "Down until a check answers", keyed: while a key is watched, its check runs every intervalMs;
// the first check that answers ends the watch and calls onBack(key). The runner's lanes watch a
// service this way (a HEAD, jobs/lanes.ts), and PACS forwarding each route (a C-ECHO,
// pacs/route-health.ts).
export interface RechecksDeps {
  intervalMs: number;
  /** True when the key's peer answers; a rejection counts as no answer. */
  check(key: string): Promise<boolean>;
  /** The check answered: the watch has ended. */
  onBack(key: string): void;
}

/** One watch of a key; a new watch after a stop is a new object, so a late answer of the old one is ignored. */
interface Watch {
  timer: ReturnType<typeof setTimeout> | null;
}

export class Rechecks {
  private readonly d: RechecksDeps;
  private readonly watched = new Map<string, Watch>();
  private closed = false;

  constructor(deps: RechecksDeps) {
    this.d = deps;
  }

  /** Starts checking the key every intervalMs (nothing when it is watched already). */
  watch(key: string): void {
    if (this.watched.has(key) || this.closed) return;
    const w: Watch = { timer: null };
    this.watched.set(key, w);
    this.schedule(key, w);
  }

  /** Stops checking the key (it answered some other way, or is gone). */
  stop(key: string): void {
    const w = this.watched.get(key);
    if (w?.timer) clearTimeout(w.timer);
    this.watched.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const key of [...this.watched.keys()]) this.stop(key);
  }

  private schedule(key: string, w: Watch): void {
    w.timer = setTimeout(() => {
      w.timer = null;
      void this.recheck(key, w);
    }, this.d.intervalMs);
    w.timer.unref?.();
  }

  private async recheck(key: string, w: Watch): Promise<void> {
    const ok = await this.d.check(key).catch(() => false);
    // Stopped (or closed) while the check ran: its answer no longer matters.
    if (this.watched.get(key) !== w) return;
    if (!ok) return this.schedule(key, w);
    this.watched.delete(key);
    this.d.onBack(key);
  }
}
