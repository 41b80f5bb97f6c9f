// The outbox and its engine inside a real station, against a real Azurite (write-only SAS, sp=cw)
// and the reference order-intake server: names, content, MD5 and metadata; orders only after
// their photos; updates after a reopen; unknown outcomes; outages; an expired SAS; a bad order
// endpoint. Each test has its own station (data folder); the services are shared.
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Station } from '../../src/main/core/station.ts';
import { queueSummary, syncJobs } from '../../src/main/core/api/sync.ts';
import { decodeMetadataValue } from '../../src/main/core/sync/blob-metadata.ts';
import { startFlakyProxy } from '../fixtures/flaky-proxy.ts';
import { call, completeExam, CONTAINER, openStation, seedExam, seedPhoto, signIn, startSyncWorld, until, type SyncWorld } from '../fixtures/sync-world.ts';
import { syntheticFundusJpeg, withUniqueComment } from '../fixtures/fundus.ts';
import { tempDir } from '../fixtures/headless.ts';

let world: SyncWorld;
const stations: Station[] = [];

beforeAll(async () => {
  world = await startSyncWorld();
});

afterAll(async () => {
  for (const s of stations) await s.close();
  await world?.stop();
});

async function station(): Promise<Station> {
  const s = await openStation();
  stations.push(s);
  return s;
}

async function configure(s: Station, patch: Parameters<SyncWorld['cloud']>[0] = {}, sas?: Parameters<SyncWorld['cloud']>[1]): Promise<void> {
  const r = await call(s, 'sync.settings.update', world.cloud(patch, sas));
  if (!r.ok) throw new Error(`settings refused: ${JSON.stringify(r.problems)}`);
}

const orderStatus = (s: Station, orderId: string): string =>
  (s.db.prepare('SELECT status FROM orders WHERE id = ?').get(orderId) as { status: string }).status;

const describeQueue = (s: Station) => () => ({ summary: queueSummary(s.sync), jobs: syncJobs(s.sync, 50) });

const receivedFor = (patientId: string) => world.intake.received.filter((o) => o.Patient.LocalId === patientId);

async function blobsOf(ids: string[]): Promise<string[]> {
  const wanted = new Set(ids.map((id) => `${id}.jpg`));
  return (await world.blobNames()).filter((n) => wanted.has(n));
}

describe('delivery', () => {
  it('uploads each photo once with its name, bytes, MD5 and metadata, then submits the order naming only them', async () => {
    const s = await station();
    const exam = await seedExam(s, 1, 2);
    const other = await seedExam(s, 2, 1); // not completed: nothing of it may leave the station
    expect((await call(s, 'sync.status')).state).toBe('not-configured');
    await configure(s);
    const revision = await completeExam(s, exam.orderId);
    expect(revision).toBe(1);

    await until(() => orderStatus(s, exam.orderId) === 'sent', 20_000, describeQueue(s));
    const summary = await call(s, 'sync.status');
    expect(summary.state).toBe('idle');
    expect(summary.uploads).toMatchObject({ waiting: 0, running: 0, failed: 0, done: 4, bytesWaiting: 0 });
    expect(summary.orders).toMatchObject({ waiting: 0, done: 1, failed: 0 });

    const container = world.az.adminClient.getContainerClient(CONTAINER);
    for (const img of exam.images) {
      const blob = container.getBlobClient(`${img.id}.jpg`);
      const props = await blob.getProperties();
      expect(props.contentType).toBe('image/jpeg');
      expect(Buffer.from(props.contentMD5!).toString('hex')).toBe(createHash('md5').update(img.bytes).digest('hex'));
      expect(await blob.downloadToBuffer()).toEqual(img.bytes);
      const md = props.metadata!;
      expect(md.localid).toBe(img.id);
      expect(md.laterality).toBe(img.eye);
      expect(md.stationid).toBe('station-test');
      expect(md.siteid).toBe('PC1234');
      expect(md.sha256).toBe(img.sha256);
      expect(md.orderid).toBe(exam.orderId);
      expect(md.taken).toMatch(/^2025-03-01T09:\d\d:\d\d\.000\+01:00$/);
      expect(md.patientid).toBeUndefined(); // image first: the patient travels in the order only
      for (const v of Object.values(md)) expect(decodeMetadataValue(v)).not.toContain('Müller');
    }
    expect(await blobsOf(other.images.map((i) => i.id))).toEqual([]);

    const orders = receivedFor(exam.patientId);
    expect(orders).toHaveLength(1);
    const order = orders[0]!;
    expect(order.OrderControlCode).toBe('NW');
    expect(order.Camera).toMatchObject({ SerialNumber: 'SN-4711', Manufacturer: 'Topcon', Model: 'NW400' });
    expect(order.Camera.Images.map((i) => i.AzureBlobStorage.FileName).sort()).toEqual(exam.images.map((i) => `${i.id}.jpg`).sort());
    const present = new Set(await world.blobNames());
    for (const img of order.Camera.Images) expect(present.has(img.AzureBlobStorage.FileName)).toBe(true);
    expect(order.CaptureStation).toMatchObject({ ExamId: exam.orderId, Revision: 1, StationId: 'station-test' });
    expect(order.CaptureStation.Eyes.map((e) => e.Laterality)).toEqual(['OD', 'OS']);
    expect(order.Patient).toMatchObject({ LocalId: exam.patientId, Dob: '1960-02-03', Name: { Last: 'Müller-1', First: 'Anna' } });

    const list = await call(s, 'images.list', { limit: 50 });
    for (const img of exam.images) expect(list.items.find((i) => i.id === img.id)?.syncState).toBe('uploaded');
    for (const img of other.images) expect(list.items.find((i) => i.id === img.id)?.syncState).toBeNull();
    const jobs = await call(s, 'sync.jobs', { limit: 100 });
    expect(jobs.orders[0]).toMatchObject({ state: 'done', outcome: 'created', revision: 1 });
    expect(jobs.orders[0]!.platformOrderId).toBeTruthy();
    const audit = await call(s, 'audit.list', { orderId: exam.orderId });
    expect(audit.items.some((a) => a.action === 'sent')).toBe(true);
  });

  it('a reopened exam with a new photo is sent again as an update; photos already in storage are not sent twice', async () => {
    const s = await station();
    await configure(s);
    const exam = await seedExam(s, 3, 1);
    await completeExam(s, exam.orderId);
    await until(() => orderStatus(s, exam.orderId) === 'sent', 20_000, describeQueue(s));

    await call(s, 'exam.reopen', { orderId: exam.orderId });
    const extra = await seedPhoto(s, { laterality: 'OD', takenAt: '2025-03-01T08:30:00.000Z' });
    await call(s, 'images.assign', { imageIds: [extra.id], orderId: exam.orderId, eye: 'OD' });
    expect(await completeExam(s, exam.orderId)).toBe(2);
    await until(() => orderStatus(s, exam.orderId) === 'sent', 20_000, describeQueue(s));

    const orders = receivedFor(exam.patientId);
    expect(orders.map((o) => [o.CaptureStation.Revision, o.OrderControlCode])).toEqual([
      [1, 'NW'],
      [2, 'XO'],
    ]);
    expect(orders[1]!.Camera.Images).toHaveLength(3);
    const jobs = await call(s, 'sync.jobs', { limit: 100 });
    expect(jobs.uploads.filter((j) => j.state === 'done')).toHaveLength(3); // one job per photo, ever
    expect(jobs.orders.map((j) => j.outcome).sort()).toEqual(['created', 'updated']);
    expect(await blobsOf([...exam.images.map((i) => i.id), extra.id])).toHaveLength(3);
  });

  it('an upload whose answer was lost is sent again and counted as delivered (409), without a second copy', async () => {
    const proxy = await startFlakyProxy(`http://127.0.0.1:${world.az.port}`);
    try {
      const s = await station();
      const cs = world.az.writeOnlyConnectionString(CONTAINER).replace(`127.0.0.1:${world.az.port}`, `127.0.0.1:${proxy.port}`);
      await configure(s, { connectionString: cs, concurrency: 1 });
      // The first PUT reaches Azurite and creates the blob; its answer never comes back.
      proxy.inject({ kind: 'drop-answer' }, 1, (req) => req.method === 'PUT');
      const exam = await seedExam(s, 4, 1);
      await completeExam(s, exam.orderId);
      await until(() => orderStatus(s, exam.orderId) === 'sent', 20_000, describeQueue(s));
      const jobs = await call(s, 'sync.jobs', { limit: 10 });
      expect(jobs.uploads.map((j) => j.outcome).sort()).toEqual(['already-there', 'created']);
      expect(proxy.seen.filter((r) => r.method === 'PUT')).toHaveLength(3); // 2 photos + 1 repeat
      expect(await blobsOf(exam.images.map((i) => i.id))).toHaveLength(2);
      expect(receivedFor(exam.patientId)).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });
});

describe('workflows and clocks', () => {
  it('order first: each photo carries the patient id for the platform, no order is posted, the exam becomes sent', async () => {
    const s = await station();
    await configure(s, { workflow: 'order-first', orderEndpointUrl: null, orderEndpointToken: null });
    const before = world.intake.requestCount;
    const exam = await seedExam(s, 80, 1);
    await completeExam(s, exam.orderId);
    await until(() => orderStatus(s, exam.orderId) === 'sent', 20_000, describeQueue(s));
    const props = await world.az.adminClient.getContainerClient(CONTAINER).getBlobClient(`${exam.images[0]!.id}.jpg`).getProperties();
    expect(props.metadata).toMatchObject({ patientid: exam.patientId, orderid: exam.orderId });
    expect(world.intake.requestCount).toBe(before);
    expect((await call(s, 'sync.jobs', { limit: 5 })).orders[0]).toMatchObject({ state: 'done', outcome: 'delivered' });
  });

  it('a storage service whose clock is 12 minutes ahead: the station says its own clock is behind', async () => {
    const proxy = await startFlakyProxy(`http://127.0.0.1:${world.az.port}`);
    try {
      proxy.setDateShiftMs(12 * 60_000);
      const s = await station();
      const cs = world.az.writeOnlyConnectionString(CONTAINER).replace(`127.0.0.1:${world.az.port}`, `127.0.0.1:${proxy.port}`);
      await configure(s, { connectionString: cs });
      const exam = await seedExam(s, 81, 1);
      await completeExam(s, exam.orderId);
      await until(() => orderStatus(s, exam.orderId) === 'sent', 20_000, describeQueue(s));
      const sum = await call(s, 'sync.status');
      expect(sum.clockSkewMs).toBeGreaterThan(11 * 60_000);
      expect(sum.clockMessage).toMatch(/clock is about 12 minutes behind/);
      const probe = await call(s, 'sync.settings.test', {});
      expect(probe.storage).toMatchObject({ ok: true });
      expect(probe.storage!.message).toMatch(/12 minutes behind/);
      expect(probe.orders).toMatchObject({ ok: true });
    } finally {
      await proxy.stop();
    }
  });

  it('Test connection explains a wrong container, a read-only SAS and a wrong token, before anything is saved', async () => {
    const s = await station();
    // A SAS signed for a container that does not exist (IT typed the wrong name when making it).
    const bad = await call(s, 'sync.settings.test', world.cloud({ container: 'no-such-container', connectionString: world.az.writeOnlyConnectionString('no-such-container') }));
    expect(bad.storage).toMatchObject({ ok: false, kind: 'container-missing' });
    expect(bad.storage!.message).toMatch(/no container named "no-such-container"/);
    // A SAS for another container than the one entered: refused as a whole.
    const other = await call(s, 'sync.settings.test', world.cloud({ container: 'other-container' }));
    expect(other.storage).toMatchObject({ ok: false, kind: 'rejected' });
    const ro = await call(s, 'sync.settings.test', { ...world.cloud(), connectionString: world.az.writeOnlyConnectionString(CONTAINER, { permissions: 'r' }) });
    expect(ro.problems?.connectionString).toMatch(/does not allow creating files/);
    const token = await call(s, 'sync.settings.test', world.cloud({ orderEndpointToken: 'not-the-right-token-1234' }));
    expect(token.storage).toMatchObject({ ok: true });
    expect(token.orders).toMatchObject({ ok: false });
    expect(token.orders!.message).toMatch(/refused the token/);
    expect((await call(s, 'sync.settings.get')).configured).toBe(false);
  });
});

describe('from the camera folder', () => {
  it('a photo from the camera folder is sent with the MD5 of its spool copy as Content-MD5, taken once at its first upload after checking its SHA-256', async () => {
    const s = await station();
    await configure(s);
    const watch = tempDir('sync-watch');
    await call(s, 'settings.update', { fileNameRules: [{ id: 'r', name: 'Site rule', pattern: '^(?<patientId>[A-Z0-9-]+)_(?<eye>OD|OS)_' }] });
    await call(s, 'sources.add', { path: watch });
    await signIn(s);
    const created = await call(s, 'orders.create', {
      order: { patientId: 'CAM-77', name: 'Camera, Test', birthDate: '1950-01-01', sex: 'M', scheduledAt: new Date().toISOString() },
      allowDuplicate: true,
    });
    if (!created.created) throw new Error('order not created');
    const jpeg = await syntheticFundusJpeg({ width: 800, height: 600, seed: 77 });
    writeFileSync(path.join(watch, 'CAM-77_OD_1.jpg'), withUniqueComment(jpeg, 'od'));
    writeFileSync(path.join(watch, 'CAM-77_OS_1.jpg'), withUniqueComment(jpeg, 'os'));
    // Both photos are filed to the exam; their MD5 is taken when they are first sent (off the
    // ingest path), from the spool copy, after checking its SHA-256.
    await until(() => {
      const rows = s.db.prepare('SELECT id FROM images WHERE order_id = ?').all(created.order.id);
      return rows.length === 2 ? rows : null;
    }, 20_000);
    await completeExam(s, created.order.id);
    await until(() => orderStatus(s, created.order.id) === 'sent', 20_000, describeQueue(s));
    const md5s = s.db.prepare('SELECT id, md5, sha256 FROM images WHERE order_id = ?').all(created.order.id) as { id: string; md5: string | null; sha256: string }[];
    expect(md5s).toHaveLength(2);
    for (const r of md5s) {
      const bytes = readFileSync(s.spool.pathFor(r.sha256));
      expect(r.md5).toBe(createHash('md5').update(bytes).digest('hex'));
      const props = await world.az.adminClient.getContainerClient(CONTAINER).getBlobClient(`${r.id}.jpg`).getProperties();
      expect(Buffer.from(props.contentMD5!).toString('hex')).toBe(r.md5);
    }
  });

  it('a spool copy that changed after its MD5 was taken is refused by the service, not stored damaged', async () => {
    const s = await station();
    await configure(s);
    const exam = await seedExam(s, 70, 1);
    const victim = exam.images[0]!;
    s.db.prepare('UPDATE images SET md5 = ? WHERE id = ?').run(createHash('md5').update(victim.bytes).digest('hex'), victim.id);
    // The spool file is damaged after the MD5 was taken (same size, one byte flipped).
    const file = s.spool.pathFor(victim.sha256);
    const damaged = Buffer.from(victim.bytes);
    damaged[damaged.length - 10] ^= 0xff;
    chmodSync(file, 0o644);
    writeFileSync(file, damaged);
    await completeExam(s, exam.orderId);
    const failed = await until(async () => (await call(s, 'sync.jobs', { limit: 10 })).uploads.find((j) => j.state === 'failed'), 20_000, describeQueue(s));
    expect(failed.lastError).toMatch(/different bytes|damaged/);
    expect(await blobsOf([victim.id])).toEqual([]);
    // Tried again by hand: the spool copy is checked against its SHA-256 first, and the reason is plain.
    await call(s, 'sync.retry', { jobId: failed.id });
    const again = await until(async () => {
      const j = (await call(s, 'sync.jobs', { limit: 10 })).uploads.find((x) => x.id === failed.id);
      return j && j.state === 'failed' && j.attempts > 0 ? j : null;
    }, 20_000, describeQueue(s));
    expect(again.lastError).toMatch(/copy of this photo is damaged/);
    expect(orderStatus(s, exam.orderId)).toBe('complete');
  });
});

describe('outages and refusals', () => {
  it('Azurite stopped mid-run and started again: everything is delivered, once', async () => {
    const s = await station();
    await configure(s, { concurrency: 2, bandwidthCapKbps: 8_000 });
    const exams = [];
    for (let n = 0; n < 4; n++) exams.push(await seedExam(s, 10 + n, 2));
    for (const e of exams) await completeExam(s, e.orderId);
    await until(() => queueSummary(s.sync).uploads.done >= 3, 20_000, describeQueue(s));
    await world.az.kill();
    await until(() => queueSummary(s.sync).state === 'offline', 20_000, describeQueue(s));
    const offline = queueSummary(s.sync);
    expect(offline.message).toMatch(/storage service/i);
    expect(offline.message).toMatch(/kept safe/);
    await new Promise((r) => setTimeout(r, 600));
    await world.az.restart();
    for (const e of exams) await until(() => orderStatus(s, e.orderId) === 'sent', 30_000, describeQueue(s));
    const ids = exams.flatMap((e) => e.images.map((i) => i.id));
    expect(await blobsOf(ids)).toHaveLength(ids.length);
    for (const e of exams) expect(receivedFor(e.patientId)).toHaveLength(1);
    expect(queueSummary(s.sync).state).toBe('idle');
  });

  it('an expired SAS pauses the queue with a plain message, and it resumes once a new one is saved', async () => {
    const s = await station();
    await configure(s, {}, { expiresOn: new Date(Date.now() + 2_000) });
    const early = await seedExam(s, 20, 1);
    await completeExam(s, early.orderId);
    await until(() => orderStatus(s, early.orderId) === 'sent', 20_000, describeQueue(s));
    await new Promise((r) => setTimeout(r, Math.max(0, 2_200)));

    const late = await seedExam(s, 21, 2);
    await completeExam(s, late.orderId);
    const paused = await until(() => {
      const sum = queueSummary(s.sync);
      return sum.state === 'paused' ? sum : null;
    }, 20_000, describeQueue(s));
    expect(paused.pausedReason).toBe('auth');
    expect(paused.message).toMatch(/expired on .*Ask IT for a new one/);
    expect(paused.lanes.storage.state).toBe('paused');
    // No retry storm: the jobs wait, nothing counted against them, nothing more is tried.
    await new Promise((r) => setTimeout(r, 500));
    const jobs = await call(s, 'sync.jobs', { limit: 20 });
    const waiting = jobs.uploads.filter((j) => j.state !== 'done');
    expect(waiting).toHaveLength(4);
    for (const j of waiting) {
      expect(j.state).toBe('paused');
      expect(j.attempts).toBe(0);
    }
    expect(waiting.filter((j) => j.lastError !== null).length).toBeLessThanOrEqual(4);

    await configure(s); // IT enters a fresh connection string
    await until(() => orderStatus(s, late.orderId) === 'sent', 20_000, describeQueue(s));
    expect(queueSummary(s.sync).state).toBe('idle');
    expect(await blobsOf(late.images.map((i) => i.id))).toHaveLength(4);
  });

  it('the order endpoint answering 500 for a while, then down, then slow: the order arrives once', async () => {
    const proxy = await startFlakyProxy(new URL(world.intake.url).origin);
    try {
      const s = await station();
      await configure(s, { orderEndpointUrl: `${proxy.origin}/orders` });
      // 500 three times.
      proxy.inject({ kind: 'status', status: 500, body: '{"error":"boom"}' }, 3, (r) => r.method === 'POST');
      const a = await seedExam(s, 30, 1);
      await completeExam(s, a.orderId);
      await until(() => orderStatus(s, a.orderId) === 'sent', 20_000, describeQueue(s));
      expect(proxy.seen.filter((r) => r.fault === 'status')).toHaveLength(3);
      expect(receivedFor(a.patientId)).toHaveLength(1);

      // Down: connections refused; the orders lane goes offline and comes back by itself.
      await proxy.down();
      const b = await seedExam(s, 31, 1);
      await completeExam(s, b.orderId);
      await until(() => queueSummary(s.sync).lanes.orders.state === 'offline', 20_000, describeQueue(s));
      expect(queueSummary(s.sync).state).toBe('offline');
      expect(queueSummary(s.sync).uploads.done).toBeGreaterThanOrEqual(4); // uploads go on meanwhile
      await proxy.up();
      await until(() => orderStatus(s, b.orderId) === 'sent', 20_000, describeQueue(s));
      expect(receivedFor(b.patientId)).toHaveLength(1);

      // Slow: the answer comes after the station gave up; the repeat is answered from the idempotency record.
      world.intake.setDelayMs(3_500);
      const c = await seedExam(s, 32, 1);
      await completeExam(s, c.orderId);
      await until(() => receivedFor(c.patientId).length === 1, 20_000, describeQueue(s));
      world.intake.setDelayMs(0);
      await until(() => orderStatus(s, c.orderId) === 'sent', 20_000, describeQueue(s));
      expect(receivedFor(c.patientId)).toHaveLength(1);
      const jobs = await call(s, 'sync.jobs', { limit: 20 });
      const cJob = jobs.orders.find((j) => j.subjectId === c.orderId)!;
      expect(cJob.outcome).toBe('created');
    } finally {
      world.intake.setDelayMs(0);
      await proxy.stop();
    }
  });

  it('a bad answer from the order endpoint: garbage is retried; a 4xx fails the job with its reason until retried by hand', async () => {
    const proxy = await startFlakyProxy(new URL(world.intake.url).origin);
    try {
      const s = await station();
      await configure(s, { orderEndpointUrl: `${proxy.origin}/orders` });
      proxy.inject({ kind: 'garbage' }, 1, (r) => r.method === 'POST');
      proxy.inject(
        { kind: 'status', status: 400, body: JSON.stringify({ error: 'The body is not a valid OrderRequest.', reasons: ['Order.DepartmentId: unknown department'] }) },
        1,
        (r) => r.method === 'POST',
      );
      const a = await seedExam(s, 40, 1);
      await completeExam(s, a.orderId);
      const failed = await until(async () => (await call(s, 'sync.jobs', { limit: 10 })).orders.find((j) => j.state === 'failed'), 20_000, describeQueue(s));
      expect(failed.lastError).toMatch(/rejected the order \(HTTP 400\).*unknown department/);
      expect(failed.lastErrorKind).toBe('fatal');
      expect((await call(s, 'sync.status')).orders.failed).toBe(1);
      expect((await call(s, 'sync.status')).message).toMatch(/could not be sent/);
      expect(orderStatus(s, a.orderId)).toBe('complete');

      expect((await call(s, 'sync.retry', { jobId: failed.id })).retried).toBe(1);
      await until(() => orderStatus(s, a.orderId) === 'sent', 20_000, describeQueue(s));
      expect(receivedFor(a.patientId)).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('a wrong order token pauses orders (not uploads) until the token is fixed', async () => {
    const s = await station();
    await configure(s, { orderEndpointToken: 'wrong-token-wrong-token-wrong' });
    const a = await seedExam(s, 50, 1);
    await completeExam(s, a.orderId);
    const paused = await until(() => {
      const sum = queueSummary(s.sync);
      return sum.lanes.orders.state === 'paused' ? sum : null;
    }, 20_000, describeQueue(s));
    expect(paused.state).toBe('paused');
    expect(paused.message).toMatch(/refused the station's token \(HTTP 401\)/);
    expect(paused.uploads.done).toBe(2);
    expect(JSON.stringify(paused)).not.toContain('wrong-token');
    await call(s, 'sync.settings.update', { orderEndpointToken: world.cloud().orderEndpointToken });
    await until(() => orderStatus(s, a.orderId) === 'sent', 20_000, describeQueue(s));
  });

  it('pause stops sending and keeps everything; resume sends it', async () => {
    const s = await station();
    await configure(s);
    await call(s, 'sync.pause');
    const a = await seedExam(s, 60, 1);
    await completeExam(s, a.orderId);
    await new Promise((r) => setTimeout(r, 300));
    const sum = await call(s, 'sync.status');
    expect(sum).toMatchObject({ state: 'paused', pausedReason: 'operator' });
    expect(sum.uploads.waiting).toBe(2);
    expect(sum.uploads.bytesWaiting).toBe(a.images.reduce((n, i) => n + i.bytes.length, 0));
    await call(s, 'sync.resume');
    await until(() => orderStatus(s, a.orderId) === 'sent', 20_000, describeQueue(s));
  });
});
