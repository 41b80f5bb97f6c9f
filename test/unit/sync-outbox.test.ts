// The outbox's state changes on a real SQLite file with the real migrations: jobs created with
// the completion, a blob name chosen once, claims, recovery after a crash, order gating, and the
// order marked sent only for the revision that was sent. Also the secret stores and the cloud
// settings store (secrets kept, never shown back).
import Database from 'better-sqlite3';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/main/core/store/connection.ts';
import { migrations } from '../../src/main/core/store/migrations/index.ts';
import { SettingsRepo } from '../../src/main/core/store/settings.ts';
import { newId } from '../../src/main/core/kernel/ids.ts';
import { CloudSettingsStore } from '../../src/main/core/sync/cloud-settings.ts';
import { Outbox } from '../../src/main/core/store/outbox.ts';
import { encryptedFileSecretStore, headlessSecretStore, memorySecretStore, type SecretCipher } from '../../src/main/core/sync/secrets.ts';

let db: Database.Database;
let outbox: Outbox;

function addOrder(id = newId()): string {
  const at = new Date().toISOString();
  db.prepare(`INSERT INTO orders (id, patient_id, patient_id_norm, patient_name, scheduled_at, scheduled_day, source, status, revision, created_at, updated_at)
    VALUES (?, 'P1', 'P1', 'Doe, Jane', ?, '2025-03-01', 'walk-in', 'capturing', 0, ?, ?)`).run(id, at, at, at);
  return id;
}

function addImage(orderId: string, opts: { format?: string; rejected?: boolean; eye?: 'OD' | 'OS' } = {}): string {
  const id = newId();
  const at = new Date().toISOString();
  db.prepare(`INSERT INTO images (id, sha256, status, source_path, file_name, size_bytes, format, ingested_at, updated_at, order_id, eye, rejected_reason)
    VALUES (?, ?, 'ready', '/x', 'x.jpg', 1000, ?, ?, ?, ?, ?, ?)`).run(
    id,
    id.replace(/-/g, '').padEnd(64, '0'),
    opts.format ?? 'jpeg',
    at,
    at,
    orderId,
    opts.eye ?? 'OD',
    opts.rejected ? 'blurred' : null,
  );
  return id;
}

function complete(orderId: string): number {
  return db.transaction(() => {
    db.prepare("UPDATE orders SET status = 'complete', revision = revision + 1 WHERE id = ?").run(orderId);
    const { revision } = db.prepare('SELECT revision FROM orders WHERE id = ?').get(orderId) as { revision: number };
    outbox.enqueueExam(orderId, revision);
    return revision;
  })();
}

const jobs = () => db.prepare('SELECT * FROM sync_jobs ORDER BY created_at, id').all() as { kind: string; state: string; subject_id: string; revision: number; attempts: number }[];
const imageRow = (id: string) => db.prepare('SELECT blob_name, sync_state, uploaded_at FROM images WHERE id = ?').get(id) as { blob_name: string | null; sync_state: string | null; uploaded_at: string | null };

beforeEach(() => {
  db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'outbox-')), 'station.db'));
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  outbox = new Outbox(db, newId);
});

describe('outbox', () => {
  it('queues one upload per non-rejected photo the platform takes and one order job, in the completing transaction; the blob name is fixed once', () => {
    const o = addOrder();
    const a = addImage(o);
    const b = addImage(o, { eye: 'OS' });
    const rejected = addImage(o, { rejected: true });
    const tiff = addImage(o, { format: 'tiff' });
    expect(complete(o)).toBe(1);
    expect(jobs().map((j) => [j.kind, j.subject_id, j.revision, j.state])).toEqual([
      ['upload-image', a, 0, 'waiting'],
      ['upload-image', b, 0, 'waiting'],
      // A TIFF is never queued: the platform takes JPEG and DICOM only, and the exam said so at intake (issue 10).
      ['submit-order', o, 1, 'waiting'],
    ]);
    expect(imageRow(a)).toMatchObject({ blob_name: `${a}.jpg`, sync_state: 'waiting' });
    expect(imageRow(rejected)).toMatchObject({ blob_name: null, sync_state: null });
    expect(imageRow(tiff)).toMatchObject({ blob_name: null, sync_state: null }); // the platform takes JPEG and DICOM only

    // A rollback takes the jobs with it.
    const o2 = addOrder();
    addImage(o2);
    expect(() =>
      db.transaction(() => {
        outbox.enqueueExam(o2, 1);
        throw new Error('completion failed');
      })(),
    ).toThrow();
    expect(jobs().filter((j) => j.subject_id === o2)).toHaveLength(0);
  });

  it('claims due jobs, recovers the ones a crash left running, and gates the order on every photo being in storage', () => {
    const o = addOrder();
    const a = addImage(o);
    const b = addImage(o);
    complete(o);
    expect(outbox.claimOrder()).toBeNull(); // photos not in storage yet
    const claimed = outbox.claimUploads(5);
    expect(claimed.map((j) => j.subject_id)).toEqual([a, b]);
    expect(outbox.claimUploads(5)).toEqual([]);
    expect(imageRow(a).sync_state).toBe('uploading');

    // A crash: both 'running'. The next start puts them back.
    expect(outbox.recoverInterrupted()).toBe(2);
    expect(imageRow(a).sync_state).toBe('waiting');
    const [ja, jb] = outbox.claimUploads(5);
    expect(outbox.markUploaded(ja!, 'created', 1000)).toBe(true);
    expect(outbox.claimOrder()).toBeNull(); // one photo still missing
    outbox.markUploaded(jb!, 'already-there', 1000);
    expect(imageRow(b)).toMatchObject({ sync_state: 'uploaded' });
    const order = outbox.claimOrder();
    expect(order).toMatchObject({ kind: 'submit-order', subject_id: o, revision: 1 });
    expect(outbox.markOrderDone(order!, 'created', { platformOrderId: 'X' })).toEqual({ sent: true });
    expect((db.prepare('SELECT status FROM orders WHERE id = ?').get(o) as { status: string }).status).toBe('sent');
  });

  it('reopen withdraws what has not started; completing again re-queues it as a new revision; uploaded photos are not queued again', () => {
    const o = addOrder();
    const a = addImage(o);
    const b = addImage(o);
    complete(o);
    const [ja] = outbox.claimUploads(1);
    outbox.markUploaded(ja!, 'created', 1000);
    // Reopened: b's upload and the order are withdrawn.
    db.prepare("UPDATE orders SET status = 'capturing' WHERE id = ?").run(o);
    expect(outbox.cancelExam(o)).toEqual({ imageIds: [b], orders: 1 });
    expect(imageRow(b).sync_state).toBeNull();
    const c = addImage(o);
    expect(complete(o)).toBe(2);
    const states = jobs().map((j) => [j.kind, j.subject_id, j.revision, j.state]);
    expect(states).toEqual([
      ['upload-image', a, 0, 'done'],
      ['upload-image', b, 0, 'waiting'],
      ['submit-order', o, 1, 'cancelled'],
      ['upload-image', c, 0, 'waiting'],
      ['submit-order', o, 2, 'waiting'],
    ]);
  });

  it('reopen keeps an order job already posted (perhaps received): it goes first, then the next revision', () => {
    const o = addOrder();
    const a = addImage(o);
    complete(o);
    outbox.markUploaded(outbox.claimUploads(1)[0]!, 'created', 1);
    const first = outbox.claimOrder()!;
    outbox.setPayload(first.id, { OrderControlCode: 'NW' }); // the body went out; the answer was lost
    outbox.markFailed(first, { kind: 'retry', message: 'no answer', code: 'TIMEOUT' }, new Date().toISOString());
    db.prepare("UPDATE orders SET status = 'capturing' WHERE id = ?").run(o); // reopened
    expect(outbox.cancelExam(o)).toEqual({ imageIds: [], orders: 0 });
    const c = addImage(o);
    expect(complete(o)).toBe(2);
    // Revision 1 is sent again (same body) though the new photo is not in storage yet.
    const again = outbox.claimOrder()!;
    expect(again).toMatchObject({ id: first.id, revision: 1 });
    outbox.markUploaded(outbox.claimUploads(1)[0]!, 'created', 1);
    expect(imageRow(c).uploaded_at).not.toBeNull();
    expect(outbox.claimOrder()).toBeNull(); // revision 2 waits while revision 1 is out
    expect(outbox.orderAcceptedBefore(o, 2)).toBe(false);
    expect(outbox.markOrderDone(again, 'created', null)).toEqual({ sent: false });
    expect(outbox.orderAcceptedBefore(o, 2)).toBe(true); // so revision 2 is a change (XO)
    expect(outbox.claimOrder()).toMatchObject({ subject_id: o, revision: 2 });
    expect(imageRow(a).sync_state).toBe('uploaded');
  });

  it('an order job the platform refused, or never got, is withdrawn on reopen; the next revision is then new (NW)', () => {
    const o = addOrder();
    addImage(o);
    complete(o);
    outbox.markUploaded(outbox.claimUploads(1)[0]!, 'created', 1);
    const first = outbox.claimOrder()!;
    outbox.setPayload(first.id, { OrderControlCode: 'NW' });
    outbox.markFailed(first, { kind: 'fatal', message: 'refused', status: 422 }, new Date().toISOString());
    db.prepare("UPDATE orders SET status = 'capturing' WHERE id = ?").run(o);
    expect(outbox.cancelExam(o)).toEqual({ imageIds: [], orders: 1 });
    expect(complete(o)).toBe(2);
    expect(outbox.claimOrder()).toMatchObject({ revision: 2 });
    expect(outbox.orderAcceptedBefore(o, 2)).toBe(false);
    expect(outbox.retryFailed()).toEqual([]);
  });

  it('an older revision refused after the newer one was queued is not retried once the newer one goes out', () => {
    const o = addOrder();
    addImage(o);
    complete(o);
    outbox.markUploaded(outbox.claimUploads(1)[0]!, 'created', 1);
    const first = outbox.claimOrder()!;
    outbox.setPayload(first.id, { OrderControlCode: 'NW' });
    outbox.markFailed(first, { kind: 'retry', message: 'no answer' }, new Date().toISOString());
    db.prepare("UPDATE orders SET status = 'capturing' WHERE id = ?").run(o);
    outbox.cancelExam(o);
    expect(complete(o)).toBe(2);
    const again = outbox.claimOrder()!;
    expect(again.revision).toBe(1);
    outbox.markFailed(again, { kind: 'fatal', message: 'refused', status: 400 }, new Date().toISOString());
    const second = outbox.claimOrder()!;
    expect(second.revision).toBe(2);
    expect(outbox.job(first.id)!.state).toBe('cancelled');
    expect(outbox.retryFailed()).toEqual([]);
  });

  it('an answer for an old revision does not mark a reopened exam sent', () => {
    const o = addOrder();
    const a = addImage(o);
    complete(o);
    const [j] = outbox.claimUploads(1);
    outbox.markUploaded(j!, 'created', 1);
    const order = outbox.claimOrder()!;
    db.prepare("UPDATE orders SET status = 'capturing' WHERE id = ?").run(o); // reopened while the POST was out
    expect(outbox.markOrderDone(order, 'created', null)).toEqual({ sent: false });
    expect(imageRow(a).sync_state).toBe('uploaded');
  });

  it('retry waits out its backoff, auth goes back to waiting without counting, fatal fails until a person retries', () => {
    const o = addOrder();
    addImage(o);
    addImage(o);
    addImage(o);
    complete(o);
    const [r, au, f] = outbox.claimUploads(3);
    const later = new Date(Date.now() + 60_000).toISOString();
    outbox.markFailed(r!, { kind: 'retry', message: 'network down' }, later);
    outbox.markFailed(au!, { kind: 'auth', message: 'expired', status: 403 }, new Date().toISOString());
    outbox.markFailed(f!, { kind: 'fatal', message: 'bad', status: 400 }, new Date().toISOString());
    const byId = (id: string) => db.prepare('SELECT state, attempts, last_error FROM sync_jobs WHERE id = ?').get(id);
    expect(byId(r!.id)).toEqual({ state: 'retry-wait', attempts: 1, last_error: 'network down' });
    expect(byId(au!.id)).toEqual({ state: 'waiting', attempts: 0, last_error: 'expired' });
    expect(byId(f!.id)).toEqual({ state: 'failed', attempts: 1, last_error: 'bad' });
    expect(outbox.claimUploads(5).map((j) => j.id)).toEqual([au!.id]); // the retry is not due yet
    expect(outbox.earliestDue('upload-image')).toBe(later);
    expect(outbox.makeDueNow('upload-image')).toBe(1);
    expect(outbox.claimUploads(5).map((j) => j.id)).toEqual([r!.id]);
    expect(outbox.retryFailed().map((j) => j.id)).toEqual([f!.id]);
    expect(byId(f!.id)).toMatchObject({ state: 'waiting', attempts: 0 });
  });
});

describe('secret stores', () => {
  it('the headless file is readable by the user alone, survives a restart, and environment variables win', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
    const store = headlessSecretStore(dir, {});
    store.set('connectionString', 'BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sig=SECRET');
    const file = path.join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(headlessSecretStore(dir, {}).get('connectionString')).toContain('sig=SECRET');
    expect(headlessSecretStore(dir, {}).origin('orderEndpointToken')).toBeNull();
    const env = headlessSecretStore(dir, { CAPTURE_ORDER_TOKEN: 'from-env-token-123456' });
    expect(env.get('orderEndpointToken')).toBe('from-env-token-123456');
    expect(env.origin('orderEndpointToken')).toBe('environment');
    expect(env.description).toMatch(/CAPTURE_ORDER_TOKEN/);
    // A file someone made readable to others is tightened on read.
    chmodSync(file, 0o644);
    headlessSecretStore(dir, {}).get('connectionString');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('an encrypting cipher (what safeStorage does in the desktop app) keeps the plain secret off the disk', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-'));
    const xor: SecretCipher = {
      description: 'test cipher',
      encrypt: (s) => Buffer.from(Buffer.from(s).map((c) => c ^ 0x5a)),
      decrypt: (b) => Buffer.from(b.map((c) => c ^ 0x5a)).toString(),
    };
    const store = encryptedFileSecretStore(path.join(dir, 's.json'), xor);
    store.set('orderEndpointToken', 'very-secret-token-value');
    expect(readFileSync(path.join(dir, 's.json'), 'utf8')).not.toContain('very-secret');
    expect(encryptedFileSecretStore(path.join(dir, 's.json'), xor).get('orderEndpointToken')).toBe('very-secret-token-value');
    writeFileSync(path.join(dir, 's.json'), 'not json');
    expect(encryptedFileSecretStore(path.join(dir, 's.json'), xor).get('orderEndpointToken')).toBeNull();
  });
});

describe('cloud settings store', () => {
  const cs = 'BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2024-05-04&sp=cw&se=2099-01-01T00:00:00Z&sr=c&sig=abcdefghijklmnopqrstuvwxyz0123456789';
  const base = {
    connectionString: cs,
    container: 'images',
    workflow: 'image-first',
    orderEndpointUrl: 'https://orders.example.com/orders',
    orderEndpointToken: 'token-0123456789abcdef',
    siteId: 'PC1',
    stationId: 'st-1',
  };

  it('keeps secrets in the secret store, shows only hints, keeps a secret the UI leaves out, and refuses bad input per field', () => {
    const secrets = memorySecretStore();
    const store = new CloudSettingsStore(new SettingsRepo(db), secrets);
    expect(store.state().configured).toBe(false);
    const r = store.update(base);
    expect(r.ok).toBe(true);
    const state = store.state();
    expect(state.configured).toBe(true);
    expect(JSON.stringify(state)).not.toContain('abcdefghijklmnop');
    expect(JSON.stringify(state)).not.toContain('token-0123456789abcdef');
    expect(state.view).toMatchObject({ connectionStringHint: expect.stringContaining('…6789'), hasOrderEndpointToken: true, concurrency: 4 });
    expect(JSON.stringify(db.prepare('SELECT * FROM settings').all())).not.toContain('sig=');
    // The form sends the plain fields and empty secrets: the saved secrets stay.
    const again = store.update({ ...base, connectionString: '', orderEndpointToken: '', concurrency: 8 });
    expect(again.ok).toBe(true);
    expect(store.current()?.settings).toMatchObject({ connectionString: cs, orderEndpointToken: 'token-0123456789abcdef', concurrency: 8 });
    expect(store.current()?.version).toBe(2);
    const bad = store.update({ container: 'Bad_Name', concurrency: 99 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.container).toMatch(/lower-case/);
      expect(bad.problems.concurrency).toMatch(/at most 16/);
    }
    expect(store.current()?.settings.container).toBe('images'); // nothing saved
  });
});
