// What a PACS answered, in words: DIMSE C-STORE statuses, association rejections, and how each
// outcome of a forward or an echo becomes a job failure (retry, or fatal for a person) and a route
// state. Pure: the adapter (dimse-client.ts) reports outcomes, this file decides.
import type { JobFailure } from '../jobs/types.ts';

/** What one association to a PACS came to (dimse-client.ts reports it). */
export type DimseOutcome =
  /** The PACS answered the C-STORE or C-ECHO with this status (success, warning or failure). */
  | { kind: 'status'; status: number; syntax: string | null; transcoded: boolean }
  /** Nothing answered: refused, reset, timed out, host unknown. `code` is the socket error's code. */
  | { kind: 'no-answer'; code: string }
  /** The PACS refused the association (A-ASSOCIATE-RJ). */
  | { kind: 'association-rejected'; result: number; source: number; reason: number }
  /** The association was accepted but not for this SOP class. */
  | { kind: 'class-not-accepted'; sopClassUid: string }
  /** The PACS refused the object's transfer syntax and the station could not convert it to one it accepts. */
  | { kind: 'not-converted'; syntax: string }
  /** The association was up but no response came (the PACS closed or dropped the connection). */
  | { kind: 'no-response'; code: string | null }
  /** Stopped by the station (pause, close, new settings). */
  | { kind: 'aborted' };

/** The peer as messages name it (no patient data). */
export interface PeerLabel {
  name: string;
  host: string;
  port: number;
  aeTitle: string;
  callingAeTitle: string;
}

/** What a failure means for the route: it does not answer, it refuses us, or nothing (this image only). */
export type RouteEffect = 'offline' | 'refused' | null;

const hex = (status: number): string => `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;

/** Success, or one of the C-STORE warnings (the object is stored). */
export function isStored(status: number): boolean {
  return status === 0x0000 || status === 0xb000 || status === 0xb006 || status === 0xb007;
}

/** A DIMSE status's meaning (PS3.4 Annex B, PS3.7 Annex C), in a few words. */
export function statusMeaning(status: number): string {
  if (status === 0x0000) return 'success';
  if (status === 0xb000) return 'stored with coercion of data elements';
  if (status === 0xb006) return 'stored, some elements discarded';
  if (status === 0xb007) return 'stored, but the data set does not match the SOP class';
  if ((status & 0xff00) === 0xa700) return 'refused: out of resources';
  if ((status & 0xff00) === 0xa900) return 'error: the data set does not match the SOP class';
  if ((status & 0xf000) === 0xc000) return 'error: the PACS cannot understand the image';
  const known: Record<number, string> = {
    0x0110: 'processing failure',
    0x0111: 'duplicate SOP instance',
    0x0117: 'invalid object instance',
    0x0122: 'SOP class not supported',
    0x0124: 'not authorised',
    0x0210: 'duplicate invocation',
    0x0211: 'unrecognised operation',
    0x0212: 'mistyped argument',
    0x0213: 'resource limitation',
  };
  return known[status] ?? 'failure';
}

/** An A-ASSOCIATE-RJ in words (PS3.8 9.3.4). */
export function rejectionMeaning(result: number, source: number, reason: number): string {
  const transient = result === 2 ? ' (for now)' : '';
  if (source === 1) {
    if (reason === 2) return `application context not supported${transient}`;
    if (reason === 3) return `calling AE title not recognised${transient}`;
    if (reason === 7) return `called AE title not recognised${transient}`;
    return `no reason given${transient}`;
  }
  if (source === 2) return reason === 2 ? `protocol version not supported${transient}` : `no reason given${transient}`;
  if (source === 3) return reason === 1 ? 'temporary congestion' : reason === 2 ? 'local limit exceeded' : `no reason given${transient}`;
  return `no reason given${transient}`;
}

const SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'lossless JPEG',
  '1.2.840.10008.1.2.4.70': 'lossless JPEG',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS near-lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE lossless',
};
const syntaxName = (uid: string): string => SYNTAX_NAMES[uid] ?? uid;

const where = (p: PeerLabel): string => `The PACS "${p.name}" (${p.aeTitle} at ${p.host}:${p.port})`;
const WAITS = 'The images wait on this computer and are sent as soon as it answers.';

/** The socket error code in words. */
function noAnswerWords(code: string): string {
  if (code === 'ECONNREFUSED') return 'refuses connections on that port';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'cannot be found on the network (unknown host name)';
  if (code === 'ETIMEDOUT' || code === 'TIMEOUT') return 'does not answer (timed out)';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'closed the connection';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'cannot be reached from this computer';
  return 'does not answer';
}

/** A forward's outcome as a job failure and what it means for its route; null when the image is stored. */
export function forwardFailure(o: DimseOutcome, p: PeerLabel): { failure: JobFailure; route: RouteEffect } | null {
  switch (o.kind) {
    case 'status': {
      if (isStored(o.status)) return null;
      const meaning = `status ${hex(o.status)}: ${statusMeaning(o.status)}`;
      if ((o.status & 0xff00) === 0xa700 || o.status === 0x0213) {
        // Out of resources: the PACS answered; try again later, the route stays up.
        return { failure: { kind: 'retry', status: o.status, code: 'PacsOutOfResources', message: `${where(p)} could not store this image now (${meaning}). It will be tried again.` }, route: null };
      }
      return {
        failure: { kind: 'fatal', status: o.status, code: 'PacsRefused', message: `${where(p)} refused this image (${meaning}). Ask the PACS administrator why, then retry it from the Queue.` },
        route: null,
      };
    }
    case 'no-answer':
      return {
        failure: { kind: 'retry', code: 'PacsUnreachable', keepLaneOnline: true, message: `${where(p)} ${noAnswerWords(o.code)}. ${WAITS}` },
        route: 'offline',
      };
    case 'association-rejected': {
      const meaning = rejectionMeaning(o.result, o.source, o.reason);
      const advice =
        o.source === 1 && o.reason === 3
          ? ` Ask the PACS administrator to accept the calling AE title "${p.callingAeTitle}", or correct it in the route.`
          : o.source === 1 && o.reason === 7
            ? ` Check the PACS's AE title in the route ("${p.aeTitle}").`
            : '';
      return {
        failure: { kind: 'retry', code: 'PacsAssociationRejected', keepLaneOnline: true, message: `${where(p)} refused the connection (${meaning}).${advice} ${WAITS}` },
        route: o.result === 2 || o.source === 3 ? 'offline' : 'refused',
      };
    }
    case 'class-not-accepted':
      return {
        failure: {
          kind: 'fatal',
          code: 'PacsClassNotAccepted',
          message: `${where(p)} does not accept this kind of image (SOP class ${o.sopClassUid}). Ask the PACS administrator to accept it, then retry it from the Queue.`,
        },
        route: null,
      };
    case 'not-converted':
      return {
        failure: {
          kind: 'fatal',
          code: 'PacsSyntaxNotAccepted',
          message: `${where(p)} does not accept ${syntaxName(o.syntax)} images, and the station could not convert this one to a form it accepts. Ask the PACS administrator to accept ${syntaxName(o.syntax)}, then retry it from the Queue.`,
        },
        route: null,
      };
    case 'no-response':
      return {
        failure: { kind: 'retry', code: 'PacsNoResponse', keepLaneOnline: true, message: `${where(p)} closed the connection before confirming the image. ${WAITS}` },
        route: 'offline',
      };
    case 'aborted':
      return { failure: { kind: 'retry', code: 'ABORTED', message: 'Sending was stopped; it resumes later.' }, route: null };
  }
}

/** "Test (C-ECHO)" in one sentence. */
export function echoMessage(o: DimseOutcome, p: PeerLabel, ms: number | null): { ok: boolean; message: string } {
  if (o.kind === 'status' && o.status === 0) {
    return { ok: true, message: `${where(p)} answered the echo${ms === null ? '' : ` in ${Math.max(1, Math.round(ms))} ms`}: it accepts the station as "${p.callingAeTitle}".` };
  }
  if (o.kind === 'status') return { ok: false, message: `${where(p)} answered the echo with status ${hex(o.status)} (${statusMeaning(o.status)}).` };
  if (o.kind === 'no-answer') return { ok: false, message: `${where(p)} ${noAnswerWords(o.code)}. Check the host, the port and that the PACS is running.` };
  if (o.kind === 'association-rejected') {
    const f = forwardFailure(o, p)!;
    return { ok: false, message: f.failure.message.replace(` ${WAITS}`, '') };
  }
  if (o.kind === 'class-not-accepted') return { ok: false, message: `${where(p)} accepted the connection but not the echo (verification is not supported).` };
  return { ok: false, message: `${where(p)} closed the connection without answering the echo.` };
}
