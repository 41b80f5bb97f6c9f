// The IT lock's state: whether a PIN is set, whether an IT session is open and until when, and
// the PIN's set/change/remove. The one check that refuses IT-only methods is in api/dispatch.ts,
// which asks `refusal()` here. Audited in the audit table (who was signed in, when, what: never a PIN).
import { LOCKED_MESSAGE, type ItLockStatus } from '../../../shared/contract/it-lock.ts';
import { StationError } from '../../../shared/errors.ts';
import type { EventBus } from '../kernel/events.ts';
import type { Logger } from '../kernel/logger.ts';
import type { ItLockRepo, ItLockRow } from '../store/it-lock.ts';
import { hashPin, verifyPin } from './pin-hash.ts';
import { pinWaitMs, triesBeforeWait, waitAfterFailures, waitInWords } from './rate-limit.ts';

/** An open IT session locks again after this long without an IT-only change. */
export const IT_IDLE_MINUTES = 10;
const IDLE_MS = IT_IDLE_MINUTES * 60_000;

export interface ItLockDeps {
  repo: ItLockRepo;
  events: EventBus;
  log: Logger;
  /** Who is signed in at the station now (for the audit row); the PIN itself names no one. */
  who: () => string;
  now?: () => number;
}

export class ItLockService {
  private readonly d: ItLockDeps;
  private readonly now: () => number;
  /** Epoch ms until which the IT session is open; 0 = none. */
  private openUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  /** PIN checks run one at a time, so parallel tries cannot slip past the count of wrong ones. */
  private checking: Promise<unknown> = Promise.resolve();

  constructor(deps: ItLockDeps) {
    this.d = deps;
    this.now = deps.now ?? Date.now;
  }

  private pinSet(): boolean {
    return this.d.repo.get().pinHash !== null;
  }

  private sessionOpen(): boolean {
    return this.openUntil > this.now();
  }

  status(): ItLockStatus {
    const row = this.d.repo.get();
    const open = row.pinHash !== null && this.sessionOpen();
    const wait = this.waitNow(row);
    return {
      pinSet: row.pinHash !== null,
      locked: row.pinHash !== null && !open,
      unlockedUntil: open ? new Date(this.openUntil).toISOString() : null,
      idleMinutes: IT_IDLE_MINUTES,
      waitSeconds: Math.ceil(wait / 1000),
    };
  }

  /** For api/dispatch.ts: the refusal of an IT-only method now, or null when it may run. */
  refusal(): StationError | null {
    if (!this.pinSet() || this.sessionOpen()) return null;
    return new StationError('locked', LOCKED_MESSAGE);
  }

  /** For api/dispatch.ts: an IT-only method ran, so the session's idle time starts again. */
  used(): void {
    if (this.sessionOpen()) this.open();
  }

  async unlock(pin: string): Promise<ItLockStatus> {
    await this.checkPin(pin);
    this.d.repo.recordSuccess({ operator: this.d.who(), action: 'it-lock-unlock' });
    this.open();
    this.d.log.info({ idleMinutes: IT_IDLE_MINUTES }, 'IT session opened');
    this.changed();
    return this.status();
  }

  lock(): ItLockStatus {
    if (this.openUntil > 0) {
      this.close();
      this.d.repo.audit(this.d.who(), 'it-lock-lock', { reason: 'lock-now' });
      this.d.log.info('IT session locked by hand');
      this.changed();
    }
    return this.status();
  }

  async setPin(currentPin: string | undefined, newPin: string): Promise<ItLockStatus> {
    const had = this.pinSet();
    if (had) {
      if (!currentPin) throw new StationError('bad-input', 'Type the current PIN to change it.');
      await this.checkPin(currentPin);
    }
    const hash = await hashPin(newPin);
    this.d.repo.setPin(hash, { operator: this.d.who(), action: had ? 'it-lock-pin-changed' : 'it-lock-pin-set' });
    this.open();
    this.d.log.info({ changed: had }, 'administrator PIN set');
    this.changed();
    return this.status();
  }

  async removePin(currentPin: string): Promise<ItLockStatus> {
    if (!this.pinSet()) return this.status();
    await this.checkPin(currentPin);
    this.d.repo.setPin(null, { operator: this.d.who(), action: 'it-lock-pin-removed' });
    this.close();
    this.d.log.info('administrator PIN removed');
    this.changed();
    return this.status();
  }

  close(): void {
    this.openUntil = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Milliseconds before the next PIN try may run (0 = now), from the stored wrong tries. */
  private waitNow(row: ItLockRow): number {
    return pinWaitMs(row.failedAttempts, row.lastFailedAt ? Date.parse(row.lastFailedAt) : null, this.now());
  }

  /** Throws (code 'locked') when the PIN is wrong or tries must wait; counts and audits a wrong one. */
  private checkPin(pin: string): Promise<void> {
    const run = this.checking.then(async () => {
      const row = this.d.repo.get();
      if (row.pinHash === null) return;
      const wait = this.waitNow(row);
      if (wait > 0) {
        throw new StationError('locked', `Too many wrong PINs. Wait ${waitInWords(wait)}, then try again.`);
      }
      if (await verifyPin(pin, row.pinHash)) return;
      const after = this.d.repo.recordFailure(new Date(this.now()).toISOString(), this.d.who());
      this.d.log.warn({ wrongInARow: after.failedAttempts }, 'wrong administrator PIN');
      this.changed();
      const left = triesBeforeWait(after.failedAttempts);
      const next = waitAfterFailures(after.failedAttempts); // the wait starts with this wrong try
      throw new StationError(
        'locked',
        next > 0
          ? `That PIN is not right. Wait ${waitInWords(next)} before the next try.`
          : `That PIN is not right. ${left} more ${left === 1 ? 'try' : 'tries'} before a wait.`,
      );
    });
    this.checking = run.catch(() => undefined);
    return run;
  }

  private open(): void {
    this.openUntil = this.now() + IDLE_MS;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.idleCheck(), IDLE_MS + 50);
    this.timer.unref();
  }

  private idleCheck(): void {
    this.timer = null;
    if (this.openUntil === 0) return;
    if (this.sessionOpen()) {
      this.timer = setTimeout(() => this.idleCheck(), this.openUntil - this.now() + 50);
      this.timer.unref();
      return;
    }
    this.openUntil = 0;
    this.d.repo.audit(this.d.who(), 'it-lock-lock', { reason: 'idle', idleMinutes: IT_IDLE_MINUTES });
    this.d.log.info('IT session locked after idle time');
    this.changed();
  }

  private changed(): void {
    this.d.events.emit('itLock.changed', {});
  }
}
