// POSTs an OrderRequest to the order endpoint with an Idempotency-Key, so a retry after a lost
// answer cannot create a second order. Failures leave as SyncError (service 'orders'):
// network/timeout/408/429/5xx retry; 401/403 auth (pause); other 4xx fatal with the server's
// reason. The token and the endpoint's query string never appear in a message.
//
// The server's reason is a peer's prose and may name the patient ("Patient Jane Doe DOB ... not
// found"): it goes into the message, which the operator sees on the Queue, and never into the
// log. What may be logged is the HTTP status and `code`, a code token (orderErrorCode).
import type { OrderRequest } from './order-request.ts';
import { scrubSecrets } from './connection-string.ts';
import { classifyFailure, failureFacts, retryAfterMs } from './retry-policy.ts';
import { safeCode, SyncError } from './sync-error.ts';

export interface SubmitOrderOptions {
  url: string;
  /** Bearer token. SECRET. */
  token: string;
  body: OrderRequest;
  idempotencyKey: string;
  /** Whole request, answer included. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface OrderReceipt {
  status: number;
  /** The server's answer (the reference server: { orderId, status, revision, images }). */
  body: unknown;
  /** True when the server says it replayed an earlier answer for the same key. */
  replayed: boolean;
  serverDate?: string;
}

const REASON_MAX = 400;

/** Only the host: an endpoint URL may carry a key in its query string (e.g. ?code=...). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the order endpoint';
  }
}

/**
 * The answer's error code, when it gives one that is a code token: the `x-ms-error-code` or
 * `x-error-code` header, else a JSON `code`, `errorCode` or `error.code`. Never the `error` text
 * itself, even when it is one word: a one-word "error" may be a name.
 */
export function orderErrorCode(headers: Headers, bodyText: string): string | undefined {
  const fromHeader = safeCode(headers.get('x-ms-error-code')) ?? safeCode(headers.get('x-error-code'));
  if (fromHeader) return fromHeader;
  try {
    const j = JSON.parse(bodyText) as { code?: unknown; errorCode?: unknown; error?: unknown };
    if (!j || typeof j !== 'object') return undefined;
    const nested = j.error && typeof j.error === 'object' ? (j.error as { code?: unknown }).code : undefined;
    return safeCode(j.code) ?? safeCode(j.errorCode) ?? safeCode(nested);
  } catch {
    return undefined;
  }
}

/** The server's reason from a JSON { error, reasons[] } body or plain text; scrubbed and cut short. */
export function serverReason(bodyText: string): string {
  let reason = bodyText.trim();
  try {
    const j = JSON.parse(bodyText) as { error?: unknown; reasons?: unknown; missingLocalIds?: unknown };
    const parts: string[] = [];
    const error = j.error && typeof j.error === 'object' ? (j.error as { message?: unknown }).message : j.error;
    if (typeof error === 'string') parts.push(error.replace(/\.$/, ''));
    if (Array.isArray(j.reasons)) parts.push(j.reasons.filter((r) => typeof r === 'string').join('; '));
    if (Array.isArray(j.missingLocalIds)) parts.push(`missing images: ${j.missingLocalIds.join(', ')}`);
    if (parts.length) reason = parts.filter(Boolean).join(': ');
  } catch {
    // not JSON: keep the text
  }
  reason = scrubSecrets(reason.replace(/\s+/g, ' '));
  return reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX)}…` : reason;
}

function orderMessage(kind: 'retry' | 'auth' | 'fatal', status: number | undefined, host: string, reason: string): string {
  if (kind === 'auth') {
    return `The order service at ${host} refused the station's token (HTTP ${status}). Orders are paused until the order endpoint token in the cloud settings is fixed.`;
  }
  if (kind === 'retry') {
    if (status === undefined) return `Cannot reach the order service at ${host}. Will keep trying.`;
    return `The order service at ${host} is busy or had a problem (HTTP ${status}). Will try again.`;
  }
  return `The order service rejected the order (HTTP ${status ?? '?'})${reason ? `: ${reason}` : '.'}`;
}

export async function submitOrder(options: SubmitOrderOptions): Promise<OrderReceipt> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const host = hostOf(options.url);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${options.token}`,
        'idempotency-key': options.idempotencyKey,
      },
      body: JSON.stringify(options.body),
      signal,
      redirect: 'error', // never resend the token to wherever a redirect points
    });
    text = await res.text();
  } catch (err) {
    if (options.signal?.aborted) {
      throw new SyncError({ kind: 'retry', service: 'orders', code: 'ABORTED', message: 'The order submission was stopped; it will be sent again.' });
    }
    if (timeout.aborted) {
      throw new SyncError({
        kind: 'retry',
        service: 'orders',
        code: 'TIMEOUT',
        message: `The order service at ${host} did not answer within ${Math.round(timeoutMs / 1000)} s. Will try again (the same order cannot be created twice).`,
      });
    }
    // No answer at all (refused, reset, DNS): classifyFailure calls these 'retry'.
    const f = failureFacts(err);
    const cls = classifyFailure(err);
    const kind = cls === 'done' ? 'retry' : cls;
    throw new SyncError({
      kind,
      service: 'orders',
      ...(f.code !== undefined && { code: f.code }),
      message: orderMessage(kind, undefined, host, ''),
    });
  }
  const serverDate = res.headers.get('date') ?? undefined;
  if (res.ok) {
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null; // a 2xx is an acceptance whatever its body says
    }
    return { status: res.status, body, replayed: res.headers.get('idempotent-replayed') === 'true', ...(serverDate && { serverDate }) };
  }
  const cls = classifyFailure({ status: res.status, headers: res.headers });
  const kind = cls === 'done' ? 'fatal' : cls; // BlobAlreadyExists means nothing here
  const retryAfter = retryAfterMs(res.headers.get('retry-after'), new Date());
  const code = orderErrorCode(res.headers, text);
  throw new SyncError({
    kind,
    service: 'orders',
    status: res.status,
    ...(code !== undefined && { code }),
    message: orderMessage(kind, res.status, host, kind === 'fatal' ? serverReason(text) : ''),
    ...(serverDate && { serverDate }),
    ...(retryAfter !== null && { retryAfterMs: retryAfter }),
  });
}
