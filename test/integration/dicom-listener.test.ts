// The station as a DICOM node, with DCMTK as the camera (issue 13 item 1): echoscu; dcmsend of OP
// images in JPEG Baseline, JPEG 2000 and Explicit LE; the real samples; each lands as an image with
// its eye, and the spool keeps the data set byte for byte, a file dcmftest accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../fixtures/headless.ts';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../fixtures/shared-data.ts';
import { datasetHash, dcmtkSkipReason, echo, hasDciodvfy, hasDcmtk, makeOp, openDicomStation, run, send, sopInstanceOf, storescpReceives, type DicomStation } from '../fixtures/dicom-camera.ts';

const networkImages = async (s: DicomStation) => (await s.station.api['images.list']({ limit: 500 })).items.filter((i) => i.sourcePath.startsWith('dicom://'));
const settle = async (s: DicomStation) => {
  await s.station.dicom.intake.idle();
  await s.station.pipeline.idle();
};

describe.skipIf(!hasDcmtk)(`DICOM listener with DCMTK as the camera${hasDcmtk ? '' : ` (skipped: ${dcmtkSkipReason})`}`, () => {
  let node: DicomStation;
  let dir: string;
  beforeAll(async () => {
    node = await openDicomStation();
    dir = tempDir('dicom-files');
  });
  afterAll(async () => {
    await node?.station.close();
  });

  it('answers echoscu', async () => {
    const r = await echo(node.port);
    expect(r.code, r.out).toBe(0);
    expect(node.station.dicom.activity.all().find((a) => a.callingAe === 'CAM1')?.echoes).toBe(1);
  });

  it.each([
    ['jpeg', 'R', 'OD', '1.2.840.10008.1.2.4.50'],
    ['explicit', 'L', 'OS', '1.2.840.10008.1.2.1'],
    ['j2k', 'R', 'OD', '1.2.840.10008.1.2.4.90'],
  ] as const)('takes an OP image in %s: the image lands in its eye and the spool holds the data set as sent', async (syntax, lat, eye, ts) => {
    const file = await makeOp({ dir, name: `op-${syntax}`, laterality: lat, syntax, seed: syntax.length });
    const r = await send(node.port, [file]);
    expect(r.code, r.out).toBe(0);
    await settle(node);
    const sop = (await run('dcmdump', ['+P', 'SOPInstanceUID', file])).out.match(/\[([\d.]+)\]/)![1];
    const image = (await networkImages(node)).find((i) => i.sourcePath === `dicom://CAM1/${sop}`);
    expect(image, 'an image row for the object').toBeDefined();
    expect(image!.status).toBe('ready');
    expect(image!.laterality).toBe(eye);
    const row = node.station.dicom.repo.instance(sop)!;
    expect(row).toMatchObject({ state: 'image', image_id: image!.id, calling_ae: 'CAM1', transfer_syntax_uid: ts });
    // The stored file: the data set byte for byte, under a File Meta header DCMTK accepts.
    const stored = node.station.spool.pathFor(row.sha256);
    expect(await datasetHash(stored)).toBe(await datasetHash(file));
    const ft = await run('dcmftest', [stored]);
    expect(ft.out).toMatch(/^yes:/);
    if (hasDciodvfy) {
      // Judged against the input: the station adds no error of its own to what the sender made.
      const errors = (out: string) => out.split('\n').filter((l) => l.startsWith('Error')).sort();
      expect(errors((await run('dciodvfy', [stored])).out)).toEqual(errors((await run('dciodvfy', [file])).out));
    }
    // JPEG Baseline and uncompressed frames draw here; JPEG 2000 draws where the codec worker exists.
    if (syntax !== 'j2k') expect(image!.previewNote, 'a thumbnail').toBeNull();
  });

  it('keeps one image when the same SOP instance comes again, with the same bytes or with other bytes', async () => {
    const file = await makeOp({ dir, name: 'twice', laterality: 'L', seed: 7 });
    const changed = path.join(dir, 'twice-changed.dcm');
    copyFileSync(file, changed);
    expect((await run('dcmodify', ['-nb', '-i', 'PatientComments=sent again', changed])).code).toBe(0);
    const before = (await networkImages(node)).length;
    for (const f of [file, file, changed]) expect((await send(node.port, [f])).code).toBe(0);
    await settle(node);
    expect((await networkImages(node)).length).toBe(before + 1);
    const sop = (await run('dcmdump', ['+P', 'SOPInstanceUID', file])).out.match(/\[([\d.]+)\]/)![1];
    expect(node.station.dicom.repo.instance(sop)!.resends).toBe(2);
    expect(node.station.dicom.activity.all().find((a) => a.callingAe === 'CAM1')?.resends).toBe(2);
  });

  it('takes objects from several cameras at once', async () => {
    const files = await Promise.all([1, 2, 3, 4].map((n) => makeOp({ dir, name: `many-${n}`, laterality: n % 2 ? 'R' : 'L', seed: 100 + n })));
    const before = (await networkImages(node)).length;
    const results = await Promise.all([send(node.port, files.slice(0, 2), 'CAM1'), send(node.port, files.slice(2), 'CAM2')]);
    for (const r of results) expect(r.code, r.out).toBe(0);
    await settle(node);
    expect((await networkImages(node)).length).toBe(before + 4);
    expect(node.tmpFiles()).toEqual([]);
  });

  it('answers a worklist query with a failure status while no worklist server is plugged in', async () => {
    node.station.dicom.useWorklist(null);
    const r = await run('findscu', ['-v', '-W', '-aet', 'CAM1', '-aec', 'STATION', '-k', 'PatientName=*', '127.0.0.1', String(node.port)]);
    expect(r.out).toMatch(/Final Find Response \(Failed: UnableToProcess\)/);
  });

  it.skipIf(!hasSharedData)(`takes the real samples whose SOP classes cameras send, each with its own syntax${hasSharedData ? '' : ` (skipped: ${sharedDataSkipReason})`}`, async () => {
    const samples = [
      'wg04_VL4_J2KI_fundoscopy.dcm',
      'pydicom_SC_rgb_jpeg_dcmtk.dcm',
      'pydicom_SC_rgb_dcmtk_+eb+cr.dcm',
      'orthanc_ts_1.2.840.10008.1.2.4.80.dcm',
      'orthanc_ts_1.2.840.10008.1.2.4.90.dcm',
      'orthanc_ts_1.2.840.10008.1.2.5.dcm',
    ].map((f) => sharedPath('dicom', f));
    const r = await send(node.port, samples);
    expect(r.code, r.out).toBe(0);
    await settle(node);
    // DCMTK re-encodes some of these files in transit (item and group lengths): the reference for
    // "as received" is what DCMTK's own storescp stores from the same dcmsend.
    const reference = await storescpReceives(samples, tempDir('storescp'));
    for (const sample of samples) {
      const sop = await sopInstanceOf(sample);
      const row = node.station.dicom.repo.instance(sop);
      expect(row, path.basename(sample)).toBeDefined();
      expect(row!.state).toBe('image');
      expect(await datasetHash(node.station.spool.pathFor(row!.sha256)), path.basename(sample)).toBe(await datasetHash(reference.get(sop)!));
      expect((await run('dcmftest', [node.station.spool.pathFor(row!.sha256)])).out).toMatch(/^yes:/);
    }
    // The real fundus photograph shows as an image (JPEG 2000; its thumbnail comes from the codec worker).
    const sop = (await run('dcmdump', ['+P', 'SOPInstanceUID', samples[0]])).out.match(/\[([\d.]+)\]/)![1];
    const fundus = (await networkImages(node)).find((i) => i.sourcePath === `dicom://CAM1/${sop}`);
    expect(fundus?.status).toBe('ready');
  });

  it.skipIf(!hasSharedData)('refuses a real object of a class cameras do not send (MR) at negotiation, and keeps taking the next', async () => {
    const mr = sharedPath('dicom', 'orthanc_ts_1.2.840.10008.1.2.4.70.dcm');
    const r = await send(node.port, [mr]);
    expect(r.out).toMatch(/no acceptable pres/i);
    const good = await makeOp({ dir, name: 'after-mr', laterality: 'R', seed: 55 });
    expect((await send(node.port, [good])).code).toBe(0);
  });
});
