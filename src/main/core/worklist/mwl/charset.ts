// Text for a camera in the character set it can show (issue 13): UTF-8 (ISO_IR 192), Latin-1
// (ISO_IR 100) or plain ASCII (no Specific Character Set). dcmjs writes every text value as UTF-8
// whatever the data set declares (checked: "Müller" under ISO_IR 100 came out as the bytes c3 bc),
// so the worklist server encodes text itself (encode.ts) with these functions. Pure.
import type { DicomCharset } from '../../../../shared/dicom-settings.ts';

/** The Specific Character Set (0008,0005) term for a camera's set; null: none sent (ASCII). */
export function charsetTerm(charset: DicomCharset): string | null {
  return charset === 'utf8' ? 'ISO_IR 192' : charset === 'latin1' ? 'ISO_IR 100' : null;
}

// Letters that Unicode does not decompose into a base letter + accent.
const SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss', ẞ: 'SS', Æ: 'AE', æ: 'ae', Œ: 'OE', œ: 'oe', Ø: 'O', ø: 'o', Đ: 'D', đ: 'd', Ð: 'D', ð: 'd',
  Þ: 'TH', þ: 'th', Ł: 'L', ł: 'l', ı: 'i', Ħ: 'H', ħ: 'h', Ŧ: 'T', ŧ: 't', Ŋ: 'N', ŋ: 'n', ĸ: 'q',
  '‘': "'", '’': "'", '‚': "'", '“': '"', '”': '"', '„': '"', '–': '-', '—': '-', '…': '...', '\u00a0': ' ',
};

/**
 * One character as plain ASCII: the base letter without its accents ("ü" -> "u", "é" -> "e"), a few
 * letters spelled out ("ß" -> "ss", "Æ" -> "AE"), anything else as "?".
 *
 * Why "Muller" and not "Mueller": "ue" is the German convention only; the same rule would turn the
 * Turkish "Gül" into "Guel" and the Spanish "Güell" into "Gueell". Dropping the accent is right in
 * every language the station meets, keeps the letters the operator sees in the same places, and is
 * what a camera user types when searching ("MULLER*"). The worklist server matches names without
 * accents for the same reason, so "Muller" finds "Müller".
 */
function asciiChar(ch: string, unknown = '?'): string {
  if (ch.charCodeAt(0) < 0x80) return ch;
  const special = SPECIAL[ch];
  if (special !== undefined) return special;
  const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
  return base !== '' && /^[\x20-\x7e]+$/.test(base) ? base : unknown;
}

/** Plain ASCII, accents dropped ("Ødegård, Åse" -> "Odegard, Ase"). */
export function transliterate(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) out += asciiChar(ch);
  return out;
}

/** Case- and accent-insensitive form, for comparing names and wildcard queries. */
export function foldText(text: string): string {
  let out = '';
  // A letter without an ASCII form stays itself (never "?", which a query reads as a wildcard).
  for (const ch of text.normalize('NFC')) out += asciiChar(ch, ch);
  return out.toUpperCase();
}

/**
 * The bytes of one text value in a camera's set. Latin-1 keeps every letter it has ("ü" is the byte
 * fc) and transliterates only those it lacks ("ł" -> "l"); ASCII transliterates all. Never garbled.
 */
export function encodeText(text: string, charset: DicomCharset): Buffer {
  const nfc = text.normalize('NFC');
  if (charset === 'utf8') return Buffer.from(nfc, 'utf8');
  if (charset === 'ascii') return Buffer.from(transliterate(nfc), 'latin1');
  let out = '';
  for (const ch of nfc) out += ch.codePointAt(0)! <= 0xff ? ch : asciiChar(ch);
  return Buffer.from(out, 'latin1');
}
