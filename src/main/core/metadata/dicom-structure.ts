// Walks a DICOM file's element structure without decoding values: proves that the file is whole
// (every length fits, every undefined-length sequence and pixel-data run is closed) and finds the
// Pixel Data. The ingest stage relies on this to know when a camera has finished writing a file.
import { inflateRawSync } from 'node:zlib';
import {
  IMPLICIT_LE_SYNTAX,
  LONG_VRS,
  TAG_ROWS,
  TAG_SPECIFIC_CHARACTER_SET,
  TS_DEFLATED_LE,
  TS_EXPLICIT_LE,
  TS_IMPLICIT_LE,
  UNDEFINED_LENGTH,
  isVrLetters,
  syntaxOfTransfer,
  type DicomSyntax,
} from '../dicom/vocabulary.ts';
import { isPart10, readFileMeta } from '../dicom/part10.ts';
import { looksLikeRawDicom } from './sniff.ts';

export type { DicomSyntax } from '../dicom/vocabulary.ts';

export interface Fragment {
  /** Where the fragment's item tag starts, counted from the first fragment (Basic Offset Table units). */
  itemOffset: number;
  /** Where the fragment's bytes start and how many there are, within `DicomLayout.dataset`. */
  offset: number;
  length: number;
}

export type PixelDataLayout =
  | { encapsulated: false; offset: number; length: number; vr: string }
  | { encapsulated: true; offsetTable: number[]; fragments: Fragment[] };

/** Where the top-level Specific Character Set value is in `DicomLayout.dataset`, and what it says. */
export interface CharacterSetSpan {
  /** The whole value as written, every term ("\\ISO 2022 IR 87"), trailing padding removed. */
  value: string;
  start: number;
  end: number;
}

export interface DicomLayout {
  transferSyntaxUid: string;
  hasFileMeta: boolean;
  /** The syntax the data set bytes are in (a deflated file is inflated to explicit LE). */
  syntax: DicomSyntax;
  dataset: Buffer;
  /** Offset of the top-level Pixel Data element in `dataset`, or null when there is none. */
  pixelDataStart: number | null;
  pixelData: PixelDataLayout | null;
  characterSet: CharacterSetSpan | null;
}

export class DicomStructureError extends Error {
  readonly truncated: boolean;
  constructor(message: string, truncated: boolean) {
    super(message);
    this.name = 'DicomStructureError';
    this.truncated = truncated;
  }
}

const MAX_DEPTH = 32;
const MAX_INFLATED = 1 << 30;
const IMPLICIT = IMPLICIT_LE_SYNTAX;

const truncated = (): DicomStructureError => new DicomStructureError('the file ends before its data does', true);
const malformed = (what: string): DicomStructureError => new DicomStructureError(what, false);

interface Header {
  group: number;
  element: number;
  vr: string | null;
  length: number;
  valueStart: number;
}

function readHeader(buf: Buffer, pos: number, syntax: DicomSyntax): Header {
  if (pos + 8 > buf.length) throw truncated();
  const le = syntax.littleEndian;
  const group = le ? buf.readUInt16LE(pos) : buf.readUInt16BE(pos);
  const element = le ? buf.readUInt16LE(pos + 2) : buf.readUInt16BE(pos + 2);
  // Item and delimiter tags never carry a VR.
  if (!syntax.explicit || group === 0xfffe) {
    const length = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
    return { group, element, vr: null, length, valueStart: pos + 8 };
  }
  if (!isVrLetters(buf[pos + 4], buf[pos + 5])) throw malformed('an element has no valid value representation');
  const vr = buf.toString('latin1', pos + 4, pos + 6);
  if (LONG_VRS.has(vr)) {
    if (pos + 12 > buf.length) throw truncated();
    const length = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
    return { group, element, vr, length, valueStart: pos + 12 };
  }
  const length = le ? buf.readUInt16LE(pos + 6) : buf.readUInt16BE(pos + 6);
  return { group, element, vr, length, valueStart: pos + 8 };
}

const isPixelData = (h: Header): boolean => h.group === 0x7fe0 && h.element === 0x0010;

function skipValue(buf: Buffer, h: Header): number {
  const end = h.valueStart + h.length;
  if (end > buf.length) throw truncated();
  return end;
}

interface TopLevel {
  pixelDataStart: number | null;
  pixelData: PixelDataLayout | null;
  hasRows: boolean;
  lastTag: number;
  characterSet: CharacterSetSpan | null;
}

/** Elements from `pos` to the end of the buffer, or to an item delimiter when `inItem`. */
function walkElements(buf: Buffer, pos: number, syntax: DicomSyntax, depth: number, inItem: boolean, top: TopLevel | null): number {
  if (depth > MAX_DEPTH) throw malformed('sequences are nested too deeply');
  while (pos < buf.length) {
    const start = pos;
    const h = readHeader(buf, pos, syntax);
    if (h.group === 0xfffe) {
      if (inItem && h.element === 0xe00d) return h.valueStart;
      throw malformed('an item marker appears outside a sequence');
    }
    if (top) {
      top.lastTag = h.group * 0x10000 + h.element;
      if (top.lastTag === TAG_ROWS) top.hasRows = true;
    }
    if (h.length !== UNDEFINED_LENGTH) {
      pos = skipValue(buf, h);
      if (top?.lastTag === TAG_SPECIFIC_CHARACTER_SET) {
        top.characterSet = { value: buf.toString('latin1', h.valueStart, pos).replace(/[\0 ]+$/, ''), start: h.valueStart, end: pos };
      }
      if (top && isPixelData(h) && top.pixelData === null) {
        top.pixelDataStart = start;
        top.pixelData = { encapsulated: false, offset: h.valueStart, length: h.length, vr: h.vr ?? 'OW' };
      }
    } else if (isPixelData(h)) {
      const { end, layout } = walkFragments(buf, h.valueStart, syntax);
      if (top && top.pixelData === null) {
        top.pixelDataStart = start;
        top.pixelData = layout;
      }
      pos = end;
    } else {
      // An undefined-length UN holds implicit VR little endian data (DICOM CP-246).
      pos = walkSequence(buf, h.valueStart, h.vr === 'UN' ? IMPLICIT : syntax, depth + 1);
    }
  }
  if (inItem) throw truncated();
  return pos;
}

function walkSequence(buf: Buffer, pos: number, syntax: DicomSyntax, depth: number): number {
  for (;;) {
    const h = readHeader(buf, pos, syntax);
    if (h.group !== 0xfffe) throw malformed('a sequence holds something other than items');
    if (h.element === 0xe0dd) return h.valueStart;
    if (h.element !== 0xe000) throw malformed('a sequence holds an unknown marker');
    pos = h.length === UNDEFINED_LENGTH ? walkElements(buf, h.valueStart, syntax, depth, true, null) : skipValue(buf, h);
  }
}

function walkFragments(buf: Buffer, pos: number, syntax: DicomSyntax): { end: number; layout: PixelDataLayout } {
  const fragments: Fragment[] = [];
  let offsetTable: number[] | null = null;
  let firstItem = -1;
  for (;;) {
    const h = readHeader(buf, pos, syntax);
    if (h.group !== 0xfffe) throw malformed('the compressed image data holds something other than fragments');
    if (h.element === 0xe0dd) return { end: h.valueStart, layout: { encapsulated: true, offsetTable: offsetTable ?? [], fragments } };
    if (h.element !== 0xe000 || h.length === UNDEFINED_LENGTH) throw malformed('the compressed image data has a bad fragment');
    const end = skipValue(buf, h);
    if (offsetTable === null) {
      // The first item is the Basic Offset Table: one 32-bit offset per frame, or empty.
      offsetTable = [];
      for (let i = h.valueStart; i + 4 <= end; i += 4) offsetTable.push(syntax.littleEndian ? buf.readUInt32LE(i) : buf.readUInt32BE(i));
    } else {
      if (firstItem < 0) firstItem = pos;
      fragments.push({ itemOffset: pos - firstItem, offset: h.valueStart, length: h.length });
    }
    pos = end;
  }
}

/** File meta group: its end and the transfer syntax it names (dicom/part10.ts reads it). */
function walkMeta(buf: Buffer, pos: number): { end: number; transferSyntaxUid: string | null } {
  const meta = readFileMeta(buf, pos);
  if ('problem' in meta) throw meta.problem === 'truncated' ? truncated() : malformed(meta.what);
  return { end: meta.end, transferSyntaxUid: meta.values.get(0x0010) ?? null };
}

function inflate(bytes: Buffer): Buffer {
  try {
    return inflateRawSync(bytes, { maxOutputLength: MAX_INFLATED });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === 'Z_BUF_ERROR' ? truncated() : malformed('the compressed data set cannot be inflated');
  }
}

/** Throws DicomStructureError unless the whole file parses to its end. */
export function walkDicom(bytes: Buffer): DicomLayout {
  const hasFileMeta = isPart10(bytes);
  if (!hasFileMeta && !looksLikeRawDicom(bytes)) throw malformed('this is not a DICOM file');
  const metaStart = hasFileMeta ? 132 : 0;
  const meta = walkMeta(bytes, metaStart);
  if (hasFileMeta && meta.end === metaStart) throw bytes.length < metaStart + 12 ? truncated() : malformed('the file header is missing');
  if (meta.end >= bytes.length) throw truncated();

  // Without a named syntax (bare data sets), the bytes tell: a VR after the tag means explicit.
  const transferSyntaxUid =
    meta.transferSyntaxUid ?? (isVrLetters(bytes[meta.end + 4], bytes[meta.end + 5]) ? TS_EXPLICIT_LE : TS_IMPLICIT_LE);
  const dataset = transferSyntaxUid === TS_DEFLATED_LE ? inflate(bytes.subarray(meta.end)) : bytes.subarray(meta.end);
  const syntax = syntaxOfTransfer(transferSyntaxUid);
  const top: TopLevel = { pixelDataStart: null, pixelData: null, hasRows: false, lastTag: 0, characterSet: null };
  walkElements(dataset, 0, syntax, 0, false, top);
  // Cut exactly between two elements: an image without its pixels, or a data set that stops
  // before the image module (complete non-image objects, like worklist entries or reports, go on
  // to later groups; elements are written in ascending tag order).
  if (top.pixelData === null && (top.hasRows || top.lastTag < TAG_ROWS)) throw truncated();
  const { pixelDataStart, pixelData, characterSet } = top;
  return { transferSyntaxUid, hasFileMeta, syntax, dataset, pixelDataStart, pixelData, characterSet };
}
