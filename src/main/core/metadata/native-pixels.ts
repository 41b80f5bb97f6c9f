// Uncompressed DICOM pixels -> an 8-bit raw frame sharp can take: one frame, colour planes
// interleaved, YBR_FULL turned into RGB, 16-bit greys windowed down to 8 bits, 16-bit colour scaled
// down to 8. The codec worker runs a decoded JPEG 2000 frame through here too.
import type { DecodableInput } from '../imaging/decode.ts';
import type { PixelDescription } from '../imaging/frame.ts';

export type NoPreview = { kind: 'none'; reason: string };

export const noPreview = (what: string): NoPreview => ({
  kind: 'none',
  reason: `No preview: ${what}. The file is kept and will be sent as it is.`,
});

export function nativeFirstFrame(data: Buffer, info: PixelDescription, bigEndian: boolean, vr: string): DecodableInput | NoPreview {
  return nativeFrame(data, info, bigEndian, vr, 0);
}

/** Frame `index` (0-based) of uncompressed pixel data `all` (every frame, back to back). */
export function nativeFrame(all: Buffer, info: PixelDescription, bigEndian: boolean, vr: string, index: number): DecodableInput | NoPreview {
  const { rows, columns, samplesPerPixel: spp, bitsAllocated, photometric } = info;
  if (rows <= 0 || columns <= 0) return noPreview('this file does not say how large its picture is');
  const pixels = rows * columns;
  const mono = photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2';
  const invert = photometric === 'MONOCHROME1' ? true : undefined;
  const frameBytes = pixels * spp * (bitsAllocated / 8);
  const start = Number.isInteger(frameBytes) ? index * frameBytes : 0;
  if (all.length < start + frameBytes) return noPreview('the picture data in this file is shorter than its size says');
  const data = start === 0 ? all : all.subarray(start);

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
  if (bitsAllocated === 16 && spp === 3 && (photometric === 'RGB' || photometric === 'YBR_FULL')) {
    const eight = scale16To8(data, pixels * 3, info.bitsStored, bigEndian);
    let rgb = info.planarConfiguration === 1 ? interleavePlanes(eight, pixels) : eight;
    if (photometric === 'YBR_FULL') rgb = ybrFullToRgb(rgb);
    return { kind: 'raw', data: rgb, width: columns, height: rows, channels: 3 };
  }
  return noPreview(`the station cannot display this file's kind of picture (${photometric}, ${bitsAllocated}-bit)`);
}

/** 16-bit samples -> their top 8 of BitsStored bits (colour has no window to apply). */
export function scale16To8(data: Buffer, samples: number, bitsStored: number, bigEndian: boolean): Buffer {
  const shift = Math.max(0, Math.min(16, bitsStored || 16) - 8);
  const out = Buffer.allocUnsafe(samples);
  for (let i = 0; i < samples; i++) {
    const v = bigEndian ? data.readUInt16BE(i * 2) : data.readUInt16LE(i * 2);
    out[i] = Math.min(255, v >> shift);
  }
  return out;
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
export function windowMonochrome16(data: Buffer, info: PixelDescription, bigEndian: boolean): Buffer {
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
