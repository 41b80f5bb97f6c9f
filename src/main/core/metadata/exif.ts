// EXIF/XMP of JPEG, TIFF and PNG files -> ImageFacts, best effort: broken or missing metadata
// gives nulls, never an exception (a photo without EXIF is still a photo).
import exifr from 'exifr';
import sharp from 'sharp';
import type { ImageFacts } from '../../../shared/domain.ts';
import { lateralityFromText } from './laterality.ts';
import { readJpegFrameHeader } from './jpeg.ts';
import { parseOffset } from '../../../shared/dates.ts';
import { isoTrailingOffset, parseExifDateTime, toTakenTime, type LocalDateTime, type TakenTime } from './time.ts';

type Tags = Record<string, unknown>;

// Node loads exifr's UMD build, which has no named ESM exports: go through the default export.
// oxlint-disable-next-line import/no-named-as-default-member
const parseExif = exifr.parse;

type ExifrOptions = Exclude<Parameters<typeof parseExif>[1], boolean | unknown[] | undefined>;

// silentErrors and chunked exist in exifr but not in its type declarations.
const EXIFR_OPTIONS: ExifrOptions & { silentErrors: boolean; chunked: boolean } = {
  tiff: true,
  exif: true,
  gps: false,
  interop: false,
  ifd1: false,
  makerNote: false,
  userComment: true,
  xmp: { parse: false }, // the raw packet: we read a few elements ourselves
  iptc: false,
  icc: false,
  jfif: false,
  ihdr: true,
  translateValues: false,
  reviveValues: false, // keep dates as the camera wrote them; we decide the time zone
  mergeOutput: true,
  silentErrors: true,
  chunked: false,
};

export async function readExifFacts(bytes: Buffer): Promise<Partial<ImageFacts>> {
  let tags: Tags = {};
  try {
    tags = ((await parseExif(bytes, EXIFR_OPTIONS)) as Tags | undefined) ?? {};
  } catch {
    tags = {}; // unknown or damaged metadata: the picture may still be fine
  }
  return { ...exifTagsToFacts(tags), ...(await pixelSize(bytes, tags)) };
}

/** Pure mapping from exifr's merged output to facts (pixel size aside). */
export function exifTagsToFacts(tags: Tags): Partial<ImageFacts> {
  const xmp = typeof tags.xmp === 'string' ? tags.xmp.replace(/\0/g, '') : '';
  const laterality = lateralityFromText([
    text(tags.ImageDescription),
    userComment(tags.userComment ?? tags.UserComment),
    ucs2(tags.XPTitle),
    ucs2(tags.XPComment),
    ucs2(tags.XPSubject),
    ucs2(tags.XPKeywords),
    ...['dc:description', 'dc:title', 'dc:subject', 'exif:UserComment', 'tiff:ImageDescription'].map((n) => xmpValue(xmp, n)),
  ]);
  return {
    ...takenTime(tags, xmp),
    make: text(tags.Make) ?? xmpValue(xmp, 'tiff:Make'),
    model: text(tags.Model) ?? xmpValue(xmp, 'tiff:Model'),
    serial:
      text(tags.BodySerialNumber) ??
      text(tags.SerialNumber) ??
      text(tags['42033']) ??
      xmpValue(xmp, 'exifEX:BodySerialNumber') ??
      xmpValue(xmp, 'aux:SerialNumber'),
    laterality,
    lateralitySource: laterality ? 'exif' : null,
  };
}

function takenTime(tags: Tags, xmp: string): { takenAt: string | null; takenOffset: string | null } {
  const none = { takenAt: null, takenOffset: null };
  const xmpOriginal = xmpValue(xmp, 'exif:DateTimeOriginal');
  const xmpLocal = parseExifDateTime(xmpOriginal);
  const xmpOffset = xmpOriginal ? isoTrailingOffset(xmpOriginal) : null;

  let local = parseExifDateTime(text(tags.DateTimeOriginal), text(tags.SubSecTimeOriginal));
  let offset = parseOffset(text(tags.OffsetTimeOriginal));
  if (!local) {
    local = parseExifDateTime(text(tags.CreateDate), text(tags.SubSecTimeDigitized));
    offset = parseOffset(text(tags.OffsetTimeDigitized));
  }
  if (!local) {
    const fromXmp = xmpLocal ? toTakenTime(xmpLocal, xmpOffset) : null;
    return fromXmp ?? none;
  }
  // EXIF often lacks the offset that an XMP copy of the same moment carries.
  if (offset === null && xmpLocal && xmpOffset !== null && sameSecond(local, xmpLocal)) offset = xmpOffset;
  const result: TakenTime | null = toTakenTime(local, offset);
  return result ?? none;
}

const sameSecond = (a: LocalDateTime, b: LocalDateTime): boolean =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;

/** The image's own pixel size (EXIF sizes go stale when a photo is edited), else EXIF's. */
async function pixelSize(bytes: Buffer, tags: Tags): Promise<{ width: number | null; height: number | null }> {
  // A JPEG says it in its frame header: read from the segments, without opening it in libvips.
  const frame = readJpegFrameHeader(bytes);
  if (frame && frame.width > 0 && frame.height > 0) return { width: frame.width, height: frame.height };
  try {
    const meta = await sharp(bytes).metadata();
    if (meta.width && meta.height) return { width: meta.width, height: meta.height };
  } catch {
    // a damaged header: the decode step will say so; fall back to what EXIF claims
  }
  const width = positive(tags.ExifImageWidth) ?? positive(tags.ImageWidth);
  const height = positive(tags.ExifImageHeight) ?? positive(tags.ImageHeight);
  return width && height ? { width, height } : { width: null, height: null };
}

const positive = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);

/** A trimmed string tag (NUL padding removed), or null. */
function text(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.replace(/\0+$/g, '').trim();
  return t ? t : null;
}

/** EXIF UserComment: an 8-byte character-code header, then the text. */
export function userComment(v: unknown): string | null {
  if (typeof v === 'string') return text(v);
  if (!(v instanceof Uint8Array) || v.length <= 8) return null;
  const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  const code = b.toString('latin1', 0, 8).replace(/\0+$/, '');
  const body = b.subarray(8);
  if (code === 'UNICODE') {
    // UCS-2 in the byte order of the TIFF block; a zero high byte first means big-endian text.
    const bigEndian = body.length >= 2 && body[0] === 0 && body[1] !== 0;
    return text((bigEndian ? Buffer.from(body).swap16() : body).toString('utf16le', 0, body.length & ~1));
  }
  return text(body.toString(code === 'ASCII' ? 'latin1' : 'utf8'));
}

/** Windows XP* tags: UCS-2 little-endian bytes. */
function ucs2(v: unknown): string | null {
  if (typeof v === 'string') return text(v);
  if (!(v instanceof Uint8Array)) return null;
  return text(Buffer.from(v.buffer, v.byteOffset, v.byteLength & ~1).toString('utf16le'));
}

/** The text of one XMP property, as an element (with rdf:Alt/Bag/Seq inside) or an attribute. */
export function xmpValue(xmp: string, name: string): string | null {
  if (!xmp) return null;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const element = new RegExp(`<${escaped}(?:\\s[^>]*)?>([\\s\\S]*?)</${escaped}>`).exec(xmp);
  const attribute = new RegExp(`\\s${escaped}\\s*=\\s*(["'])([\\s\\S]*?)\\1`).exec(xmp);
  const raw = element ? element[1].replace(/<[^>]*>/g, ' ') : attribute?.[2];
  return raw === undefined ? null : text(decodeEntities(raw).replace(/\s+/g, ' '));
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d{1,7});/g, (_, d: string) => (Number(d) <= 0x10ffff ? String.fromCodePoint(Number(d)) : ''))
    .replace(/&amp;/g, '&');
}
