// Assigning images to an order and an eye (or back to Unassigned). Used by the operator's actions
// (exam screen, Unassigned tray, camera bursts) and audited in the same transaction.
import type { Database } from 'better-sqlite3';
import { StationError } from '../../../shared/errors.ts';
import { writeAudit } from './audit.ts';

export interface Assignment {
  imageIds: string[];
  /** null = back to Unassigned. */
  orderId: string | null;
  /** null = leave the eye unknown (the operator will be asked). */
  eye: 'OD' | 'OS' | null;
  operator: string;
  /** 'operator' for a hand assignment; matching rules pass their own name. */
  rule?: string;
}

interface Row {
  id: string;
  order_id: string | null;
  eye: string | null;
  match_rule: string | null;
  status: string;
}

/** Must be called inside a transaction by the caller, or it opens its own. */
export function assignImages(db: Database, a: Assignment): void {
  const run = () => {
    if (a.orderId) {
      const order = db.prepare<[string], { status: string }>('SELECT status FROM orders WHERE id = ?').get(a.orderId);
      if (!order) throw new StationError('not-found', 'That order no longer exists.');
      if (order.status === 'complete' || order.status === 'sent') {
        throw new StationError('conflict', 'This exam is marked complete. Reopen it before adding or moving photos.');
      }
    }
    const get = db.prepare<[string], Row>('SELECT id, order_id, eye, match_rule, status FROM images WHERE id = ?');
    const update = db.prepare(
      `UPDATE images SET order_id = ?, eye = ?, match_rule = ?, match_confidence = ?, updated_at = ? WHERE id = ?`,
    );
    const now = new Date().toISOString();
    for (const id of a.imageIds) {
      const before = get.get(id);
      if (!before || before.status !== 'ready') throw new StationError('not-found', 'A photo in the selection is no longer here.');
      if (before.order_id && before.order_id !== a.orderId) {
        const from = db.prepare<[string], { status: string }>('SELECT status FROM orders WHERE id = ?').get(before.order_id);
        if (from && (from.status === 'complete' || from.status === 'sent')) {
          throw new StationError('conflict', 'That photo belongs to an exam marked complete. Reopen the exam first.');
        }
      }
      const rule = a.orderId ? (a.rule ?? 'operator') : null;
      update.run(a.orderId, a.eye, rule, a.orderId ? (rule === 'operator' ? 'operator' : 'weak') : null, now, id);
      writeAudit(db, {
        operator: a.operator,
        action: a.orderId ? (before.order_id ? 'move' : 'assign') : 'unassign',
        orderId: a.orderId ?? before.order_id,
        imageId: id,
        before: { orderId: before.order_id, eye: before.eye, rule: before.match_rule },
        after: { orderId: a.orderId, eye: a.eye, rule },
      });
    }
  };
  if (db.inTransaction) run();
  else db.transaction(run)();
}
