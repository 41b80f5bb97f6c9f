// The link columns of `images` (migration 002): which order and eye a photo is filed under, by
// which rule and how sure, and the operator's rejection. This module is their only writer; matching
// at ingest, the operator's actions and camera bursts all go through it.
import type { Database, Statement } from 'better-sqlite3';
import type { ImageRow } from './images.ts';

export interface LinkChange {
  id: string;
  orderId: string | null;
  eye: 'OD' | 'OS' | null;
  rule: string | null;
  confidence: string | null;
  note?: string | null;
  at: string;
}

export class ImageLinks {
  private readonly s: Record<'get' | 'link' | 'confirm' | 'reject' | 'orderStatus', Statement>;

  constructor(db: Database) {
    this.s = {
      get: db.prepare('SELECT * FROM images WHERE id = ?'),
      link: db.prepare(
        'UPDATE images SET order_id = @orderId, eye = @eye, match_rule = @rule, match_confidence = @confidence, match_note = @note, updated_at = @at WHERE id = @id',
      ),
      confirm: db.prepare("UPDATE images SET match_confidence = 'confirmed', updated_at = ? WHERE id = ?"),
      reject: db.prepare('UPDATE images SET rejected_reason = ?, updated_at = ? WHERE id = ?'),
      orderStatus: db.prepare('SELECT status FROM orders WHERE id = ?'),
    };
  }

  image(id: string): ImageRow | undefined {
    return this.s.get.get(id) as ImageRow | undefined;
  }

  /** The status of the order a photo would go to or leave (null: no such order). */
  orderStatus(orderId: string): string | null {
    return (this.s.orderStatus.get(orderId) as { status: string } | undefined)?.status ?? null;
  }

  /** File a photo under an order and eye (or none), with the rule that did it. */
  link(c: LinkChange): void {
    this.s.link.run({ ...c, note: c.note ?? null });
  }

  confirm(id: string, at: string): void {
    this.s.confirm.run(at, id);
  }

  /** null takes the rejection back. */
  setRejected(id: string, reason: string | null, at: string): void {
    this.s.reject.run(reason, at, id);
  }
}
