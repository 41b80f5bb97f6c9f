// The all-days search over orders (worklist "every day", the patient pickers), with the station's
// one search rule (shared/search.ts: accents, case, punctuation and word order ignored). SQLite's
// LIKE folds neither accents nor word order, so the rule runs inside SQLite as a registered
// function over the four searchable columns: one pass, no second copy of the rule in SQL.
import type { Database, Statement } from 'better-sqlite3';
import { makeSearch } from '../../../shared/search.ts';
import type { OrderRow } from './orders.ts';

export class OrderSearch {
  private readonly stmt: Statement<{ limit: number }, OrderRow>;
  private current: ((fields: readonly (string | null)[]) => boolean) | null = null;

  constructor(db: Database) {
    // The predicate of the query being run (set just before the statement runs; SQLite calls back synchronously).
    db.function('cs_order_matches', { deterministic: false, varargs: true }, (...fields: unknown[]) =>
      this.current?.(fields.map((f) => (typeof f === 'string' ? f : null))) ? 1 : 0,
    );
    this.stmt = db.prepare<{ limit: number }, OrderRow>(
      `SELECT * FROM orders WHERE cs_order_matches(patient_name, patient_id, accession_number, external_order_id)
       ORDER BY scheduled_at DESC, id LIMIT @limit`,
    );
  }

  /** Orders of every day whose name, patient ID, accession number or order ID match the query, newest first. */
  search(query: string, limit: number): OrderRow[] {
    this.current = makeSearch(query);
    try {
      return this.stmt.all({ limit });
    } finally {
      this.current = null;
    }
  }
}
