// In-transaction hooks between features, so one feature's change and another's consequence commit
// together (an exam completed and its upload jobs queued; an image stored and matched).
import type { Database } from 'better-sqlite3';

export interface ExamCompleted {
  orderId: string;
  revision: number;
  operator: string;
}

export class Hooks {
  /** Runs inside the transaction that marks an exam complete (e.g. queue its sync jobs). */
  readonly examCompleted: ((db: Database, e: ExamCompleted) => void)[] = [];
  /** Runs inside the transaction that reopens an exam. */
  readonly examReopened: ((db: Database, e: { orderId: string; operator: string }) => void)[] = [];
}
