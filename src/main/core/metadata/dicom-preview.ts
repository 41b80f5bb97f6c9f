// The picture inside a DICOM file, as something the decode step can draw: one frame's own JPEG
// bytes (JPEG Baseline, 8-bit JPEG Extended), one compressed frame for the codec worker (JPEG 2000,
// JPEG-LS, RLE, lossless JPEG), an uncompressed frame as raw pixels, or a plain reason why there is
// no preview. A multi-frame object is shown by its middle frame (representativeFrameIndex). The
// file itself is always kept whole and sent unchanged.
import type { DecodableInput } from '../imaging/decode.ts';
import { FRAME_CODECS, representativeFrameIndex, type PixelDescription } from '../imaging/frame.ts';
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
import { nativeFrame, noPreview, type NoPreview } from './native-pixels.ts';
import type { DicomPixelInfo } from './dicom.ts';

export type { NoPreview } from './native-pixels.ts';

const NATIVE = new Set([TS_IMPLICIT_LE, TS_EXPLICIT_LE, TS_DEFLATED_LE, TS_EXPLICIT_BE]);

export function dicomPreview(parsed: ParsedDicom): DecodableInput | NoPreview {
  const { layout, pixel } = parsed;
  const px = layout.pixelData;
  if (!px) return noPreview('this DICOM file holds no picture');
  const ts = layout.transferSyntaxUid;
  const index = representativeFrameIndex(pixel.numberOfFrames);

  if (NATIVE.has(ts)) {
    if (px.encapsulated) return noPreview('the picture data in this file is not stored the way its header says');
    const data = layout.dataset.subarray(px.offset, px.offset + px.length);
    return nativeFrame(data, pixel, !layout.syntax.littleEndian, px.vr, index);
  }
  if (FRAME_CODECS.has(ts)) {
    if (!px.encapsulated) return noPreview('the picture data in this file is not stored the way its header says');
    if (pixel.rows <= 0 || pixel.columns <= 0) return noPreview('this file does not say how large its picture is');
    if (pixel.photometric === 'PALETTE COLOR') return noPreview('this file uses a colour palette, which the station cannot display');
    const bytes = frameAt(layout.dataset, px, pixel.numberOfFrames, index);
    if (!bytes || bytes.length === 0) return noPreview('the picture data in this file is empty');
    return { kind: 'frame', frame: { syntax: ts, bytes, pixel: pixelDescription(pixel) } };
  }
  if (ts !== JPEG_BASELINE && ts !== JPEG_EXTENDED) return noPreview(`this file uses ${encodingName(ts)}, which the station cannot display`);
  if (!px.encapsulated) return noPreview('the picture data in this file is not stored the way its header says');

  const frame = frameAt(layout.dataset, px, pixel.numberOfFrames, index);
  const header = frame ? readJpegFrameHeader(frame) : null;
  if (!frame || !header) return noPreview('the picture inside this DICOM file is not a readable JPEG image');
  if (header.precision !== 8) return noPreview(`this file uses ${header.precision}-bit JPEG compression, which the station cannot display`);
  if (pixel.photometric === 'PALETTE COLOR') return noPreview('this file uses a colour palette, which the station cannot display');
  // libjpeg picks the colour transform from the JPEG's own markers (JFIF, Adobe, component ids),
  // which is right for RGB-without-transform (+eb+cr) and YBR files alike; see the tests.
  return { kind: 'encoded', bytes: frame, invert: pixel.photometric === 'MONOCHROME1' ? true : undefined };
}

/** The header values a frame decoder needs (the frame count stays behind: a frame is one). */
export function pixelDescription(p: DicomPixelInfo): PixelDescription {
  const { numberOfFrames: _frames, ...description } = p;
  return description;
}

type Encapsulated = Extract<PixelDataLayout, { encapsulated: true }>;

/** Frame 1 of encapsulated pixel data (see frameAt). */
export function firstFrame(dataset: Buffer, px: Encapsulated, numberOfFrames: number): Buffer | null {
  return frameAt(dataset, px, numberOfFrames, 0);
}

/**
 * Frame `index` (0-based) of encapsulated pixel data. One frame: all fragments. Several frames:
 * the fragments between that frame's Basic Offset Table entry and the next; with an empty table,
 * one fragment per frame when there are as many fragments as frames (always so for RLE), else
 * frames end with the fragment that ends in an end-of-image marker (FFD9 closes JPEG, JPEG-LS and
 * JPEG 2000 codestreams alike).
 */
export function frameAt(dataset: Buffer, px: Encapsulated, numberOfFrames: number, index: number): Buffer | null {
  const { fragments, offsetTable } = px;
  if (fragments.length === 0) return null;
  let chosen: Fragment[];
  if (numberOfFrames <= 1) {
    chosen = fragments;
  } else if (offsetTable.length >= 2 && index < offsetTable.length) {
    const start = offsetTable[index]!;
    const end = offsetTable[index + 1] ?? Infinity;
    chosen = fragments.filter((f) => f.itemOffset >= start && f.itemOffset < end);
  } else if (offsetTable.length < 2 && fragments.length === numberOfFrames) {
    chosen = [fragments[index]!].filter(Boolean);
  } else {
    chosen = [];
    let frame = 0;
    for (const f of fragments) {
      if (frame === index) chosen.push(f);
      if (endsWithEoi(dataset.subarray(f.offset, f.offset + f.length))) {
        if (frame === index) break;
        frame++;
      }
    }
  }
  if (chosen.length === 0) return null;
  const parts = chosen.map((f) => dataset.subarray(f.offset, f.offset + f.length));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** True when a fragment (or its last bytes) ends a JPEG, JPEG-LS or JPEG 2000 codestream (FFD9), padding aside. */
export function endsWithEoi(b: Buffer): boolean {
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
