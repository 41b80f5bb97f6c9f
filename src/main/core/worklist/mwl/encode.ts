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

function textBytes(vr: string, value: string, charset: DicomCharset): Buffer {
  const raw = CHARSET_VRS.has(vr) ? encodeText(value, charset) : Buffer.from(transliterate(value), 'latin1');
  if (raw.length % 2 === 0) return raw;
  return Buffer.concat([raw, Buffer.from([vr === 'UI' ? 0x00 : 0x20])]);
}

function header(tag: number, vr: string, length: number, explicit: boolean): Buffer {
  const long = !explicit || LONG_VRS.has(vr);
  const b = Buffer.alloc(explicit && long ? 12 : 8);
  b.writeUInt16LE(tag >>> 16, 0);
  b.writeUInt16LE(tag & 0xffff, 2);
  if (!explicit) {
    b.writeUInt32LE(length, 4);
  } else if (long) {
    b.write(vr, 4, 'latin1');
    b.writeUInt32LE(length, 8);
  } else {
    if (length > 0xffff) throw new Error(`value too long for ${vr}`);
    b.write(vr, 4, 'latin1');
    b.writeUInt16LE(length, 6);
  }
  return b;
}

function itemBytes(elements: readonly OutElement[], explicit: boolean, charset: DicomCharset): Buffer {
  const body = encodeElements(elements, explicit, charset);
  const h = Buffer.alloc(8);
  h.writeUInt16LE(0xfffe, 0);
  h.writeUInt16LE(0xe000, 2);
  h.writeUInt32LE(body.length, 4);
  return Buffer.concat([h, body]);
}

function encodeElements(elements: readonly OutElement[], explicit: boolean, charset: DicomCharset): Buffer {
  const parts: Buffer[] = [];
  for (const e of [...elements].sort((a, b) => a.tag - b.tag)) {
    if (typeof e.value === 'string') {
      const v = textBytes(e.vr, e.value, charset);
      parts.push(header(e.tag, e.vr, v.length, explicit), v);
    } else {
      const items = e.value.map((item) => itemBytes(item, explicit, charset));
      const length = items.reduce((n, b) => n + b.length, 0);
      parts.push(header(e.tag, 'SQ', length, explicit), ...items);
    }
  }
  return Buffer.concat(parts);
}

/** The identifier's bytes (defined lengths throughout; elements in tag order at every level). */
export function encodeIdentifier(elements: readonly OutElement[], transferSyntaxUid: string, charset: DicomCharset): Buffer {
  if (transferSyntaxUid !== IMPLICIT_LE && transferSyntaxUid !== EXPLICIT_LE) throw new Error('unsupported transfer syntax');
  return encodeElements(elements, transferSyntaxUid === EXPLICIT_LE, charset);
}
