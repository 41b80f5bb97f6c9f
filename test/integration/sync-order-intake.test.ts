// Image-first end to end at the building-block level: images uploaded through the station's
// uploader with a write-only SAS, the OrderRequest built and POSTed by submitOrder, and the
// reference order-intake server checking storage with the account key.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrderIntakeServer, type OrderIntakeServer } from '../../scripts/order-intake-server.ts';
import { blobNameFor, buildBlobMetadata, contentTypeFor } from '../../src/main/core/sync/blob-metadata.ts';
import { createBlobUploader } from '../../src/main/core/sync/blob-uploader.ts';
import { digestFile } from '../../src/main/core/sync/file-digest.ts';
import { buildOrderRequest, idempotencyKey, type OrderExam, type OrderExamImage } from '../../src/main/core/sync/order-request.ts';
import { submitOrder } from '../../src/main/core/sync/order-submit.ts';
import { startAzurite, type AzuriteHandle } from '../fixtures/azurite.ts';
import { caughtSyncError } from '../fixtures/sync-error.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

const CONTAINER = 'images';
const TOKEN = 'intake-token-0123456789abcdef';
let az: AzuriteHandle;
let server: OrderIntakeServer;
let dir: string;

const caught = caughtSyncError;

/** Uploads `n` synthetic photos for one eye through the station's uploader. */
async function uploadImages(laterality: 'OD' | 'OS', n: number): Promise<OrderExamImage[]> {
  const uploader = createBlobUploader({ connectionString: az.writeOnlyConnectionString(CONTAINER), container: CONTAINER });
  const out: OrderExamImage[] = [];
  for (let i = 0; i < n; i++) {
    const id = crypto.randomUUID();
    const file = path.join(dir, `${id}.jpg`);
    await writeFile(file, await syntheticFundusJpeg({ width: 400, height: 300, seed: out.length + (laterality === 'OD' ? 1 : 50) }));
    const { md5, sha256 } = await digestFile(file);
    const blobName = blobNameFor(id, 'jpg');
    await uploader.upload({
      filePath: file,
      blobName,
      contentType: contentTypeFor(blobName),
      md5,
      metadata: buildBlobMetadata({ workflow: 'image-first', localId: id, stationId: 'station-1', sha256, laterality }),
    });
    out.push({ localId: id, blobName, laterality, takenAt: new Date(Date.UTC(2025, 0, 1, 8, i)).toISOString(), takenOffset: '+01:00' });
  }
  return out;
}

function examWith(images: OrderExamImage[], revision = 1, orderId = `ORD-${crypto.randomUUID().slice(0, 8)}`): OrderExam {
  return {
    examId: crypto.randomUUID(),
    revision,
    siteId: 'PC1234',
    stationId: 'station-1',
    container: CONTAINER,
    order: { localId: orderId },
    patient: { localId: 'PAT-1', name: 'Doe^John', birthDate: '1960-02-03', sex: 'M' },
    camera: { localId: 'CAM-1', serialNumber: 'SN-42' },
    images,
  };
}

const send = (exam: OrderExam, extra: { token?: string; timeoutMs?: number } = {}) =>
  submitOrder({
    url: server.url,
    token: extra.token ?? TOKEN,
    body: buildOrderRequest(exam),
    idempotencyKey: idempotencyKey(exam),
    ...(extra.timeoutMs !== undefined && { timeoutMs: extra.timeoutMs }),
  });

beforeAll(async () => {
  az = await startAzurite();
  await az.createContainer(CONTAINER);
  dir = await mkdtemp(path.join(tmpdir(), 'sync-orders-'));
  server = await startOrderIntakeServer({ blobEndpoint: az.blobEndpoint, accountKey: az.accountKey, container: CONTAINER, token: TOKEN });
});

afterAll(async () => {
  await server?.stop();
  await az?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  server.failNext(0);
  server.setDelayMs(0);
});

describe('order intake', () => {
  it('accepts an order whose images are all in storage', async () => {
    const images = [...(await uploadImages('OD', 2)), ...(await uploadImages('OS', 1))];
    const exam = examWith(images);
    const before = server.received.length;
    const receipt = await send(exam);
    expect(receipt.status).toBe(201);
    expect(receipt.replayed).toBe(false);
    expect(receipt.body).toMatchObject({ status: 'created', revision: 1, images: 3 });
    expect(server.received.length).toBe(before + 1);
    const got = server.received.at(-1)!;
    expect(got.Camera.Images.map((i) => i.AzureBlobStorage.FileName)).toEqual(images.map((i) => i.blobName));
    expect(got.CaptureStation.Eyes.map((e) => e.BestImageLocalId)).toEqual([images[1]!.localId, images[2]!.localId]);
  });

  it('rejects an order naming an image that is not in storage (422, fatal, names the LocalId)', async () => {
    const present = await uploadImages('OD', 1);
    const ghostId = crypto.randomUUID();
    const ghost: OrderExamImage = { localId: ghostId, blobName: blobNameFor(ghostId, 'jpg'), laterality: 'OS', takenAt: null, takenOffset: null };
    const before = server.received.length;
    const err = await caught(send(examWith([...present, ghost])));
    expect(err).toMatchObject({ kind: 'fatal', service: 'orders', status: 422 });
    expect(err.message).toContain(ghostId);
    expect(err.message).not.toContain(present[0]!.localId);
    expect(server.received.length).toBe(before);
  });

  it('a repeat with the same Idempotency-Key gives the same answer and no second order', async () => {
    const exam = examWith(await uploadImages('OD', 1));
    const first = await send(exam);
    const before = server.received.length;
    const second = await send(exam);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.replayed).toBe(true);
    expect(server.received.length).toBe(before);

    // The same key for a different body is refused: that would be a station bug.
    const err = await caught(
      submitOrder({ url: server.url, token: TOKEN, body: buildOrderRequest({ ...exam, camera: { localId: 'CAM-2' } }), idempotencyKey: idempotencyKey(exam) }),
    );
    expect(err).toMatchObject({ kind: 'fatal', status: 422 });
    expect(err.message).toMatch(/already used for a different request/);
  });

  it('a new revision of the same order is an update; a late older revision changes nothing', async () => {
    const od = await uploadImages('OD', 1);
    const rev1 = examWith(od);
    const created = await send(rev1);
    const os = await uploadImages('OS', 1);
    const rev2: OrderExam = { ...rev1, revision: 2, images: [...od, ...os] };
    const updated = await send(rev2);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ status: 'updated', revision: 2, orderId: (created.body as { orderId: string }).orderId });
    const stored = server.orders.get(`PC1234/${rev1.order.localId}`)!;
    expect(stored.revision).toBe(2);
    expect(stored.body.OrderControlCode).toBe('XO');
    expect(stored.body.Camera.Images).toHaveLength(2);

    // Revision 1 again under a new key (e.g. an old job): superseded, the stored order keeps revision 2.
    const late = await submitOrder({ url: server.url, token: TOKEN, body: buildOrderRequest(rev1), idempotencyKey: `${idempotencyKey(rev1)}-again` });
    expect(late.body).toMatchObject({ status: 'superseded', revision: 2 });
    expect(server.orders.get(`PC1234/${rev1.order.localId}`)!.revision).toBe(2);
  });

  it('a wrong token is auth (pause orders) and the token never appears in the message', async () => {
    const exam = examWith(await uploadImages('OD', 1));
    const wrong = 'wrong-token-zyxwvutsrqponmlk';
    const err = await caught(send(exam, { token: wrong }));
    expect(err).toMatchObject({ kind: 'auth', service: 'orders', status: 401 });
    expect(err.message).toMatch(/refused the station's token/);
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(wrong);
  });

  it('an invalid body is 400 with the reasons (fatal)', async () => {
    const exam = examWith(await uploadImages('OD', 1));
    const body = buildOrderRequest(exam);
    (body.Patient as { Dob: string }).Dob = '3 Feb 1960';
    const err = await caught(submitOrder({ url: server.url, token: TOKEN, body, idempotencyKey: idempotencyKey(exam) }));
    expect(err).toMatchObject({ kind: 'fatal', status: 400 });
    expect(err.message).toMatch(/not a valid OrderRequest: Patient.Dob: must be YYYY-MM-DD/);
  });
});

describe('order endpoint failures', () => {
  it('500/503 for a while: retry each time, then accepted once', async () => {
    const exam = examWith(await uploadImages('OD', 1));
    server.failNext(2, 503);
    expect(await caught(send(exam))).toMatchObject({ kind: 'retry', status: 503 });
    expect(await caught(send(exam))).toMatchObject({ kind: 'retry', status: 503 });
    server.failNext(1, 500);
    expect((await caught(send(exam))).message).toMatch(/busy or had a problem \(HTTP 500\)/);
    const before = server.received.length;
    expect((await send(exam)).status).toBe(201);
    expect(server.received.length).toBe(before + 1);
  });

  it('429 and 408 are retried; another 4xx from a proxy is fatal', async () => {
    const exam = examWith(await uploadImages('OD', 1));
    server.failNext(1, 429);
    expect((await caught(send(exam))).kind).toBe('retry');
    server.failNext(1, 408);
    expect((await caught(send(exam))).kind).toBe('retry');
    server.failNext(1, 418);
    expect(await caught(send(exam))).toMatchObject({ kind: 'fatal', status: 418 });
  });

  it('a slow answer times out (retry); the repeat is answered from the first, no second order', async () => {
    const exam = examWith(await uploadImages('OD', 1));
    const before = server.received.length;
    server.setDelayMs(1500); // the order is recorded, the answer comes late
    const err = await caught(send(exam, { timeoutMs: 200 }));
    expect(err).toMatchObject({ kind: 'retry', code: 'TIMEOUT' });
    server.setDelayMs(0);
    const again = await send(exam);
    expect(again.replayed).toBe(true);
    expect(again.status).toBe(201);
    expect(server.received.length).toBe(before + 1);
  });

  it('the endpoint down: retry, with only the host in the message', async () => {
    const exam = examWith(await uploadImages('OD', 1));
    const down = await startOrderIntakeServer({ blobEndpoint: az.blobEndpoint, accountKey: az.accountKey, token: TOKEN });
    const url = `${down.url}?code=secret-function-key`;
    await down.stop();
    const err = await caught(submitOrder({ url, token: TOKEN, body: buildOrderRequest(exam), idempotencyKey: idempotencyKey(exam) }));
    expect(err).toMatchObject({ kind: 'retry', service: 'orders' });
    expect(err.message).toMatch(/Cannot reach the order service at 127\.0\.0\.1:\d+/);
    expect(err.message).not.toContain('secret-function-key');
  });

  it('storage down while checking: 503 retry, then accepted when it is back', async () => {
    const exam = examWith(await uploadImages('OD', 1));
    await az.kill();
    try {
      const err = await caught(send(exam));
      expect(err).toMatchObject({ kind: 'retry', status: 503 });
      expect(err.retryAfterMs).toBe(5000);
    } finally {
      await az.restart();
    }
    expect((await send(exam)).status).toBe(201);
  });
});

describe('order-intake-server as a script', () => {
  it('starts from the command line, prints its URL and answers', async () => {
    const script = fileURLToPath(new URL('../../scripts/order-intake-server.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', script, '--port', '0', '--blob-endpoint', az.blobEndpoint, '--container', CONTAINER],
      { env: { ...process.env, AZURE_STORAGE_KEY: az.accountKey, ORDER_INTAKE_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/orders$/);
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
      const exam = examWith(await uploadImages('OS', 1));
      const receipt = await submitOrder({ url, token: TOKEN, body: buildOrderRequest(exam), idempotencyKey: idempotencyKey(exam) });
      expect(receipt.status).toBe(201);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
