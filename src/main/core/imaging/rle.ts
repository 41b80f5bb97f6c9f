// DICOM RLE Lossless (PS3.5 Annex G) -> uncompressed, pixel-interleaved, little-endian samples.
// Written here because dcmjs-imaging 0.2.5 draws GDCM's RLE colour images with wrong colours (its
// colour path mixes up the planes; DCMTK's dcmdrle and this decoder agree with the original), and
// the format is small: a 64-byte header of segment offsets, then one PackBits segment per byte
// plane (sample 0's most significant byte first).
import type { PixelDescription } from './frame.ts';

export class RleError extends Error {
  override name = 'RleError';
}

/** Decodes one RLE frame; the result has Planar Configuration 0 whatever the header says. */
export function decodeRleFrame(frame: Buffer, pixel: PixelDescription): Buffer {
  const { rows, columns, samplesPerPixel: spp, bitsAllocated } = pixel;
  if (bitsAllocated % 8 !== 0 || bitsAllocated === 0) throw new RleError('unsupported-bits');
  const bytesPerSample = bitsAllocated / 8;
  const pixels = rows * columns;
  const expected = spp * bytesPerSample;
  if (frame.length < 64) throw new RleError('short-header');
  const count = frame.readUInt32LE(0);
  if (count !== expected || count > 15) throw new RleError('segment-count');
  const out = Buffer.alloc(pixels * expected);
  for (let s = 0; s < count; s++) {
    const start = frame.readUInt32LE(4 + s * 4);
    const end = s + 1 < count ? frame.readUInt32LE(8 + s * 4) : frame.length;
    if (start < 64 || end > frame.length || end < start) throw new RleError('segment-offset');
    // Segment s holds byte (bytesPerSample - 1 - s % bytesPerSample) of sample floor(s / bytesPerSample).
    const sample = Math.floor(s / bytesPerSample);
    const byte = bytesPerSample - 1 - (s % bytesPerSample);
    unpackBits(frame, start, end, out, sample * bytesPerSample + byte, expected, pixels);
  }
  return out;
}

/** PackBits from frame[start, end) into out[offset + i * stride] for i < count. */
function unpackBits(frame: Buffer, start: number, end: number, out: Buffer, offset: number, stride: number, count: number): void {
  let i = 0;
  let pos = start;
  while (i < count && pos < end) {
    const n = frame.readInt8(pos++);
    if (n >= 0) {
      const run = Math.min(n + 1, count - i, end - pos);
      for (let k = 0; k < run; k++) out[offset + (i + k) * stride] = frame[pos + k]!;
      pos += n + 1;
      i += run;
    } else if (n > -128) {
      if (pos >= end) break;
      const v = frame[pos++]!;
      const run = Math.min(1 - n, count - i);
      for (let k = 0; k < run; k++) out[offset + (i + k) * stride] = v;
      i += run;
    }
  }
  if (i < count) throw new RleError('segment-short');
}
