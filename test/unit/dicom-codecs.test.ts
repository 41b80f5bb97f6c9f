// The pieces of compressed-DICOM decoding that decide something: which frame shows a multi-frame
// object, how far JPEG 2000 may reduce, RLE's byte planes, and the codec worker's failures.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameDecodeFailed } from '../../src/main/core/imaging/codec-pool.ts';
import { decodedJ2kDescription, j2kReductionLevel } from '../../src/main/core/imaging/frame-codecs.ts';
import { representativeFrameIndex, type PixelDescription } from '../../src/main/core/imaging/frame.ts';
import { decodeRleFrame, RleError } from '../../src/main/core/imaging/rle.ts';
import { frameAt } from '../../src/main/core/metadata/dicom-preview.ts';
import { nativeFrame } from '../../src/main/core/metadata/native-pixels.ts';

const pixel = (p: Partial<PixelDescription> = {}): PixelDescription => ({
  rows: 2,
  columns: 2,
  samplesPerPixel: 1,
  photometric: 'MONOCHROME2',
  bitsAllocated: 8,
  bitsStored: 8,
  pixelRepresentation: 0,
  planarConfiguration: 0,
  windowCenter: null,
  windowWidth: null,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  ...p,
});

/** An RLE frame: the 64-byte header of segment offsets, then the segments as given. */
function rleFrame(segments: number[][]): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32LE(segments.length, 0);
  let at = 64;
  segments.forEach((seg, i) => {
    header.writeUInt32LE(at, 4 + i * 4);
    at += seg.length;
  });
  return Buffer.concat([header, ...segments.map((s) => Buffer.from(s))]);
}

describe('the frame a multi-frame object is shown by', () => {
  it('is the middle one, and the first of two', () => {
    expect([0, 1, 2, 3, 4, 5, 150].map(representativeFrameIndex)).toEqual([0, 0, 0, 1, 1, 2, 74]);
  });

  it('is found through the offset table, one fragment per frame, or end-of-image markers', () => {
    const frames = [0, 1, 2].map((k) => Buffer.from([0xff, 0x4f, k, k, 0xff, 0xd9]));
    const dataset = Buffer.concat(frames);
    const fragments = frames.map((_, k) => ({ itemOffset: k * 14, offset: k * 6, length: 6 }));
    expect(frameAt(dataset, { encapsulated: true, offsetTable: [0, 14, 28], fragments }, 3, 1)).toEqual(frames[1]);
    expect(frameAt(dataset, { encapsulated: true, offsetTable: [], fragments }, 3, 2)).toEqual(frames[2]);
    // Two fragments for frame 2 and no table: frames end at the fragment ending in FFD9.
    const split = [Buffer.from([0xff, 0x4f, 0, 0xff, 0xd9, 0]), Buffer.from([0xff, 0x4f, 1, 1, 1, 1]), Buffer.from([1, 1, 0xff, 0xd9])];
    const splitFragments = split.map((b, k) => ({ itemOffset: k * 14, offset: k * 6, length: b.length }));
    expect(frameAt(Buffer.concat(split), { encapsulated: true, offsetTable: [], fragments: splitFragments }, 2, 1)).toEqual(Buffer.concat([split[1]!, split[2]!]));
  });

  it('of uncompressed pixels starts at its own offset', () => {
    const all = Buffer.from([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(nativeFrame(all, pixel(), false, 'OB', 1)).toMatchObject({ kind: 'raw', data: Buffer.from([2, 2, 2, 2]) });
    expect(nativeFrame(all, pixel(), false, 'OB', 3)).toMatchObject({ kind: 'none' });
  });
});

describe('JPEG 2000 reduced-resolution decoding', () => {
  it('halves as often as the 512 px analysis image allows', () => {
    expect(j2kReductionLevel(1868, 2226, 512)).toBe(2); // the real fundus sample: 557x467
    expect(j2kReductionLevel(3000, 4000, 512)).toBe(2); // 1000x750; one more would be 500
    expect(j2kReductionLevel(300, 400, 512)).toBe(0);
    expect(j2kReductionLevel(1868, 2226, 2400)).toBe(0); // the full view
  });

  it('takes what OpenJPEG returns as interleaved RGB when the codestream carried the colour transform', () => {
    const d = decodedJ2kDescription(pixel({ samplesPerPixel: 3, photometric: 'YBR_ICT', planarConfiguration: 1 }), 557, 467, 8, false);
    expect(d).toMatchObject({ photometric: 'RGB', planarConfiguration: 0, rows: 467, columns: 557, bitsAllocated: 8 });
    expect(decodedJ2kDescription(pixel({ bitsAllocated: 16, bitsStored: 12 }), 10, 10, 12, true)).toMatchObject({ bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1 });
  });
});

describe('RLE frames', () => {
  it('unpack literal and repeated runs into interleaved colour', () => {
    // 2x2 RGB: R = 10,10,10,10 (a run); G = 1,2,3,4 (literal); B = 7,7 then 8,9.
    const frame = rleFrame([[-3 & 0xff, 10], [3, 1, 2, 3, 4], [-1 & 0xff, 7, 1, 8, 9]]);
    const out = decodeRleFrame(frame, pixel({ samplesPerPixel: 3, photometric: 'RGB', planarConfiguration: 1 }));
    expect([...out]).toEqual([10, 1, 7, 10, 2, 7, 10, 3, 8, 10, 4, 9]);
  });

  it('put 16-bit samples together from their high and low byte planes', () => {
    const frame = rleFrame([[3, 0x01, 0x02, 0x00, 0xff], [3, 0x00, 0x10, 0x20, 0x30]]);
    const out = decodeRleFrame(frame, pixel({ bitsAllocated: 16, bitsStored: 16 }));
    expect([0, 1, 2, 3].map((i) => out.readUInt16LE(i * 2))).toEqual([0x0100, 0x0210, 0x0020, 0xff30]);
  });

  it('refuse a damaged header or a segment that ends early', () => {
    const grey = pixel();
    expect(() => decodeRleFrame(Buffer.alloc(10), grey)).toThrow(RleError);
    expect(() => decodeRleFrame(rleFrame([[3, 1, 2, 3, 4], [3, 1, 2, 3, 4]]), grey)).toThrow(/segment-count/);
    const beyond = rleFrame([[3, 1, 2, 3, 4]]);
    beyond.writeUInt32LE(9999, 4);
    expect(() => decodeRleFrame(beyond, grey)).toThrow(/segment-offset/);
    expect(() => decodeRleFrame(rleFrame([[1, 1, 2]]), grey)).toThrow(/segment-short/);
  });
});

describe('the codec worker', () => {
  it('rejects frames it cannot draw with a code, and goes on decoding', async () => {
    const decoder = new FrameDecoder();
    try {
      const junk = { bytes: Buffer.alloc(512, 3), pixel: pixel({ rows: 16, columns: 16 }) };
      await expect(decoder.decode({ ...junk, syntax: '1.2.840.10008.1.2.4.91' }, 512)).rejects.toMatchObject({ name: 'FrameDecodeFailed', code: 'j2k-decode-failed' });
      await expect(decoder.decode({ ...junk, syntax: '1.2.840.10008.1.2.4.80' }, 512)).rejects.toBeInstanceOf(FrameDecodeFailed);
      await expect(decoder.decode({ ...junk, syntax: '1.2.3.4' }, 512)).rejects.toMatchObject({ code: 'unsupported-syntax' });
      const rle = rleFrame([[3, 5, 6, 7, 8]]);
      await expect(decoder.decode({ syntax: '1.2.840.10008.1.2.5', bytes: rle, pixel: pixel() }, 512)).resolves.toMatchObject({ width: 2, height: 2, channels: 1, data: Buffer.from([5, 6, 7, 8]) });
    } finally {
      await decoder.close();
    }
  });
});

describe('the codec worker in the Electron build', () => {
  it('declares no `require` of its own (electron-vite puts a `require` shim at the top of its ESM bundles)', () => {
    for (const file of ['codec-worker.ts', 'frame-codecs.ts', 'rle.ts', 'frame.ts']) {
      const source = readFileSync(new URL(`../../src/main/core/imaging/${file}`, import.meta.url), 'utf8');
      expect(source, file).not.toMatch(/\b(const|let|var|function)\s+require\b/);
    }
  });
});
