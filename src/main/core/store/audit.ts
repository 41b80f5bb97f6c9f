// The audit trail: who changed what, when, with before and after. Append-only (enforced by
// triggers in the schema). It holds patient data, so it lives in the database, never in log files.
import type { Database } from 'better-sqlite3';

export interface AuditEntry {
  operator: string;
  action: string;
  orderId?: string | null;
  imageId?: string | null;
  before?: unknown;
  after?: unknown;
}

export function writeAudit(db: Database, e: AuditEntry): void {
  db.prepare('INSERT INTO audit (at, operator, action, order_id, image_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    new Date().toISOString(),
    e.operator,
    e.action,
    e.orderId ?? null,
    e.imageId ?? null,
    e.before === undefined ? null : JSON.stringify(e.before),
    e.after === undefined ? null : JSON.stringify(e.after),
  );
}
