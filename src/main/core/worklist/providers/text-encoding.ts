// Turning the bytes of a text export into a string when nobody says which encoding it is in.
// EHR exports on Windows arrive as UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text")
// or Windows-1252; a wrong guess turns "Müller" into "MÃ¼ller", so the order of checks matters.
import { isUtf8 } from 'node:buffer';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  bom: boolean;
}

// UTF-16 without a BOM: ASCII-heavy text has a zero in every other byte.
const utf16WithoutBom = (bytes: Buffer): 'utf-16le' | 'utf-16be' | null => {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
};

// WHATWG decoders (built into Node and Electron); Windows-1252 maps every byte to a character.
const decode = (bytes: Buffer, encoding: TextEncodingName): string => new TextDecoder(encoding).decode(bytes);

/** BOM first, then a UTF-16 zero-byte pattern, then strict UTF-8, else Windows-1252 (a superset of Latin-1's printable characters). */
export function decodeText(bytes: Buffer): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8', bom: true };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: decode(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le', bom: true };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: decode(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be', bom: true };
  }
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { text: decode(bytes, utf16), encoding: utf16, bom: false };
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), encoding: 'utf-8', bom: false };
  return { text: decode(bytes, 'windows-1252'), encoding: 'windows-1252', bom: false };
}
