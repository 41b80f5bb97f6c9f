// The uploader against a real Azurite with a real write-only container SAS (sp=cw).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobNameFor, buildBlobMetadata, contentTypeFor, decodeMetadataValue } from '../../src/main/core/sync/blob-metadata.ts';
import { createBlobUploader, probeConnection, type UploadRequest } from '../../src/main/core/sync/blob-uploader.ts';
import { digestFile } from '../../src/main/core/sync/file-digest.ts';
import { SyncError } from '../../src/main/core/sync/sync-error.ts';
import { startAzurite, type AzuriteHandle } from '../fixtures/azurite.ts';
import { caughtSyncError } from '../fixtures/sync-error.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

const CONTAINER = 'images';
let az: AzuriteHandle;
let dir: string;
let jpegPath: string;
let bigPath: string;

const admin = () => az.adminClient.getContainerClient(CONTAINER);

const caught = caughtSyncError;

function sigOf(connectionString: string): string {
  return decodeURIComponent(/sig=([^&;]+)/.exec(connectionString)![1]!);
}

function expectNoSecret(err: SyncError, connectionString: string): void {
  const sig = sigOf(connectionString);
  const text = `${err.message} ${JSON.stringify(err)} ${err.stack}`;
  expect(text).not.toContain(sig);
  expect(text).not.toContain(encodeURIComponent(sig));
}

async function requestFor(filePath: string, id = crypto.randomUUID()): Promise<UploadRequest> {
  const { md5, sha256 } = await digestFile(filePath);
  const blobName = blobNameFor(id, 'jpg');
  return {
    filePath,
    blobName,
    contentType: contentTypeFor(blobName),
    md5,
    metadata: buildBlobMetadata({
      workflow: 'order-first',
      localId: id,
      stationId: 'station-1',
      sha256,
      laterality: 'OS',
      taken: '2025-01-01T09:01:00.000+01:00',
      orderId: 'ORD-1',
      patientId: 'Müller-7',
    }),
  };
}

beforeAll(async () => {
  az = await startAzurite();
  await az.createContainer(CONTAINER);
  dir = await mkdtemp(path.join(tmpdir(), 'sync-upload-'));
  jpegPath = path.join(dir, 'fundus.jpg');
  await writeFile(jpegPath, await syntheticFundusJpeg({ width: 1200, height: 900, seed: 3 }));
  bigPath = path.join(dir, 'big.bin');
  await writeFile(bigPath, randomBytes(3 * 1024 * 1024 + 17));
});

afterAll(async () => {
  await az?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the write-only SAS from the fixture', () => {
  it('can create but cannot list or read (what the platform hands out)', async () => {
    const station = new ContainerClient(az.writeOnlySasUrl(CONTAINER));
    await expect(station.listBlobsFlat().next()).rejects.toMatchObject({ statusCode: 403 });
    await expect(station.getBlobClient('anything.jpg').exists()).rejects.toMatchObject({ statusCode: 403 });
  });
});

describe('upload', () => {
  it('creates the blob with the right bytes, Content-MD5, content type and metadata', async () => {
    const uploader = createBlobUploader({ connectionString: az.writeOnlyConnectionString(CONTAINER), container: CONTAINER });
    const req = await requestFor(jpegPath);
    const progress: number[] = [];
    const result = await uploader.upload({ ...req, onProgress: (sent) => progress.push(sent) });
    expect(result.outcome).toBe('created');
    expect(result.bytes).toBeGreaterThan(10_000);
    expect(Date.parse(result.serverDate!)).not.toBeNaN();
    expect(progress.at(-1)).toBe(result.bytes);

    const blob = admin().getBlobClient(req.blobName);
    const props = await blob.getProperties();
    expect(Buffer.from(props.contentMD5!).equals(req.md5)).toBe(true);
    expect(props.contentType).toBe('image/jpeg');
    expect(props.metadata).toEqual(req.metadata);
    expect(decodeMetadataValue(props.metadata!.patientid!)).toBe('Müller-7');
    const downloaded = await blob.downloadToBuffer();
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(decodeMetadataValue(props.metadata!.sha256!));
  });

  it('a second upload of the same name is already-there, and nothing is duplicated or overwritten', async () => {
    const uploader = createBlobUploader({ connectionString: az.writeOnlyConnectionString(CONTAINER), container: CONTAINER });
    const id = crypto.randomUUID();
    const first = await requestFor(jpegPath, id);
    expect((await uploader.upload(first)).outcome).toBe('created');
    // A retry after an unknown outcome: same name. Even different bytes must not replace it.
    expect((await uploader.upload(first)).outcome).toBe('already-there');
    const other = await requestFor(bigPath, id);
    const again = await uploader.upload(other);
    expect(again.outcome).toBe('already-there');
    expect(Date.parse(again.serverDate!)).not.toBeNaN();

    const names: string[] = [];
    for await (const b of admin().listBlobsFlat({ prefix: id })) names.push(b.name);
    expect(names).toEqual([first.blobName]);
    const props = await admin().getBlobClient(first.blobName).getProperties();
    expect(Buffer.from(props.contentMD5!).equals(first.md5)).toBe(true);
  });

  it('works with the SAS URL form and streams a larger file intact under a bandwidth cap', async () => {
    const uploader = createBlobUploader({ connectionString: az.writeOnlySasUrl(CONTAINER), bandwidthCapKbps: 400_000 });
    expect(uploader.container).toBe(CONTAINER);
    expect(uploader.where).toBe(`${az.blobEndpoint}/${CONTAINER}`);
    const req = await requestFor(bigPath);
    const progress: number[] = [];
    const result = await uploader.upload({ ...req, onProgress: (sent) => progress.push(sent) });
    expect(result).toMatchObject({ outcome: 'created', bytes: 3 * 1024 * 1024 + 17 });
    expect(progress.length).toBeGreaterThan(10); // streamed in chunks, not one buffer
    const props = await admin().getBlobClient(req.blobName).getProperties();
    expect(props.contentLength).toBe(result.bytes);
    expect(Buffer.from(props.contentMD5!).equals(req.md5)).toBe(true);
  });

  it('refuses bytes that do not match their MD5 (fatal) and creates nothing', async () => {
    const uploader = createBlobUploader({ connectionString: az.writeOnlyConnectionString(CONTAINER), container: CONTAINER });
    const req = await requestFor(jpegPath);
    const err = await caught(uploader.upload({ ...req, md5: createHash('md5').update('other bytes').digest() }));
    expect(err).toMatchObject({ kind: 'fatal', status: 400, code: 'Md5Mismatch' });
    expect(await admin().getBlobClient(req.blobName).exists()).toBe(false);
  });

  it('a missing spool file is fatal with a plain message', async () => {
    const uploader = createBlobUploader({ connectionString: az.writeOnlyConnectionString(CONTAINER), container: CONTAINER });
    const req = await requestFor(jpegPath);
    const err = await caught(uploader.upload({ ...req, filePath: path.join(dir, 'gone.jpg') }));
    expect(err).toMatchObject({ kind: 'fatal', code: 'ENOENT' });
    expect(err.message).toMatch(/missing from the station's spool/);
  });

  it('an expired SAS is auth with a plain message that names the expiry and holds no secret', async () => {
    const expired = az.writeOnlyConnectionString(CONTAINER, { expiresOn: new Date(Date.now() - 3600_000) });
    const uploader = createBlobUploader({ connectionString: expired, container: CONTAINER });
    const req = await requestFor(jpegPath);
    const err = await caught(uploader.upload(req));
    expect(err).toMatchObject({ kind: 'auth', service: 'storage', status: 403 });
    expect(err.message).toMatch(/The connection string expired on .*Ask IT for a new one.*Uploads are paused/);
    expectNoSecret(err, expired);
    expect(await admin().getBlobClient(req.blobName).exists()).toBe(false);
  });

  it('a wrong signature is auth, explained as refused', async () => {
    const good = az.writeOnlyConnectionString(CONTAINER);
    const tampered = good.replace(/sig=[^&;]+/, `sig=${encodeURIComponent(randomBytes(32).toString('base64'))}`);
    const uploader = createBlobUploader({ connectionString: tampered, container: CONTAINER });
    const err = await caught(uploader.upload(await requestFor(jpegPath)));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/refused the connection string/);
    expectNoSecret(err, tampered);
  });

  it('a missing container pauses the queue (auth), not each job', async () => {
    const uploader = createBlobUploader({ connectionString: az.writeOnlyConnectionString('nosuch'), container: 'nosuch' });
    const err = await caught(uploader.upload(await requestFor(jpegPath)));
    expect(err).toMatchObject({ kind: 'auth', status: 404, code: 'ContainerNotFound' });
  });

  it('an invalid connection string is refused when the uploader is made', () => {
    expect(() => createBlobUploader({ connectionString: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc', container: CONTAINER })).toThrow(
      /account key/,
    );
    let err: unknown = null;
    try {
      createBlobUploader({ connectionString: 'nonsense', container: CONTAINER });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SyncError);
    expect(err).toMatchObject({ kind: 'auth', service: 'storage', code: 'InvalidSettings' });
  });

  it('a caller abort stops the upload (retry) and leaves no blob', async () => {
    // A tight cap keeps the upload in flight long enough to abort it on its first progress report.
    const uploader = createBlobUploader({ connectionString: az.writeOnlyConnectionString(CONTAINER), container: CONTAINER, bandwidthCapKbps: 256 });
    const req = await requestFor(bigPath);
    const abort = new AbortController();
    const err = await caught(uploader.upload({ ...req, signal: abort.signal, onProgress: () => abort.abort() }));
    expect(err).toMatchObject({ kind: 'retry', code: 'ABORTED' });
    expect(await admin().getBlobClient(req.blobName).exists()).toBe(false);
  });
});

describe('outages', () => {
  it('Azurite stopped: retry; started again on the same port: delivered once', async () => {
    const cs = az.writeOnlyConnectionString(CONTAINER);
    const uploader = createBlobUploader({ connectionString: cs, container: CONTAINER });
    const before = await requestFor(jpegPath);
    await uploader.upload(before);

    await az.kill();
    const req = await requestFor(jpegPath);
    const err = await caught(uploader.upload(req));
    expect(err.kind).toBe('retry');
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/Cannot reach the storage service/);
    expectNoSecret(err, cs);

    await az.restart();
    expect((await uploader.upload(req)).outcome).toBe('created');
    expect((await uploader.upload(req)).outcome).toBe('already-there');
    // Data written before the outage survived the restart.
    expect(await admin().getBlobClient(before.blobName).exists()).toBe(true);
  });

  it('a service that accepts the connection and then says nothing: the stall timer gives retry', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => {
      sockets.push(s);
      s.resume(); // read everything, answer nothing
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const cs = `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;SharedAccessSignature=${az.containerSas(CONTAINER)}`;
      const uploader = createBlobUploader({ connectionString: cs, container: CONTAINER, stallTimeoutMs: 300 });
      const err = await caught(uploader.upload(await requestFor(jpegPath)));
      expect(err).toMatchObject({ kind: 'retry', code: 'STALLED' });
      expect(err.message).toMatch(/stopped making progress/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe('probe (Test connection)', () => {
  it('uploads a probe blob and says so', async () => {
    const result = await probeConnection({ connectionString: az.writeOnlyConnectionString(CONTAINER), container: CONTAINER, stationId: 'station 1/a' });
    expect(result).toMatchObject({ ok: true, clockSkewMs: null });
    expect(result.message).toMatch(/Connected: the station can create files in http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/images\./);
    const names: string[] = [];
    for await (const b of admin().listBlobsFlat({ prefix: 'station-probe/', includeMetadata: true })) {
      names.push(b.name);
      expect(b.metadata).toMatchObject({ purpose: 'station-probe' });
    }
    expect(names.some((n) => /^station-probe\/station_1_a-\d{8}T\d{6}Z-[0-9a-f]{6}\.txt$/.test(n))).toBe(true);
  });

  it('warns when the connection string expires soon', async () => {
    const soon = az.writeOnlyConnectionString(CONTAINER, { expiresOn: new Date(Date.now() + 3 * 86_400_000) });
    const result = await probeConnection({ connectionString: soon, container: CONTAINER });
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/expires on .*ask IT for a new one before then/);
  });

  it('reports expired, wrong, missing container, no permission, unreachable and invalid in plain words', async () => {
    const expired = await probeConnection({
      connectionString: az.writeOnlyConnectionString(CONTAINER, { expiresOn: new Date(Date.now() - 60_000) }),
      container: CONTAINER,
    });
    expect(expired).toMatchObject({ ok: false, kind: 'expired' });
    expect(expired.message).toMatch(/expired on/);

    const wrong = await probeConnection({
      connectionString: az.writeOnlyConnectionString(CONTAINER).replace(/sig=[^&;]+/, 'sig=AAAA'),
      container: CONTAINER,
    });
    expect(wrong).toMatchObject({ ok: false, kind: 'rejected' });

    const missing = await probeConnection({ connectionString: az.writeOnlyConnectionString('absent'), container: 'absent' });
    expect(missing).toMatchObject({ ok: false, kind: 'container-missing' });
    expect(missing.message).toMatch(/no container named "absent"/);

    // A SAS that defers its permissions to a stored access policy granting only read: the
    // settings look fine, the service says no.
    await admin().setAccessPolicy(undefined, [{ id: 'readonly', accessPolicy: { permissions: 'r', expiresOn: new Date(Date.now() + 86_400_000) } }]);
    const { generateBlobSASQueryParameters, StorageSharedKeyCredential } = await import('@azure/storage-blob');
    const policySas = generateBlobSASQueryParameters(
      { containerName: CONTAINER, identifier: 'readonly' },
      new StorageSharedKeyCredential(az.accountName, az.accountKey),
    ).toString();
    const noPermission = await probeConnection({
      connectionString: `BlobEndpoint=${az.blobEndpoint};SharedAccessSignature=${policySas}`,
      container: CONTAINER,
    });
    expect(noPermission).toMatchObject({ ok: false, kind: 'no-permission' });
    expect(noPermission.message).toMatch(/does not allow creating files/);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const unreachable = await probeConnection({
      connectionString: `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;SharedAccessSignature=${az.containerSas(CONTAINER)}`,
      container: CONTAINER,
    });
    expect(unreachable).toMatchObject({ ok: false, kind: 'unreachable' });
    expect(unreachable.message).toMatch(new RegExp(`Cannot reach the storage service at 127.0.0.1:${port}`));

    const invalid = await probeConnection({ connectionString: `https://acct.blob.core.windows.net/images?sv=1&sp=r&sig=SECRETSIG`, container: CONTAINER });
    expect(invalid).toMatchObject({ ok: false, kind: 'invalid-settings' });
    expect(invalid.message).not.toContain('SECRETSIG');
  });

  it('reports a skewed local clock', async () => {
    const tenMinutesBehind = () => new Date(Date.now() - 10 * 60_000);
    const result = await probeConnection({ connectionString: az.writeOnlyConnectionString(CONTAINER), container: CONTAINER, now: tenMinutesBehind });
    expect(result.ok).toBe(true);
    expect(result.clockSkewMs).toBeGreaterThan(9 * 60_000);
    expect(result.message).toMatch(/clock is about 10 minutes behind/);
  });
});
