import { describe, expect, it } from 'vitest';
import type { DicomPixelInfo } from '../../src/main/core/metadata/dicom.ts';
import { interleavePlanes, nativeFirstFrame, windowMonochrome16, ybrFullToRgb } from '../../src/main/core/metadata/native-pixels.ts';

const info = (over: Partial<DicomPixelInfo>): DicomPixelInfo => ({
  rows: 1,
  columns: 4,
  samplesPerPixel: 1,
  photometric: 'MONOCHROME2',
  bitsAllocated: 16,
  bitsStored: 16,
  pixelRepresentation: 0,
  planarConfiguration: 0,
  numberOfFrames: 1,
  windowCenter: null,
  windowWidth: null,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  ...over,
});

const u16 = (values: number[], bigEndian = false): Buffer => {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => (bigEndian ? b.writeUInt16BE(v & 0xffff, i * 2) : b.writeUInt16LE(v & 0xffff, i * 2)));
  return b;
};

describe('16-bit greys to 8 bits', () => {
  it('stretches min..max when the file gives no window', () => {
    expect([...windowMonochrome16(u16([100, 200, 300, 500]), info({}), false)]).toEqual([0, 64, 128, 255]);
  });

  it('applies the file window (DICOM linear function) after the rescale', () => {
    // values 0..3000 with intercept -1000 -> -1000..2000; window 40/400 spans about -160..240
    const out = windowMonochrome16(u16([0, 1000, 1040, 3000]), info({ rescaleIntercept: -1000, windowCenter: 40, windowWidth: 400 }), false);
    expect([...out]).toEqual([0, 102, 128, 255]);
  });

  it('sign-extends signed samples from Bits Stored and reads big endian', () => {
    const signed = info({ pixelRepresentation: 1, bitsStored: 12 });
    // 0x0800 is -2048, 0x0fff is -1 in 12 bits, 0x07ff is 2047 (read as unsigned they would order differently)
    expect([...windowMonochrome16(u16([0x0800, 0x0fff, 0x0000, 0x07ff], true), signed, true)]).toEqual([0, 127, 128, 255]);
  });

  it('gives MONOCHROME1 frames the invert flag and refuses what it cannot draw', () => {
    const mono1 = nativeFirstFrame(u16([1, 2, 3, 4]), info({ photometric: 'MONOCHROME1' }), false, 'OW');
    expect(mono1).toMatchObject({ kind: 'raw', channels: 1, invert: true });
    const palette = nativeFirstFrame(Buffer.alloc(4), info({ bitsAllocated: 8, photometric: 'PALETTE COLOR' }), false, 'OW');
    expect(palette).toMatchObject({ kind: 'none' });
    const short = nativeFirstFrame(Buffer.alloc(3), info({}), false, 'OW');
    expect(short).toMatchObject({ kind: 'none', reason: expect.stringMatching(/shorter/) });
  });
});

describe('8-bit colour', () => {
  it('interleaves planar RGB and converts YBR_FULL', () => {
    expect([...interleavePlanes(Buffer.from([1, 2, 10, 20, 100, 200]), 2)]).toEqual([1, 10, 100, 2, 20, 200]);
    // mid grey stays grey; Y 76 / Cb 85 / Cr 255 is (nearly) pure red
    expect([...ybrFullToRgb(Buffer.from([128, 128, 128, 76, 85, 255]))]).toEqual([128, 128, 128, 254, 0, 0]);
  });

  it('swaps byte pairs of 8-bit samples stored as big-endian OW', () => {
    const frame = nativeFirstFrame(Buffer.from([2, 1, 4, 3]), info({ bitsAllocated: 8 }), true, 'OW');
    expect(frame.kind === 'raw' && [...frame.data]).toEqual([1, 2, 3, 4]);
    const ob = nativeFirstFrame(Buffer.from([2, 1, 4, 3]), info({ bitsAllocated: 8 }), true, 'OB');
    expect(ob.kind === 'raw' && [...ob.data]).toEqual([2, 1, 4, 3]);
  });
});
