// The streaming structure scanner (dicom-node/dataset-scanner.ts) and the Part 10 header the
// listener writes (file-meta.ts): real DICOM written by dcmjs, fed in chunks of every size.
import { describe, expect, it } from 'vitest';
import { DatasetScanner, type PixelPlan, type ScanResult } from '../../src/main/core/dicom-node/dataset-scanner.ts';
import { parseCompact, pixelPlan } from '../../src/main/core/dicom-node/intake.ts';
import { part10Header, IMPLEMENTATION_CLASS_UID } from '../../src/main/core/dicom-node/file-meta.ts';
import { storeVerdict } from '../../src/main/core/dicom-node/store-status.ts';
import { walkDicom } from '../../src/main/core/metadata/dicom-structure.ts';
import { parseDicom } from '../../src/main/core/metadata/dicom.ts';
import { DicomStructureError } from '../../src/main/core/metadata/dicom-structure.ts';
import { wrapInPart10 } from '../../src/main/core/dicom/part10.ts';
import { EXPLICIT_LE_SYNTAX, IMPLICIT_LE_SYNTAX, type DicomSyntax } from '../../src/main/core/dicom/vocabulary.ts';
import { TS_EXPLICIT_LE, TS_JPEG_BASELINE, writeTestDicom } from '../fixtures/dicom.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

/** The data set of a Part 10 file (after its File Meta group). */
function datasetOf(file: Buffer): Buffer {
  return file.subarray(144 + file.readUInt32LE(140));
}

function scan(dataset: Buffer, syntax: DicomSyntax, chunk: number, plan?: PixelPlan): ScanResult {
  const s = new DatasetScanner({ syntax, pixelPlan: (head) => plan ?? pixelPlan(head, syntax) });
  for (let i = 0; i < dataset.length; i += chunk) s.push(dataset.subarray(i, i + chunk));
  return s.finish();
}

describe('streaming dataset scanner', () => {
  it('keeps the attributes and the whole single frame of a JPEG object, whatever the chunk size', async () => {
    const jpeg = await syntheticFundusJpeg({ width: 320, height: 240 });
    const file = writeTestDicom({ jpegFrame: jpeg, laterality: 'L', patientId: 'SCAN-1' });
    const ds = datasetOf(file);
    for (const chunk of [1, 7, 12, 100, 4096, ds.length]) {
      const r = scan(ds, EXPLICIT_LE_SYNTAX, chunk);
      expect(r.total).toBe(ds.length);
      const compact = wrapInPart10(DatasetScanner.compact(r, EXPLICIT_LE_SYNTAX), TS_JPEG_BASELINE);
      const parsed = parseDicom(compact);
      expect(parsed.facts.laterality).toBe('OS');
      expect(parsed.facts.patientId).toBe('SCAN-1');
      expect(r.pixels).toMatchObject({ encapsulated: true, fragmentCount: 1 });
      expect(Buffer.concat((r.pixels as { kept: Buffer[] }).kept).subarray(0, jpeg.length)).toEqual(jpeg);
    }
  });

  it('keeps only the middle frame of a multi-frame object (offset table): the frame the preview shows', async () => {
    const frames = await Promise.all([1, 2, 3, 4].map((seed) => syntheticFundusJpeg({ width: 160, height: 120, seed })));
    const file = writeTestDicom({ jpegFrames: frames });
    const r = scan(datasetOf(file), EXPLICIT_LE_SYNTAX, 333);
    const px = r.pixels as { encapsulated: true; fragmentCount: number; kept: Buffer[] };
    expect(px.fragmentCount).toBe(4);
    expect(px.kept).toHaveLength(1);
    expect(px.kept[0].subarray(0, frames[1].length)).toEqual(frames[1]);
    // The facts are the object's; the compact parse holds one frame, the kept one.
    const full = parseDicom(file);
    const compact = parseCompact(wrapInPart10(DatasetScanner.compact(r, EXPLICIT_LE_SYNTAX), TS_JPEG_BASELINE));
    expect(compact.facts).toEqual(full.facts);
    expect(compact.pixel).toEqual({ ...full.pixel, numberOfFrames: 1 });
  });

  it('without an offset table, keeps the frame by end markers, or by position when there is one fragment per frame', async () => {
    const frames = await Promise.all([1, 2, 3, 4, 5].map((seed) => syntheticFundusJpeg({ width: 96, height: 64, seed })));
    const single = writeTestDicom({ jpegFrame: frames[0] });
    const head = walkDicom(single).dataset.subarray(0, walkDicom(single).pixelDataStart!);
    const item = (el: number, body: Buffer) => Buffer.concat([Buffer.from([0xfe, 0xff, el & 0xff, el >> 8]), Buffer.from(new Uint32Array([body.length]).buffer), body]);
    const even = (b: Buffer) => (b.length % 2 ? Buffer.concat([b, Buffer.alloc(1)]) : b);
    const pixelHeader = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    // Frame 3 (index 2) split in two fragments: only the end markers say where it ends.
    const split = [frames[2].subarray(0, 100), frames[2].subarray(100)];
    const fragments = [frames[0], frames[1], ...split, frames[3], frames[4]].map((f) => item(0xe000, even(f)));
    const ds = Buffer.concat([head, pixelHeader, item(0xe000, Buffer.alloc(0)), ...fragments, item(0xe0dd, Buffer.alloc(0))]);
    const byEoi = scan(ds, EXPLICIT_LE_SYNTAX, 97, { frames: 5, keepFrame: 2, frameBytes: 0 });
    expect(Buffer.concat((byEoi.pixels as { kept: Buffer[] }).kept).subarray(0, frames[2].length)).toEqual(frames[2]);
    // Six fragments for six frames (RLE-like, no end markers needed): the frame is the fragment at its position.
    const byPosition = scan(ds, EXPLICIT_LE_SYNTAX, 97, { frames: 6, keepFrame: 3, frameBytes: 0 });
    expect((byPosition.pixels as { kept: Buffer[] }).kept).toEqual([even(split[1])]);
  });

  it('keeps the representative frame of uncompressed pixels and drops the rest', () => {
    const data = Buffer.alloc(32 * 32 * 3);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    const file = writeTestDicom({ raw: { data, width: 32, height: 32, channels: 3 } });
    const r = scan(datasetOf(file), EXPLICIT_LE_SYNTAX, 500, { frames: 3, keepFrame: 1, frameBytes: 1000 });
    expect(r.pixels).toMatchObject({ encapsulated: false, declaredLength: data.length });
    expect((r.pixels as { kept: Buffer }).kept).toEqual(data.subarray(1000, 2000));
  });

  it('follows implicit VR data sets with undefined-length sequences', () => {
    const file = writeTestDicom({ preamble: false, extra: { RequestAttributesSequence: [{ ScheduledProcedureStepID: 'SPS1', RequestedProcedureID: 'RP1' }] } });
    const whole = walkDicom(file);
    const r = scan(whole.dataset, IMPLICIT_LE_SYNTAX, 5);
    expect(r.total).toBe(whole.dataset.length);
    expect(DatasetScanner.compact(r, IMPLICIT_LE_SYNTAX)).toEqual(whole.dataset);
  });

  it('says a data set cut anywhere is truncated, and one cut between elements before the pixels is incomplete when parsed', async () => {
    const file = writeTestDicom({ jpegFrame: await syntheticFundusJpeg({ width: 64, height: 64 }) });
    const ds = datasetOf(file);
    for (const cut of [3, 11, Math.floor(ds.length / 2), ds.length - 9, ds.length - 1]) {
      const s = new DatasetScanner({ syntax: EXPLICIT_LE_SYNTAX, pixelPlan: () => ({ frames: 1, keepFrame: 0, frameBytes: 0 }) });
      s.push(ds.subarray(0, cut));
      expect(() => s.finish(), `cut at ${cut}`).toThrow(DicomStructureError);
    }
  });

  it('reports bytes that cannot be DICOM as soon as it sees them', () => {
    const s = new DatasetScanner({ syntax: EXPLICIT_LE_SYNTAX, pixelPlan: () => ({ frames: 1, keepFrame: 0, frameBytes: 0 }) });
    expect(() => s.push(Buffer.from('0800050031323334this is not dicom at all', 'latin1'))).toThrow(/value representation/);
  });
});

describe('the Part 10 header of a received object', () => {
  it('frames the data set as received into a file DICOM readers take', () => {
    const file = writeTestDicom({});
    const ds = datasetOf(file);
    const header = part10Header({ sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.5.1', sopInstanceUid: '1.2.3.4.5', transferSyntaxUid: TS_EXPLICIT_LE, sourceAe: 'CAM1' });
    const layout = walkDicom(Buffer.concat([header, ds]));
    expect(layout.hasFileMeta).toBe(true);
    expect(layout.transferSyntaxUid).toBe(TS_EXPLICIT_LE);
    expect(layout.dataset).toEqual(ds);
    expect(header.toString('latin1')).toContain(IMPLEMENTATION_CLASS_UID);
    expect(header.length % 2).toBe(0);
  });
});

describe('what the camera is told', () => {
  it('maps each end to its DIMSE status, with a refused row only for objects the station refuses', () => {
    expect(storeVerdict({ kind: 'stored' }, 'CAM1')).toEqual({ status: 0, comment: null, refusal: null });
    expect(storeVerdict({ kind: 'resend' }, 'CAM1').status).toBe(0);
    const broken = storeVerdict({ kind: 'malformed', truncated: true }, 'CAM1');
    expect(broken.status).toBe(0xc000);
    expect(broken.refusal).toMatch(/^Camera CAM1 sent an incomplete DICOM object/);
    expect(storeVerdict({ kind: 'disk' }, 'CAM1')).toMatchObject({ status: 0xa700, refusal: null });
    expect(storeVerdict({ kind: 'too-large', limitBytes: 10 * 1024 * 1024 }, 'CAM1').refusal).toMatch(/limit of 10 MB/);
    expect(storeVerdict({ kind: 'sop-class-mismatch' }, 'CAM1').status).toBe(0xa900);
    for (const v of [broken, storeVerdict({ kind: 'disk' }, 'X')]) expect((v.comment ?? '').length).toBeLessThanOrEqual(64);
  });
});
