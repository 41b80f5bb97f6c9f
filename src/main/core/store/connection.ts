// Opens the station's SQLite database: integrity check first (a corrupt file is moved aside, never
// silently replaced), then WAL and migrations by user_version. The file is created 0600 before
// SQLite opens it: SQLite gives its -wal and -shm files the mode of the database file.
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { ensurePrivateFile } from '../kernel/data-dir.ts';
import { migrations as allMigrations, type Migration } from './migrations/index.ts';

export interface OpenResult {
  db: Db;
  /** Set when a damaged database was moved aside: says where, for the operator and IT. */
  recovered: { movedTo: string; reason: string } | null;
}

export class DatabaseTooNewError extends Error {}

export function openDatabase(file: string, migrations: Migration[] = allMigrations): OpenResult {
  let recovered: OpenResult['recovered'] = null;
  if (existsSync(file)) {
    const problem = checkIntegrity(file);
    if (problem) {
      const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
      }
      recovered = { movedTo, reason: problem };
    }
  }
  ensurePrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Deleted and overwritten content is zeroed, not left in free space (a removed secret, a
  // deleted row's patient data).
  db.pragma('secure_delete = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return { db, recovered };
}

/**
 * After sensitive text was removed: rebuilds the file from its live content only (VACUUM; no old
 * fragments in free pages) and copies the WAL into it and truncates it, so the text lingers
 * neither in station.db nor in station.db-wal.
 */
export function scrubFreedSpace(db: Db): void {
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Returns null when the file is a healthy SQLite database, else a short description of the damage. */
function checkIntegrity(file: string): string | null {
  let db: Db | null = null;
  try {
    db = new Database(file, { fileMustExist: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const result = rows.map((r) => r.integrity_check).join('; ');
    return result === 'ok' ? null : `integrity check failed: ${result.slice(0, 300)}`;
  } catch (err) {
    return `cannot be opened as a database: ${(err as Error).message}`;
  } finally {
    db?.close();
  }
}

export function migrate(db: Db, migrations: Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new DatabaseTooNewError(
      `This database was written by a newer Capture Station (schema ${current}, this version knows ${latest}). Install the newer version.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
