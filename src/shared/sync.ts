// Cloud sync: settings, their validation, and the state the UI shows. Pure TypeScript + zod, so
// the renderer validates exactly as the core does. No node:, no DOM.
//
// Secrets here: the connection string's SAS (everything after '?' / after
// SharedAccessSignature=) and the order endpoint token. Messages produced in this file never
// contain either; use redactSecret / toCloudSettingsView to show them back.
import { safeDecode } from './safe-decode.ts';
import { z } from 'zod';

export const SYNC_WORKFLOWS = ['image-first', 'order-first'] as const;
export type SyncWorkflow = (typeof SYNC_WORKFLOWS)[number];

// ---------------------------------------------------------------------------------------------
// Connection string / SAS URL
// ---------------------------------------------------------------------------------------------

/** What a write-only connection string says, split into its parts. `sas` is a secret. */
export interface ConnectionStringParts {
  form: 'sas-url' | 'connection-string';
  /** Service endpoint without trailing slash; for IP/emulator endpoints it ends in /<account>. */
  blobEndpoint: string;
  /** The SAS query string without '?'. SECRET: never log or show it. */
  sas: string;
  /** Container named by a SAS URL, or null (connection-string form names none). */
  container: string | null;
  /** From `se=`. */
  expiresOn: Date | null;
  /** From `st=`. */
  startsOn: Date | null;
  /** From `sp=` (e.g. "cw"); null when a stored access policy (`si=`) holds them. */
  permissions: string | null;
}

export type ConnectionStringInspection =
  | { ok: true; value: ConnectionStringParts }
  | { ok: false; problem: string };

const ASK_FOR_ONE =
  "Copy the write-only connection string from the platform's Administrator application (Integration tab).";

/** Emulators and IP endpoints put the account name in the path (http://127.0.0.1:10000/devstoreaccount1). */
function isPathStyleHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.startsWith('[') // IPv6 literal
  );
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function parseHttpUrl(raw: string): URL | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : null;
  } catch {
    return null;
  }
}

const BROKEN_ESCAPE = `The connection string is damaged: it contains a broken %-escape (a % that is not followed by a valid code), as when it is cut short while copying. Copy it again in full. ${ASK_FOR_ONE}`;

function sasDate(params: URLSearchParams, name: string): Date | null | 'invalid' {
  const v = params.get(name);
  if (v === null) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? 'invalid' : new Date(t);
}

/** Checks the SAS itself; returns the parsed dates and permissions or a plain-language problem. */
function inspectSas(
  sas: string,
): { ok: true; expiresOn: Date | null; startsOn: Date | null; permissions: string | null } | { ok: false; problem: string } {
  // URLSearchParams quietly turns a broken escape into U+FFFD; a signature damaged that way is refused here instead.
  if (sas.split('&').some((part) => safeDecode(part) === null)) return { ok: false, problem: BROKEN_ESCAPE };
  const params = new URLSearchParams(sas);
  if (!params.get('sig')) {
    return { ok: false, problem: `The connection string has no signature (sig=), so it cannot be used. ${ASK_FOR_ONE}` };
  }
  if (!params.get('sv')) {
    return { ok: false, problem: `The connection string's access signature is incomplete (no sv=). ${ASK_FOR_ONE}` };
  }
  const sr = params.get('sr');
  if (sr === 'b' || sr === 'bs' || sr === 'bv') {
    return { ok: false, problem: `This access signature is for a single file, not for a container. ${ASK_FOR_ONE}` };
  }
  const ss = params.get('ss');
  if (ss !== null && !ss.includes('b')) {
    return { ok: false, problem: `This access signature is not for Blob storage. ${ASK_FOR_ONE}` };
  }
  const srt = params.get('srt');
  if (srt !== null && !srt.includes('o')) {
    return { ok: false, problem: `This access signature does not cover files (objects). ${ASK_FOR_ONE}` };
  }
  const permissions = params.get('sp');
  if (permissions !== null && !/[cw]/.test(permissions)) {
    return {
      ok: false,
      problem: `This access signature does not allow creating files (its permissions are "${permissions.replace(/[^a-z]/gi, '')}"). The station needs create and write (c, w). ${ASK_FOR_ONE}`,
    };
  }
  const expiresOn = sasDate(params, 'se');
  const startsOn = sasDate(params, 'st');
  if (expiresOn === 'invalid' || startsOn === 'invalid') {
    return { ok: false, problem: `The access signature's start or expiry date cannot be read. ${ASK_FOR_ONE}` };
  }
  return { ok: true, expiresOn, startsOn, permissions };
}

function endpointProblem(u: URL): string | null {
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return 'The storage address must start with https:// (http:// is allowed only for a test service on this computer).';
  }
  return null;
}

function inspectSasUrl(raw: string): ConnectionStringInspection {
  const u = parseHttpUrl(raw);
  if (!u) return { ok: false, problem: `The SAS URL is not a valid web address. ${ASK_FOR_ONE}` };
  const bad = endpointProblem(u);
  if (bad) return { ok: false, problem: bad };
  const decoded = u.pathname.split('/').filter(Boolean).map(safeDecode);
  if (decoded.some((d) => d === null)) return { ok: false, problem: BROKEN_ESCAPE };
  const segments = decoded as string[];
  let base = u.origin;
  if (isPathStyleHost(u.hostname)) {
    const account = segments.shift();
    if (!account) return { ok: false, problem: 'The SAS URL does not name a storage account.' };
    base += `/${encodeURIComponent(account)}`;
  }
  if (segments.length > 1) {
    return { ok: false, problem: `This SAS URL points at a single file, not at a container. ${ASK_FOR_ONE}` };
  }
  const sas = u.search.replace(/^\?/, '');
  const checked = inspectSas(sas);
  if (!checked.ok) return checked;
  return {
    ok: true,
    value: {
      form: 'sas-url',
      blobEndpoint: base,
      sas,
      container: segments[0] ?? null,
      expiresOn: checked.expiresOn,
      startsOn: checked.startsOn,
      permissions: checked.permissions,
    },
  };
}

function inspectKeyValueString(raw: string): ConnectionStringInspection {
  const fields = new Map<string, string>();
  for (const part of raw.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return { ok: false, problem: `The connection string is not in the expected Name=Value;Name=Value form. ${ASK_FOR_ONE}` };
    fields.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
  }
  if (fields.has('accountkey')) {
    return {
      ok: false,
      problem: `This connection string contains the storage account key (full access). The station must only get a write-only one. ${ASK_FOR_ONE}`,
    };
  }
  if (fields.get('usedevelopmentstorage') === 'true') {
    return { ok: false, problem: 'UseDevelopmentStorage=true has no access signature; give the emulator a BlobEndpoint=...;SharedAccessSignature=... string.' };
  }
  const sas = (fields.get('sharedaccesssignature') ?? '').replace(/^\?/, '');
  if (!sas) {
    return { ok: false, problem: `The connection string has no SharedAccessSignature part. ${ASK_FOR_ONE}` };
  }
  let endpoint = fields.get('blobendpoint');
  if (!endpoint) {
    const account = fields.get('accountname');
    if (!account) return { ok: false, problem: `The connection string names neither a BlobEndpoint nor an AccountName. ${ASK_FOR_ONE}` };
    const protocol = fields.get('defaultendpointsprotocol') ?? 'https';
    endpoint = `${protocol}://${account}.blob.${fields.get('endpointsuffix') ?? 'core.windows.net'}`;
  }
  const u = parseHttpUrl(endpoint);
  if (!u || u.search) return { ok: false, problem: 'The BlobEndpoint in the connection string is not a valid web address.' };
  const bad = endpointProblem(u);
  if (bad) return { ok: false, problem: bad };
  const checked = inspectSas(sas);
  if (!checked.ok) return checked;
  return {
    ok: true,
    value: {
      form: 'connection-string',
      blobEndpoint: `${u.origin}${u.pathname}`.replace(/\/+$/, ''),
      sas,
      container: null,
      expiresOn: checked.expiresOn,
      startsOn: checked.startsOn,
      permissions: checked.permissions,
    },
  };
}

/**
 * Reads a SAS URL (`https://acct.blob.core.windows.net/container?sv=...&sig=...`) or a
 * connection string (`BlobEndpoint=...;SharedAccessSignature=...`). Never throws; the problem
 * text is for the operator and never contains the signature.
 */
export function inspectConnectionString(raw: string): ConnectionStringInspection {
  const s = raw.trim();
  if (!s) return { ok: false, problem: `Paste the connection string. ${ASK_FOR_ONE}` };
  if (/^https?:\/\//i.test(s)) return inspectSasUrl(s);
  if (s.includes('=')) return inspectKeyValueString(s);
  return {
    ok: false,
    problem: `This does not look like a connection string: it should start with BlobEndpoint= or https://. ${ASK_FOR_ONE}`,
  };
}

/** A problem with the SAS's validity period at `now`, in plain words, or null when it is valid. */
export function sasValidityProblem(parts: Pick<ConnectionStringParts, 'expiresOn' | 'startsOn'>, now: Date): string | null {
  if (parts.expiresOn && parts.expiresOn.getTime() <= now.getTime()) {
    return `The connection string expired on ${parts.expiresOn.toISOString()}. Ask IT for a new one and enter it in the cloud settings.`;
  }
  if (parts.startsOn && parts.startsOn.getTime() > now.getTime()) {
    return `The connection string is not valid until ${parts.startsOn.toISOString()}. Check this computer's clock, or ask IT for one that is valid now.`;
  }
  return null;
}

/** Azure container names: 3-63 chars, lower-case letters, digits and single hyphens. */
export function containerNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return 'A container name has 3 to 63 characters.';
  if (!/^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/.test(name)) {
    return 'A container name uses only lower-case letters, digits and single hyphens, and starts and ends with a letter or digit.';
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? null : s))
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/** The cloud settings as stored (secrets included). Parse user input with this schema. */
export const cloudSettingsSchema = z
  .object({
    connectionString: z.string({ error: 'Paste the connection string.' }).trim().min(1, { error: 'Paste the connection string.' }),
    container: z.string({ error: 'Enter the container name.' }).trim().min(1, { error: 'Enter the container name.' }),
    workflow: z.enum(SYNC_WORKFLOWS, { error: 'Choose the workflow: image first or order first.' }),
    orderEndpointUrl: optionalText,
    orderEndpointToken: optionalText,
    siteId: z
      .string({ error: 'Enter the site id.' })
      .trim()
      .min(1, { error: 'Enter the site id.' })
      .max(64, { error: 'The site id has at most 64 characters.' }),
    stationId: z
      .string({ error: 'Enter a station id.' })
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, {
        error: "The station id uses letters, digits, '.', '_' or '-' (no spaces), at most 64 characters.",
      }),
    concurrency: z
      .number({ error: 'Parallel uploads must be a number from 1 to 16.' })
      .int({ error: 'Parallel uploads must be a whole number from 1 to 16.' })
      .min(1, { error: 'Parallel uploads must be at least 1.' })
      .max(16, { error: 'Parallel uploads can be at most 16.' })
      .default(4),
    bandwidthCapKbps: z
      .number({ error: 'The bandwidth cap must be a number of kilobits per second, or empty for none.' })
      .int({ error: 'The bandwidth cap must be a whole number of kilobits per second.' })
      .min(16, { error: 'The bandwidth cap must be at least 16 kbit/s (or empty for none).' })
      .nullable()
      .default(null),
  })
  .superRefine((s, ctx) => {
    const cs = inspectConnectionString(s.connectionString ?? '');
    if (!cs.ok) ctx.addIssue({ code: 'custom', path: ['connectionString'], message: cs.problem });
    const containerProblem = typeof s.container === 'string' ? containerNameProblem(s.container) : null;
    if (containerProblem) ctx.addIssue({ code: 'custom', path: ['container'], message: containerProblem });
    if (cs.ok && cs.value.container && s.container && cs.value.container !== s.container) {
      ctx.addIssue({
        code: 'custom',
        path: ['container'],
        message: `The connection string is for the container "${cs.value.container}", not "${s.container}".`,
      });
    }
    if (s.workflow === 'image-first') {
      if (!s.orderEndpointUrl) {
        ctx.addIssue({ code: 'custom', path: ['orderEndpointUrl'], message: 'The image-first workflow needs the order endpoint address.' });
      }
      if (!s.orderEndpointToken) {
        ctx.addIssue({ code: 'custom', path: ['orderEndpointToken'], message: 'The image-first workflow needs the order endpoint token.' });
      }
    }
    if (s.orderEndpointUrl) {
      const u = parseHttpUrl(s.orderEndpointUrl);
      if (!u) {
        ctx.addIssue({ code: 'custom', path: ['orderEndpointUrl'], message: 'The order endpoint must be a web address (https://...).' });
      } else if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
        ctx.addIssue({
          code: 'custom',
          path: ['orderEndpointUrl'],
          message: 'The order endpoint must use https:// (http:// is allowed only for a test service on this computer).',
        });
      } else if (u.username || u.password) {
        ctx.addIssue({ code: 'custom', path: ['orderEndpointUrl'], message: 'Put the token in the token field, not in the address.' });
      }
    }
  });

export type CloudSettingsInput = z.input<typeof cloudSettingsSchema>;
export type CloudSettings = z.output<typeof cloudSettingsSchema>;

/** First issue per field, for showing next to each input. */
export function settingsProblems(error: z.ZodError): Partial<Record<keyof CloudSettings | 'form', string>> {
  const out: Partial<Record<keyof CloudSettings | 'form', string>> = {};
  for (const issue of error.issues) {
    const key = (issue.path[0] as keyof CloudSettings | undefined) ?? 'form';
    out[key] ??= issue.message;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Showing secrets back
// ---------------------------------------------------------------------------------------------

/** "…a1b2": enough to tell two secrets apart, never enough to use one. */
export function redactSecret(secret: string | null | undefined, visible = 4): string {
  if (!secret) return '';
  // Short secrets show nothing: four characters of an eight-character token is half of it.
  if (secret.length < 16) return '••••';
  return `…${secret.slice(-visible)}`;
}

/** The endpoint and container in clear, the signature redacted. */
export function redactConnectionString(raw: string): string {
  const cs = inspectConnectionString(raw);
  if (!cs.ok) return redactSecret(raw);
  const sig = new URLSearchParams(cs.value.sas).get('sig') ?? '';
  const where = cs.value.container ? `${cs.value.blobEndpoint}/${cs.value.container}` : cs.value.blobEndpoint;
  return `${where} (signature ${redactSecret(sig)})`;
}

/** The settings as the UI may see them after saving: secrets replaced by hints. */
export interface CloudSettingsView extends Omit<CloudSettings, 'connectionString' | 'orderEndpointToken'> {
  connectionStringHint: string;
  connectionStringExpiresOn: string | null;
  connectionStringPermissions: string | null;
  hasOrderEndpointToken: boolean;
  orderEndpointTokenHint: string;
}

export function toCloudSettingsView(settings: CloudSettings): CloudSettingsView {
  const { connectionString, orderEndpointToken, ...rest } = settings;
  const cs = inspectConnectionString(connectionString);
  return {
    ...rest,
    connectionStringHint: redactConnectionString(connectionString),
    connectionStringExpiresOn: cs.ok && cs.value.expiresOn ? cs.value.expiresOn.toISOString() : null,
    connectionStringPermissions: cs.ok ? cs.value.permissions : null,
    hasOrderEndpointToken: !!orderEndpointToken,
    orderEndpointTokenHint: redactSecret(orderEndpointToken),
  };
}

// ---------------------------------------------------------------------------------------------
// Failure words (the UI's sync types, QueueSummary, SyncJobView, SyncProblem and ProbeResult, are
// declared once, as the zod schemas in contract/sync.ts)
// ---------------------------------------------------------------------------------------------

export const SYNC_ERROR_KINDS = ['retry', 'auth', 'fatal'] as const;
/** How a failure is handled: try again later, pause the whole queue, or fail this one job. */
export type SyncErrorKind = (typeof SYNC_ERROR_KINDS)[number];

export const IMAGE_SYNC_STATES = ['waiting', 'uploading', 'retry-wait', 'uploaded', 'failed'] as const;
/** A photo's cloud state on its thumbnail (images.sync_state, mirroring its upload job); null when not queued. */
export type ImageSyncState = (typeof IMAGE_SYNC_STATES)[number];

export const SYNC_SERVICES = ['storage', 'orders'] as const;
/** Which remote service a failure came from; an auth pause may apply to one of them only. */
export type SyncService = (typeof SYNC_SERVICES)[number];
