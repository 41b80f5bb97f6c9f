// What PACS forwarding needs from the one job runner, on a real SQLite file: a kind that is not
// ready (the cloud kinds without cloud settings) does not hold up another kind (forwards to PACS);
// and a failure that says keepLaneOnline (the PACS kind watches each route itself) leaves its lane
// online, where the same failure without it takes the lane offline.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/main/core/store/connection.ts';
import { migrations } from '../../src/main/core/store/migrations/index.ts';
import { newId } from '../../src/main/core/kernel/ids.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { JobRunner } from '../../src/main/core/jobs/runner.ts';
import type { JobFailure, KindSpec } from '../../src/main/core/jobs/types.ts';
import { Outbox, type JobKind, type JobRow } from '../../src/main/core/store/outbox.ts';

let db: Database.Database;
let outbox: Outbox;
let runner: JobRunner;

beforeEach(() => {
  db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'pacs-runner-')), 'station.db'));
  migrate(db, migrations);
  outbox = new Outbox(db, newId);
  runner = new JobRunner({
    outbox,
    log: silentLogger(),
    pauses: { load: () => ({ operator: false, lanes: {} }), save: () => undefined },
    notify: () => undefined,
    timing: { backoffBaseMs: 60_000, backoffCapMs: 60_000, reachabilityIntervalMs: 60_000, eventThrottleMs: 5 },
    reachable: async () => false,
  });
});

afterEach(async () => {
  await runner.close();
  db.close();
});

function addJob(kind: JobKind): string {
  const id = newId();
  const at = new Date().toISOString();
  db.prepare(`INSERT INTO sync_jobs (id, kind, subject_id, revision, state, attempts, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, 0, 'waiting', 0, ?, ?, ?)`).run(id, kind, newId(), at, at, at);
  return id;
}
const row = (id: string) => db.prepare('SELECT * FROM sync_jobs WHERE id = ?').get(id) as JobRow;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function fakeKind(k: JobKind, service: string, failure: JobFailure, ready?: () => boolean): KindSpec & { runs: string[] } {
  const runs: string[] = [];
  return { kind: k, service, runs, concurrency: () => 1, ...(ready && { ready }), run: async (job) => (runs.push(job.id), { status: 'failed', error: failure }) };
}

describe('the job runner for PACS forwarding', () => {
  it('a kind that is not ready waits; another kind on its own lane runs', async () => {
    const cloud = fakeKind('upload-image', 'storage', { kind: 'retry', message: 'x', status: 500 }, () => false);
    const pacs = fakeKind('forward-pacs', 'pacs', { kind: 'retry', message: 'no answer', code: 'PacsUnreachable', keepLaneOnline: true });
    runner.addLane({ service: 'storage', origin: () => null });
    runner.addLane({ service: 'pacs', origin: () => null });
    runner.register(cloud);
    runner.register(pacs);
    const upload = addJob('upload-image');
    const forward = addJob('forward-pacs');
    runner.start();
    await until(() => row(forward).state === 'retry-wait', 'the forward to be tried');
    expect(pacs.runs).toEqual([forward]);
    expect(cloud.runs).toEqual([]);
    expect(row(upload).state).toBe('waiting');
    // keepLaneOnline: no answer from one PACS does not take the whole lane offline.
    expect(runner.state().lanes.pacs!.state).toBe('online');
    expect(row(forward)).toMatchObject({ attempts: 1, last_error_code: 'PacsUnreachable' });
  });

  it('the same failure without keepLaneOnline takes the lane offline (unchanged for the cloud kinds)', async () => {
    const other = fakeKind('forward-pacs', 'pacs', { kind: 'retry', message: 'no answer', code: 'Unreachable' });
    runner.addLane({ service: 'pacs', origin: () => null });
    runner.register(other);
    const job = addJob('forward-pacs');
    runner.start();
    await until(() => row(job).state === 'retry-wait', 'the job to be tried');
    expect(runner.state().lanes.pacs!.state).toBe('offline');
  });
});
