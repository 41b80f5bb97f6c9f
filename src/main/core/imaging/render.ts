// Imaging stage: one reduced decode, then the thumbnail and the quality metrics from that buffer.
import sharp from 'sharp';
import type { QualityResult } from '../../../shared/domain.ts';
import { decodeReduced, toSharpInput, type DecodableInput, type RawImage } from './decode.ts';

export type QualityAssessor = (raw: RawImage) => Promise<QualityResult | null>;

export interface Rendered {
  thumbnail: Buffer;
  quality: QualityResult | null;
}

export async function renderPreview(input: DecodableInput, assess: QualityAssessor | null): Promise<Rendered> {
  const raw = await decodeReduced(input);
  const [thumbnail, quality] = await Promise.all([
    sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } }).jpeg({ quality: 82 }).toBuffer(),
    assess ? assess(raw) : Promise.resolve(null),
  ]);
  return { thumbnail, quality };
}

/** A full-size view for the detail screen, for formats a browser cannot show (TIFF, DICOM). */
export async function renderFullView(original: DecodableInput, maxSide = 2400): Promise<Buffer> {
  const input = await toSharpInput(original, maxSide);
  const img =
    input.kind === 'encoded'
      ? sharp(input.bytes)
      : sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels } });
  let out = img.rotate().resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
  if (input.invert) out = out.negate({ alpha: false });
  return out.jpeg({ quality: 90 }).toBuffer();
}
