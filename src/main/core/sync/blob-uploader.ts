// Uploads one spool file to the write-only container, exactly once.
//
// - One Put Blob per file with If-None-Match: *, so a retry after an unknown outcome either
//   creates the blob or gets 409 BlobAlreadyExists, which means an earlier attempt delivered it.
//   (A block upload could resume large files, but a write-only SAS cannot list staged blocks;
//   the station's files are a few MB.)
// - Content-MD5 is sent twice: as the transactional MD5 the service verifies on arrival, and as
//   the blob's stored Content-MD5 property.
// - Streamed from the file, optionally paced by a bandwidth cap shared by all parallel uploads.
// - The SDK's own retries are off (one try): the outbox owns retrying, with its own backoff.
// - A stall timer aborts an upload that makes no progress, whatever the file size.
// - Every failure leaves as a SyncError (see sync-error.ts); no secret reaches a message.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AnonymousCredential, ContainerClient, newPipeline } from '@azure/storage-blob';
import type { ProbeResult } from '../../../shared/contract/sync.ts';
import { createBandwidthLimiter, throttleStream, type BandwidthLimiter } from './bandwidth.ts';
import { containerUrlWithSas, parseConnectionString, resolveContainer, safeEndpoint, type ParsedConnection } from './connection-string.ts';
import { clockSkewAdvice, clockSkewMs, failureFacts, headerValue, isClockSkewReportable } from './retry-policy.ts';
import { explainStorageAuth, storageFailure, SyncError } from './sync-error.ts';

export interface BlobUploaderOptions {
  /** SAS URL or `BlobEndpoint=...;SharedAccessSignature=...` (write-only). SECRET. */
  connectionString: string;
  /** Required unless the SAS URL names the container. */
  container?: string | null;
  /** Names the probe blob; letters, digits, '.', '_', '-'. */
  stationId?: string;
  /** Shared by all uploads of this uploader; null/undefined for no cap. */
  bandwidthCapKbps?: number | null;
  /** Abort an upload that made no progress for this long (waits for the bandwidth cap excluded). */
  stallTimeoutMs?: number;
  now?: () => Date;
}

export interface UploadRequest {
  filePath: string;
  blobName: string;
  contentType: string;
  /** 16-byte MD5 of the file. */
  md5: Buffer;
  /** From buildBlobMetadata(). */
  metadata: Record<string, string>;
  signal?: AbortSignal;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface UploadResult {
  /** 'already-there': 409 on the conditional create, i.e. delivered by an earlier attempt. */
  outcome: 'created' | 'already-there';
  bytes: number;
  /** The service's Date header (for clock-skew checks). */
  serverDate?: string;
}

export interface BlobUploader {
  /** `<endpoint>/<container>`, no signature: safe to log and show. */
  readonly where: string;
  readonly container: string;
  upload(request: UploadRequest): Promise<UploadResult>;
  /** Uploads `station-probe/<stationId>-<time>.txt` and reports in plain words. Never throws. */
  probe(): Promise<ProbeResult>;
}

const DEFAULT_STALL_MS = 60_000;
const CAPPED_CHUNK = 16 * 1024; // small chunks keep a capped upload smooth
const UNCAPPED_CHUNK = 256 * 1024;

/** A timer that fires after `ms` without touch(); paused while we wait on ourselves (the cap). */
function stallTimer(ms: number, onStall: () => void): { touch(): void; pause(): void; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | null = setTimeout(onStall, ms);
  return {
    touch() {
      if (timer) timer.refresh();
      else timer = setTimeout(onStall, ms);
    },
    pause() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
    clear() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** Wraps a limiter so the stall timer does not count the cap's own waits. */
function pausingLimiter(limiter: BandwidthLimiter, stall: { touch(): void; pause(): void }): BandwidthLimiter {
  return {
    async take(bytes, signal) {
      stall.pause();
      try {
        await limiter.take(bytes, signal);
      } finally {
        stall.touch();
      }
    },
  };
}

/** Throws SyncError kind 'auth' when the settings cannot work at all (bad connection string). */
export function createBlobUploader(options: BlobUploaderOptions): BlobUploader {
  let parsed: ParsedConnection;
  let container: string;
  try {
    parsed = parseConnectionString(options.connectionString);
    container = resolveContainer(parsed, options.container);
  } catch (err) {
    throw new SyncError({
      kind: 'auth',
      service: 'storage',
      code: 'InvalidSettings',
      message: err instanceof Error ? err.message : 'The cloud settings are not valid.',
    });
  }
  const now = options.now ?? (() => new Date());
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_MS;
  const where = safeEndpoint(parsed, container);
  const limiter = options.bandwidthCapKbps ? createBandwidthLimiter(options.bandwidthCapKbps) : null;
  // One try per call: the outbox retries with backoff and knows about pauses.
  const pipeline = newPipeline(new AnonymousCredential(), { retryOptions: { maxTries: 1 } });
  const client = new ContainerClient(containerUrlWithSas(parsed, container), pipeline);
  const errorContext = () => ({ where, container, expiresOn: parsed.expiresOn, startsOn: parsed.startsOn, now: now() });

  async function upload(req: UploadRequest): Promise<UploadResult> {
    if (req.md5.length !== 16) {
      throw new SyncError({ kind: 'fatal', service: 'storage', code: 'BadMd5', message: 'The image checksum (MD5) is not 16 bytes.' });
    }
    let size: number;
    try {
      size = (await stat(req.filePath)).size;
    } catch (err) {
      throw storageFailure(err, errorContext());
    }
    const abort = new AbortController();
    let stalled = false;
    const stall = stallTimer(stallMs, () => {
      stalled = true;
      abort.abort();
    });
    const onCallerAbort = (): void => abort.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const opened: Readable[] = [];
    const body = (): NodeJS.ReadableStream => {
      const file = createReadStream(req.filePath, { highWaterMark: limiter ? CAPPED_CHUNK : UNCAPPED_CHUNK });
      opened.push(file);
      if (!limiter) return file;
      const paced = throttleStream(pausingLimiter(limiter, stall), abort.signal);
      opened.push(paced);
      file.on('error', (e) => paced.destroy(e));
      return file.pipe(paced);
    };
    try {
      if (req.signal?.aborted) throw new Error('aborted before start');
      const res = await client.getBlockBlobClient(req.blobName).upload(body, size, {
        abortSignal: abort.signal,
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: req.contentType, blobContentMD5: req.md5 },
        transactionalContentMD5: req.md5,
        metadata: req.metadata,
        onProgress: (p) => {
          stall.touch();
          req.onProgress?.(p.loadedBytes, size);
        },
      });
      const serverDate = res.date?.toUTCString(); // the service's Date header
      return { outcome: 'created', bytes: size, ...(serverDate && { serverDate }) };
    } catch (err) {
      if (stalled) {
        throw new SyncError({
          kind: 'retry',
          service: 'storage',
          code: 'STALLED',
          message: `The upload to ${where} stopped making progress for ${Math.round(stallMs / 1000)} s. Will try again.`,
        });
      }
      if (req.signal?.aborted) {
        throw new SyncError({ kind: 'retry', service: 'storage', code: 'ABORTED', message: 'The upload was stopped before it finished; it will be sent again.' });
      }
      const failure = storageFailure(err, errorContext());
      if (failure === 'done') {
        const serverDate = headerValue(failureFacts(err).headers, 'date');
        return { outcome: 'already-there', bytes: size, ...(serverDate && { serverDate }) };
      }
      throw failure;
    } finally {
      stall.clear();
      req.signal?.removeEventListener('abort', onCallerAbort);
      for (const s of opened) s.destroy();
    }
  }

  async function probe(): Promise<ProbeResult> {
    const started = now();
    const station = (options.stationId ?? 'station').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'station';
    const stamp = started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const name = `station-probe/${station}-${stamp}-${randomBytes(3).toString('hex')}.txt`;
    const text = Buffer.from(`Capture Station connection test\nstation: ${station}\ntime: ${started.toISOString()}\n`);
    const md5 = createHash('md5').update(text).digest();
    let serverDate: string | undefined;
    try {
      const res = await client.getBlockBlobClient(name).upload(text, text.length, {
        abortSignal: AbortSignal.timeout(Math.min(stallMs, 30_000)),
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8', blobContentMD5: md5 },
        transactionalContentMD5: md5,
        // Lets a listener on the container (order-first) skip it.
        metadata: { purpose: 'station-probe', stationid: station },
      });
      serverDate = res.date?.toUTCString();
    } catch (err) {
      serverDate = headerValue(failureFacts(err).headers, 'date');
      const skew = clockSkewMs(serverDate, now());
      const failure = storageFailure(err, errorContext());
      if (failure !== 'done') return probeFailure(failure, skew);
    }
    const skew = clockSkewMs(serverDate, now());
    let message = `Connected: the station can create files in ${where}.`;
    if (parsed.expiresOn) {
      const days = Math.floor((parsed.expiresOn.getTime() - started.getTime()) / 86_400_000);
      if (days < 14) message += ` The connection string expires on ${parsed.expiresOn.toISOString()}; ask IT for a new one before then.`;
    }
    if (isClockSkewReportable(skew)) message += ` ${clockSkewAdvice(skew ?? 0)}`;
    return { ok: true, message, clockSkewMs: isClockSkewReportable(skew) ? skew : null };
  }

  function probeFailure(err: SyncError, skew: number | null): ProbeResult {
    const skewNote = isClockSkewReportable(skew) ? ` ${clockSkewAdvice(skew ?? 0)}` : '';
    const clock = isClockSkewReportable(skew) ? skew : null;
    if (err.kind === 'retry' && err.status === undefined) {
      return {
        ok: false,
        kind: 'unreachable',
        message: `Cannot reach the storage service at ${new URL(parsed.blobEndpoint).host}. Check the network connection, and ask IT whether a firewall or proxy blocks it.`,
        clockSkewMs: clock,
      };
    }
    if (err.kind === 'auth') {
      const { reason, message } = explainStorageAuth({
        ...(err.code !== undefined && { code: err.code }),
        expiresOn: parsed.expiresOn,
        startsOn: parsed.startsOn,
        ...(err.serverDate !== undefined && { serverDate: err.serverDate }),
        now: now(),
        container,
      });
      return { ok: false, kind: reason, message: message + skewNote, clockSkewMs: clock };
    }
    return { ok: false, kind: 'error', message: err.message + skewNote, clockSkewMs: clock };
  }

  return { where, container, upload, probe };
}

/** "Test connection" from raw settings: also reports settings that cannot be parsed. Never throws. */
export async function probeConnection(options: BlobUploaderOptions): Promise<ProbeResult> {
  let uploader: BlobUploader;
  try {
    uploader = createBlobUploader(options);
  } catch (err) {
    return { ok: false, kind: 'invalid-settings', message: err instanceof Error ? err.message : 'The cloud settings are not valid.', clockSkewMs: null };
  }
  return uploader.probe();
}
