// One compressed DICOM frame, described well enough to be decoded on its own: the frame's encoded
// bytes (the fragments of that frame, concatenated) plus the pixel description from the header.
// This is the whole input of the codec worker, so a caller that never holds the object in memory
// (a 150 MB multi-frame object read frame by frame from the spool) can build one from just the
// header values and one frame's bytes: see decodeFrame (codec-pool.ts) and the 'frame' kind of
// DecodableInput (decode.ts).
import { TS_JPEG_FAMILY_PREFIX, TS_RLE } from '../dicom/vocabulary.ts';

/** What a decoder needs to know about a frame's pixels (DICOM Image Pixel module values). */
export interface PixelDescription {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  /** PhotometricInterpretation: MONOCHROME1/2, RGB, YBR_FULL, YBR_FULL_422, YBR_RCT, YBR_ICT. */
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  windowCenter: number | null;
  windowWidth: number | null;
  rescaleSlope: number;
  rescaleIntercept: number;
}

export interface EncodedFrame {
  /** The transfer syntax UID of the object the frame comes from. */
  syntax: string;
  /** One frame's encoded bytes (a JPEG 2000 / JPEG-LS / JPEG codestream, or an RLE frame). */
  bytes: Buffer;
  pixel: PixelDescription;
}

/** Which decoder draws a syntax: OpenJPEG (reduced-resolution decode), CharLS, dcmjs-imaging's codecs, or rle.ts. */
export type FrameCodec = 'openjpeg' | 'charls' | 'dcmjs-imaging' | 'rle';

const JPEG = (n: number): string => `${TS_JPEG_FAMILY_PREFIX}${n}`;

/** The compressed syntaxes the codec worker decodes (JPEG Baseline goes to sharp's libjpeg instead). */
export const FRAME_CODECS: ReadonlyMap<string, FrameCodec> = new Map([
  [JPEG(90), 'openjpeg'], // JPEG 2000 lossless
  [JPEG(91), 'openjpeg'], // JPEG 2000
  [JPEG(80), 'charls'], // JPEG-LS lossless
  [JPEG(81), 'charls'], // JPEG-LS near-lossless
  [JPEG(57), 'dcmjs-imaging'], // lossless JPEG, process 14
  [JPEG(70), 'dcmjs-imaging'], // lossless JPEG, process 14 SV1
  [TS_RLE, 'rle'],
]);

/**
 * The frame a multi-frame object is shown by: the middle one (index (n - 1) / 2 rounded down, so
 * two frames show the first). An OCT volume's B-scans run from one edge of the scanned area to the
 * other, and the middle scan crosses its centre (the fovea of a macular cube, the disc of a disc
 * cube): the slice an operator recognises. The edge scans are often blank or clipped, and a cine
 * loop's middle is as good as any of its frames.
 */
export function representativeFrameIndex(numberOfFrames: number): number {
  return numberOfFrames > 1 ? Math.floor((numberOfFrames - 1) / 2) : 0;
}

/** A decoded frame: 8-bit grey or RGB, pixel-interleaved, ready for sharp's raw input. */
export interface DecodedFrame {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
  invert?: boolean;
}
