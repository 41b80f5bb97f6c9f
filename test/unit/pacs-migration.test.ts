// Migration 007 rebuilds sync_jobs (SQLite cannot alter a CHECK) to admit the kind 'forward-pacs':
// a database at version 4 with jobs in every state migrates with its rows intact, every index of
// migration 003 recreated exactly, the unique indexes still enforced, and the CHECK still strict.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/main/core/store/connection.ts';
import { migrations } from '../../src/main/core/store/migrations/index.ts';
import * as m007 from '../../src/main/core/store/migrations/007-pacs.ts';
import { newId } from '../../src/main/core/kernel/ids.ts';

const upTo4 = migrations.filter((m) => m.version <= 4);
const JOB_COLUMNS = `id, kind, subject_id, revision, state, attempts, next_attempt_at, last_attempt_at, last_error, last_error_code,
  last_error_status, last_error_kind, bytes, payload, outcome, result, created_at, updated_at, done_at`;

function version4WithJobs(): { file: string; jobs: unknown[]; indexes: unknown[] } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pacs-migration-')), 'station.db');
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrate(db, upTo4);
  expect(db.pragma('user_version', { simple: true })).toBe(4);
  const insert = db.prepare(`INSERT INTO sync_jobs (${JOB_COLUMNS}) VALUES
    (@id, @kind, @subject, @revision, @state, @attempts, @next, @last, @error, @code, @status, @errKind, @bytes, @payload, @outcome, @result, @at, @at, @done)`);
  const states = ['waiting', 'running', 'retry-wait', 'done', 'failed', 'cancelled'];
  states.forEach((state, i) => {
    insert.run({ id: newId(), kind: 'upload-image', subject: `img-${i}`, revision: 0, state, attempts: i, next: `2025-03-0${i + 1}T08:00:00.000Z`, last: state === 'waiting' ? null : '2025-03-01T08:00:00.000Z',
      error: state === 'failed' ? 'The storage service refused it.' : null, code: state === 'failed' ? 'AuthorizationFailure' : null, status: state === 'failed' ? 403 : null, errKind: state === 'failed' ? 'fatal' : null,
      bytes: 1000 + i, payload: JSON.stringify({ blobName: `img-${i}.jpg` }), outcome: state === 'done' ? 'created' : null, result: null, at: '2025-03-01T07:00:00.000Z', done: state === 'done' ? '2025-03-01T08:01:00.000Z' : null });
    insert.run({ id: newId(), kind: 'submit-order', subject: 'order-1', revision: i + 1, state, attempts: 0, next: '2025-03-01T08:00:00.000Z', last: null, error: null, code: null, status: null, errKind: null,
      bytes: null, payload: null, outcome: state === 'done' ? 'created' : null, result: state === 'done' ? JSON.stringify({ platformOrderId: 'P-1' }) : null, at: '2025-03-01T07:00:00.000Z', done: state === 'done' ? '2025-03-01T08:02:00.000Z' : null });
  });
  const jobs = db.prepare(`SELECT ${JOB_COLUMNS} FROM sync_jobs ORDER BY id`).all();
  const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sync_jobs' AND sql IS NOT NULL ORDER BY name`).all();
  db.close();
  return { file, jobs, indexes };
}

function check(db: Database.Database, before: { jobs: unknown[]; indexes: unknown[] }): void {
  expect(db.prepare(`SELECT ${JOB_COLUMNS} FROM sync_jobs ORDER BY id`).all()).toEqual(before.jobs);
  expect(db.prepare('SELECT count(*) AS n FROM sync_jobs WHERE route_id IS NOT NULL').get()).toEqual({ n: 0 });
  const after = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sync_jobs' AND sql IS NOT NULL ORDER BY name`).all() as { name: string }[];
  expect(after.filter((i) => !['sync_jobs_one_forward', 'sync_jobs_route'].includes(i.name))).toEqual(before.indexes);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  const at = new Date().toISOString();
  const add = db.prepare(`INSERT INTO sync_jobs (id, kind, subject_id, state, next_attempt_at, created_at, updated_at, route_id) VALUES (?, ?, ?, 'waiting', ?, ?, ?, ?)`);
  // The CHECK admits the new kind, and only known kinds.
  db.prepare(`INSERT INTO pacs_routes (id, name, match, called_ae_title, host, port, calling_ae_title, created_at, updated_at)
    VALUES ('r1', 'PACS', 'all', 'PACS', 'pacs.local', 104, 'CAPTURE', ?, ?)`).run(at, at);
  add.run(newId(), 'forward-pacs', 'img-0', at, at, at, 'r1');
  expect(() => add.run(newId(), 'forward-pacs', 'img-0', at, at, at, 'r1')).toThrow(/UNIQUE/);
  expect(() => add.run(newId(), 'something-else', 'img-9', at, at, at, null)).toThrow(/CHECK/);
  // Migration 003's unique indexes still hold.
  expect(() => add.run(newId(), 'upload-image', 'img-1', at, at, at, null)).toThrow(/UNIQUE/);
}

describe('migration 007 (PACS routes, sync_jobs rebuilt)', () => {
  it('a database at version 4 with jobs migrates with every row and index intact', () => {
    const before = version4WithJobs();
    const db = new Database(before.file);
    db.pragma('foreign_keys = ON');
    migrate(db, [...upTo4, { version: 7, name: 'pacs', up: m007.up }]);
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    check(db, before);
    db.close();
  });

  it('and so through every migration the station knows', () => {
    const before = version4WithJobs();
    const db = new Database(before.file);
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    check(db, before);
    db.close();
  });

  it('a failure inside the rebuild leaves the database at version 4 with its jobs', () => {
    const before = version4WithJobs();
    const db = new Database(before.file);
    const broken = { version: 7, name: 'pacs', up: (d: Database.Database) => (m007.up(d), d.exec('SELECT no_such_function()')) };
    expect(() => migrate(db, [...upTo4, broken])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare(`SELECT ${JOB_COLUMNS} FROM sync_jobs ORDER BY id`).all()).toEqual(before.jobs);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'pacs_routes'`).get()).toEqual({ n: 0 });
    db.close();
  });
});
