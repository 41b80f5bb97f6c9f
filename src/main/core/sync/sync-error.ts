// The one error type sync code throws: a classified failure with a plain-language message.
// It never carries the original error (an Azure RestError holds the request URL, SAS included),
// so logging a SyncError, or JSON-serialising it, cannot leak a secret.
import type { SyncErrorKind, SyncService } from '../../../shared/sync.ts';
import { classifyFailure, failureFacts, headerValue, retryAfterMs, type FailureFacts } from './retry-policy.ts';

export interface SyncErrorInit {
  kind: SyncErrorKind;
  service: SyncService;
  message: string;
  status?: number;
  code?: string;
  /** The service's Date header, when it answered (for clock-skew checks). */
  serverDate?: string;
  retryAfterMs?: number;
}

/**
 * A peer's error code is logged only when it looks like a code (`BlobAlreadyExists`,
 * `AuthenticationFailed`, `ECONNRESET`, `UND_ERR_SOCKET`): one token, no spaces. Anything else a
 * peer sends is prose, and prose from a peer may name a patient.
 */
const SAFE_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The value when it is a safe code token, else undefined. */
export function safeCode(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_CODE.test(value) ? value : undefined;
}

export class SyncError extends Error {
  readonly kind: SyncErrorKind;
  readonly service: SyncService;
  readonly status?: number;
  readonly code?: string;
  readonly serverDate?: string;
  readonly retryAfterMs?: number;

  constructor(init: SyncErrorInit) {
    super(init.message);
    this.name = 'SyncError';
    this.kind = init.kind;
    this.service = init.service;
    if (init.status !== undefined) this.status = init.status;
    // Only a code token is kept: a SyncError's code goes to the log.
    const code = safeCode(init.code);
    if (code !== undefined) this.code = code;
    if (init.serverDate !== undefined) this.serverDate = init.serverDate;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }

  toJSON(): SyncErrorInit & { name: string } {
    return {
      name: this.name,
      kind: this.kind,
      service: this.service,
      message: this.message,
      ...(this.status !== undefined && { status: this.status }),
      ...(this.code !== undefined && { code: this.code }),
      ...(this.serverDate !== undefined && { serverDate: this.serverDate }),
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
    };
  }
}

export function isSyncError(err: unknown): err is SyncError {
  return err instanceof SyncError;
}

/** Why the storage service refused us, in the terms the probe and the operator use. */
export type StorageAuthReason = 'expired' | 'not-yet-valid' | 'no-permission' | 'rejected' | 'container-missing';

export interface StorageAuthContext {
  code?: string;
  expiresOn: Date | null;
  startsOn: Date | null;
  /** The service's Date header; SAS validity is judged on the service's clock, not ours. */
  serverDate?: string;
  now: Date;
  container: string;
}

/** Pure: tells an expired SAS from a wrong one (Azurite and Azure both answer a bare 403). */
export function explainStorageAuth(ctx: StorageAuthContext): { reason: StorageAuthReason; message: string } {
  const serverTime = ctx.serverDate ? Date.parse(ctx.serverDate) : Number.NaN;
  const when = Number.isNaN(serverTime) ? ctx.now.getTime() : serverTime;
  if (ctx.code === 'ContainerNotFound') {
    return {
      reason: 'container-missing',
      message: `The storage account has no container named "${ctx.container}". Check the container name in the cloud settings, or ask IT which one to use.`,
    };
  }
  if (ctx.code === 'AuthorizationPermissionMismatch') {
    return {
      reason: 'no-permission',
      message:
        'The connection string does not allow creating files in this container. Ask IT for a write-only connection string with create and write permission.',
    };
  }
  if (ctx.expiresOn && ctx.expiresOn.getTime() <= when) {
    return {
      reason: 'expired',
      message: `The connection string expired on ${ctx.expiresOn.toISOString()}. Ask IT for a new one and enter it in the cloud settings.`,
    };
  }
  if (ctx.startsOn && ctx.startsOn.getTime() > when) {
    return {
      reason: 'not-yet-valid',
      message: `The connection string only becomes valid on ${ctx.startsOn.toISOString()}. Ask IT for one that is valid now (the computer that made it may have a wrong clock).`,
    };
  }
  return {
    reason: 'rejected',
    message:
      'The storage service refused the connection string (wrong, replaced or revoked). Ask IT for the current write-only connection string and enter it in the cloud settings.',
  };
}

const PAUSED = 'Uploads are paused until the cloud settings are fixed; they resume by themselves after that.';

function storageMessage(kind: SyncErrorKind, f: FailureFacts, where: string): string {
  if (kind === 'retry') {
    if (f.status === undefined) {
      if (f.code === 'STALLED') return `The upload to ${where} stopped making progress. Will try again.`;
      return `Cannot reach the storage service at ${where} (network down or blocked). Will keep trying.`;
    }
    return `The storage service is busy or unavailable (HTTP ${f.status}${f.code ? ` ${f.code}` : ''}). Will try again.`;
  }
  if (f.code === 'Md5Mismatch') {
    return 'The storage service received different bytes than the station sent (checksum mismatch). The copy on this computer may be damaged.';
  }
  if (f.code === 'ENOENT') return 'The image file is missing from the station\'s spool folder.';
  if (f.code && /^E[A-Z]+$/.test(f.code)) return `The image file could not be read from the station's spool folder (${f.code}).`;
  return `The storage service rejected this file (HTTP ${f.status ?? '?'}${f.code ? ` ${f.code}` : ''}).`;
}

export interface StorageErrorContext {
  /** `<endpoint>/<container>` without the signature. */
  where: string;
  container: string;
  expiresOn: Date | null;
  startsOn: Date | null;
  now?: Date;
}

/**
 * Turns anything an upload threw into a SyncError (or 'done' for an already-delivered blob).
 * Never reads err.message: SDK messages can include the request URL.
 */
export function storageFailure(err: unknown, ctx: StorageErrorContext): SyncError | 'done' {
  if (isSyncError(err)) return err;
  const cls = classifyFailure(err);
  if (cls === 'done') return 'done';
  const f = failureFacts(err);
  // Azure's x-ms-error-code is a peer's word: it reaches messages and the log only as a code token.
  const code = safeCode(f.code);
  if (code === undefined) delete f.code;
  else f.code = code;
  const serverDate = headerValue(f.headers, 'date');
  const now = ctx.now ?? new Date();
  const message =
    cls === 'auth'
      ? `${explainStorageAuth({ code: f.code, expiresOn: ctx.expiresOn, startsOn: ctx.startsOn, serverDate, now, container: ctx.container }).message} ${PAUSED}`
      : storageMessage(cls, f, ctx.where);
  const retryAfter = retryAfterMs(headerValue(f.headers, 'retry-after'), now);
  return new SyncError({
    kind: cls,
    service: 'storage',
    message,
    ...(f.status !== undefined && { status: f.status }),
    ...(f.code !== undefined && { code: f.code }),
    ...(serverDate !== undefined && { serverDate }),
    ...(retryAfter !== null && { retryAfterMs: retryAfter }),
  });
}

/** Anything a sync job threw, as a SyncError; a non-sync error is a bug or bad data: said plainly, tried again. */
export function toSyncError(err: unknown, service: SyncService): SyncError {
  if (isSyncError(err)) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'BlobMetadataError' || name === 'OrderBuildError') {
    return new SyncError({ kind: 'fatal', service, code: name, message: (err as Error).message });
  }
  return new SyncError({ kind: 'retry', service, code: 'Unexpected', message: 'Something unexpected went wrong while sending; it will be tried again. The details are in the log.' });
}
