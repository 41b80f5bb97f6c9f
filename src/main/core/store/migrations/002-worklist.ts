import type { Database } from 'better-sqlite3';

// Orders (one screening exam for one patient), the per-eye exam state, image assignment, the
// operators who sign in for a shift, and the append-only audit trail.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE operators (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      active INTEGER NOT NULL DEFAULT 1,
      created_at TEXT NOT NULL
    );

    CREATE TABLE orders (
      id TEXT PRIMARY KEY,
      patient_id TEXT NOT NULL,
      patient_id_norm TEXT NOT NULL,
      patient_name TEXT NOT NULL,
      birth_date TEXT,
      sex TEXT,
      scheduled_at TEXT NOT NULL,
      scheduled_day TEXT NOT NULL,            -- YYYY-MM-DD in the station's local time, for the day's worklist
      site TEXT,
      external_order_id TEXT,
      accession_number TEXT,
      scheduled_step_id TEXT,
      source TEXT NOT NULL,                   -- 'walk-in', 'http', 'folder'
      source_key TEXT,                        -- the provider's own id, for updates of the same entry
      status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'capturing', 'complete', 'sent')),
      capturing_now INTEGER NOT NULL DEFAULT 0,
      revision INTEGER NOT NULL DEFAULT 0,    -- bumped at every completion, so sync sends updates
      completed_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX orders_day ON orders(scheduled_day, site, scheduled_at);
    CREATE INDEX orders_patient ON orders(patient_id_norm);
    CREATE INDEX orders_accession ON orders(accession_number) WHERE accession_number IS NOT NULL;
    CREATE INDEX orders_step ON orders(scheduled_step_id) WHERE scheduled_step_id IS NOT NULL;
    CREATE UNIQUE INDEX orders_source_key ON orders(source, source_key) WHERE source_key IS NOT NULL;
    CREATE UNIQUE INDEX orders_one_capturing ON orders(capturing_now) WHERE capturing_now = 1;

    CREATE TABLE exam_eyes (
      order_id TEXT NOT NULL REFERENCES orders(id),
      eye TEXT NOT NULL CHECK (eye IN ('OD', 'OS')),
      best_image_id TEXT REFERENCES images(id),   -- the operator's explicit pick; NULL = automatic
      ungradable_reason TEXT,
      PRIMARY KEY (order_id, eye)
    );

    ALTER TABLE images ADD COLUMN order_id TEXT REFERENCES orders(id);
    ALTER TABLE images ADD COLUMN eye TEXT CHECK (eye IN ('OD', 'OS'));
    ALTER TABLE images ADD COLUMN match_rule TEXT;        -- accession, patient-id, filename-rule, capturing-now, operator
    ALTER TABLE images ADD COLUMN match_confidence TEXT;  -- strong, weak
    ALTER TABLE images ADD COLUMN rejected_reason TEXT;   -- rejected by the operator: kept, never sent
    ALTER TABLE images ADD COLUMN match_note TEXT;        -- why matching left it unassigned (operator's words, no patient data)
    -- Covers the worklist's per-eye counts (no table row read per image).
    CREATE INDEX images_order ON images(order_id, eye, rejected_reason, quality_verdict, match_confidence);
    CREATE INDEX images_unassigned ON images(ingested_at) WHERE order_id IS NULL AND status = 'ready';

    CREATE TABLE audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      operator TEXT NOT NULL,
      action TEXT NOT NULL,
      order_id TEXT,
      image_id TEXT,
      before TEXT,
      after TEXT
    );
    CREATE INDEX audit_order ON audit(order_id, seq);
    CREATE INDEX audit_image ON audit(image_id) WHERE image_id IS NOT NULL;
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

    CREATE TABLE worklist_providers (
      id TEXT PRIMARY KEY,                    -- 'http', 'folder'
      last_attempt_at TEXT,
      last_ok_at TEXT,
      last_error TEXT,
      last_error_code TEXT,
      entry_count INTEGER NOT NULL DEFAULT 0,
      rejected TEXT,                          -- JSON: the rows the last good answer skipped, and why (no patient data)
      file_errors TEXT                        -- JSON: folder files that could not be read, and why
    );
  `);
}
