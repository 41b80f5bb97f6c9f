// The DICOM Part 10 file frame: 128-byte preamble, "DICM", and the File Meta group. One reader
// (isPart10) and one writer (wrapInPart10) for every part of the station that needs them.

const PREAMBLE_LENGTH = 128;
const MAGIC = 'DICM';

/** True when the bytes start with a preamble and "DICM". */
export const isPart10 = (bytes: Buffer): boolean =>
  bytes.length >= PREAMBLE_LENGTH + 4 && bytes.toString('latin1', PREAMBLE_LENGTH, PREAMBLE_LENGTH + 4) === MAGIC;

/** One explicit VR little endian element with a short (16-bit) length. */
function shortElement(group: number, element: number, vr: string, value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(element, 2);
  header.write(vr, 4, 'latin1');
  header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/**
 * A data set with a minimal File Meta group in front: group length and transfer syntax, which is
 * all a Part 10 reader (dcmjs) needs to read the data set that follows. The bytes are copied.
 */
export function wrapInPart10(dataset: Buffer, transferSyntaxUid: string): Buffer {
  const uid = Buffer.from(transferSyntaxUid.length % 2 ? `${transferSyntaxUid}\0` : transferSyntaxUid, 'latin1');
  const ts = shortElement(0x0002, 0x0010, 'UI', uid);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(ts.length, 0);
  const groupLength = shortElement(0x0002, 0x0000, 'UL', length);
  return Buffer.concat([Buffer.alloc(PREAMBLE_LENGTH), Buffer.from(MAGIC, 'latin1'), groupLength, ts, dataset]);
}
