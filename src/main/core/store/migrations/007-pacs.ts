import type { Database } from 'better-sqlite3';

// Forwarding to PACS (issue 13 item 3): the routes, and the outbox widened to a third job kind.
//
// SQLite cannot alter a CHECK constraint, so sync_jobs is rebuilt the documented way (create the
// new table, copy, drop, rename, then recreate every index exactly as migration 003 made it). No
// table, view or trigger refers to sync_jobs, so the drop touches nothing else. The migration runs
// in the runner's transaction: a failure leaves the database at version 4, jobs intact.
export function up(db: Database): void {
  db.exec(`
    -- Where images received over DICOM are forwarded. match 'all': every image that came by DICOM
    -- (the "common PACS"); match 'camera': only those whose sending camera's AE title is camera_ae_title.
    CREATE TABLE pacs_routes (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      match TEXT NOT NULL CHECK (match IN ('all', 'camera')),
      camera_ae_title TEXT,
      called_ae_title TEXT NOT NULL,            -- the PACS's AE title
      host TEXT NOT NULL,
      port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
      calling_ae_title TEXT NOT NULL,           -- ours, as the PACS knows us
      enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      CHECK ((match = 'camera') = (camera_ae_title IS NOT NULL))
    );

    CREATE TABLE sync_jobs_new (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('upload-image', 'submit-order', 'forward-pacs')),
      subject_id TEXT NOT NULL,                 -- images.id (upload-image, forward-pacs) or orders.id (submit-order)
      revision INTEGER NOT NULL DEFAULT 0,      -- the exam revision this job sends (submit-order); 0 otherwise
      state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'retry-wait', 'done', 'failed', 'cancelled')),
      attempts INTEGER NOT NULL DEFAULT 0,      -- failed attempts since the last success or manual retry
      next_attempt_at TEXT NOT NULL,            -- UTC ISO-8601; not claimed before
      last_attempt_at TEXT,
      last_error TEXT,                          -- plain words for the operator and IT; never a secret or patient data
      last_error_code TEXT,
      last_error_status INTEGER,
      last_error_kind TEXT,                     -- retry, auth, fatal
      bytes INTEGER,                            -- size of the upload (known once read)
      payload TEXT,                             -- JSON fixed at the first attempt: blob name, content type, metadata
      outcome TEXT,                             -- created, already-there, created/updated/unchanged/superseded, delivered (order-first), stored (PACS)
      result TEXT,                              -- JSON: what the order service answered (its order id, status); the PACS's status
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      done_at TEXT,
      route_id TEXT REFERENCES pacs_routes(id) ON DELETE SET NULL  -- forward-pacs: the route it sends to
    );
    INSERT INTO sync_jobs_new (id, kind, subject_id, revision, state, attempts, next_attempt_at, last_attempt_at,
        last_error, last_error_code, last_error_status, last_error_kind, bytes, payload, outcome, result,
        created_at, updated_at, done_at)
      SELECT id, kind, subject_id, revision, state, attempts, next_attempt_at, last_attempt_at,
        last_error, last_error_code, last_error_status, last_error_kind, bytes, payload, outcome, result,
        created_at, updated_at, done_at
      FROM sync_jobs;
    DROP TABLE sync_jobs;
    ALTER TABLE sync_jobs_new RENAME TO sync_jobs;

    -- Migration 003's indexes, exactly.
    CREATE UNIQUE INDEX sync_jobs_one_upload ON sync_jobs(subject_id) WHERE kind = 'upload-image';
    CREATE UNIQUE INDEX sync_jobs_one_order_revision ON sync_jobs(subject_id, revision) WHERE kind = 'submit-order';
    CREATE INDEX sync_jobs_due ON sync_jobs(kind, state, next_attempt_at);
    CREATE INDEX sync_jobs_done ON sync_jobs(done_at) WHERE done_at IS NOT NULL;
    -- One forward per image and route.
    CREATE UNIQUE INDEX sync_jobs_one_forward ON sync_jobs(subject_id, route_id) WHERE kind = 'forward-pacs';
    CREATE INDEX sync_jobs_route ON sync_jobs(route_id, state) WHERE route_id IS NOT NULL;
  `);
}
