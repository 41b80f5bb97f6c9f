import type { Database } from 'better-sqlite3';

// Cloud sync (issue 5): the outbox of sync jobs, and per image the blob name chosen once by the
// station plus a copy of its upload state for lists (kept in the same transactions as the jobs).
export function up(db: Database): void {
  db.exec(`
    -- One row per unit of sync work. Claimed in a transaction (state 'running'), done idempotently
    -- (If-None-Match: * for blobs, an Idempotency-Key for orders), marked done in a transaction.
    -- A crash leaves 'running' rows, which the next start puts back to 'waiting'.
    CREATE TABLE sync_jobs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('upload-image', 'submit-order')),
      subject_id TEXT NOT NULL,                 -- images.id (upload-image) or orders.id (submit-order)
      revision INTEGER NOT NULL DEFAULT 0,      -- the exam revision this job sends (submit-order); 0 for uploads
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
      outcome TEXT,                             -- created, already-there, created/updated/unchanged/superseded, delivered (order-first)
      result TEXT,                              -- JSON: what the order service answered (its order id, status)
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      done_at TEXT
    );
    CREATE UNIQUE INDEX sync_jobs_one_upload ON sync_jobs(subject_id) WHERE kind = 'upload-image';
    CREATE UNIQUE INDEX sync_jobs_one_order_revision ON sync_jobs(subject_id, revision) WHERE kind = 'submit-order';
    CREATE INDEX sync_jobs_due ON sync_jobs(kind, state, next_attempt_at);
    CREATE INDEX sync_jobs_done ON sync_jobs(done_at) WHERE done_at IS NOT NULL;

    -- The blob name: <uuid>.jpg|.dcm, chosen once (when the first upload job is queued) and never
    -- changed, so a retry after a crash targets the same name and If-None-Match: * makes it idempotent.
    ALTER TABLE images ADD COLUMN blob_name TEXT;
    CREATE UNIQUE INDEX images_blob_name ON images(blob_name) WHERE blob_name IS NOT NULL;
    -- waiting, uploading, retry-wait, uploaded, failed; NULL when not queued. Mirrors the job row.
    ALTER TABLE images ADD COLUMN sync_state TEXT;
    ALTER TABLE images ADD COLUMN uploaded_at TEXT;
    -- MD5 of the spool file (hex), computed once in the background after ingest (its SHA-256
    -- checked on the way), sent as Content-MD5: the service refuses bytes that differ from it.
    ALTER TABLE images ADD COLUMN md5 TEXT;
  `);
}
