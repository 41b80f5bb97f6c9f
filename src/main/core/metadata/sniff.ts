// What kind of file is this, from its first bytes only (never from its name).
import { isPart10 } from '../dicom/part10.ts';
import { isVrLetters } from '../dicom/vocabulary.ts';

export type SniffedFormat = 'jpeg' | 'png' | 'tiff' | 'dicom' | 'dicom-raw' | null;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffFormat(bytes: Buffer): SniffedFormat {
  // DICOM first: a Part 10 preamble may itself hold a TIFF header (dual-personality files).
  if (isPart10(bytes)) return 'dicom';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 4 && isTiffHeader(bytes)) return 'tiff';
  if (looksLikeRawDicom(bytes)) return 'dicom-raw';
  return null;
}

function isTiffHeader(b: Buffer): boolean {
  const little = b[0] === 0x49 && b[1] === 0x49 && b[3] === 0x00 && (b[2] === 0x2a || b[2] === 0x2b);
  const big = b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && (b[3] === 0x2a || b[3] === 0x2b);
  return little || big;
}

/**
 * A DICOM data set written without the 128-byte preamble and "DICM" (old ACR-NEMA style files,
 * or a bare data set): it starts with a little-endian tag of group 0002 (meta) or 0008 (the first
 * group of every image), followed by either an explicit VR or a 32-bit length that fits the file.
 */
export function looksLikeRawDicom(b: Buffer): boolean {
  if (b.length < 8) return false;
  const group = b.readUInt16LE(0);
  if (group !== 0x0002 && group !== 0x0008) return false;
  if (b.readUInt16LE(2) > 0x00ff) return false; // the first element of a group has a small number
  if (isVrLetters(b[4], b[5])) return true;
  return b.readUInt32LE(4) <= b.length - 8;
}
