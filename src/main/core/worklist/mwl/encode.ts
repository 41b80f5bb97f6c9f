// The bytes of one worklist response identifier, in the camera's character set. dcmjs (and so
// dcmjs-dimse) writes every text value as UTF-8 whatever Specific Character Set says, which turns
// "Müller" into garbage for a Latin-1 camera; this small writer does what a C-FIND identifier needs
// (text values and sequences, little endian, explicit or implicit VR) and nothing else. Pure.
import type { DicomCharset } from '../../../../shared/dicom-settings.ts';
import { encodeText, transliterate } from './charset.ts';

export const IMPLICIT_LE = '1.2.840.10008.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/** One element to write: a text value (multi-valued already joined with "\"), or sequence items. */
export interface OutElement {
  /** (group << 16 | element) */
  tag: number;
  vr: string;
  value: string | OutElement[][];
}

// Text in the camera's set; everything else is ASCII by definition (codes, dates, UIDs, AE titles).
const CHARSET_VRS = new Set(['PN', 'LO', 'SH', 'ST', 'LT', 'UT', 'UC']);
// Explicit VR with a 4-byte length (PS3.5 7.1.2).
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
// Printable ASCII is the same bytes in every set and needs no normalising: most values are.
const PLAIN = /^[\x20-\x7e]*$/;

/** A value's bytes: plain ASCII stays a string (written straight into the identifier), the rest is encoded. */
function textBytes(vr: string, value: string, charset: DicomCharset): string | Buffer {
  if (PLAIN.test(value)) return value;
  return CHARSET_VRS.has(vr) ? encodeText(value, charset) : Buffer.from(transliterate(value), 'latin1');
}

// The identifier is written in two passes: `measure` turns the elements into a tree of encoded
// values with their lengths (tag order at every level), `write` puts it into one buffer. A day's
// list is hundreds of identifiers, so no element gets a buffer of its own for its header.
interface Sized {
  tag: number;
  vr: string;
  /** The value (text; padded to even length when written): printable ASCII as is, else its bytes; null for a sequence. */
  bytes: string | Buffer | null;
  items: Measured[];
  /** The value's length: the bytes, or the items with their 8-byte item headers. */
  length: number;
}

const headerLength = (vr: string, explicit: boolean): number => (explicit && LONG_VRS.has(vr) ? 12 : 8);

interface Measured {
  sized: Sized[];
  length: number;
}

function measure(elements: readonly OutElement[], explicit: boolean, charset: DicomCharset): Measured {
  const sized: Sized[] = [];
  let length = 0;
  for (const e of [...elements].sort((a, b) => a.tag - b.tag)) {
    let node: Sized;
    if (typeof e.value === 'string') {
      const bytes = textBytes(e.vr, e.value, charset);
      node = { tag: e.tag, vr: e.vr, bytes, items: [], length: bytes.length + (bytes.length % 2) };
      if (explicit && !LONG_VRS.has(e.vr) && node.length > 0xffff) throw new Error(`value too long for ${e.vr}`);
    } else {
      const items = e.value.map((item) => measure(item, explicit, charset));
      node = { tag: e.tag, vr: 'SQ', bytes: null, items, length: items.reduce((n, i) => n + 8 + i.length, 0) };
    }
    sized.push(node);
    length += headerLength(node.vr, explicit) + node.length;
  }
  return { sized, length };
}

function writeHeader(out: Buffer, at: number, tag: number, vr: string, length: number, explicit: boolean): number {
  out.writeUInt16LE(tag >>> 16, at);
  out.writeUInt16LE(tag & 0xffff, at + 2);
  if (!explicit) {
    out.writeUInt32LE(length, at + 4);
    return at + 8;
  }
  out.write(vr, at + 4, 'latin1');
  if (LONG_VRS.has(vr)) {
    out.writeUInt16LE(0, at + 6);
    out.writeUInt32LE(length, at + 8);
    return at + 12;
  }
  out.writeUInt16LE(length, at + 6);
  return at + 8;
}

function write(out: Buffer, at: number, sized: readonly Sized[], explicit: boolean): number {
  for (const e of sized) {
    at = writeHeader(out, at, e.tag, e.vr, e.length, explicit);
    if (e.bytes !== null) {
      at += typeof e.bytes === 'string' ? out.write(e.bytes, at, 'latin1') : e.bytes.copy(out, at);
      if (e.bytes.length % 2) out[at++] = e.vr === 'UI' ? 0x00 : 0x20;
      continue;
    }
    for (const item of e.items) {
      out.writeUInt16LE(0xfffe, at);
      out.writeUInt16LE(0xe000, at + 2);
      out.writeUInt32LE(item.length, at + 4);
      at = write(out, at + 8, item.sized, explicit);
    }
  }
  return at;
}

/** The identifier's bytes (defined lengths throughout; elements in tag order at every level). */
export function encodeIdentifier(elements: readonly OutElement[], transferSyntaxUid: string, charset: DicomCharset): Buffer {
  if (transferSyntaxUid !== IMPLICIT_LE && transferSyntaxUid !== EXPLICIT_LE) throw new Error('unsupported transfer syntax');
  const explicit = transferSyntaxUid === EXPLICIT_LE;
  const { sized, length } = measure(elements, explicit, charset);
  const out = Buffer.alloc(length);
  const end = write(out, 0, sized, explicit);
  if (end !== length) throw new Error('identifier length mismatch');
  return out;
}
