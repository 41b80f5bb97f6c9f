// What makes the listener fast (issue 13 benchmark), checked with DCMTK and a raw peer: the
// A-ASSOCIATE-AC announces the station's own Maximum Length Received, so dcmsend sends large PDUs
// (and the object is still stored byte for byte); a PDU longer than announced is aborted from its
// header; and while a camera is sending, the images of objects already acknowledged wait (the
// ingest gate) and follow once it stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { datasetHash, datasetOffset, dcmtkSkipReason, hasDcmtk, makeOp, openDicomStation, run, sopInstanceOf, type DicomStation } from '../fixtures/dicom-camera.ts';
import { holdAssociation, rawStore } from '../fixtures/dicom-raw-scu.ts';
import { RECEIVE_MAX_PDU } from '../../src/main/core/dicom-node/scp.ts';

const OP = '1.2.840.10008.5.1.4.1.1.77.1.5.1';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

describe.skipIf(!hasDcmtk)(`DICOM listener throughput${hasDcmtk ? '' : ` (skipped: ${dcmtkSkipReason})`}`, () => {
  let node: DicomStation;
  let dir: string;
  beforeAll(async () => {
    node = await openDicomStation();
    dir = tempDir('dicom-throughput');
  });
  afterAll(async () => {
    await node?.station.close();
  });

  it('announces its own maximum PDU length, so dcmsend sends large PDUs; the object is stored byte for byte', async () => {
    const file = await makeOp({ dir, name: 'large-pdu', laterality: 'R', seed: 21, width: 1200, height: 800 });
    const r = await run('dcmsend', ['-d', '-aet', 'CAM1', '-aec', 'STATION', '127.0.0.1', String(node.port), file]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Their Max PDU Receive Size:  ${RECEIVE_MAX_PDU}`);
    // DCMTK sends at most 128 KB PDUs (its own cap); before, the station echoed dcmsend's 16 KB.
    expect(Number(/Max Send PDV: (\d+)/.exec(r.out)?.[1])).toBeGreaterThan(100_000);
    await node.station.dicom.intake.idle();
    const row = node.station.dicom.repo.instance(await sopInstanceOf(file));
    expect(row).toBeTruthy();
    expect(await datasetHash(node.station.spool.pathFor(row!.sha256))).toBe(await datasetHash(file));
  });

  it('aborts a peer whose PDU is longer than the station announced, from the PDU header', async () => {
    const held = await holdAssociation(node.port, 'CAM1', 'STATION');
    expect(held.accepted).toBe(true);
    const answer: Buffer[] = [];
    held.socket.on('data', (d: Buffer) => answer.push(d));
    const header = Buffer.alloc(12);
    header.writeUInt8(0x04, 0);
    header.writeUInt32BE(RECEIVE_MAX_PDU + 1, 2);
    held.socket.write(header);
    await held.closed;
    const bytes = Buffer.concat(answer);
    expect(bytes[0]).toBe(0x07); // A-ABORT
    expect(bytes[8]).toBe(2); // source: service provider
  });

  it('lets images of acknowledged objects wait while another camera is mid-object, and takes them in once it stops', async () => {
    const held = await makeOp({ dir, name: 'held', laterality: 'L', seed: 22 });
    const dataset = readFileSync(held).subarray(await datasetOffset(held));
    const release = Promise.withResolvers<void>();
    const slow = rawStore({ port: node.port, callingAe: 'CAM2', calledAe: 'STATION', sopClass: OP, sopInstance: '1.2.826.0.1.3680043.10.999.77', transferSyntax: JPEG_BASELINE, dataset, dropAfter: Math.floor(dataset.length / 2), holdUntil: release.promise });
    await waitFor(() => node.station.dicom.listener.status().receiving === 1, 20_000, 'the raw peer mid-object');
    const file = await makeOp({ dir, name: 'while-busy', laterality: 'R', seed: 23 });
    const sent = await run('dcmsend', ['-aet', 'CAM1', '-aec', 'STATION', '127.0.0.1', String(node.port), file]);
    expect(sent.code, sent.out).toBe(0);
    const sop = await sopInstanceOf(file);
    // Acknowledged (durable, recorded) but its image waits: CAM2 is still sending.
    expect(node.station.dicom.repo.instance(sop)?.image_id ?? null).toBeNull();
    expect(node.station.dicom.intake.waitingImages).toBe(1);
    release.resolve();
    await slow;
    await node.station.dicom.intake.idle();
    await node.station.pipeline.idle();
    expect(node.station.dicom.repo.instance(sop)?.image_id).toBeTruthy();
    expect(node.station.dicom.intake.waitingImages).toBe(0);
  });
});
