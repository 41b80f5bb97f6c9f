import type { Database } from 'better-sqlite3';

export interface SourceRow {
  id: string;
  kind: 'folder' | 'volume';
  path: string;
  polling: number;
  state: 'starting' | 'watching' | 'unreachable' | 'error' | 'stopped';
  state_detail: string | null;
  last_file_at: string | null;
  created_at: string;
  removed_at: string | null;
}

export class SourcesRepo {
  private readonly db: Database;
  constructor(db: Database) {
    this.db = db;
  }

  active(): SourceRow[] {
    return this.db.prepare<[], SourceRow>('SELECT * FROM sources WHERE removed_at IS NULL ORDER BY created_at').all();
  }

  byId(id: string): SourceRow | undefined {
    return this.db.prepare<[string], SourceRow>('SELECT * FROM sources WHERE id = ?').get(id);
  }

  byPath(p: string): SourceRow | undefined {
    return this.db.prepare<[string], SourceRow>('SELECT * FROM sources WHERE path = ? AND removed_at IS NULL').get(p);
  }

  add(row: { id: string; kind: 'folder' | 'volume'; path: string; polling: boolean; at: string }): void {
    this.db
      .prepare(`INSERT INTO sources (id, kind, path, polling, state, created_at) VALUES (?, ?, ?, ?, 'starting', ?)`)
      .run(row.id, row.kind, row.path, row.polling ? 1 : 0, row.at);
  }

  markRemoved(id: string, at: string): void {
    this.db.prepare(`UPDATE sources SET removed_at = ?, state = 'stopped' WHERE id = ?`).run(at, id);
  }

  setState(id: string, state: SourceRow['state'], detail: string | null): boolean {
    const r = this.db
      .prepare(`UPDATE sources SET state = ?, state_detail = ? WHERE id = ? AND (state IS NOT ? OR state_detail IS NOT ?)`)
      .run(state, detail, id, state, detail);
    return r.changes > 0;
  }

  touchLastFile(id: string, at: string): void {
    this.db.prepare('UPDATE sources SET last_file_at = ? WHERE id = ?').run(at, id);
  }
}
