// Cloud sync hardening (issue 12): what an order service answers never puts the patient into the
// station's log; a damaged SAS is a field problem, not an internal error; and an exam reopened
// before its order went out is first sent as new (NW), never as a change (XO) to an order the
// platform does not have. A real station, a real Azurite, the reference order-intake server, and
// a small scripted order endpoint on loopback.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../src/main/core/station.ts';
import { queueSummary, syncJobs } from '../../src/main/core/api/sync.ts';
import { call, completeExam, FAST_SYNC, openStation, seedExam, seedPhoto, startSyncWorld, until, type SyncWorld } from '../fixtures/sync-world.ts';
import { tempDir } from '../fixtures/headless.ts';

let world: SyncWorld;
const stations: Station[] = [];

beforeAll(async () => {
  world = await startSyncWorld();
});

afterAll(async () => {
  for (const s of stations) await s.close().catch(() => undefined);
  await world?.stop();
});

async function station(): Promise<Station> {
  const s = await openStation();
  stations.push(s);
  return s;
}

async function configure(s: Station, patch: Parameters<SyncWorld['cloud']>[0] = {}): Promise<void> {
  const r = await call(s, 'sync.settings.update', world.cloud(patch));
  if (!r.ok) throw new Error(`settings refused: ${JSON.stringify(r.problems)}`);
}

const orderStatus = (s: Station, orderId: string): string =>
  (s.db.prepare('SELECT status FROM orders WHERE id = ?').get(orderId) as { status: string }).status;
const describeQueue = (s: Station) => () => ({ summary: queueSummary(s.sync), jobs: syncJobs(s.sync, 50) });
const receivedFor = (patientId: string) => world.intake.received.filter((o) => o.Patient.LocalId === patientId);

interface PatientInBody {
  Patient: { LocalId: string; Name?: { First: string | null; Last: string | null }; Dob?: string | null };
}

/** One scripted answer: status, headers, and a body built from the order it answers (naming its patient). */
type Answer = { status: number; headers?: Record<string, string>; body: (o: PatientInBody) => unknown };

/** An order endpoint that answers each POST with the next scripted answer (then 503 forever). */
async function startScriptedOrderEndpoint(script: Answer[]): Promise<{ url: string; posts: number; stop(): Promise<void> }> {
  const state = { posts: 0 };
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (d) => (text += String(d)));
    req.on('end', () => {
      state.posts++;
      const answer = script.shift() ?? { status: 503, body: () => ({ error: 'Nothing scripted.' }) };
      let order: PatientInBody = { Patient: { LocalId: '?' } };
      try {
        order = JSON.parse(text) as PatientInBody;
      } catch {
        // answer anyway
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body(order)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/orders`,
    get posts() {
      return state.posts;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const named = (o: PatientInBody): string => `Patient ${o.Patient.Name?.Last ?? ''} ${o.Patient.Name?.First ?? ''} (${o.Patient.LocalId}) DOB ${o.Patient.Dob}`;

describe('an order service answer that names the patient', () => {
  it('reaches the Queue as the reason, and the log only as HTTP status and code', async () => {
    // 500 then 422 for the first exam (its prose names the patient; the 500's "code" is prose too),
    // 400 with Azure's x-ms-error-code header for the second.
    const endpoint = await startScriptedOrderEndpoint([
      { status: 500, body: (o) => ({ error: `${named(o)} could not be looked up`, code: `${o.Patient.Name?.Last} record` }) },
      {
        status: 422,
        body: (o) => ({ error: `${named(o)} not found`, reasons: [`Patient.LocalId ${o.Patient.LocalId} is unknown`], code: 'PatientNotFound' }),
      },
      {
        status: 400,
        headers: { 'x-ms-error-code': 'InvalidPatientRecord' },
        body: (o) => ({ error: `${named(o)} is not valid`, reasons: [`Patient.Dob ${o.Patient.Dob} is not plausible`] }),
      },
    ]);
    const dataDir = tempDir('sync-log');
    // The station's own logger (no logger given): JSON lines in <data>/logs/station.log.
    const s = await Station.open({
      dataDir,
      host: 'headless',
      version: 'test',
      urls: { thumb: (id) => `/t/${id}`, full: (id) => `/f/${id}` },
      watchVolumes: false,
      quality: false,
      syncTiming: FAST_SYNC,
    });
    try {
      await configure(s, { orderEndpointUrl: endpoint.url });
      const a = await seedExam(s, 61, 1);
      await completeExam(s, a.orderId);
      const failedA = await until(
        async () => (await call(s, 'sync.jobs', { limit: 20 })).orders.find((j) => j.subjectId === a.orderId && j.state === 'failed'),
        20_000,
        describeQueue(s),
      );
      // The operator sees what the service said.
      expect(failedA.lastError).toMatch(/rejected the order \(HTTP 422\): Patient Müller-61 Anna .* not found/);
      expect(failedA.lastErrorKind).toBe('fatal');

      const b = await seedExam(s, 62, 1);
      await completeExam(s, b.orderId);
      const failedB = await until(
        async () => (await call(s, 'sync.jobs', { limit: 20 })).orders.find((j) => j.subjectId === b.orderId && j.state === 'failed'),
        20_000,
        describeQueue(s),
      );
      expect(failedB.lastError).toMatch(/rejected the order \(HTTP 400\): .*is not valid: Patient.Dob 1960-02-03 is not plausible/);
      expect(endpoint.posts).toBe(3);
    } finally {
      await s.close(); // flushes the log
      await endpoint.stop();
    }

    const log = readFileSync(path.join(dataDir, 'logs', 'station.log'), 'utf8');
    const lines = log
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; status?: number; code?: string });
    for (const patientText of ['Müller', 'Anna', 'PAT-61', 'PAT-62', '1960-02-03', 'not found', 'looked up', 'not plausible']) {
      expect(log, patientText).not.toContain(patientText);
    }
    const retry = lines.find((l) => l.msg === 'sync: will retry' && l.status === 500);
    expect(retry).toBeDefined();
    expect(retry!.code).toBeUndefined(); // the 500's "code" was prose, so none is logged
    const failures = lines.filter((l) => l.msg === 'sync: job failed; it waits for a person').map((l) => [l.status, l.code]);
    expect(failures).toEqual([
      [422, 'PatientNotFound'],
      [400, 'InvalidPatientRecord'],
    ]);
  });
});

describe('a connection string with a broken %-escape', () => {
  it('is refused on its field by sync.settings.update and sync.settings.test (not an internal error)', async () => {
    const s = await station();
    const damaged = [
      'https://acct.blob.core.windows.net/images?sv=2024&sp=cw&sig=%E0%A4%A', // the signature cut short
      'https://acct.blob.core.windows.net/images%E0%A4?sv=2024&sp=cw&sig=abc', // a broken container name
      'BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2024&sp=cw&sig=%ZZ',
    ];
    for (const connectionString of damaged) {
      const update = await call(s, 'sync.settings.update', world.cloud({ connectionString, orderEndpointUrl: 'https://orders.example.org/orders' }));
      expect(update, connectionString).toMatchObject({ ok: false, problems: { connectionString: expect.stringMatching(/broken %-escape/) } });
      const test = await call(s, 'sync.settings.test', world.cloud({ connectionString, orderEndpointUrl: 'https://orders.example.org/orders' }));
      expect(test.problems?.connectionString, connectionString).toMatch(/broken %-escape/);
      expect(test.storage).toBeNull();
    }
    expect((await call(s, 'sync.settings.get')).configured).toBe(false);
  });
});

describe('an exam reopened before its order went out', () => {
  it('is first sent as new (NW) with the content of the revision that goes out', async () => {
    const s = await station();
    await configure(s);
    await call(s, 'sync.pause'); // nothing leaves the station: the photos are still waiting
    const exam = await seedExam(s, 71, 1);
    expect(await completeExam(s, exam.orderId)).toBe(1);
    await call(s, 'exam.reopen', { orderId: exam.orderId });
    const extra = await seedPhoto(s, { laterality: 'OD', takenAt: '2025-03-01T08:30:00.000Z' });
    await call(s, 'images.assign', { imageIds: [extra.id], orderId: exam.orderId, eye: 'OD' });
    expect(await completeExam(s, exam.orderId)).toBe(2);
    await call(s, 'sync.resume');
    await until(() => orderStatus(s, exam.orderId) === 'sent', 20_000, describeQueue(s));

    const orders = receivedFor(exam.patientId);
    expect(orders.map((o) => [o.CaptureStation.Revision, o.OrderControlCode])).toEqual([[2, 'NW']]);
    expect(orders[0]!.Camera.Images.map((i) => i.LocalId).sort()).toEqual([...exam.images.map((i) => i.id), extra.id].sort());
    const jobs = (await call(s, 'sync.jobs', { limit: 20 })).orders.filter((j) => j.subjectId === exam.orderId);
    expect(jobs.map((j) => [j.revision, j.state, j.outcome])).toEqual([[2, 'done', 'created']]); // revision 1 was withdrawn, never sent
    expect(s.db.prepare("SELECT state FROM sync_jobs WHERE kind = 'submit-order' AND subject_id = ? AND revision = 1").get(exam.orderId)).toEqual({
      state: 'cancelled',
    });
  });

  it('one already posted whose answer was lost is finished first; the next revision is then a change (XO)', async () => {
    const s = await station();
    await configure(s);
    try {
      // The order service records revision 1 but answers after the station has given up (3 s).
      world.intake.setDelayMs(4_000);
      const exam = await seedExam(s, 72, 1);
      await completeExam(s, exam.orderId);
      await until(() => receivedFor(exam.patientId).length === 1, 20_000, describeQueue(s));
      // Reopened and completed again while revision 1's answer is still out.
      await call(s, 'exam.reopen', { orderId: exam.orderId });
      const extra = await seedPhoto(s, { laterality: 'OS', takenAt: '2025-03-01T08:31:00.000Z' });
      await call(s, 'images.assign', { imageIds: [extra.id], orderId: exam.orderId, eye: 'OS' });
      expect(await completeExam(s, exam.orderId)).toBe(2);
      world.intake.setDelayMs(0);
      await until(
        () => orderStatus(s, exam.orderId) === 'sent' && (s.db.prepare('SELECT revision FROM orders WHERE id = ?').get(exam.orderId) as { revision: number }).revision === 2,
        20_000,
        describeQueue(s),
      );
      expect(receivedFor(exam.patientId).map((o) => [o.CaptureStation.Revision, o.OrderControlCode])).toEqual([
        [1, 'NW'],
        [2, 'XO'],
      ]);
      expect(world.intake.orders.get(`PC1234/${exam.orderId}`)?.revision).toBe(2);
      // Revision 1's job was not withdrawn: it was sent again with its key and answered from the record.
      const rows = s.db
        .prepare("SELECT revision, state, outcome FROM sync_jobs WHERE kind = 'submit-order' AND subject_id = ? ORDER BY revision")
        .all(exam.orderId);
      expect(rows).toEqual([
        { revision: 1, state: 'done', outcome: 'created' },
        { revision: 2, state: 'done', outcome: 'updated' },
      ]);
    } finally {
      world.intake.setDelayMs(0);
    }
  });
});
