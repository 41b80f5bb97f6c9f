// Bad input at the DICOM listener (issue 13): a truncated object, bytes that are not DICOM, an
// unknown SOP class, a wrong called AE title, an unknown caller, a peer that drops the connection
// mid-object, an object over the size limit, a full disk, too many associations, an idle one.
// The camera gets the right status, nothing half-written remains, and the next good object lands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { datasetOffset, dcmtkSkipReason, echo, hasDcmtk, makeOp, openDicomStation, run, send, sopInstanceOf, start, writeMultiFrame, type DicomStation } from '../fixtures/dicom-camera.ts';
import { holdAssociation, rawStore } from '../fixtures/dicom-raw-scu.ts';

const OP = '1.2.840.10008.5.1.4.1.1.77.1.5.1';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

async function images(s: DicomStation) {
  return (await s.station.api['images.list']({ limit: 500 })).items;
}

/** The next good object still lands as an image. */
async function takesNextGood(s: DicomStation, dir: string, seed: number): Promise<void> {
  const file = await makeOp({ dir, name: `good-${seed}`, laterality: 'R', seed });
  const r = await send(s.port, [file]);
  expect(r.code, r.out).toBe(0);
  await s.station.dicom.intake.idle();
  await s.station.pipeline.idle();
  const sop = await sopInstanceOf(file);
  expect((await images(s)).find((i) => i.sourcePath === `dicom://CAM1/${sop}`)?.status).toBe('ready');
}

describe.skipIf(!hasDcmtk)(`DICOM listener: bad input${hasDcmtk ? '' : ` (skipped: ${dcmtkSkipReason})`}`, () => {
  let node: DicomStation;
  let dir: string;
  let good: string;
  let goodDataset: Buffer;
  beforeAll(async () => {
    node = await openDicomStation();
    dir = tempDir('dicom-bad');
    good = await makeOp({ dir, name: 'source', laterality: 'L', seed: 3 });
    goodDataset = readFileSync(good).subarray(await datasetOffset(good));
  });
  afterAll(async () => {
    await node?.station.close();
  });

  it('answers a truncated object with 0xC000 and a visible refused row; no temp file stays', async () => {
    const sop = '1.2.826.0.1.3680043.10.999.1';
    const r = await rawStore({ port: node.port, callingAe: 'CAM1', calledAe: 'STATION', sopClass: OP, sopInstance: sop, transferSyntax: JPEG_BASELINE, dataset: goodDataset.subarray(0, goodDataset.length - 1500) });
    expect(r).toEqual({ associated: true, status: 0xc000, closedByPeer: false });
    const refused = (await images(node)).find((i) => i.sourcePath === `dicom://CAM1/${sop}`);
    expect(refused?.status).toBe('error');
    expect(refused?.error).toMatch(/^Camera CAM1 sent an incomplete DICOM object/);
    expect(refused?.error).not.toMatch(/Test|Network|NET-0001/); // no patient data
    // There is no file to read again: "Try again" says to send it from the camera.
    await expect(node.station.api['images.retry']({ id: refused!.id })).rejects.toThrow(/send it again from the camera/);
    expect(node.station.dicom.repo.instance(sop)).toBeUndefined();
    expect(node.tmpFiles()).toEqual([]);
    await takesNextGood(node, dir, 11);
  });

  it('answers bytes that are not DICOM with 0xC000', async () => {
    const r = await rawStore({ port: node.port, callingAe: 'CAM1', calledAe: 'STATION', sopClass: OP, sopInstance: '1.2.826.0.1.3680043.10.999.2', transferSyntax: JPEG_BASELINE, dataset: Buffer.from('this is a text file, not a DICOM data set at all!') });
    expect(r).toMatchObject({ status: 0xc000 });
    expect(node.tmpFiles()).toEqual([]);
  });

  it('refuses an unknown SOP class at negotiation', async () => {
    const ct = path.join(dir, 'ct.dcm');
    copyFileSync(good, ct);
    expect((await run('dcmodify', ['-nb', '-m', 'SOPClassUID=1.2.840.10008.5.1.4.1.1.2', ct])).code).toBe(0);
    const r = await send(node.port, [ct]);
    expect(r.out).toMatch(/no acceptable presentation context/i);
    await takesNextGood(node, dir, 12);
  });

  it('refuses a wrong called AE title as "Called AE Title Not Recognized"', async () => {
    const r = await echo(node.port, 'CAM1', 'SOMEONEELSE');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Called AE Title Not Recognized/);
  });

  it('refuses an unknown caller, and lets it in once unknown cameras are allowed', async () => {
    const r = await echo(node.port, 'STRANGER', 'STATION');
    expect(r.out).toMatch(/Calling AE Title Not Recognized/);
    const status = await node.station.api['dicom.status']({});
    expect(status.unknownCallers.find((u) => u.callingAe === 'STRANGER')).toMatchObject({ refusedAssociations: 1, lastRefusal: expect.stringMatching(/^calling AE title not recognized/) });
    await node.station.api['dicom.settings.update']({ allowUnknownCameras: true });
    node.port = node.station.dicom.listener.port()!;
    expect((await echo(node.port, 'STRANGER', 'STATION')).code).toBe(0);
    await node.station.api['dicom.settings.update']({ allowUnknownCameras: false });
    node.port = node.station.dicom.listener.port()!;
  });

  it('drops what a peer sent before it went away mid-object (raw socket), and keeps taking objects', async () => {
    const before = (await images(node)).length;
    const r = await rawStore({ port: node.port, callingAe: 'CAM1', calledAe: 'STATION', sopClass: OP, sopInstance: '1.2.826.0.1.3680043.10.999.3', transferSyntax: JPEG_BASELINE, dataset: goodDataset, dropAfter: Math.floor(goodDataset.length / 2) });
    expect(r).toMatchObject({ associated: true, status: null });
    await waitFor(() => !node.station.dicom.busy() && node.tmpFiles().length === 0, 10_000, 'the dropped transfer to be cleaned up');
    expect((await images(node)).length).toBe(before);
    await takesNextGood(node, dir, 13);
  });

  it('drops a large object when dcmsend is killed mid-transfer', async () => {
    const big = path.join(dir, 'big.dcm');
    await writeMultiFrame(big, { frames: 120, rows: 1000, columns: 1000 });
    const proc = start('dcmsend', ['-aet', 'CAM1', '-aec', 'STATION', '127.0.0.1', String(node.port), big]);
    await waitFor(() => node.station.dicom.busy(), 20_000, 'the transfer to start');
    proc.kill('SIGKILL');
    await waitFor(() => !node.station.dicom.busy() && node.tmpFiles().length === 0, 20_000, 'the killed transfer to be cleaned up');
    expect(node.station.dicom.repo.instance(await sopInstanceOf(big))).toBeUndefined();
    await takesNextGood(node, dir, 14);
  });

  it('stops an object over the size limit mid-stream, with a refused row and no temp file', async () => {
    await node.station.api['dicom.settings.update']({ maxObjectMegabytes: 1 });
    node.port = node.station.dicom.listener.port()!;
    const big = path.join(dir, 'over-limit.dcm');
    await writeMultiFrame(big, { frames: 4, rows: 1000, columns: 1000 });
    const r = await send(node.port, [big]);
    expect(r.code).not.toBe(0);
    const sop = await sopInstanceOf(big);
    await waitFor(async () => (await images(node)).find((i) => i.sourcePath === `dicom://CAM1/${sop}`), 10_000, 'the refused row');
    const row = (await images(node)).find((i) => i.sourcePath === `dicom://CAM1/${sop}`)!;
    expect(row.error).toMatch(/larger than the limit of 1 MB/);
    expect(node.tmpFiles()).toEqual([]);
    await node.station.api['dicom.settings.update']({ maxObjectMegabytes: 1024 });
    node.port = node.station.dicom.listener.port()!;
    await takesNextGood(node, dir, 15);
  });

  it('refuses a second association past the limit, and closes an idle one after the idle timeout', async () => {
    await node.station.api['dicom.settings.update']({ maxAssociations: 1, idleTimeoutSeconds: 5 });
    node.port = node.station.dicom.listener.port()!;
    const held = await holdAssociation(node.port, 'CAM1', 'STATION');
    expect(held.accepted).toBe(true);
    const r = await echo(node.port, 'CAM2', 'STATION');
    expect(r.out).toMatch(/Local Limit Exceeded/);
    // Silent for longer than the idle timeout: the station closes it.
    await held.closed;
    expect((await echo(node.port, 'CAM2', 'STATION')).code).toBe(0);
    await node.station.api['dicom.settings.update']({ maxAssociations: 8, idleTimeoutSeconds: 60 });
    node.port = node.station.dicom.listener.port()!;
  }, 30_000);
});

describe.skipIf(!hasDcmtk)('DICOM listener: a full disk', () => {
  it('answers 0xA700 (out of resources) while the data folder cannot take files, and keeps nothing', async () => {
    const node = await openDicomStation({ storage: { statfs: async () => ({ freeBytes: 0, totalBytes: 1e12 }), checkMs: 60_000 } });
    try {
      const dir = tempDir('dicom-full');
      const file = await makeOp({ dir, name: 'full', laterality: 'R', seed: 21 });
      node.station.storage.writeFailed(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }), 'full');
      const r = await send(node.port, [file]);
      expect(r.out).toMatch(/Received C-STORE Response \(Refused: OutOfResources\)/);
      expect(node.station.dicom.repo.instance(await sopInstanceOf(file))).toBeUndefined();
      expect((await node.station.api['images.list']({ limit: 10 })).items).toEqual([]);
      expect(node.tmpFiles()).toEqual([]);
    } finally {
      await node.station.close();
    }
  });
});
