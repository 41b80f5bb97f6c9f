// The picture inside a DICOM file, as something the decode step can draw: the first frame's own
// JPEG bytes (JPEG Baseline, 8-bit JPEG Extended), an uncompressed frame as raw pixels, or a
// plain reason why there is no preview. The file itself is always kept and sent unchanged.
import type { DecodableInput } from '../imaging/decode.ts';
import type { ParsedDicom } from './dicom.ts';
import {
  TS_DEFLATED_LE,
  TS_EXPLICIT_BE,
  TS_EXPLICIT_LE,
  TS_IMPLICIT_LE,
  TS_JPEG_BASELINE as JPEG_BASELINE,
  TS_JPEG_EXTENDED as JPEG_EXTENDED,
  TS_JPEG_FAMILY_PREFIX,
  TS_RLE,
} from '../dicom/vocabulary.ts';
import type { Fragment, PixelDataLayout } from './dicom-structure.ts';
import { readJpegFrameHeader } from './jpeg.ts';
import { nativeFirstFrame, noPreview, type NoPreview } from './native-pixels.ts';

export type { NoPreview } from './native-pixels.ts';

const NATIVE = new Set([TS_IMPLICIT_LE, TS_EXPLICIT_LE, TS_DEFLATED_LE, TS_EXPLICIT_BE]);

export function dicomPreview(parsed: ParsedDicom): DecodableInput | NoPreview {
  const { layout, pixel } = parsed;
  const px = layout.pixelData;
  if (!px) return noPreview('this DICOM file holds no picture');
  const ts = layout.transferSyntaxUid;

  if (NATIVE.has(ts)) {
    if (px.encapsulated) return noPreview('the picture data in this file is not stored the way its header says');
    const data = layout.dataset.subarray(px.offset, px.offset + px.length);
    return nativeFirstFrame(data, pixel, !layout.syntax.littleEndian, px.vr);
  }
  if (ts !== JPEG_BASELINE && ts !== JPEG_EXTENDED) return noPreview(`this file uses ${encodingName(ts)}, which the station cannot display`);
  if (!px.encapsulated) return noPreview('the picture data in this file is not stored the way its header says');

  const frame = firstFrame(layout.dataset, px, pixel.numberOfFrames);
  const header = frame ? readJpegFrameHeader(frame) : null;
  if (!frame || !header) return noPreview('the picture inside this DICOM file is not a readable JPEG image');
  if (header.precision !== 8) return noPreview(`this file uses ${header.precision}-bit JPEG compression, which the station cannot display`);
  if (pixel.photometric === 'PALETTE COLOR') return noPreview('this file uses a colour palette, which the station cannot display');
  // libjpeg picks the colour transform from the JPEG's own markers (JFIF, Adobe, component ids),
  // which is right for RGB-without-transform (+eb+cr) and YBR files alike; see the tests.
  return { kind: 'encoded', bytes: frame, invert: pixel.photometric === 'MONOCHROME1' ? true : undefined };
}

/**
 * Frame 1 of encapsulated pixel data. One frame: all fragments. Several frames: the fragments
 * before the second Basic Offset Table entry, or, with an empty table, fragments up to the first
 * one that ends with a JPEG EOI marker.
 */
export function firstFrame(dataset: Buffer, px: Extract<PixelDataLayout, { encapsulated: true }>, numberOfFrames: number): Buffer | null {
  const { fragments, offsetTable } = px;
  if (fragments.length === 0) return null;
  let chosen: Fragment[];
  if (numberOfFrames <= 1) {
    chosen = fragments;
  } else if (offsetTable.length >= 2) {
    const [start = 0, end = Infinity] = offsetTable;
    chosen = fragments.filter((f) => f.itemOffset >= start && f.itemOffset < end);
  } else {
    chosen = [];
    for (const f of fragments) {
      chosen.push(f);
      if (endsWithEoi(dataset.subarray(f.offset, f.offset + f.length))) break;
    }
  }
  const parts = chosen.map((f) => dataset.subarray(f.offset, f.offset + f.length));
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

function endsWithEoi(b: Buffer): boolean {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0x00) end--; // fragments are padded to an even length
  return end >= 2 && b[end - 2] === 0xff && b[end - 1] === 0xd9;
}

/** Plain words for a transfer syntax the station cannot draw. */
export function encodingName(ts: string): string {
  const last = ts.startsWith(TS_JPEG_FAMILY_PREFIX) ? Number(ts.slice(TS_JPEG_FAMILY_PREFIX.length)) : Number.NaN;
  if (last >= 90 && last <= 93) return 'JPEG 2000 compression';
  if (last >= 201 && last <= 203) return 'High-Throughput JPEG 2000 compression';
  if (last === 80 || last === 81) return 'JPEG-LS compression';
  if (last === 57 || last === 70 || last === 14) return 'lossless JPEG compression';
  if (last === 51) return '12-bit JPEG compression';
  if (last >= 52 && last <= 66) return 'an uncommon kind of JPEG compression';
  if (last >= 100 && last <= 108) return 'video compression (MPEG or HEVC)';
  if (ts === TS_RLE) return 'RLE compression';
  return 'an unusual encoding';
}
