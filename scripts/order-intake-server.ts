// The reference order-intake server for the image-first workflow: what the station's order
// endpoint is expected to do, runnable for the demo and importable by tests. Plain node:http.
//
//   node scripts/order-intake-server.ts --port 8080 --blob-endpoint http://127.0.0.1:10000/devstoreaccount1 \
//     --account-key KEY --container images --token T        (or ORDER_INTAKE_TOKEN / AZURE_STORAGE_KEY)
//
// POST /orders   Authorization: Bearer <token>, Idempotency-Key: <key>, body: OrderRequest JSON
//   201 created | 200 updated / unchanged / superseded     { orderId, status, revision, images }
//   400 body is not a valid OrderRequest                    { error, reasons[] }
//   401 wrong or missing token
//   409 the same revision was already received with different content
//   413 body over 1 MiB
//   422 named images not in storage (checked with the account key, which the station never has)
//       { error, missingLocalIds[] }; or the Idempotency-Key was used for a different body
//   503 storage could not be checked right now (Retry-After)
// A repeat with the same Idempotency-Key and the same body gets the first 2xx answer again
// (header Idempotent-Replayed: true) and creates nothing. Only 2xx answers are remembered, so a
// request refused for a missing image can succeed once the image is there.
// GET /healthz   200, no auth.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { describeIssues, orderRequestSchema, type OrderRequest } from '../src/main/core/sync/order-request.ts';

export interface OrderIntakeOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** e.g. http://127.0.0.1:10000/devstoreaccount1 */
  blobEndpoint: string;
  /** Default: the endpoint's first path segment (emulator) or the host's first label. */
  accountName?: string;
  accountKey: string;
  /** When set, every image must be in this container. */
  container?: string;
  token: string;
  /** One line per request; never the token, never patient data. Default: silent. */
  log?: (line: string) => void;
}

export interface StoredOrder {
  orderId: string;
  revision: number;
  bodyHash: string;
  body: OrderRequest;
}

export interface OrderIntakeServer {
  /** The order endpoint to configure: http://127.0.0.1:<port>/orders */
  url: string;
  /** Every body that created or updated an order, in order of arrival (no replays, no duplicates). */
  received: OrderRequest[];
  /** By `${Site.LocalId}/${Order.LocalId}`. */
  orders: Map<string, StoredOrder>;
  /** POSTs seen, including refused and replayed ones. */
  readonly requestCount: number;
  /** Answer the next `n` POSTs with `status` (default 503) before doing anything else. */
  failNext(n: number, status?: number): void;
  /** Wait this long before answering (after the order is recorded: a slow or lost answer). */
  setDelayMs(ms: number): void;
  stop(): Promise<void>;
}

export type OrderDecision =
  | { action: 'create'; status: 201 }
  | { action: 'update' | 'unchanged' | 'superseded'; status: 200 }
  | { action: 'conflict'; status: 409; reason: string }
  | { action: 'unknown-order'; status: 422; reason: string };

/** Pure: what a new OrderRequest does to the stored order with the same Site + Order LocalId. */
export function decideOrder(
  stored: Pick<StoredOrder, 'revision' | 'bodyHash'> | undefined,
  incoming: { revision: number; bodyHash: string; controlCode?: 'NW' | 'XO' },
): OrderDecision {
  if (!stored && incoming.controlCode === 'XO') {
    // As a platform that applies XO to an existing order does: a change needs the order first.
    return { action: 'unknown-order', status: 422, reason: 'This is a change (XO) of an order this service never received; send it as new (NW).' };
  }
  if (!stored) return { action: 'create', status: 201 };
  if (incoming.revision > stored.revision) return { action: 'update', status: 200 };
  // An older revision arriving late must not overwrite a newer one; the newer one is the truth.
  if (incoming.revision < stored.revision) return { action: 'superseded', status: 200 };
  if (incoming.bodyHash === stored.bodyHash) return { action: 'unchanged', status: 200 };
  return {
    action: 'conflict',
    status: 409,
    reason: `revision ${incoming.revision} of this order was already received with different content; send a new revision`,
  };
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!.trim()).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b); // equal-length digests: no length leak, constant time
}

function accountFrom(endpoint: string): string {
  const u = new URL(endpoint);
  const first = u.pathname.split('/').filter(Boolean)[0];
  return first ?? u.hostname.split('.')[0]!;
}

const MAX_BODY = 1024 * 1024;

class HttpError extends Error {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body.error ?? status));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, { error: 'The body is larger than 1 MiB.' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startOrderIntakeServer(options: OrderIntakeOptions): Promise<OrderIntakeServer> {
  const log = options.log ?? (() => {});
  const credential = new StorageSharedKeyCredential(options.accountName ?? accountFrom(options.blobEndpoint), options.accountKey);
  const storage = new BlobServiceClient(options.blobEndpoint, credential, { retryOptions: { maxTries: 1 } });
  const received: OrderRequest[] = [];
  const orders = new Map<string, StoredOrder>();
  const answers = new Map<string, { bodyHash: string; status: number; body: unknown }>();
  let requestCount = 0;
  let failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  let delayMs = 0;
  // One POST at a time: concurrent repeats of one key, or two revisions of one order, are
  // decided in arrival order without finer locking. A reference server, not a fast one.
  let queue: Promise<unknown> = Promise.resolve();

  async function missingImages(order: OrderRequest): Promise<string[]> {
    const missing: string[] = [];
    await Promise.all(
      order.Camera.Images.map(async (img) => {
        const blob = storage.getContainerClient(img.AzureBlobStorage.Container).getBlobClient(img.AzureBlobStorage.FileName);
        if (!(await blob.exists())) missing.push(img.LocalId);
      }),
    );
    return missing.sort();
  }

  async function handleOrder(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    if (!tokenMatches(req.headers.authorization, options.token)) {
      throw new HttpError(401, { error: 'Missing or wrong bearer token.' }, { 'www-authenticate': 'Bearer' });
    }
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !key.trim() || key.length > 255) {
      throw new HttpError(400, { error: 'The Idempotency-Key header is required (at most 255 characters).' });
    }
    const text = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HttpError(400, { error: 'The body is not JSON.' });
    }
    const parsed = orderRequestSchema.safeParse(json);
    if (!parsed.success) {
      throw new HttpError(400, { error: 'The body is not a valid OrderRequest.', reasons: describeIssues(parsed.error) });
    }
    const order = parsed.data;
    const bodyHash = hashOf(order);
    const earlier = answers.get(key);
    if (earlier) {
      if (earlier.bodyHash !== bodyHash) {
        throw new HttpError(422, { error: 'This Idempotency-Key was already used for a different request.' });
      }
      return { status: earlier.status, body: earlier.body, headers: { 'idempotent-replayed': 'true' } };
    }
    if (options.container) {
      const elsewhere = order.Camera.Images.filter((i) => i.AzureBlobStorage.Container !== options.container).map((i) => i.LocalId);
      if (elsewhere.length) {
        throw new HttpError(422, { error: `Images must be in the container "${options.container}".`, missingLocalIds: elsewhere });
      }
    }
    let missing: string[];
    try {
      missing = await missingImages(order);
    } catch {
      throw new HttpError(503, { error: 'Storage cannot be checked right now.' }, { 'retry-after': '5' });
    }
    if (missing.length) {
      throw new HttpError(422, { error: 'Some images named in the order are not in storage.', missingLocalIds: missing });
    }
    const orderKey = `${order.Site.LocalId}/${order.Order.LocalId}`;
    const stored = orders.get(orderKey);
    const decision = decideOrder(stored, { revision: order.CaptureStation.Revision, bodyHash, controlCode: order.OrderControlCode });
    if (decision.action === 'conflict' || decision.action === 'unknown-order') throw new HttpError(decision.status, { error: decision.reason });
    const orderId = stored?.orderId ?? randomUUID();
    if (decision.action === 'create' || decision.action === 'update') {
      orders.set(orderKey, { orderId, revision: order.CaptureStation.Revision, bodyHash, body: order });
      received.push(order);
    }
    const body = {
      orderId,
      status: decision.action === 'create' ? 'created' : decision.action === 'update' ? 'updated' : decision.action,
      revision: Math.max(order.CaptureStation.Revision, stored?.revision ?? 0),
      images: order.Camera.Images.length,
    };
    answers.set(key, { bodyHash, status: decision.status, body });
    log(`order ${body.status} (revision ${order.CaptureStation.Revision}, ${body.images} images)`);
    return { status: decision.status, body };
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (path !== '/orders') return send(res, 404, { error: 'Not found.' });
    if (req.method !== 'POST') return send(res, 405, { error: 'Use POST.' }, { allow: 'POST' });
    requestCount++;
    if (failures.remaining > 0) {
      failures = { ...failures, remaining: failures.remaining - 1 };
      req.resume();
      log(`simulated failure ${failures.status}`);
      return send(res, failures.status, { error: 'Simulated failure.' });
    }
    const work = queue.then(() => handleOrder(req));
    queue = work.catch(() => {});
    work
      .then(
        async (answer) => {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          send(res, answer.status, answer.body, answer.headers);
        },
        (err: unknown) => {
          if (err instanceof HttpError) {
            log(`refused ${err.status}: ${err.message}`);
            req.resume();
            return send(res, err.status, err.body, err.headers);
          }
          log('internal error');
          send(res, 500, { error: 'Internal error.' });
        },
      )
      .catch(() => res.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/orders`,
    received,
    orders,
    get requestCount() {
      return requestCount;
    },
    failNext(n, status = 503) {
      failures = { remaining: n, status };
    },
    setDelayMs(ms) {
      delayMs = ms;
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'blob-endpoint': { type: 'string' },
      'account-name': { type: 'string' },
      'account-key': { type: 'string' },
      container: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const accountKey = values['account-key'] ?? process.env.AZURE_STORAGE_KEY;
  const token = values.token ?? process.env.ORDER_INTAKE_TOKEN;
  const blobEndpoint = values['blob-endpoint'];
  if (!blobEndpoint || !accountKey || !token) {
    console.error(
      'usage: node scripts/order-intake-server.ts --blob-endpoint URL --account-key KEY --token T [--port N] [--container C]\n' +
        '       (the key and token may come from AZURE_STORAGE_KEY and ORDER_INTAKE_TOKEN instead)',
    );
    process.exit(2);
  }
  const server = await startOrderIntakeServer({
    port: Number(values.port),
    host: values.host,
    blobEndpoint,
    accountKey,
    token,
    ...(values['account-name'] && { accountName: values['account-name'] }),
    ...(values.container && { container: values.container }),
    log: (line) => console.log(`[order-intake] ${line}`),
  });
  console.log(`order-intake-server listening on ${server.url}`);
  const shutdown = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
