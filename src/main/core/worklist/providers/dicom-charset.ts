// Specific Character Set (0008,0005) handling that dcmjs leaves out. dcmjs decodes top-level text
// in the declared set, but (as of 0.52) decodes text inside sequences as Windows-1252 whatever was
// declared, and replaces the declared value with "ISO_IR 192" in what it returns. So the original
// term is read from the bytes here, and sequence text is decoded again from its raw bytes.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

// Defined terms (single-byte and UTF-8 sets) and the decoder for each.
const decoders: Record<string, string> = {
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'tis-620',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

const explicitLongVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** Where the data set starts in a Part 10 file (after preamble, "DICM" and the meta group). */
const dataSetOffset = (bytes: Buffer): number => {
  // (0002,0000) UL, explicit VR LE: tag 4 + VR 2 + length 2 + value 4.
  if (bytes.length < 144 || bytes.readUInt16LE(132) !== 0x0002 || bytes.readUInt16LE(134) !== 0x0000) return -1;
  return 144 + bytes.readUInt32LE(140);
};

/**
 * The first value of Specific Character Set, as written in a Part 10 file, or null when the data
 * set does not declare one. Walks only the few elements of group 0008 that can precede it.
 */
export function declaredCharacterSet(bytes: Buffer): string | null {
  let at = dataSetOffset(bytes);
  if (at < 0) return null;
  while (at + 8 <= bytes.length) {
    const group = bytes.readUInt16LE(at);
    const element = bytes.readUInt16LE(at + 2);
    if (group > 0x0008 || (group === 0x0008 && element > 0x0005)) return null;
    const vr = bytes.toString('latin1', at + 4, at + 6);
    const explicit = /^[A-Z]{2}$/.test(vr);
    let length: number;
    let valueAt: number;
    if (!explicit) [length, valueAt] = [bytes.readUInt32LE(at + 4), at + 8];
    else if (explicitLongVrs.has(vr)) [length, valueAt] = [bytes.readUInt32LE(at + 8), at + 12];
    else [length, valueAt] = [bytes.readUInt16LE(at + 6), at + 8];
    if (length === 0xffffffff || valueAt + length > bytes.length) return null;
    if (group === 0x0008 && element === 0x0005) {
      const first = bytes.toString('latin1', valueAt, valueAt + length).split('\\')[0]?.trim() ?? '';
      return first === '' ? null : first;
    }
    at = valueAt + length;
  }
  return null;
}

/** The bytes behind a string dcmjs decoded as Windows-1252 ("latin1" in WHATWG terms). */
export const bytesDecodedAsLatin1 = (value: string): Buffer =>
  Buffer.from(
    Array.from(value, (ch) => {
      const code = ch.codePointAt(0) ?? 0x3f;
      return code <= 0xff ? code : (iconv.encode(ch, 'windows-1252')[0] ?? 0x3f);
    }),
  );

/** Text that dcmjs decoded as Windows-1252, decoded again in the declared character set. */
export function redecode(value: string | null, characterSet: string | null): string | null {
  if (value === null || !/[\u0080-\uffff]/.test(value)) return value;
  const bytes = bytesDecodedAsLatin1(value);
  if (characterSet === null) {
    // Nothing declared: senders that write UTF-8 without saying so are common; Latin-1 otherwise.
    return isUtf8(bytes) ? bytes.toString('utf8') : value;
  }
  const decoder = decoders[characterSet.toUpperCase().replace(/^ISO 2022 IR /, 'ISO_IR ')];
  if (!decoder || decoder === 'latin1' || !iconv.encodingExists(decoder)) return value;
  return iconv.decode(bytes, decoder);
}
