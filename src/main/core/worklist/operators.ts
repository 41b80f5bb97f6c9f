// Who is working at the station. Not authentication (no password): attribution. The operator
// picks their name at the start of a shift; the choice is stored in the database (settings), so a
// restart or a second window keeps it, and every change is audited under that name.
import type { Database } from 'better-sqlite3';
import { StationError } from '../../../shared/errors.ts';
import type { SettingsRepo } from '../store/settings.ts';
import { newId, nowIso } from '../kernel/ids.ts';
import { writeAudit } from '../store/audit.ts';
import { OperatorsRepo } from '../store/operators.ts';

const CURRENT_KEY = 'worklist.currentOperator';

export interface Operator {
  id: string;
  name: string;
}

export class Operators {
  private readonly db: Database;
  private readonly settings: SettingsRepo;
  private readonly repo: OperatorsRepo;

  constructor(db: Database, settings: SettingsRepo) {
    this.db = db;
    this.settings = settings;
    this.repo = new OperatorsRepo(db);
  }

  list(): Operator[] {
    return this.repo.active();
  }

  current(): Operator | null {
    const stored = this.settings.get<{ id: string } | null>(CURRENT_KEY);
    if (!stored?.id) return null;
    return this.repo.activeById(stored.id) ?? null;
  }

  /** The name to audit a change under; refuses plainly when nobody has started a shift. */
  requireName(): string {
    const op = this.current();
    if (!op) throw new StationError('conflict', 'Choose your name first (the "Who is working?" button at the top right), so your changes are recorded under it.');
    return op.name;
  }

  add(name: string): Operator {
    const clean = name.trim().replace(/\s+/g, ' ');
    return this.db.transaction(() => {
      const existing = this.repo.byName(clean);
      let op: Operator;
      if (existing) {
        if (!existing.active) this.repo.reactivate(existing.id);
        op = { id: existing.id, name: existing.name };
      } else {
        op = { id: newId(), name: clean };
        this.repo.insert(op.id, op.name, nowIso());
        writeAudit(this.db, { operator: op.name, action: 'operator-add', after: { name: op.name } });
      }
      this.start(op);
      return op;
    })();
  }

  signIn(id: string): Operator {
    return this.db.transaction(() => {
      const op = this.repo.activeById(id);
      if (!op) throw new StationError('not-found', 'That name is no longer on the list. Add it again.');
      this.start(op);
      return op;
    })();
  }

  signOut(): void {
    this.db.transaction(() => {
      const op = this.current();
      if (!op) return;
      this.settings.set(CURRENT_KEY, null);
      writeAudit(this.db, { operator: op.name, action: 'shift-end' });
    })();
  }

  private start(op: Operator): void {
    const before = this.current();
    if (before?.id === op.id) return;
    this.settings.set(CURRENT_KEY, { id: op.id });
    writeAudit(this.db, { operator: op.name, action: 'shift-start', before: before ? { name: before.name } : null, after: { name: op.name } });
  }
}
