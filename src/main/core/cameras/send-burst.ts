// "Send this burst to an eye": the photos go to the exam being captured now, or, when none is,
// get their eye where they are (usually the Unassigned tray; a photo already on an exam stays on
// it). One transaction with its audit rows (assignImages writes them).
import type { Database } from 'better-sqlite3';
import { StationError } from '../../../shared/errors.ts';
import { assignImages } from '../worklist/assign.ts';
import type { CamerasRepo } from '../store/cameras.ts';

export interface BurstResult {
  orderId: string | null;
  eye: 'OD' | 'OS';
  count: number;
}

export function sendBurst(db: Database, repo: CamerasRepo, input: { imageIds: readonly string[]; eye: 'OD' | 'OS'; operator: string }): BurstResult {
  const ids = [...new Set(input.imageIds)];
  const { eye, operator } = input;
  const capturing = repo.capturingNow();
  db.transaction(() => {
    const current = repo.ordersOf(ids);
    if (current.size !== ids.length) throw new StationError('not-found', 'A photo of this burst is no longer here.');
    if (capturing) {
      assignImages(db, { imageIds: ids, orderId: capturing.orderId, eye, operator });
      return;
    }
    const groups = new Map<string | null, string[]>();
    for (const id of ids) {
      const order = current.get(id) ?? null;
      groups.set(order, [...(groups.get(order) ?? []), id]);
    }
    for (const [orderId, group] of groups) assignImages(db, { imageIds: group, orderId, eye, operator });
  })();
  return { orderId: capturing?.orderId ?? null, eye, count: ids.length };
}
