// Forwarding to PACS as one feature of the station (issue 13 item 3): the routes (store/pacs.ts),
// the job kind 'forward-pacs' on the one job runner (its own lane 'pacs', so a PACS outage never
// holds up cloud sync, and each route a lane of its own in RouteHealth), queued from the
// imageStored hook in the transaction that stores an image received over DICOM, and the C-ECHO test.
//
// Why a feature of its own and not inside sync/: it talks DIMSE to clinic machines, not HTTP to the
// cloud; it has its own settings (routes) and needs none of the cloud's. It shares only the runner
// and the outbox, which the station hands it from the sync feature.
import { StationError } from '../../../shared/errors.ts';
import type { PacsEchoResult, PacsLane, PacsRouteSettings } from '../../../shared/pacs.ts';
import type { Database } from 'better-sqlite3';
import type { Hooks } from '../kernel/hooks.ts';
import { newId } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import { errorSummary, type JobRunner } from '../jobs/runner.ts';
import type { Outbox } from '../store/outbox.ts';
import { PacsStore, type PacsRouteRow } from '../store/pacs.ts';
import { cEcho, DEFAULT_DIMSE_TIMEOUTS, type DimseTimeouts } from './dimse-client.ts';
import { echoMessage } from './dimse-status.ts';
import { forwardPacsKind, labelOf, peerOf } from './forward-pacs.ts';
import { RouteHealth } from './route-health.ts';

export interface PacsTiming {
  /** How often a route that does not answer is checked (C-ECHO). */
  routeCheckMs: number;
  timeouts: DimseTimeouts;
  /** Forwards sent at once (all routes together). */
  concurrency: number;
}

const DEFAULT_PACS_TIMING: PacsTiming = { routeCheckMs: 10_000, timeouts: DEFAULT_DIMSE_TIMEOUTS, concurrency: 2 };

export interface PacsFeatureDeps {
  db: Database;
  runner: JobRunner;
  outbox: Outbox;
  hooks: Hooks;
  log: Logger;
  spoolPath: (sha256: string) => string;
  timing?: Partial<PacsTiming>;
}

export interface PacsFeature {
  store: PacsStore;
  routes(): PacsRouteRow[];
  saveRoute(route: PacsRouteSettings): PacsRouteRow;
  removeRoute(id: string): { withdrawn: number };
  /** "Test (C-ECHO)" of a saved route (id) or of the settings being edited. */
  test(target: { id: string } | PacsRouteSettings): Promise<PacsEchoResult>;
  /** Each route as a lane of the Queue. */
  lanes(): PacsLane[];
  close(): void;
}

export function createPacsFeature(d: PacsFeatureDeps): PacsFeature {
  const timing: PacsTiming = { ...DEFAULT_PACS_TIMING, ...d.timing };
  const store = new PacsStore(d.db, newId);
  const health = new RouteHealth({
    log: d.log,
    intervalMs: timing.routeCheckMs,
    check: async (routeId) => {
      const route = store.route(routeId);
      if (!route) return true;
      const o = await cEcho(peerOf(route), timing.timeouts);
      return o.kind === 'status' && o.status === 0;
    },
    onBack: (routeId) => {
      store.routeDueNow(routeId);
      d.runner.kick();
    },
  });

  // The lane's reachability is per route (RouteHealth); the runner's lane stays online.
  d.runner.addLane({ service: 'pacs', origin: () => null });
  d.runner.register(
    forwardPacsKind({ store, outbox: d.outbox, health, spoolPath: d.spoolPath, log: d.log, timeouts: timing.timeouts, concurrency: timing.concurrency }),
  );

  // In the transaction that stores an image received over DICOM: its forwards are queued with it.
  // In a savepoint: a failure here is logged and leaves the image stored (intake never waits on PACS).
  d.hooks.imageStored.push((image) => {
    if (!image.dicom) return;
    try {
      const routes = d.db.transaction(() => store.queueForwards(image.id, image.dicom!.callingAe))();
      if (routes.length) {
        d.log.info({ image: image.id, routes: routes.length }, 'pacs: forwards queued');
        d.runner.kick(); // runs after the storing transaction commits (setImmediate)
      }
    } catch (err) {
      d.log.error({ image: image.id, err: errorSummary(err) }, 'pacs: forwards could not be queued');
    }
  });

  const routeOrThrow = (id: string): PacsRouteRow => {
    const r = store.route(id);
    if (!r) throw new StationError('not-found', 'There is no PACS route with that id.');
    return r;
  };

  return {
    store,
    routes: () => store.routes(),
    saveRoute({ id, ...fields }) {
      const saved = store.saveRoute(id, fields);
      if (!saved) throw new StationError('not-found', 'There is no PACS route with that id.');
      d.log.info({ route: saved.id, match: saved.match, enabled: saved.enabled === 1 }, 'pacs: route saved');
      // New settings: try the route again now (IT may have fixed its address or AE titles).
      health.markUp(saved.id, false);
      store.routeDueNow(saved.id);
      d.runner.kick();
      return saved;
    },
    removeRoute(id) {
      const r = store.removeRoute(id);
      if (!r.removed) throw new StationError('not-found', 'There is no PACS route with that id.');
      health.forget(id);
      d.log.info({ route: id, withdrawn: r.withdrawn }, 'pacs: route removed');
      d.runner.kick();
      return { withdrawn: r.withdrawn };
    },
    async test(target) {
      const row = 'name' in target ? rowLike(target) : routeOrThrow(target.id);
      const started = performance.now();
      const outcome = await cEcho(peerOf(row), timing.timeouts);
      const answer = echoMessage(outcome, labelOf(row), performance.now() - started);
      const routeId = 'id' in target && target.id ? target.id : null;
      d.log.info({ route: routeId, ok: answer.ok, outcome: outcome.kind, status: outcome.kind === 'status' ? outcome.status : undefined }, 'pacs: echo');
      if (answer.ok && routeId && store.route(routeId)) health.markUp(routeId);
      return answer;
    },
    lanes: () => store.routes().map((r) => ({ routeId: r.id, name: r.name, ...health.view(r.id) })),
    close: () => health.close(),
  };
}

/** Settings being edited, in the row's shape (for the echo). */
function rowLike(r: PacsRouteSettings): PacsRouteRow {
  const at = new Date().toISOString();
  return {
    id: r.id ?? '',
    name: r.name,
    match: r.match,
    camera_ae_title: r.cameraAeTitle,
    called_ae_title: r.aeTitle,
    host: r.host,
    port: r.port,
    calling_ae_title: r.callingAeTitle,
    enabled: r.enabled ? 1 : 0,
    created_at: at,
    updated_at: at,
  };
}
