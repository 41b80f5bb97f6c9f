// The one job runner (src/main/core/jobs/runner.ts) with a fake kind, on a real SQLite file with
// the real migrations and the real outbox store: claims up to the kind's concurrency, busy() while
// a job runs, retry with backoff or Retry-After, a credentials pause per lane (kept across a
// restart, one job let through to recheck), offline and back, stop/close without counting an
// attempt, a person's retry, recovery of jobs a crash left running.
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
import type { JobContext, JobFailure, JobResult, KindSpec, PauseState } from '../../src/main/core/jobs/types.ts';
import { Outbox, type JobKind, type JobRow } from '../../src/main/core/store/outbox.ts';

let db: Database.Database;
let outbox: Outbox;
const runners: JobRunner[] = [];

beforeEach(() => {
  db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'runner-')), 'station.db'));
  migrate(db, migrations);
  outbox = new Outbox(db, newId);
});

afterEach(async () => {
  for (const r of runners.splice(0)) await r.close();
  db.close();
});

/** A job row as the outbox keeps it; the fake kinds use 'submit-order' rows with made-up subjects. */
function addJob(kind: JobKind = 'submit-order', revision = 1, state = 'waiting'): string {
  const id = newId();
  const at = new Date().toISOString();
  db.prepare(`INSERT INTO sync_jobs (id, kind, subject_id, revision, state, attempts, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)`).run(id, kind, newId(), revision, state, at, at, at);
  return id;
}

const row = (id: string) => db.prepare('SELECT * FROM sync_jobs WHERE id = ?').get(id) as JobRow;

async function until<T>(check: () => T, what: string): Promise<NonNullable<T>> {
  for (let i = 0; i < 1000; i++) {
    const v = check();
    if (v) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A fake kind: each run waits for the test to answer it (or for its stop). */
function fakeKind(opts: { kind?: JobKind; service?: string; concurrency?: number } = {}) {
  const calls: { job: JobRow; ctx: JobContext; answer: (r: JobResult | JobFailure) => void }[] = [];
  const spec: KindSpec = {
    kind: opts.kind ?? 'submit-order',
    service: opts.service ?? 'svc',
    concurrency: () => opts.concurrency ?? 1,
    run: (job, ctx) =>
      new Promise<JobResult>((resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(Object.assign(new Error('stopped'), { code: 'ABORTED' })));
        calls.push({
          job,
          ctx,
          answer: (r) => {
            if ('status' in r && (r.status === 'done' || r.status === 'skipped' || r.status === 'failed')) {
              if (r.status === 'done') outbox.markDone(job, 'ok');
              resolve(r as JobResult);
            } else resolve({ status: 'failed', error: r as JobFailure });
          },
        });
      }),
    classify: (err) => ({ kind: 'retry', code: (err as { code?: string }).code ?? 'Unexpected', message: 'stopped' }),
  };
  return { spec, calls };
}

function pauseMemory(initial: PauseState = { operator: false, lanes: {} }) {
  const box = { state: initial };
  return { box, store: { load: () => box.state, save: (s: PauseState) => (box.state = s) } };
}

function runner(opts: { kinds: KindSpec[]; lanes?: string[]; pauses?: ReturnType<typeof pauseMemory>; reachable?: () => Promise<boolean>; authRecheckMs?: number }): JobRunner {
  const r = new JobRunner({
    outbox,
    log: silentLogger(),
    pauses: (opts.pauses ?? pauseMemory()).store,
    notify: () => {},
    timing: { backoffBaseMs: 1_000, backoffCapMs: 60_000, reachabilityIntervalMs: 10, authRecheckMs: opts.authRecheckMs ?? 3_600_000, eventThrottleMs: 1 },
    reachable: opts.reachable ?? (async () => true),
    random: () => 0.5,
  });
  for (const service of opts.lanes ?? ['svc']) r.addLane({ service, origin: () => `http://127.0.0.1:9/${service}` });
  for (const k of opts.kinds) r.register(k);
  runners.push(r);
  return r;
}

describe('job runner', () => {
  it('claims up to the kind’s concurrency, is busy while a job runs, and records a success', async () => {
    const fake = fakeKind({ concurrency: 2 });
    const ids = [addJob(), addJob(), addJob()];
    const r = runner({ kinds: [fake.spec] });
    expect(r.busy()).toBe(false);
    r.start();
    await until(() => fake.calls.length === 2, 'two claims');
    expect(r.busy()).toBe(true);
    expect(ids.map((id) => row(id).state).sort()).toEqual(['running', 'running', 'waiting']);
    fake.calls[0]!.answer({ status: 'done' });
    await until(() => fake.calls.length === 3, 'the third claimed when a slot frees');
    fake.calls[1]!.answer({ status: 'done' });
    fake.calls[2]!.answer({ status: 'done' });
    await until(() => !r.busy(), 'idle');
    expect(ids.map((id) => row(id).state)).toEqual(['done', 'done', 'done']);
    expect(r.state().lastSuccessAt).not.toBeNull();
  });

  it('a retry waits out a full-jitter backoff, or the service’s Retry-After; a fatal failure waits for a person', async () => {
    const fake = fakeKind({ concurrency: 3 });
    const [a, b, c] = [addJob(), addJob(), addJob()];
    const r = runner({ kinds: [fake.spec] });
    r.start();
    await until(() => fake.calls.length === 3, 'three claims');
    const byId = (id: string) => fake.calls.find((x) => x.job.id === id)!;
    const before = Date.now();
    byId(a).answer({ kind: 'retry', status: 503, code: 'ServerBusy', message: 'busy' });
    byId(b).answer({ kind: 'retry', status: 429, message: 'slow down', retryAfterMs: 30_000 });
    byId(c).answer({ kind: 'fatal', status: 422, code: 'Refused', message: 'The service refused it.' });
    await until(() => !r.busy(), 'all answered');
    const after = Date.now();
    // Attempt 1, base 1 s, random 0.5: 500 ms.
    expect(row(a)).toMatchObject({ state: 'retry-wait', attempts: 1, last_error_status: 503, last_error_code: 'ServerBusy' });
    expect(Date.parse(row(a).next_attempt_at)).toBeGreaterThanOrEqual(before + 500);
    expect(Date.parse(row(a).next_attempt_at)).toBeLessThanOrEqual(after + 500);
    expect(Date.parse(row(b).next_attempt_at)).toBeGreaterThanOrEqual(before + 30_000);
    expect(row(c)).toMatchObject({ state: 'failed', attempts: 1, last_error: 'The service refused it.', last_error_kind: 'fatal' });
    // A person retries it: waiting, attempts reset, and it runs again.
    expect(r.retry(c)).toBe(1);
    await until(() => fake.calls.length === 4, 'the retried job claimed');
    expect(fake.calls[3]!.job.id).toBe(c);
    fake.calls[3]!.answer({ status: 'done' });
    await until(() => row(c).state === 'done', 'done after the retry');
  });

  it('a credentials problem pauses its lane only (kept across a restart); one job rechecks it; Resume lifts it', async () => {
    const pauses = pauseMemory();
    const a = fakeKind({ kind: 'submit-order', service: 'svc' });
    const other = fakeKind({ kind: 'upload-image', service: 'other' });
    const [j1, j2] = [addJob(), addJob('submit-order', 2)];
    const r = runner({ kinds: [a.spec, other.spec], lanes: ['svc', 'other'], pauses });
    r.start();
    await until(() => a.calls.length === 1, 'first claim');
    a.calls[0]!.answer({ kind: 'auth', status: 403, code: 'AuthenticationFailed', message: 'The token was refused.' });
    await until(() => !r.busy(), 'answered');
    expect(row(j1)).toMatchObject({ state: 'waiting', attempts: 0 }); // the lane is paused, not the job
    const state = r.state();
    expect(state.lanes.svc).toMatchObject({ state: 'paused', message: 'The token was refused.' });
    expect(state.lanes.other!.state).toBe('online');
    expect(pauses.box.state.lanes.svc).toMatchObject({ kind: 'auth', service: 'svc', code: 'AuthenticationFailed' });
    // The other lane still runs.
    const up = addJob('upload-image', 0);
    r.kick();
    await until(() => other.calls.length === 1, 'the other lane claims');
    other.calls[0]!.answer({ status: 'done' });
    await until(() => row(up).state === 'done', 'other lane done');
    expect(a.calls.length).toBe(1); // nothing more claimed on the paused lane
    await r.close();

    // A restart keeps the pause; with a short recheck period one job is let through, and its success lifts it.
    const again = fakeKind({ kind: 'submit-order', service: 'svc' });
    const r2 = runner({ kinds: [again.spec], pauses, authRecheckMs: 20 });
    expect(r2.state().lanes.svc!.state).toBe('paused');
    r2.start();
    await until(() => again.calls.length === 1, 'one recheck job');
    await new Promise((res) => setTimeout(res, 60));
    expect(again.calls.length).toBe(1); // one at a time while paused
    again.calls[0]!.answer({ status: 'done' });
    await until(() => r2.state().lanes.svc!.state === 'online', 'pause lifted by the success');
    expect(pauses.box.state.lanes.svc).toBeNull();
    await until(() => again.calls.length === 2, 'the next job claimed');
    again.calls[1]!.answer({ kind: 'auth', status: 401, message: 'Refused again.' });
    await until(() => r2.state().lanes.svc!.state === 'paused', 'paused again');
    r2.resume();
    expect(r2.state().lanes.svc!.state).toBe('online');
    await until(() => again.calls.length === 3, 'claimed after Resume');
    again.calls[2]!.answer({ status: 'done' });
    await until(() => [j1, j2].every((id) => row(id).state === 'done'), 'both done');
  });

  it('no answer at all takes the lane offline until the reachability check gets one; then waiting retries go at once', async () => {
    let reachable = false;
    const fake = fakeKind();
    const id = addJob();
    const r = runner({ kinds: [fake.spec], reachable: async () => reachable });
    r.start();
    await until(() => fake.calls.length === 1, 'claim');
    fake.calls[0]!.answer({ kind: 'retry', code: 'ECONNREFUSED', message: 'The service cannot be reached.' });
    await until(() => r.state().lanes.svc!.state === 'offline', 'offline');
    expect(r.state().lanes.svc!.message).toBe('The service cannot be reached.');
    expect(row(id).state).toBe('retry-wait');
    await new Promise((res) => setTimeout(res, 50)); // several checks, none answered
    expect(r.state().lanes.svc!.state).toBe('offline');
    reachable = true;
    await until(() => fake.calls.length === 2, 'claimed again as soon as the service answers (backoff cut short)');
    expect(r.state().lanes.svc!.state).toBe('online');
    fake.calls[1]!.answer({ status: 'done' });
    await until(() => row(id).state === 'done', 'done');
  });

  it('pause and close stop what runs; it goes back to waiting without counting an attempt', async () => {
    const fake = fakeKind({ concurrency: 2 });
    const [a, b] = [addJob(), addJob()];
    const r = runner({ kinds: [fake.spec] });
    r.start();
    await until(() => fake.calls.length === 2, 'two running');
    await r.pause();
    expect(r.busy()).toBe(false);
    expect([row(a), row(b)].map((j) => [j.state, j.attempts])).toEqual([
      ['waiting', 0],
      ['waiting', 0],
    ]);
    expect(fake.calls.every((c) => c.ctx.signal.aborted)).toBe(true);
    r.kick();
    await new Promise((res) => setTimeout(res, 30));
    expect(fake.calls.length).toBe(2); // paused: nothing claimed
    r.resume();
    await until(() => fake.calls.length === 4, 'claimed again after Resume');
    expect(await r.close()).toEqual({ 'submit-order': 2 });
    expect([row(a), row(b)].map((j) => [j.state, j.attempts])).toEqual([
      ['waiting', 0],
      ['waiting', 0],
    ]);
  });

  it('jobs a crash left running are done again at the next start', async () => {
    const id = addJob('submit-order', 1, 'running');
    const fake = fakeKind();
    const r = runner({ kinds: [fake.spec] });
    r.start();
    await until(() => fake.calls.length === 1, 'claimed after recovery');
    expect(fake.calls[0]!.job.id).toBe(id);
    fake.calls[0]!.answer({ status: 'done' });
    await until(() => row(id).state === 'done', 'done');
  });

  it('a kind needs its lane registered first, and registers once', () => {
    const r = runner({ kinds: [] });
    expect(() => r.register(fakeKind({ service: 'nowhere' }).spec)).toThrow(/no lane nowhere/);
    r.register(fakeKind().spec);
    expect(() => r.register(fakeKind().spec)).toThrow(/already registered/);
  });
});
