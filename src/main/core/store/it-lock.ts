// The it_lock row (migration 009): the administrator PIN's hash and the wrong tries in a row.
import type { Database, Statement } from 'better-sqlite3';
import { writeAudit } from './audit.ts';

export interface ItLockRow {
  pinHash: string | null;
  failedAttempts: number;
  lastFailedAt: string | null;
}

export class ItLockRepo {
  private readonly db: Database;
  private readonly s: Record<'get' | 'setPin' | 'failed' | 'reset', Statement>;

  constructor(db: Database) {
    this.db = db;
    this.s = {
      get: db.prepare('SELECT pin_hash AS pinHash, failed_attempts AS failedAttempts, last_failed_at AS lastFailedAt FROM it_lock WHERE id = 1'),
      setPin: db.prepare('UPDATE it_lock SET pin_hash = ?, failed_attempts = 0, last_failed_at = NULL, updated_at = ? WHERE id = 1'),
      failed: db.prepare('UPDATE it_lock SET failed_attempts = failed_attempts + 1, last_failed_at = ?, updated_at = ? WHERE id = 1'),
      reset: db.prepare('UPDATE it_lock SET failed_attempts = 0, last_failed_at = NULL, updated_at = ? WHERE id = 1'),
    };
  }

  get(): ItLockRow {
    return (this.s.get.get() as ItLockRow | undefined) ?? { pinHash: null, failedAttempts: 0, lastFailedAt: null };
  }

  /** Set (or clear, null) the PIN's hash and forget wrong tries, with its audit row, in one transaction. */
  setPin(hash: string | null, audit: { operator: string; action: string }): void {
    this.db.transaction(() => {
      const at = new Date().toISOString();
      this.s.setPin.run(hash, at);
      writeAudit(this.db, audit);
    })();
  }

  /** One more wrong PIN (with its audit row, which says how many in a row and never what was typed). */
  recordFailure(atIso: string, operator: string): ItLockRow {
    return this.db.transaction(() => {
      this.s.failed.run(atIso, atIso);
      const row = this.get();
      writeAudit(this.db, { operator, action: 'it-lock-pin-wrong', after: { wrongInARow: row.failedAttempts } });
      return row;
    })();
  }

  /** A right PIN: wrong tries start from 0 again; audited as `action` (unlock, or the PIN's change). */
  recordSuccess(audit: { operator: string; action: string }): void {
    this.db.transaction(() => {
      this.s.reset.run(new Date().toISOString());
      writeAudit(this.db, audit);
    })();
  }

  audit(operator: string, action: string, after?: unknown): void {
    writeAudit(this.db, { operator, action, after });
  }
}
