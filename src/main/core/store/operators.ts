// The operators table (migration 002): the names picked at the start of a shift.
import type { Database, Statement } from 'better-sqlite3';

export interface OperatorRow {
  id: string;
  name: string;
  active: number;
}

export class OperatorsRepo {
  private readonly s: Record<'active' | 'byId' | 'byName' | 'reactivate' | 'insert', Statement>;

  constructor(db: Database) {
    this.s = {
      active: db.prepare('SELECT id, name FROM operators WHERE active = 1 ORDER BY name COLLATE NOCASE'),
      byId: db.prepare('SELECT id, name FROM operators WHERE id = ? AND active = 1'),
      byName: db.prepare('SELECT id, name, active FROM operators WHERE name = ? COLLATE NOCASE'),
      reactivate: db.prepare('UPDATE operators SET active = 1 WHERE id = ?'),
      insert: db.prepare('INSERT INTO operators (id, name, active, created_at) VALUES (?, ?, 1, ?)'),
    };
  }

  active(): { id: string; name: string }[] {
    return this.s.active.all() as { id: string; name: string }[];
  }

  activeById(id: string): { id: string; name: string } | undefined {
    return this.s.byId.get(id) as { id: string; name: string } | undefined;
  }

  /** Any operator with this name, active or not (names are unique regardless of case). */
  byName(name: string): OperatorRow | undefined {
    return this.s.byName.get(name) as OperatorRow | undefined;
  }

  reactivate(id: string): void {
    this.s.reactivate.run(id);
  }

  insert(id: string, name: string, at: string): void {
    this.s.insert.run(id, name, at);
  }
}
