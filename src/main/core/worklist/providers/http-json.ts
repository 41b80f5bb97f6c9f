// Worklist provider (a): an HTTP endpoint that answers with JSON. The platform's real order API is
// not public, so the shape is ours and is documented in docs/WORKLIST.md:
//
//   { "orders": [ { "orderId": "ORD-1", "accessionNumber": "ACC-1", "scheduledStepId": "SPS-1",
//                   "patient": { "id": "12345", "name": "Müller, Anna", "birthDate": "1956-04-30", "sex": "F" },
//                   "scheduledAt": "2025-03-01T09:30:00+01:00", "site": "North clinic" } ] }
//
// parseWorklistJson decides; fetchHttpWorklist only moves bytes and turns failures into words.
import { firstIssueMessage, worklistEntrySchema, type WorklistEntry } from '../../../../shared/orders.ts';
import { parseDate, parseDateTime, parseSex, text, ymdToString } from './fields.ts';
import { WorklistProviderError, type RejectedRow, type WorklistProviderResult } from './result.ts';

export interface HttpWorklistOptions {
  url: string;
  /** Sent as "Authorization: Bearer <token>"; never logged. Empty means no header. */
  token: string;
  /** The whole exchange (connect, headers and body) must finish within this. */
  timeoutMs: number;
  /** Lets the caller stop a poll (station shutdown). */
  signal?: AbortSignal;
  /** Stored on each entry; default "http". */
  source?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ISO birth dates only (YYYY-MM-DD, or YYYYMMDD): a JSON API has no excuse for locale formats.
const birthDateOf = (value: unknown): string | null | undefined => {
  const v = text(value);
  if (v === null) return null;
  if (!/^\d{4}-?\d{2}-?\d{2}$/.test(v)) return undefined;
  const ymd = parseDate(v);
  return ymd ? ymdToString(ymd) : undefined;
};

const rowProblem = (raw: unknown, source: string): { entry: WorklistEntry } | { reason: string } => {
  if (!isObject(raw)) return { reason: 'The order is not a JSON object.' };
  const patient = raw.patient;
  if (!isObject(patient)) return { reason: 'The order has no "patient" object.' };
  const birthDate = birthDateOf(patient.birthDate);
  if (birthDate === undefined) return { reason: 'Birth date must be a date written as YYYY-MM-DD.' };
  const sex = parseSex(text(patient.sex));
  if (sex === null) return { reason: 'Sex must be M (male), F (female), O (other) or U (unknown).' };
  const scheduledText = text(raw.scheduledAt);
  const scheduledAt = scheduledText === null ? null : parseDateTime(scheduledText);
  if (scheduledAt === null) return { reason: 'Scheduled time is missing or is not an ISO date and time.' };
  const checked = worklistEntrySchema.safeParse({
    patientId: text(patient.id) ?? '',
    name: text(patient.name) ?? '',
    birthDate,
    sex,
    scheduledAt,
    site: text(raw.site),
    externalOrderId: text(raw.orderId),
    accessionNumber: text(raw.accessionNumber),
    scheduledStepId: text(raw.scheduledStepId),
    source,
    ...(text(raw.studyInstanceUid) ? { studyInstanceUid: text(raw.studyInstanceUid) } : {}),
    ...(text(raw.scheduledStationAeTitle) ? { scheduledStationAeTitle: text(raw.scheduledStationAeTitle) } : {}),
  });
  return checked.success ? { entry: checked.data } : { reason: firstIssueMessage(checked.error) };
};

/**
 * Checks a parsed JSON answer. A wrong overall shape throws (nothing to keep); a bad order is
 * listed in `rejected` as `orders[i]` and the others are kept.
 */
export function parseWorklistJson(json: unknown, source = 'http'): WorklistProviderResult {
  if (!isObject(json) || !Array.isArray(json.orders)) {
    throw new WorklistProviderError('bad-shape', 'The worklist server answered, but not with a worklist (no "orders" list).');
  }
  const entries: WorklistEntry[] = [];
  const rejected: RejectedRow[] = [];
  json.orders.forEach((raw: unknown, i: number) => {
    const result = rowProblem(raw, source);
    if ('entry' in result) entries.push(result.entry);
    else rejected.push({ row: `orders[${i}]`, reason: result.reason });
  });
  return { entries, rejected };
}

const seconds = (ms: number): string => `${Math.round((ms / 1000) * 10) / 10} s`;

const statusMessage = (status: number): string => {
  if (status === 401 || status === 403) {
    return `The worklist server refused the token (HTTP ${status}). Check the token in the settings.`;
  }
  if (status === 404) return 'The worklist server does not know this address (HTTP 404). Check the URL in the settings.';
  return `The worklist server answered with an error (HTTP ${status}).`;
};

/** Fetches and parses the worklist. Throws WorklistProviderError when nothing usable arrived. */
export async function fetchHttpWorklist(options: HttpWorklistOptions): Promise<WorklistProviderResult> {
  const { url, token, timeoutMs, signal, source = 'http' } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
  const failed = (error: unknown, fallback: () => WorklistProviderError): WorklistProviderError => {
    if (error instanceof WorklistProviderError) return error;
    if (signal?.aborted) return new WorklistProviderError('cancelled', 'The worklist request was cancelled.');
    if (timeout.aborted) {
      return new WorklistProviderError('timeout', `The worklist server did not answer within ${seconds(timeoutMs)}.`);
    }
    return fallback();
  };

  let body: string;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(url, { headers, signal: combined, redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new WorklistProviderError('http-status', statusMessage(response.status));
    }
    // Reading the body is inside the same signal: a server that dribbles forever still times out.
    body = await response.text();
  } catch (error) {
    throw failed(
      error,
      () =>
        new WorklistProviderError('unreachable', 'The worklist server could not be reached. Check the URL and the network.', {
          cause: error,
        }),
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new WorklistProviderError('bad-json', 'The worklist server answered with something that is not JSON.');
  }
  return parseWorklistJson(json, source);
}
