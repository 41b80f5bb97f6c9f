// Small facts about JPEG byte streams, read from the marker segments without decoding pixels.

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/**
 * Is this JPEG completely written? It must start with SOI, its header segments must all fit in
 * the file (so an EOI at the end of an embedded EXIF thumbnail is not mistaken for the end), and
 * it must end with EOI, optionally followed by the zero padding some cameras write.
 */
export function isJpegComplete(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return false;
  if (findScanStart(bytes) === null) return false;
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0x00) end--;
  return end >= 4 && bytes[end - 2] === 0xff && bytes[end - 1] === EOI;
}

/** Offset of the first SOS segment, or null when the header segments run past the end. */
function findScanStart(bytes: Buffer): number | null {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte before a marker
      continue;
    }
    if (marker === SOS) return i;
    if (marker === EOI || marker === SOI) return null;
    const length = bytes.readUInt16BE(i + 2);
    if (length < 2) return null;
    i += 2 + length;
  }
  return null;
}

export interface JpegFrameHeader {
  /** The SOF marker: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, 0xc3 lossless, ... */
  sofMarker: number;
  precision: number;
  width: number;
  height: number;
  componentIds: number[];
}

/** The frame header (SOF) of a JPEG, or null when there is none before the scan data. */
export function readJpegFrameHeader(bytes: Uint8Array): JpegFrameHeader | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4 || b[0] !== 0xff || b[1] !== SOI) return null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === SOS || marker === EOI) return null;
    const length = b.readUInt16BE(i + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && i + 2 + length <= b.length && length >= 8) {
      const count = b[i + 9];
      const componentIds: number[] = [];
      for (let k = 0; k < count && i + 10 + k * 3 < b.length; k++) componentIds.push(b[i + 10 + k * 3]);
      return { sofMarker: marker, precision: b[i + 4], height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7), componentIds };
    }
    i += 2 + length;
  }
  return null;
}
