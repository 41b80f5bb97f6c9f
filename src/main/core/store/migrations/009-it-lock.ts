import type { Database } from 'better-sqlite3';

// The IT lock (issue 14 item 5): one row with the administrator PIN's slow hash (never the PIN)
// and the wrong tries in a row, so a restart does not reset the wait they impose.
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE it_lock (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      pin_hash TEXT,                          -- 'scrypt$N=..,r=..,p=..$salt$key' (it-lock/pin-hash.ts); NULL = no PIN, unlocked
      failed_attempts INTEGER NOT NULL DEFAULT 0,
      last_failed_at TEXT,                    -- UTC ISO-8601 of the last wrong PIN
      updated_at TEXT NOT NULL
    );
    INSERT INTO it_lock (id, updated_at) VALUES (1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  `);
}
