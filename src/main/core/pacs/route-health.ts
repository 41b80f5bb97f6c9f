// Each PACS route is a lane of its own: a PACS that does not answer (offline) or refuses the
// station (refused) holds up only its own forwards. Such a route is checked with a C-ECHO every
// few seconds; when it answers, its forwards waiting out a backoff go at once. The job runner's one
// 'pacs' lane stays online (the kind's failures say keepLaneOnline).
import type { Logger } from '../kernel/logger.ts';

export type RouteDown = 'offline' | 'refused';

export interface RouteHealthDeps {
  log: Logger;
  intervalMs: number;
  /** True when the route's PACS answers (a C-ECHO with its current settings). */
  check(routeId: string): Promise<boolean>;
  /** The route answers again: make its waiting forwards due and look at the queue. */
  onBack(routeId: string): void;
}

interface Down {
  state: RouteDown;
  since: string;
  message: string;
  timer: ReturnType<typeof setTimeout> | null;
}

export class RouteHealth {
  private readonly d: RouteHealthDeps;
  private readonly down = new Map<string, Down>();
  private closed = false;

  constructor(deps: RouteHealthDeps) {
    this.d = deps;
  }

  /** Routes whose forwards are not claimed now. */
  skipped(): string[] {
    return [...this.down.keys()];
  }

  view(routeId: string): { state: 'online' | RouteDown; since: string | null; message: string | null } {
    const s = this.down.get(routeId);
    return s ? { state: s.state, since: s.since, message: s.message } : { state: 'online', since: null, message: null };
  }

  /** A forward got no answer, or was refused: hold the route's forwards until a check answers. */
  markDown(routeId: string, state: RouteDown, message: string): void {
    const s = this.down.get(routeId);
    if (s) {
      s.state = state;
      s.message = message;
      return;
    }
    this.down.set(routeId, { state, since: new Date().toISOString(), message, timer: null });
    this.d.log.warn({ route: routeId, state }, 'pacs: route does not take images now; checking every few seconds');
    this.schedule(routeId);
  }

  /** The PACS answered (a forward done, an echo, new settings): the route is up again. */
  markUp(routeId: string, log = true): void {
    const s = this.down.get(routeId);
    if (!s) return;
    if (s.timer) clearTimeout(s.timer);
    this.down.delete(routeId);
    if (log) this.d.log.info({ route: routeId }, 'pacs: route answers again; resuming');
    this.d.onBack(routeId);
  }

  /** The route was removed. */
  forget(routeId: string): void {
    const s = this.down.get(routeId);
    if (s?.timer) clearTimeout(s.timer);
    this.down.delete(routeId);
  }

  private schedule(routeId: string): void {
    const s = this.down.get(routeId);
    if (!s || s.timer || this.closed) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      void this.recheck(routeId);
    }, this.d.intervalMs);
    s.timer.unref?.();
  }

  private async recheck(routeId: string): Promise<void> {
    if (this.closed || !this.down.has(routeId)) return;
    const ok = await this.d.check(routeId).catch(() => false);
    if (this.closed || !this.down.has(routeId)) return;
    if (ok) this.markUp(routeId);
    else this.schedule(routeId);
  }

  close(): void {
    this.closed = true;
    for (const s of this.down.values()) if (s.timer) clearTimeout(s.timer);
  }
}
