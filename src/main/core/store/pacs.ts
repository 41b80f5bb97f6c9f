// Forwarding to PACS: the routes (migration 007) and the outbox rows of kind 'forward-pacs'. The
// statements here that write sync_jobs touch only that kind (queue, a route's due-now and
// withdrawal); claiming what dueForwards picks and finishing a job are the outbox's generic
// claimSelected/markDone/markFailed (store/outbox.ts).
import type { Database, Statement } from 'better-sqlite3';
import type { JobRow } from './outbox.ts';

export interface PacsRouteRow {
  id: string;
  name: string;
  match: 'all' | 'camera';
  camera_ae_title: string | null;
  called_ae_title: string;
  host: string;
  port: number;
  calling_ae_title: string;
  enabled: 0 | 1;
  created_at: string;
  updated_at: string;
}

export interface PacsRouteFields {
  name: string;
  match: 'all' | 'camera';
  cameraAeTitle: string | null;
  aeTitle: string;
  host: string;
  port: number;
  callingAeTitle: string;
  enabled: boolean;
}

/** The image a forward sends: its spool copy (by content hash) and its row's state. */
export interface ForwardSubjectRow {
  id: string;
  sha256: string | null;
  status: string;
  size_bytes: number | null;
}

export class PacsStore {
  readonly db: Database;
  private readonly newId: () => string;
  private readonly s: Record<string, Statement>;

  constructor(db: Database, newId: () => string) {
    this.db = db;
    this.newId = newId;
    this.s = {
      list: db.prepare('SELECT * FROM pacs_routes ORDER BY created_at, id'),
      get: db.prepare('SELECT * FROM pacs_routes WHERE id = ?'),
      insert: db.prepare(`INSERT INTO pacs_routes (id, name, match, camera_ae_title, called_ae_title, host, port, calling_ae_title, enabled, created_at, updated_at)
        VALUES (@id, @name, @match, @cameraAeTitle, @aeTitle, @host, @port, @callingAeTitle, @enabled, @at, @at)`),
      update: db.prepare(`UPDATE pacs_routes SET name = @name, match = @match, camera_ae_title = @cameraAeTitle, called_ae_title = @aeTitle,
          host = @host, port = @port, calling_ae_title = @callingAeTitle, enabled = @enabled, updated_at = @at WHERE id = @id`),
      remove: db.prepare('DELETE FROM pacs_routes WHERE id = ?'),
      // Enabled routes for an image from this camera: the common ones and the camera's own.
      routesFor: db.prepare(`SELECT id FROM pacs_routes WHERE enabled = 1 AND (match = 'all' OR camera_ae_title = ?) ORDER BY created_at, id`),
      queue: db.prepare(`INSERT OR IGNORE INTO sync_jobs (id, kind, subject_id, revision, state, attempts, next_attempt_at, created_at, updated_at, route_id)
        VALUES (@id, 'forward-pacs', @imageId, 0, 'waiting', 0, @at, @at, @at, @routeId)`),
      // Due forwards of routes that answer; oldest due first.
      due: db.prepare(`SELECT * FROM sync_jobs WHERE kind = 'forward-pacs' AND state IN ('waiting', 'retry-wait') AND next_attempt_at <= ?
          AND route_id IN (SELECT id FROM pacs_routes WHERE enabled = 1) AND route_id NOT IN (SELECT value FROM json_each(?))
        ORDER BY next_attempt_at, created_at LIMIT ?`),
      routeDueNow: db.prepare(`UPDATE sync_jobs SET next_attempt_at = @at, updated_at = @at
        WHERE kind = 'forward-pacs' AND route_id = @routeId AND state = 'retry-wait' AND next_attempt_at > @at`),
      withdraw: db.prepare(`UPDATE sync_jobs SET state = 'cancelled', updated_at = ?
        WHERE kind = 'forward-pacs' AND route_id = ? AND state IN ('waiting', 'retry-wait', 'failed')`),
      subject: db.prepare('SELECT id, sha256, status, size_bytes FROM images WHERE id = ?'),
      countsByRoute: db.prepare(`SELECT route_id, state, count(*) AS n FROM sync_jobs WHERE kind = 'forward-pacs' AND route_id IS NOT NULL
        GROUP BY route_id, state`),
    };
  }

  routes(): PacsRouteRow[] {
    return this.s.list!.all() as PacsRouteRow[];
  }

  route(id: string): PacsRouteRow | undefined {
    return this.s.get!.get(id) as PacsRouteRow | undefined;
  }

  /** Adds (no id) or changes a route; null when the id names no route. */
  saveRoute(id: string | undefined, f: PacsRouteFields, at = new Date().toISOString()): PacsRouteRow | null {
    const params = { ...f, enabled: f.enabled ? 1 : 0, at };
    if (!id) {
      const newId = this.newId();
      this.s.insert!.run({ ...params, id: newId });
      return this.route(newId)!;
    }
    if (!this.s.update!.run({ ...params, id }).changes) return null;
    return this.route(id)!;
  }

  /** Removes a route and withdraws its forwards not sent yet; finished ones keep their history (route_id NULL). */
  removeRoute(id: string, at = new Date().toISOString()): { removed: boolean; withdrawn: number } {
    return this.db.transaction(() => {
      const withdrawn = this.s.withdraw!.run(at, id).changes;
      const removed = this.s.remove!.run(id).changes > 0;
      return { removed, withdrawn };
    })();
  }

  /**
   * Queues one forward per enabled route that takes images from this camera. Call inside the
   * transaction that stores the image (hooks.imageStored). Returns the routes queued.
   */
  queueForwards(imageId: string, callingAe: string, at = new Date().toISOString()): string[] {
    const routes = this.s.routesFor!.all(callingAe) as { id: string }[];
    const queued: string[] = [];
    for (const r of routes) {
      if (this.s.queue!.run({ id: this.newId(), imageId, routeId: r.id, at }).changes) queued.push(r.id);
    }
    return queued;
  }

  /**
   * Up to `limit` due forwards, oldest due first (claimed by Outbox.claimSelected): routes switched
   * off wait (they go when switched on again), and so do routes that do not answer (`skipRoutes`).
   */
  dueForwards(limit: number, now: string, skipRoutes: readonly string[]): JobRow[] {
    return this.s.due!.all(now, JSON.stringify(skipRoutes), limit) as JobRow[];
  }

  /** The route answers again (or was saved): its forwards waiting out a backoff may go now. */
  routeDueNow(routeId: string, at = new Date().toISOString()): number {
    return this.s.routeDueNow!.run({ routeId, at }).changes;
  }

  subject(imageId: string): ForwardSubjectRow | undefined {
    return this.s.subject!.get(imageId) as ForwardSubjectRow | undefined;
  }

  /** Forwards per route and state. */
  countsByRoute(): { route_id: string; state: string; n: number }[] {
    return this.s.countsByRoute!.all() as { route_id: string; state: string; n: number }[];
  }
}
