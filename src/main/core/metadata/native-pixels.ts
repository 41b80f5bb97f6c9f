// Uncompressed DICOM pixels -> an 8-bit raw frame sharp can take: first frame only, colour planes
// interleaved, YBR_FULL turned into RGB, 16-bit greys windowed down to 8 bits.
import type { DecodableInput } from '../imaging/decode.ts';
import type { DicomPixelInfo } from './dicom.ts';

export type NoPreview = { kind: 'none'; reason: string };

export const noPreview = (what: string): NoPreview => ({
  kind: 'none',
  reason: `No preview: ${what}. The file is kept and will be sent as it is.`,
});

export function nativeFirstFrame(data: Buffer, info: DicomPixelInfo, bigEndian: boolean, vr: string): DecodableInput | NoPreview {
  const { rows, columns, samplesPerPixel: spp, bitsAllocated, photometric } = info;
  if (rows <= 0 || columns <= 0) return noPreview('this file does not say how large its picture is');
  const pixels = rows * columns;
  const mono = photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2';
  const invert = photometric === 'MONOCHROME1' ? true : undefined;
  const frameBytes = pixels * spp * (bitsAllocated / 8);
  if (data.length < frameBytes) return noPreview('the picture data in this file is shorter than its size says');

  if (bitsAllocated === 8) {
    // 8-bit samples stored as OW in big endian come in swapped byte pairs.
    let frame = data.subarray(0, frameBytes);
    if (bigEndian && vr === 'OW') {
      const words = Buffer.alloc(frameBytes + (frameBytes % 2));
      data.copy(words, 0, 0, words.length);
      frame = words.swap16().subarray(0, frameBytes);
    }
    if (mono && spp === 1) return { kind: 'raw', data: frame, width: columns, height: rows, channels: 1, invert };
    if (spp === 3 && (photometric === 'RGB' || photometric === 'YBR_FULL')) {
      let rgb = info.planarConfiguration === 1 ? interleavePlanes(frame, pixels) : frame;
      if (photometric === 'YBR_FULL') rgb = ybrFullToRgb(rgb);
      return { kind: 'raw', data: rgb, width: columns, height: rows, channels: 3 };
    }
  }
  if (bitsAllocated === 16 && mono && spp === 1) {
    return { kind: 'raw', data: windowMonochrome16(data, info, bigEndian), width: columns, height: rows, channels: 1, invert };
  }
  return noPreview(`the station cannot display this file's kind of picture (${photometric}, ${bitsAllocated}-bit)`);
}

/** RRR...GGG...BBB... -> RGBRGB... */
export function interleavePlanes(planar: Buffer, pixels: number): Buffer {
  const out = Buffer.allocUnsafe(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[i * 3] = planar[i];
    out[i * 3 + 1] = planar[pixels + i];
    out[i * 3 + 2] = planar[2 * pixels + i];
  }
  return out;
}

const clamp8 = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Full-range YCbCr (ITU-R BT.601, as DICOM's YBR_FULL) -> RGB. */
export function ybrFullToRgb(ybr: Buffer): Buffer {
  const out = Buffer.allocUnsafe(ybr.length);
  for (let i = 0; i + 2 < ybr.length; i += 3) {
    const y = ybr[i];
    const cb = ybr[i + 1] - 128;
    const cr = ybr[i + 2] - 128;
    out[i] = clamp8(y + 1.402 * cr);
    out[i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clamp8(y + 1.772 * cb);
  }
  return out;
}

/**
 * 16-bit grey -> 8-bit: stored value -> modality value (rescale slope/intercept) -> the linear VOI
 * window of DICOM PS3.3 C.11.2.1.2 when the file gives one, else the frame's own min..max.
 */
export function windowMonochrome16(data: Buffer, info: DicomPixelInfo, bigEndian: boolean): Buffer {
  const pixels = info.rows * info.columns;
  const bits = Math.min(16, Math.max(1, info.bitsStored));
  const shift = 32 - bits;
  const mask = bits >= 16 ? 0xffff : (1 << bits) - 1;
  const signed = info.pixelRepresentation === 1;
  const values = new Float64Array(pixels);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels; i++) {
    const raw = bigEndian ? data.readUInt16BE(i * 2) : data.readUInt16LE(i * 2);
    const stored = signed ? (raw << shift) >> shift : raw & mask; // sign-extend from BitsStored
    const v = stored * info.rescaleSlope + info.rescaleIntercept;
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let low = min;
  let high = max;
  if (info.windowCenter !== null && info.windowWidth !== null && info.windowWidth >= 1) {
    low = info.windowCenter - 0.5 - (info.windowWidth - 1) / 2;
    high = info.windowCenter - 0.5 + (info.windowWidth - 1) / 2;
  }
  const out = Buffer.allocUnsafe(pixels);
  const span = high - low;
  for (let i = 0; i < pixels; i++) {
    const v = values[i];
    out[i] = span <= 0 ? (v > low ? 255 : 0) : clamp8(((v - low) / span) * 255);
  }
  return out;
}
