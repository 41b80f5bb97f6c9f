// The thin adapter over dcmjs-dimse's Client (pinned 0.3.3): one association per C-STORE or C-ECHO,
// reported as a DimseOutcome (dimse-status.ts decides what it means).
//
// What it owns that the library leaves open (docs: ../shared/design/DICOM.md):
// - Sending re-encodes in dcmjs-dimse (it naturalises the data set and writes it again, and drops
//   private tags on the way). StoredDataset hands the library the stored bytes after the File Meta
//   instead, so when the PACS accepts the object's own syntax it gets the camera's bytes exactly.
// - Only when the PACS refuses that syntax does the library transcode (dcmjs-codecs, WebAssembly,
//   initialised once on first need) to the uncompressed context it accepted; then the private tags
//   are kept by a name map built from the stored object (their VRs included, sequences too).
// - When transcoding fails the library sends nothing and just releases: no response, only
//   `closed`. That is reported as not-converted (or no-response), never as success.
// - Its logging is silenced: it prints data set contents, which may name the patient.
import { createRequire } from 'node:module';
import type * as DimseModule from 'dcmjs-dimse';
import { dcmjs, type DcmDataset } from '../metadata/dcmjs-api.ts';
import { isPart10, readFileMeta } from '../dicom/part10.ts';
import { TS_EXPLICIT_LE, TS_IMPLICIT_LE } from '../dicom/vocabulary.ts';
import type { DimseOutcome } from './dimse-status.ts';

// Not named 'require': electron-vite's ESM bundle declares its own (see imaging/frame-codecs.ts).
const cjs = createRequire(import.meta.url);
const dimse = cjs('dcmjs-dimse') as typeof DimseModule;
dimse.log.setLevel('silent');

const { Client, Dataset, Transcoding } = dimse;
const { CStoreRequest, CEchoRequest } = dimse.requests;
const PC_ACCEPT = 0;
const UNCOMPRESSED = new Set([TS_IMPLICIT_LE, TS_EXPLICIT_LE]);

export interface DimsePeer {
  host: string;
  port: number;
  /** The PACS's AE title. */
  calledAe: string;
  /** Ours, as the PACS knows us. */
  callingAe: string;
}

export interface DimseTimeouts {
  connectMs: number;
  associationMs: number;
  /** Longest silence while the association is up. */
  pduMs: number;
}

export const DEFAULT_DIMSE_TIMEOUTS: DimseTimeouts = { connectMs: 5_000, associationMs: 15_000, pduMs: 60_000 };

/** The File Meta of a Part 10 file: what the C-STORE needs, and where the data set starts. */
export interface Part10Head {
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  datasetOffset: number;
}

/** Reads the File Meta group (dicom/part10.ts readFileMeta); null when `bytes` is not Part 10. */
export function readPart10Head(bytes: Buffer): Part10Head | null {
  const meta = isPart10(bytes) ? readFileMeta(bytes, 132) : null;
  if (!meta || 'problem' in meta) return null;
  const [sopClassUid, sopInstanceUid, transferSyntaxUid] = [0x0002, 0x0003, 0x0010].map((element) => meta.values.get(element));
  if (!sopClassUid || !sopInstanceUid || !transferSyntaxUid) return null;
  return { transferSyntaxUid, sopClassUid, sopInstanceUid, datasetOffset: meta.end };
}

/** dcmjs's name-map entries for every private tag of the object (nested ones too), so denaturalising keeps them. */
function privateNameMap(dict: DcmDataset, into: Record<string, unknown>): void {
  for (const [tag, el] of Object.entries(dict)) {
    if (parseInt(tag.slice(0, 4), 16) % 2 === 1) {
      into[tag] = { tag: `(${tag.slice(0, 4)},${tag.slice(4)})`.toUpperCase(), vr: el.vr, name: tag, vm: '1-n', version: 'PrivateTag' };
    }
    if (el.vr === 'SQ') for (const item of (el.Value ?? []) as DcmDataset[]) privateNameMap(item, into);
  }
}

/**
 * The stored object as dcmjs-dimse's Dataset: its own bytes when sent in its own syntax; parsed in
 * full (private tags named in `nameMap`) only if the library must transcode it.
 */
class StoredDataset extends Dataset {
  private readonly file: Buffer;
  private readonly head: Part10Head;
  private readonly nameMap: Record<string, unknown>;
  private full: Record<string, unknown> | null = null;
  transcoded = false;

  constructor(file: Buffer, head: Part10Head, nameMap: Record<string, unknown>) {
    super({ SOPClassUID: head.sopClassUid, SOPInstanceUID: head.sopInstanceUid }, head.transferSyntaxUid);
    this.file = file;
    this.head = head;
    this.nameMap = nameMap;
  }

  override getElements(): Record<string, unknown> {
    // Only the transcoder asks for every element: parse now, and name the private tags.
    if (!this.full) {
      this.transcoded = true;
      const ab = this.file.buffer.slice(this.file.byteOffset, this.file.byteOffset + this.file.byteLength) as ArrayBuffer;
      privateNameMap(dcmjs.data.DicomMessage.readFile(ab).dict, this.nameMap);
      this.full = new Dataset(this.file.subarray(this.head.datasetOffset), this.head.transferSyntaxUid).getElements();
    }
    return this.full;
  }

  override getDenaturalizedDataset(): Buffer {
    return this.file.subarray(this.head.datasetOffset);
  }
}

let transcoding: Promise<boolean> | null = null;
/** dcmjs-codecs' WebAssembly, loaded once, on the first compressed object. */
function ensureTranscoding(): Promise<boolean> {
  transcoding ??= Transcoding.initializeAsync()
    .then(() => true)
    .catch(() => false);
  return transcoding;
}

/** The socket error's code (the library wraps the error and keeps the code only in its message). */
function socketCode(err: { code?: unknown; message?: unknown }): string {
  if (typeof err?.code === 'string' && /^E[A-Z_]+$/.test(err.code)) return err.code;
  const inMessage = /\b(E[A-Z]{3,}[A-Z_]*)\b/.exec(String(err?.message ?? ''));
  if (inMessage) return inMessage[1]!;
  return /timeout|timed out/i.test(String(err?.message)) ? 'TIMEOUT' : 'ERROR';
}

interface Association {
  client: InstanceType<typeof Client>;
  /** Resolves with the outcome once the connection is closed. */
  done: Promise<DimseOutcome>;
}

/** Runs one association with one request; the outcome comes from the events, judged at `closed`. */
function associate(
  peer: DimsePeer,
  request: InstanceType<typeof CStoreRequest> | InstanceType<typeof CEchoRequest>,
  abstractSyntax: string,
  ownSyntax: string | null,
  dataset: StoredDataset | null,
  nameMap: Record<string, unknown>,
  timeouts: DimseTimeouts,
  signal: AbortSignal | undefined,
): Association {
  const client = new Client();
  let status: number | null = null;
  let rejected: { result: number; source: number; reason: number } | null = null;
  let accepted: { abstract: string; syntax: string | null }[] | null = null;
  let networkCode: string | null = null;
  let aborted = false;
  const done = new Promise<DimseOutcome>((resolve) => {
    request.on('response', (response: { getStatus(): number }) => {
      status = response.getStatus();
    });
    client.on('associationAccepted', (association: DimseModule.association.Association) => {
      accepted = association
        .getPresentationContexts()
        .map((c: { id: number }) => association.getPresentationContext(c.id))
        .map((pc) => ({ abstract: pc.getAbstractSyntaxUid(), syntax: pc.getResult() === PC_ACCEPT ? (pc.getAcceptedTransferSyntaxUid() ?? null) : null }));
    });
    client.on('associationRejected', (r: { result: number; source: number; reason: number }) => {
      rejected = r;
    });
    client.on('networkError', (err: { code?: unknown; message?: unknown }) => {
      networkCode ??= socketCode(err);
    });
    const onAbort = (): void => {
      aborted = true;
      try {
        client.abort();
      } catch {
        // not connected yet: the library's own timeouts end the attempt in the background
      }
      resolve({ kind: 'aborted' });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    client.on('closed', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(judge());
    });
  });
  const judge = (): DimseOutcome => {
    if (status !== null) {
      const transcoded = dataset?.transcoded ?? false;
      const other = (accepted as { abstract: string; syntax: string | null }[] | null)?.find((c) => c.abstract === abstractSyntax && c.syntax && c.syntax !== ownSyntax);
      return { kind: 'status', status, syntax: transcoded ? (other?.syntax ?? null) : ownSyntax, transcoded };
    }
    if (aborted) return { kind: 'aborted' };
    if (rejected) return { kind: 'association-rejected', ...(rejected as { result: number; source: number; reason: number }) };
    const contexts = accepted as { abstract: string; syntax: string | null }[] | null;
    if (!contexts) return { kind: 'no-answer', code: networkCode ?? 'ERROR' };
    const forClass = contexts.filter((c) => c.abstract === abstractSyntax && c.syntax);
    if (!forClass.length) return { kind: 'class-not-accepted', sopClassUid: abstractSyntax };
    if (ownSyntax && !forClass.some((c) => c.syntax === ownSyntax) && !networkCode) return { kind: 'not-converted', syntax: ownSyntax };
    return { kind: 'no-response', code: networkCode };
  };
  client.addRequest(request);
  try {
    client.send(peer.host, peer.port, peer.callingAe, peer.calledAe, {
      connectTimeout: timeouts.connectMs,
      associationTimeout: timeouts.associationMs,
      pduTimeout: timeouts.pduMs,
      datasetNameMap: nameMap,
    });
    // The library leaves Nagle's algorithm on: each small PDU (the association request, the
    // command, the release) would then wait ~40 ms for the PACS's delayed ACK.
    (client as unknown as { network?: { socket?: { setNoDelay?(on: boolean): unknown } } }).network?.socket?.setNoDelay?.(true);
  } catch {
    return { client, done: Promise.resolve({ kind: 'no-answer', code: 'ERROR' }) };
  }
  return { client, done };
}

/** C-ECHO: does the PACS answer us? */
export async function cEcho(peer: DimsePeer, timeouts: DimseTimeouts = DEFAULT_DIMSE_TIMEOUTS, signal?: AbortSignal): Promise<DimseOutcome> {
  const request = new CEchoRequest();
  return associate(peer, request, '1.2.840.10008.1.1', null, null, {}, timeouts, signal).done;
}

/**
 * C-STORE of one stored Part 10 file: proposed in its own syntax (its bytes as stored) and, as a
 * fallback the library transcodes to, the uncompressed syntaxes.
 */
export async function cStore(peer: DimsePeer, file: Buffer, timeouts: DimseTimeouts = DEFAULT_DIMSE_TIMEOUTS, signal?: AbortSignal): Promise<DimseOutcome | { kind: 'unreadable' }> {
  const head = readPart10Head(file);
  if (!head) return { kind: 'unreadable' };
  if (!UNCOMPRESSED.has(head.transferSyntaxUid)) await ensureTranscoding();
  if (signal?.aborted) return { kind: 'aborted' };
  const nameMap: Record<string, unknown> = {};
  const dataset = new StoredDataset(file, head, nameMap);
  const request = new CStoreRequest(dataset);
  // The library proposes [Implicit LE + these] in one context and the object's own syntax in another
  // (when compressed), and sends in the object's own syntax whenever that context is accepted.
  request.setAdditionalTransferSyntaxes([TS_EXPLICIT_LE]);
  return associate(peer, request, head.sopClassUid, head.transferSyntaxUid, dataset, nameMap, timeouts, signal).done;
}
