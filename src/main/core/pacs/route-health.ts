// Each PACS route is a lane of its own: a PACS that does not answer (offline) or refuses the
// station (refused) holds up only its own forwards. Such a route is checked with a C-ECHO every
// few seconds (jobs/rechecks.ts, as the runner's lanes are); when it answers, its forwards waiting
// out a backoff go at once. The job runner's one 'pacs' lane stays online (the kind's failures say
// keepLaneOnline).
import { Rechecks } from '../jobs/rechecks.ts';
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
}

export class RouteHealth {
  private readonly d: RouteHealthDeps;
  private readonly down = new Map<string, Down>();
  private readonly rechecks: Rechecks;

  constructor(deps: RouteHealthDeps) {
    this.d = deps;
    this.rechecks = new Rechecks({ intervalMs: deps.intervalMs, check: (routeId) => deps.check(routeId), onBack: (routeId) => this.markUp(routeId) });
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
    this.down.set(routeId, { state, since: new Date().toISOString(), message });
    this.d.log.warn({ route: routeId, state }, 'pacs: route does not take images now; checking every few seconds');
    this.rechecks.watch(routeId);
  }

  /** The PACS answered (a forward done, an echo, new settings): the route is up again. */
  markUp(routeId: string, log = true): void {
    if (!this.down.delete(routeId)) return;
    this.rechecks.stop(routeId);
    if (log) this.d.log.info({ route: routeId }, 'pacs: route answers again; resuming');
    this.d.onBack(routeId);
  }

  /** The route was removed. */
  forget(routeId: string): void {
    this.rechecks.stop(routeId);
    this.down.delete(routeId);
  }

  close(): void {
    this.rechecks.close();
  }
}
