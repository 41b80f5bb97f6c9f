import type { Database } from 'better-sqlite3';

// The status strip and the Inbox ask for refused files ("status = 'error'", newest first, and how
// many) after every images.changed event. Without this index both walked the whole images table.
export function up(db: Database): void {
  db.exec(`CREATE INDEX images_status ON images(status, ingested_at DESC, id DESC);`);
}
