// DICOM text: the one decoder for values in the Specific Character Set (0008,0005), and the one
// reading of person names. dicom-character-set does the decoding, multi-valued sets with ISO 2022
// escapes included ("\ISO 2022 IR 87" Japanese, "\ISO 2022 IR 149" Korean); the few defined terms
// it lacks are decoded here with the platform's TextDecoder.
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';

// dicom-character-set ships no type declarations; loaded through require (as dcmjs is) so that no
// ambient module declaration is needed.
const { convertBytes } = createRequire(import.meta.url)('dicom-character-set') as {
  convertBytes(specificCharacterSet: string, bytes: Uint8Array, options?: { vr?: string }): string;
};

// Defined terms dicom-character-set does not know, and their WHATWG encoding names.
const EXTRA_SETS: Record<string, string> = {
  'ISO_IR 203': 'iso-8859-15',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

// Windows-1252 as WHATWG decodes it maps every byte to one code point, so it can be undone. dcmjs
// decodes text this way when no character set is in force (see metadata/dicom-values.ts).
const WINDOWS_1252_HIGH = new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i));
const windows1252Byte = new Map<number, number>(Array.from(WINDOWS_1252_HIGH, (ch, i) => [ch.codePointAt(0)!, 0x80 + i]));

/** The bytes behind a string that was decoded as Windows-1252. */
export function windows1252Bytes(text: string): Buffer {
  return Buffer.from(
    Array.from(text, (ch) => {
      const code = ch.codePointAt(0)!;
      return windows1252Byte.get(code) ?? (code <= 0xff ? code : 0x3f);
    }),
  );
}

const normalise = (characterSet: string): string =>
  characterSet
    .split('\\')
    .map((term) => term.trim().toUpperCase())
    .join('\\');

/**
 * Text value bytes in the declared Specific Character Set (the whole value, every term, as
 * written). Nothing declared: UTF-8 when the bytes are valid UTF-8 (senders that write UTF-8
 * without saying so are common), else Windows-1252. An unknown term or escape: Windows-1252,
 * so the value is still read, if imperfectly. `vr` tells the decoder which delimiters reset
 * the character set (PN: "^" and "=").
 */
export function decodeDicomText(bytes: Uint8Array, characterSet: string | null, vr: string): string {
  const declared = characterSet === null ? '' : normalise(characterSet);
  const windows1252 = () => new TextDecoder('windows-1252').decode(bytes);
  if (declared === '' || declared === 'ISO_IR 6') return isUtf8(bytes) ? Buffer.from(bytes).toString('utf8') : windows1252();
  const extra = EXTRA_SETS[declared];
  if (extra) return new TextDecoder(extra).decode(bytes);
  try {
    return convertBytes(declared, bytes, { vr });
  } catch {
    return windows1252();
  }
}

/** True when a Windows-1252 reading holds only ASCII without escapes: every character set reads it the same. */
export const isPlainAscii = (text: string): boolean => !text.includes('\u001b') && !/[\u0080-\uffff]/.test(text);

/**
 * A DICOM person name (PN) for people to read, from its first (alphabetic) component group:
 * "Family^Given^Middle^Prefix^Suffix" -> "Family, Given Middle", or with `titles` (prefix and
 * suffix, such as "Mme" or "Dr") "Family, Prefix Given Middle Suffix". The ideographic group is
 * used when there is no alphabetic one ("=山田^太郎"). Empty when the name is empty.
 */
export function readablePersonName(pn: string, options: { titles: boolean }): string {
  const groups = pn.split('=');
  const group = groups.find((g) => g.replace(/\^/g, '').trim() !== '') ?? '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = group.split('^').map((p) => p.trim());
  const rest = (options.titles ? [prefix, given, middle, suffix] : [given, middle]).filter(Boolean).join(' ');
  return family && rest ? `${family}, ${rest}` : family || rest;
}
