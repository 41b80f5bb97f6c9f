// The one decode per image: reduced size (sharp's shrink-on-load), RGB, 8-bit. The thumbnail and
// the quality metrics are both made from this buffer, so the full-size pixels are never decoded.
import sharp from 'sharp';
import { decodeFrame } from './codec-pool.ts';
import type { EncodedFrame } from './frame.ts';

export const ANALYSIS_MAX_SIDE = 512;

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/**
 * Pixels the pipeline can decode: encoded bytes sharp reads (JPEG/PNG/TIFF, a DICOM JPEG Baseline
 * frame), an already raw frame, or one compressed DICOM frame for the codec worker (frame.ts).
 */
export type DecodableInput =
  | { kind: 'encoded'; bytes: Buffer; invert?: boolean }
  | { kind: 'raw'; data: Buffer; width: number; height: number; channels: 1 | 3; invert?: boolean }
  | { kind: 'frame'; frame: EncodedFrame };

let decodes = 0;
let inFlight = 0;
let peak = 0;

/**
 * Decodes started in this process, and the most that ever ran at once (the ingest benchmark
 * reports decodes per photo; tests check that every decode waits its turn in the ingest queue).
 */
export const decodeStats = (): { started: number; peakInFlight: number } => ({ started: decodes, peakInFlight: peak });

/** Tests: count the peak from now on. */
export function resetDecodePeak(): void {
  peak = inFlight;
}

export async function decodeReduced(input: DecodableInput, maxSide = ANALYSIS_MAX_SIDE): Promise<RawImage> {
  decodes++;
  peak = Math.max(peak, ++inFlight);
  try {
    return await decode(input, maxSide);
  } finally {
    inFlight--;
  }
}

/** A compressed DICOM frame -> raw pixels (in the codec worker); other inputs pass through. */
export async function toSharpInput(input: DecodableInput, maxSide: number): Promise<Exclude<DecodableInput, { kind: 'frame' }>> {
  if (input.kind !== 'frame') return input;
  return { kind: 'raw', ...(await decodeFrame(input.frame, maxSide)) };
}

async function decode(original: DecodableInput, maxSide: number): Promise<RawImage> {
  const input = await toSharpInput(original, maxSide);
  let img =
    input.kind === 'encoded'
      ? sharp(input.bytes, { failOn: 'error', sequentialRead: true })
      : sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels } });
  img = img.rotate().resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' });
  if (input.invert) img = img.negate({ alpha: false });
  const { data, info } = await img.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}
