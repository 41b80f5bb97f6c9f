// The core's view of a write-only connection string: parse once, then build the SAS-bearing
// container URL the SDK needs. The rules live in src/shared/sync.ts so that the settings form and
// the core agree; this file turns them into a typed value or a thrown error.
//
// The SAS is a secret. ConnectionStringError messages never contain it, and safeEndpoint() is the
// only form of the address that may reach a log.
import { containerNameProblem, inspectConnectionString, type ConnectionStringParts } from '../../../shared/sync.ts';

export type ParsedConnection = ConnectionStringParts;

export class ConnectionStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionStringError';
  }
}

/** Parses a SAS URL or `BlobEndpoint=...;SharedAccessSignature=...`; throws ConnectionStringError. */
export function parseConnectionString(raw: string): ParsedConnection {
  const r = inspectConnectionString(raw);
  if (!r.ok) throw new ConnectionStringError(r.problem);
  return r.value;
}

/** The container to write to: the setting, which must agree with a SAS URL that names one. */
export function resolveContainer(parsed: ParsedConnection, container?: string | null): string {
  const name = container?.trim() || parsed.container;
  if (!name) throw new ConnectionStringError('Enter the container name: the connection string does not name one.');
  const problem = containerNameProblem(name);
  if (problem) throw new ConnectionStringError(problem);
  if (parsed.container && parsed.container !== name) {
    throw new ConnectionStringError(`The connection string is for the container "${parsed.container}", not "${name}".`);
  }
  return name;
}

/** SECRET-bearing URL for the SDK: `<endpoint>/<container>?<sas>`. Never log it. */
export function containerUrlWithSas(parsed: ParsedConnection, container: string): string {
  return `${parsed.blobEndpoint}/${encodeURIComponent(container)}?${parsed.sas}`;
}

/** `<endpoint>/<container>` without the signature: safe for logs and messages. */
export function safeEndpoint(parsed: ParsedConnection, container: string): string {
  return `${parsed.blobEndpoint}/${container}`;
}

/** Removes SAS signatures and bearer tokens from any text (belt and braces for foreign messages). */
export function scrubSecrets(text: string): string {
  return text
    .replace(/([?&;]|\b)(sig|SharedAccessSignature|AccountKey)=([^&;\s"']*)/gi, '$1$2=[redacted]')
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]');
}
