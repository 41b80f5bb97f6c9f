import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );

    CREATE TABLE sources (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('folder', 'volume')),
      path TEXT NOT NULL,
      polling INTEGER NOT NULL DEFAULT 0,
      state TEXT NOT NULL DEFAULT 'starting',
      state_detail TEXT,
      last_file_at TEXT,
      created_at TEXT NOT NULL,
      removed_at TEXT
    );
    CREATE UNIQUE INDEX sources_active_path ON sources(path) WHERE removed_at IS NULL;

    -- One row per distinct image (by content), or per refused file (sha256 NULL, status 'error').
    CREATE TABLE images (
      id TEXT PRIMARY KEY,
      sha256 TEXT UNIQUE,
      status TEXT NOT NULL CHECK (status IN ('waiting', 'ready', 'error')),
      error TEXT,
      source_id TEXT REFERENCES sources(id),
      source_path TEXT NOT NULL,
      file_name TEXT NOT NULL,
      size_bytes INTEGER,
      format TEXT,
      facts TEXT,
      patient_id TEXT,
      laterality TEXT CHECK (laterality IN ('OD', 'OS')),
      laterality_source TEXT,
      taken_at TEXT,
      taken_offset TEXT,
      width INTEGER,
      height INTEGER,
      preview TEXT CHECK (preview IN ('ok', 'none')),
      preview_note TEXT,
      quality_score REAL,
      quality_verdict TEXT,
      quality_reasons TEXT,
      quality_metrics TEXT,
      ingested_at TEXT NOT NULL,
      complete_at TEXT,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX images_ingested ON images(ingested_at DESC);
    CREATE UNIQUE INDEX images_error_path ON images(source_path) WHERE sha256 IS NULL;

    -- Every file path seen, so a restart does not hash unchanged files again.
    CREATE TABLE sightings (
      path TEXT PRIMARY KEY,
      size_bytes INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      sha256 TEXT,
      image_id TEXT REFERENCES images(id),
      seen_at TEXT NOT NULL
    );
  `);
}
