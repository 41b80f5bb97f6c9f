// Assigning images to an order and an eye (or back to Unassigned). Used by the operator's actions
// (exam screen, Unassigned tray, camera bursts) and audited in the same transaction.
import type { Database } from 'better-sqlite3';
import { StationError } from '../../../shared/errors.ts';
import { writeAudit } from '../store/audit.ts';
import { ImageLinks } from '../store/image-links.ts';

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

/** Must be called inside a transaction by the caller, or it opens its own. */
export function assignImages(db: Database, a: Assignment): void {
  const links = new ImageLinks(db);
  const closed = (status: string | null) => status === 'complete' || status === 'sent';
  const run = () => {
    if (a.orderId) {
      const status = links.orderStatus(a.orderId);
      if (status === null) throw new StationError('not-found', 'That order no longer exists.');
      if (closed(status)) throw new StationError('conflict', 'This exam is marked complete. Reopen it before adding or moving photos.');
    }
    const now = new Date().toISOString();
    for (const id of a.imageIds) {
      const before = links.image(id);
      if (!before || before.status !== 'ready') throw new StationError('not-found', 'A photo in the selection is no longer here.');
      if (before.order_id && before.order_id !== a.orderId && closed(links.orderStatus(before.order_id))) {
        throw new StationError('conflict', 'That photo belongs to an exam marked complete. Reopen the exam first.');
      }
      const rule = a.orderId ? (a.rule ?? 'operator') : null;
      const confidence = a.orderId ? (rule === 'operator' ? 'operator' : 'weak') : null;
      links.link({ id, orderId: a.orderId, eye: a.eye, rule, confidence, note: before.match_note ?? null, at: now });
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
