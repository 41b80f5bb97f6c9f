import type { Database } from 'better-sqlite3';

// Handheld cameras over USB (issue 6): device profiles, the devices seen, the per-device ledger of
// files already taken in, and one session row per plug-in with what it took in.
export function up(db: Database): void {
  db.exec(`
    -- Edited in the UI; the JSON is validated by deviceProfileSchema on the way in and out.
    CREATE TABLE device_profiles (
      id TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      profile TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );

    -- A camera (or card) as the station recognises it: by EXIF serial, else volume UUID, else label.
    CREATE TABLE camera_devices (
      id TEXT PRIMARY KEY,
      identity_key TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      make TEXT,
      model TEXT,
      serial TEXT,
      volume_label TEXT,
      volume_uuid TEXT,
      profile_id TEXT,                      -- the profile applied last time (profiles may be deleted)
      first_seen_at TEXT NOT NULL,
      last_seen_at TEXT NOT NULL
    );

    -- (path on the volume, size, mtime) -> sha256 of what was taken in, so a rescan reads nothing it knows.
    CREATE TABLE camera_ledger (
      device_id TEXT NOT NULL REFERENCES camera_devices(id),
      rel_path TEXT NOT NULL,
      size_bytes INTEGER NOT NULL,
      mtime_ms INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      image_id TEXT REFERENCES images(id),
      session_id TEXT,
      recorded_at TEXT NOT NULL,
      PRIMARY KEY (device_id, rel_path, size_bytes, mtime_ms)
    ) WITHOUT ROWID;

    -- One row per plug-in of a camera: progress while importing, the result afterwards.
    CREATE TABLE camera_sessions (
      id TEXT PRIMARY KEY,
      device_id TEXT NOT NULL REFERENCES camera_devices(id),
      volume_label TEXT,
      state TEXT NOT NULL CHECK (state IN ('importing', 'done', 'interrupted', 'failed')),
      started_at TEXT NOT NULL,
      finished_at TEXT,
      files_on_camera INTEGER NOT NULL DEFAULT 0,
      files_to_import INTEGER NOT NULL DEFAULT 0,
      bytes_to_import INTEGER NOT NULL DEFAULT 0,
      files_done INTEGER NOT NULL DEFAULT 0,
      bytes_done INTEGER NOT NULL DEFAULT 0,
      new_images INTEGER NOT NULL DEFAULT 0,
      already_known INTEGER NOT NULL DEFAULT 0,
      refused INTEGER NOT NULL DEFAULT 0,
      deleted_from_camera INTEGER NOT NULL DEFAULT 0,
      message TEXT,
      dismissed_at TEXT
    );
    CREATE INDEX camera_sessions_device ON camera_sessions(device_id, started_at);
    CREATE INDEX camera_sessions_started ON camera_sessions(started_at);

    -- The images a session brought in that were new to the station (its "new photos").
    CREATE TABLE camera_imports (
      session_id TEXT NOT NULL REFERENCES camera_sessions(id),
      image_id TEXT NOT NULL REFERENCES images(id),
      seq INTEGER NOT NULL,
      rel_path TEXT NOT NULL,
      file_mtime_ms INTEGER NOT NULL,
      PRIMARY KEY (session_id, image_id)
    );
    CREATE INDEX camera_imports_image ON camera_imports(image_id);
  `);
}
