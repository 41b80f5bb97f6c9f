// What a PACS answered, in words and as a job failure (pacs/dimse-status.ts), and the File Meta
// reader the forward uses to send the stored bytes (pacs/dimse-client.ts). Pure.
import { describe, expect, it } from 'vitest';
import { echoMessage, forwardFailure, isStored, rejectionMeaning, statusMeaning, type PeerLabel } from '../../src/main/core/pacs/dimse-status.ts';
import { readPart10Head } from '../../src/main/core/pacs/dimse-client.ts';
import { OP_8BIT_SOP_CLASS, writeTestDicom } from '../fixtures/dicom.ts';

const peer: PeerLabel = { name: 'Clinic PACS', host: 'pacs.local', port: 104, aeTitle: 'PACS', callingAeTitle: 'CAPTURE' };

describe('DIMSE statuses and outcomes', () => {
  it('success and the C-STORE warnings are stored; refusals and errors are not', () => {
    for (const s of [0x0000, 0xb000, 0xb006, 0xb007]) expect(isStored(s), s.toString(16)).toBe(true);
    for (const s of [0xa700, 0xa900, 0xc000, 0x0122, 0x0110]) expect(isStored(s), s.toString(16)).toBe(false);
    expect(statusMeaning(0xa701)).toBe('refused: out of resources');
    expect(statusMeaning(0xc123)).toBe('error: the PACS cannot understand the image');
    expect(rejectionMeaning(1, 1, 3)).toBe('calling AE title not recognised');
    expect(rejectionMeaning(2, 3, 1)).toBe('temporary congestion');
  });

  it('a refusal status fails the image for a person, with the code and its meaning', () => {
    const f = forwardFailure({ kind: 'status', status: 0xa900, syntax: null, transcoded: false }, peer)!;
    expect(f.route).toBeNull();
    expect(f.failure).toMatchObject({ kind: 'fatal', status: 0xa900, code: 'PacsRefused' });
    expect(f.failure.message).toBe(
      'The PACS "Clinic PACS" (PACS at pacs.local:104) refused this image (status 0xA900: error: the data set does not match the SOP class). Ask the PACS administrator why, then retry it from the Queue.',
    );
    // Out of resources: the PACS answered; try again later.
    expect(forwardFailure({ kind: 'status', status: 0xa700, syntax: null, transcoded: false }, peer)!.failure.kind).toBe('retry');
    expect(forwardFailure({ kind: 'status', status: 0xb000, syntax: null, transcoded: false }, peer)).toBeNull();
  });

  it('no answer, a dropped connection and a refused association hold the route and retry; the lane stays online', () => {
    const none = forwardFailure({ kind: 'no-answer', code: 'ECONNREFUSED' }, peer)!;
    expect(none).toMatchObject({ route: 'offline', failure: { kind: 'retry', keepLaneOnline: true, code: 'PacsUnreachable' } });
    expect(none.failure.status).toBeUndefined();
    expect(forwardFailure({ kind: 'no-response', code: null }, peer)!.route).toBe('offline');
    const refused = forwardFailure({ kind: 'association-rejected', result: 1, source: 1, reason: 3 }, peer)!;
    expect(refused.route).toBe('refused');
    expect(refused.failure.message).toContain('Ask the PACS administrator to accept the calling AE title "CAPTURE"');
    expect(forwardFailure({ kind: 'association-rejected', result: 2, source: 3, reason: 1 }, peer)!.route).toBe('offline');
  });

  it('an unaccepted class or syntax is a clear failure for a person, never a success', () => {
    const syntax = forwardFailure({ kind: 'not-converted', syntax: '1.2.840.10008.1.2.4.80' }, peer)!;
    expect(syntax.failure).toMatchObject({ kind: 'fatal', code: 'PacsSyntaxNotAccepted' });
    expect(syntax.failure.message).toContain('does not accept JPEG-LS lossless images');
    expect(forwardFailure({ kind: 'class-not-accepted', sopClassUid: OP_8BIT_SOP_CLASS }, peer)!.failure.kind).toBe('fatal');
  });

  it('Test (C-ECHO) answers in one sentence', () => {
    expect(echoMessage({ kind: 'status', status: 0, syntax: null, transcoded: false }, peer, 12.4)).toEqual({
      ok: true,
      message: 'The PACS "Clinic PACS" (PACS at pacs.local:104) answered the echo in 12 ms: it accepts the station as "CAPTURE".',
    });
    expect(echoMessage({ kind: 'no-answer', code: 'ENOTFOUND' }, peer, null).message).toBe(
      'The PACS "Clinic PACS" (PACS at pacs.local:104) cannot be found on the network (unknown host name). Check the host, the port and that the PACS is running.',
    );
    expect(echoMessage({ kind: 'association-rejected', result: 1, source: 1, reason: 7 }, peer, null).message).toBe(
      'The PACS "Clinic PACS" (PACS at pacs.local:104) refused the connection (called AE title not recognised). Check the PACS\'s AE title in the route ("PACS").',
    );
  });
});

describe('the File Meta of a stored object', () => {
  it('gives the syntax, the SOP class and instance, and where the data set starts', () => {
    const bytes = writeTestDicom({ raw: { data: Buffer.alloc(12), width: 2, height: 2, channels: 3 } });
    const head = readPart10Head(bytes)!;
    expect(head).toMatchObject({ transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: OP_8BIT_SOP_CLASS });
    expect(head.sopInstanceUid).toMatch(/^[0-9.]+$/);
    expect(bytes.readUInt16LE(head.datasetOffset)).toBe(0x0008);
    expect(readPart10Head(Buffer.from('not a DICOM file at all'))).toBeNull();
    expect(readPart10Head(bytes.subarray(0, 140))).toBeNull();
  });
});
