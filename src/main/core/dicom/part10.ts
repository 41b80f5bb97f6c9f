// The DICOM Part 10 file frame: 128-byte preamble, "DICM", and the File Meta group. One reader
// (isPart10, readFileMeta) and one element writer (metaElement) for every part of the station that needs
// them: wrapInPart10 here and the listener's full header (dicom-node/file-meta.ts).
import { LONG_VRS, UNDEFINED_LENGTH, isVrLetters } from './vocabulary.ts';

const PREAMBLE_LENGTH = 128;
const MAGIC = 'DICM';

/** True when the bytes start with a preamble and "DICM". */
export const isPart10 = (bytes: Buffer): boolean =>
  bytes.length >= PREAMBLE_LENGTH + 4 && bytes.toString('latin1', PREAMBLE_LENGTH, PREAMBLE_LENGTH + 4) === MAGIC;

/** Where the File Meta group ends, and each of its values as text (trailing NUL and space padding removed). */
export type FileMeta =
  | { end: number; values: ReadonlyMap<number, string> }
  /** The group is cut short (`truncated`) or cannot be a File Meta group; `what` says why. */
  | { problem: 'truncated' | 'malformed'; what: string };

/**
 * Reads the File Meta group (group 0002, always explicit VR little endian) from `start` (132 in a
 * Part 10 file) to its first element of another group. Nothing there: `end` is `start`.
 */
export function readFileMeta(bytes: Buffer, start: number): FileMeta {
  const truncated: FileMeta = { problem: 'truncated', what: 'the file ends before its data does' };
  const values = new Map<number, string>();
  let pos = start;
  while (pos + 2 <= bytes.length && bytes.readUInt16LE(pos) === 0x0002) {
    if (pos + 8 > bytes.length) return truncated;
    if (!isVrLetters(bytes[pos + 4], bytes[pos + 5])) return { problem: 'malformed', what: 'an element has no valid value representation' };
    const long = LONG_VRS.has(bytes.toString('latin1', pos + 4, pos + 6));
    if (long && pos + 12 > bytes.length) return truncated;
    const length = long ? bytes.readUInt32LE(pos + 8) : bytes.readUInt16LE(pos + 6);
    if (length === UNDEFINED_LENGTH) return { problem: 'malformed', what: 'the file header is malformed' };
    const valueStart = pos + (long ? 12 : 8);
    const end = valueStart + length;
    if (end > bytes.length) return truncated;
    values.set(bytes.readUInt16LE(pos + 2), bytes.toString('latin1', valueStart, end).replace(/[\0\s]+$/, ''));
    pos = end;
  }
  return { end: pos, values };
}

/** One File Meta element (group 0002, explicit VR little endian; OB and the other long VRs with a 32-bit length). */
export function metaElement(element: number, vr: string, value: Buffer): Buffer {
  const long = LONG_VRS.has(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(0x0002, 0);
  header.writeUInt16LE(element, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/**
 * A data set with a minimal File Meta group in front: group length and transfer syntax, which is
 * all a Part 10 reader (dcmjs) needs to read the data set that follows. The bytes are copied.
 */
export function wrapInPart10(dataset: Buffer, transferSyntaxUid: string): Buffer {
  const uid = Buffer.from(transferSyntaxUid.length % 2 ? `${transferSyntaxUid}\0` : transferSyntaxUid, 'latin1');
  const ts = metaElement(0x0010, 'UI', uid);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(ts.length, 0);
  const groupLength = metaElement(0x0000, 'UL', length);
  return Buffer.concat([Buffer.alloc(PREAMBLE_LENGTH), Buffer.from(MAGIC, 'latin1'), groupLength, ts, dataset]);
}
