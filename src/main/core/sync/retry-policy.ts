// Pure decisions about failures: what kind of failure it is, how long to wait before the next
// attempt, and whether the local clock looks wrong. No I/O, no timers: the outbox owns those.

/**
 * - retry: transient (network, timeout, 408, 429, 5xx); try again after a backoff.
 * - auth:  the settings are wrong (401/403: expired/revoked SAS, wrong token, no permission; or
 *          the container is missing). Every job would fail the same way: pause the whole queue
 *          until the settings change, no retry storm.
 * - fatal: this one request is wrong (other 4xx); fail the job with its reason, retry by hand.
 * - done:  409 BlobAlreadyExists on a conditional create: an earlier attempt already delivered it.
 */
export type FailureClass = 'retry' | 'auth' | 'fatal' | 'done';

/** Anything with a get(name) (fetch Headers, the Azure SDK's HttpHeaders) or a plain record. */
export type HeaderSource = { get(name: string): string | null | undefined } | Record<string, string | string[] | undefined>;

export interface FailureFacts {
  status?: number;
  code?: string;
  headers?: HeaderSource;
  /** Error name (AbortError, TimeoutError, ...), when it came from an exception. */
  name?: string;
  /** Set when the thing is already classified (a SyncError). */
  kind?: Exclude<FailureClass, 'done'>;
}

// Connection-level failures from node:net, undici (fetch) and the Azure SDK: all transient.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'REQUEST_SEND_ERROR',
  'REQUEST_ABORTED_ERROR',
]);

// Local file problems: retrying will not make a missing or unreadable spool file appear.
const LOCAL_FILE_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR']);

const VALID_KINDS = new Set(['retry', 'auth', 'fatal']);

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
}

/** Pulls status, code and headers out of an Azure RestError, a fetch error, a Node error or a plain object. */
export function failureFacts(err: unknown): FailureFacts {
  const e = asRecord(err);
  if (!e) return {};
  const facts: FailureFacts = {};
  if (typeof e.kind === 'string' && VALID_KINDS.has(e.kind)) facts.kind = e.kind as FailureFacts['kind'];
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) facts.status = status;
  if (typeof e.name === 'string') facts.name = e.name;
  // fetch() wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  const cause = asRecord(e.cause);
  const code = typeof e.code === 'string' ? e.code : typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined) facts.code = code;
  const response = asRecord(e.response);
  const headers = e.headers ?? response?.headers;
  if (headers && typeof headers === 'object') facts.headers = headers as HeaderSource;
  return facts;
}

export function headerValue(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null | undefined }).get(name) ?? undefined;
  }
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v[0] : v;
}

export function classifyFailure(err: unknown): FailureClass {
  const f = failureFacts(err);
  if (f.kind) return f.kind;
  const { status, code } = f;
  if (status !== undefined && status > 0) {
    if (status === 409 && code === 'BlobAlreadyExists') return 'done';
    if (status === 401 || status === 403) return 'auth';
    if (status === 404 && code === 'ContainerNotFound') return 'auth';
    if (status === 408 || status === 429 || status >= 500) return 'retry';
    return 'fatal';
  }
  if (code && NETWORK_CODES.has(code)) return 'retry';
  if (code && LOCAL_FILE_CODES.has(code)) return 'fatal';
  if (f.name === 'AbortError' || f.name === 'TimeoutError') return 'retry';
  // Unknown: retrying with backoff never loses an image; failing would need a person.
  return 'retry';
}

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** [0, 1), injectable for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(cap, base * 2^(attempt-1))).
 * `attempt` counts failures so far (1 after the first). Full jitter spreads a station's many jobs
 * (and many stations) out after an outage instead of having them all return at once.
 */
export function nextAttemptDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 1000, capMs = 5 * 60_000, random = Math.random } = options;
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = Math.min(capMs, baseMs * 2 ** (n - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as milliseconds from `now` (seconds or an HTTP date), or null when absent/invalid. */
export function retryAfterMs(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now.getTime());
}

/** The service's clock minus ours, in ms (positive: we are behind). Null without a usable Date header. */
export function clockSkewMs(dateHeader: string | null | undefined, now: Date): number | null {
  if (!dateHeader) return null;
  const t = Date.parse(dateHeader);
  return Number.isNaN(t) ? null : t - now.getTime();
}

/**
 * Beyond this a skew is worth telling IT about: SAS start/expiry times are checked on the
 * service's clock, and a station far off shows misleading times and may mis-read expiry.
 * HTTP dates have one-second resolution, so small skews are noise.
 */
export const CLOCK_SKEW_REPORT_MS = 5 * 60_000;

export function isClockSkewReportable(skewMs: number | null): boolean {
  return skewMs !== null && Math.abs(skewMs) > CLOCK_SKEW_REPORT_MS;
}

/** "This computer's clock is 7 minutes behind ..." */
export function clockSkewAdvice(skewMs: number): string {
  const minutes = Math.round(Math.abs(skewMs) / 60_000);
  const direction = skewMs > 0 ? 'behind' : 'ahead of';
  return `This computer's clock is about ${minutes} minute${minutes === 1 ? '' : 's'} ${direction} the storage service's; ask IT to fix the time setting.`;
}
