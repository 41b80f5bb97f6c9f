// The Part 10 frame the listener writes in front of a received data set: the 128-byte preamble,
// "DICM" and a full File Meta group (PS3.10 7.1), so the spool file is a DICOM file that any
// toolkit (dcmftest, dciodvfy, a PACS) reads. The data set itself follows byte for byte as it came.
import { metaElement as element } from '../dicom/part10.ts';

/** The station's Implementation Class UID (a UUID-derived UID, PS3.5 B.2), fixed for the product. */
export const IMPLEMENTATION_CLASS_UID = '2.25.115012864222527239469671081210393556872';
export const IMPLEMENTATION_VERSION = 'CAPTURESTN_1';

export interface FileMetaFields {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The AE title of the camera that sent it (Source Application Entity Title). */
  sourceAe: string;
}

const clean = (s: string): string => s.replace(/\0/g, '').trim();

/** UIDs pad with NUL, text with a space, to an even length. */
const uid = (s: string): Buffer => Buffer.from(clean(s).length % 2 ? `${clean(s)}\0` : clean(s), 'latin1');
const text = (s: string): Buffer => Buffer.from(s.length % 2 ? `${s} ` : s, 'latin1');

/** Preamble + "DICM" + File Meta group: the bytes that come before the received data set. */
export function part10Header(f: FileMetaFields): Buffer {
  const body = Buffer.concat([
    element(0x0001, 'OB', Buffer.from([0x00, 0x01])),
    element(0x0002, 'UI', uid(f.sopClassUid)),
    element(0x0003, 'UI', uid(f.sopInstanceUid)),
    element(0x0010, 'UI', uid(f.transferSyntaxUid)),
    element(0x0012, 'UI', uid(IMPLEMENTATION_CLASS_UID)),
    element(0x0013, 'SH', text(IMPLEMENTATION_VERSION)),
    element(0x0016, 'AE', text(clean(f.sourceAe).slice(0, 16))),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length, 0);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), element(0x0000, 'UL', length), body]);
}
