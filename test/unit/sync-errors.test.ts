import { inspect } from 'node:util';
import { RestError } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { orderErrorCode, serverReason } from '../../src/main/core/sync/order-submit.ts';
import { explainStorageAuth, safeCode, storageFailure, SyncError } from '../../src/main/core/sync/sync-error.ts';

const SIG = 'bGVha2VkLXNpZ25hdHVyZQ%3D%3D';
const now = new Date('2030-06-01T12:00:00Z');
const ctx = {
  where: 'https://acct.blob.core.windows.net/images',
  container: 'images',
  expiresOn: new Date('2030-12-31T00:00:00Z'),
  startsOn: null,
  now,
};

/** A RestError as the SDK makes it: the message and request carry the SAS-bearing URL. */
function sdkError(statusCode: number | undefined, code: string, date?: string): RestError {
  const url = `https://acct.blob.core.windows.net/images/x.jpg?sv=1&sp=cw&sig=${SIG}`;
  return new RestError(`${code} while calling ${url}`, {
    code,
    ...(statusCode !== undefined && { statusCode }),
    request: { url, headers: new Map() } as never,
    ...(date && { response: { status: statusCode ?? 0, headers: new Map([['date', date]]) } as never }),
  });
}

describe('explainStorageAuth', () => {
  const base = { expiresOn: null, startsOn: null, now, container: 'images' };
  it('tells an expired SAS by its se= against the service clock', () => {
    const r = explainStorageAuth({ ...base, code: 'AuthorizationFailure', expiresOn: new Date('2030-06-01T11:00:00Z') });
    expect(r.reason).toBe('expired');
    expect(r.message).toMatch(/expired on 2030-06-01T11:00:00.000Z/);
    // Our clock says still valid, the service's clock says expired: the service decides.
    const skewed = explainStorageAuth({
      ...base,
      expiresOn: new Date('2030-06-01T12:30:00Z'),
      serverDate: 'Sat, 01 Jun 2030 13:00:00 GMT',
    });
    expect(skewed.reason).toBe('expired');
  });

  it('names the other reasons', () => {
    expect(explainStorageAuth({ ...base, code: 'AuthorizationPermissionMismatch' }).reason).toBe('no-permission');
    expect(explainStorageAuth({ ...base, code: 'ContainerNotFound' }).message).toMatch(/no container named "images"/);
    expect(explainStorageAuth({ ...base, startsOn: new Date('2030-07-01T00:00:00Z') }).reason).toBe('not-yet-valid');
    expect(explainStorageAuth({ ...base, code: 'AuthenticationFailed' }).reason).toBe('rejected');
  });
});

describe('storageFailure', () => {
  it('turns 409 BlobAlreadyExists into done', () => {
    expect(storageFailure(sdkError(409, 'BlobAlreadyExists'), ctx)).toBe('done');
  });

  it('classifies and explains, keeping status, code and the service date', () => {
    const e = storageFailure(sdkError(403, 'AuthorizationFailure', 'Sat, 01 Jun 2030 12:00:00 GMT'), { ...ctx, expiresOn: new Date('2030-05-01T00:00:00Z') });
    expect(e).toBeInstanceOf(SyncError);
    const s = e as SyncError;
    expect(s).toMatchObject({ kind: 'auth', service: 'storage', status: 403, code: 'AuthorizationFailure', serverDate: 'Sat, 01 Jun 2030 12:00:00 GMT' });
    expect(s.message).toMatch(/expired on 2030-05-01.*Uploads are paused/);
    const down = storageFailure(sdkError(undefined, 'ECONNREFUSED'), ctx) as SyncError;
    expect(down.kind).toBe('retry');
    expect(down.message).toMatch(/Cannot reach the storage service at https:\/\/acct.blob.core.windows.net\/images/);
    const busy = storageFailure(sdkError(503, 'ServerBusy'), ctx) as SyncError;
    expect(busy.message).toMatch(/busy or unavailable \(HTTP 503 ServerBusy\)/);
    const md5 = storageFailure(sdkError(400, 'Md5Mismatch'), ctx) as SyncError;
    expect(md5.kind).toBe('fatal');
    expect(md5.message).toMatch(/checksum mismatch/);
    const gone = storageFailure(Object.assign(new Error('ENOENT: /spool/ab/abcdef'), { code: 'ENOENT' }), ctx) as SyncError;
    expect(gone).toMatchObject({ kind: 'fatal', code: 'ENOENT' });
    expect(gone.message).not.toContain('/spool/ab');
  });

  it('never lets the SAS out: message, JSON, inspect, stack', () => {
    for (const [status, code] of [
      [403, 'AuthorizationFailure'],
      [500, 'InternalError'],
      [400, 'InvalidHeaderValue'],
      [undefined, 'ECONNRESET'],
    ] as const) {
      const e = storageFailure(sdkError(status, code), ctx) as SyncError;
      const everything = `${e.message}\n${JSON.stringify(e)}\n${inspect(e, { depth: 10 })}\n${e.stack}`;
      expect(everything).not.toContain(SIG);
      expect(everything).not.toContain(decodeURIComponent(SIG));
      expect(everything).not.toContain('sig=');
    }
  });
});

describe('serverReason', () => {
  it('reads the reference server JSON, scrubs secrets and cuts long text', () => {
    expect(serverReason(JSON.stringify({ error: 'Some images named in the order are not in storage.', missingLocalIds: ['a', 'b'] }))).toBe(
      'Some images named in the order are not in storage: missing images: a, b',
    );
    expect(serverReason(JSON.stringify({ error: 'Bad', reasons: ['Patient.Dob: must be YYYY-MM-DD'] }))).toBe('Bad: Patient.Dob: must be YYYY-MM-DD');
    expect(serverReason('upstream said Bearer abc.def and sig=XYZ')).toBe('upstream said Bearer [redacted] and sig=[redacted]');
    expect(serverReason('x'.repeat(1000))).toHaveLength(401);
  });
});

describe('codes from a peer', () => {
  it('keeps a code token and drops prose, which may name a patient', () => {
    for (const code of ['BlobAlreadyExists', 'AuthenticationFailed', 'ECONNRESET', 'UND_ERR_SOCKET', 'x.y-z_1']) expect(safeCode(code)).toBe(code);
    for (const prose of ['Jane Doe', 'Patient Jane Doe DOB 1960-02-03 not found', '1960-02-03', '', 'Müller', 'a'.repeat(65), 'x\ny']) {
      expect(safeCode(prose), prose).toBeUndefined();
    }
    expect(safeCode(42)).toBeUndefined();
    // A SyncError only ever carries a code token: its code goes to the log.
    expect(new SyncError({ kind: 'fatal', service: 'orders', message: 'm', code: 'Patient Jane Doe' }).code).toBeUndefined();
    expect(new SyncError({ kind: 'fatal', service: 'orders', message: 'm', code: 'PatientNotFound' }).code).toBe('PatientNotFound');
    const odd = storageFailure(sdkError(400, 'Jane Doe 1960-02-03'), ctx) as SyncError;
    expect(odd.code).toBeUndefined();
    expect(odd.message).not.toContain('Jane');
  });

  it('reads an order service error code from the header or a code field, never from the error text', () => {
    const h = (o: Record<string, string> = {}) => new Headers(o);
    expect(orderErrorCode(h({ 'x-ms-error-code': 'AuthenticationFailed' }), '{}')).toBe('AuthenticationFailed');
    expect(orderErrorCode(h({ 'x-error-code': 'PatientNotFound' }), 'not json')).toBe('PatientNotFound');
    expect(orderErrorCode(h(), JSON.stringify({ error: 'Patient Jane Doe not found', code: 'PatientNotFound' }))).toBe('PatientNotFound');
    expect(orderErrorCode(h(), JSON.stringify({ errorCode: 'Invalid.Dob' }))).toBe('Invalid.Dob');
    expect(orderErrorCode(h(), JSON.stringify({ error: { code: 'Conflict', message: 'Jane Doe' } }))).toBe('Conflict');
    expect(orderErrorCode(h(), JSON.stringify({ error: 'Doe' }))).toBeUndefined(); // one word of prose is still prose
    expect(orderErrorCode(h(), JSON.stringify({ code: 'Jane Doe' }))).toBeUndefined();
    expect(orderErrorCode(h({ 'x-ms-error-code': 'Jane Doe' }), '{}')).toBeUndefined();
    expect(orderErrorCode(h(), 'null')).toBeUndefined();
  });
});
