// The attribute values of a walked DICOM data set (dicom-structure.ts), read by dcmjs, with text
// decoded by the station's one DICOM text decoder (dicom/text.ts). dcmjs would decode text itself,
// but only in the first of several character sets (and it throws on several), never inside
// sequences, and not at all for terms it does not know. So it is handed the data set with the
// Specific Character Set value blanked: it then reads every text byte as Windows-1252, which can
// be undone exactly, and each text value is decoded here in the set the file declares.
import { wrapInPart10 } from '../dicom/part10.ts';
import { decodeDicomText, isPlainAscii, windows1252Bytes } from '../dicom/text.ts';
import { TEXT_VRS, syntaxUid } from '../dicom/vocabulary.ts';
import { dcmjs, type DcmDataset, type DcmElement } from './dcmjs-api.ts';
import type { DicomLayout } from './dicom-structure.ts';

/** Values of one data set (or one sequence item), by hex tag ("00100010"). */
export interface DicomValues {
  /** Specific Character Set as declared, every term ("\\ISO 2022 IR 87"); null when none is. */
  readonly characterSet: string | null;
  /** The first value as text: decoded, NULs removed, trimmed; numbers as their digits; null when absent or blank. */
  text(tag: string): string | null;
  /** The first value as a finite number, or null. */
  num(tag: string): number | null;
  /** Every value as a number (NaN where one is not). */
  numbers(tag: string): number[];
  /** The items of a sequence. */
  items(tag: string): DicomValues[];
}

// VRs of one value that may contain a backslash; every other text VR separates values with it.
const SINGLE_VALUED = new Set(['LT', 'ST', 'UT']);

const valuesOf = (el: DcmElement | undefined): unknown[] => (Array.isArray(el?.Value) ? el.Value : []);

/** The value as dcmjs read it from the bytes (Windows-1252), every value, before any splitting. */
function writtenText(el: DcmElement): string | null {
  const raw = el['_rawValue']; // dcmjs's name
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw.join('\\');
  const parts = valuesOf(el).map((v) => {
    if (typeof v === 'string') return v;
    const pn = v as { Alphabetic?: string; Ideographic?: string; Phonetic?: string } | null;
    return pn && typeof pn === 'object' ? [pn.Alphabetic ?? '', pn.Ideographic ?? '', pn.Phonetic ?? ''].join('=').replace(/=+$/, '') : '';
  });
  return parts.length ? parts.join('\\') : null;
}

function clean(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.replace(/\0/g, '').trim();
  return t ? t : null;
}

function valuesOver(ds: DcmDataset, characterSet: string | null): DicomValues {
  const decoded = (el: DcmElement): string | null => {
    const written = writtenText(el);
    if (written === null) return null;
    const text = isPlainAscii(written) ? written : decodeDicomText(windows1252Bytes(written), characterSet, el.vr);
    return SINGLE_VALUED.has(el.vr) ? text : (text.split('\\')[0] ?? '');
  };
  const self: DicomValues = {
    characterSet,
    text(tag) {
      const el = ds[tag];
      if (!el) return null;
      return clean(TEXT_VRS.has(el.vr) ? decoded(el) : valuesOf(el)[0]);
    },
    num(tag) {
      const v = valuesOf(ds[tag])[0];
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : Number.NaN;
      return Number.isFinite(n) ? n : null;
    },
    numbers: (tag) => valuesOf(ds[tag]).map((x) => (typeof x === 'number' ? x : Number(x))),
    items: (tag) =>
      valuesOf(ds[tag])
        .filter((v): v is DcmDataset => typeof v === 'object' && v !== null)
        .map((item) => valuesOver(item, characterSet)),
  };
  return self;
}

export type WalkedDataSet = Pick<DicomLayout, 'dataset' | 'syntax' | 'pixelDataStart' | 'characterSet'>;

/**
 * Reads the attributes before the Pixel Data (the pixels are never copied for it). `lenient`:
 * when dcmjs cannot decode a value, keep what it could read rather than fail. Throws dcmjs's
 * error when the attributes cannot be read at all.
 */
export function readDicomValues(layout: WalkedDataSet, options: { lenient: boolean }): DicomValues {
  const attributes = layout.dataset.subarray(0, layout.pixelDataStart ?? layout.dataset.length);
  const file = wrapInPart10(attributes, syntaxUid(layout.syntax));
  const span = layout.characterSet;
  if (span && span.end <= attributes.length) {
    const at = file.length - attributes.length;
    file.fill(0x20, at + span.start, at + span.end);
  }
  const arrayBuffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  let dict: DcmDataset;
  try {
    dict = dcmjs.data.DicomMessage.readFile(arrayBuffer, { ignoreErrors: false }).dict;
  } catch (err) {
    if (!options.lenient) throw err;
    dict = dcmjs.data.DicomMessage.readFile(arrayBuffer, { ignoreErrors: true }).dict;
  }
  return valuesOver(dict, span && span.value.trim() !== '' ? span.value : null);
}
