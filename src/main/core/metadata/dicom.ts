// DICOM -> ImageFacts. The structure walk (dicom-structure.ts) proves the file is whole and finds
// the pixels; dcmjs decodes the attribute values (character sets included) from the bytes before
// the Pixel Data, so the pixels are never copied for it.
import { emptyFacts, type ImageFacts, type Laterality, type LateralitySource } from '../../../shared/domain.ts';
import { dcmjs, type DcmDataset } from './dcmjs-api.ts';
import { DicomStructureError, walkDicom, TS_EXPLICIT_BE, TS_EXPLICIT_LE, TS_IMPLICIT_LE, type DicomLayout } from './dicom-structure.ts';
import { UnreadableFileError } from './errors.ts';
import { dicomDateToIso, parseDicomDate, parseDicomDateTime, parseDicomTime, parseOffset, toTakenTime, type TakenTime } from './time.ts';

/** What the preview needs to know about the pixels. */
export interface DicomPixelInfo {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  numberOfFrames: number;
  windowCenter: number | null;
  windowWidth: number | null;
  rescaleSlope: number;
  rescaleIntercept: number;
}

export interface ParsedDicom {
  facts: ImageFacts;
  pixel: DicomPixelInfo;
  layout: DicomLayout;
}

export const TRUNCATED_DICOM_MESSAGE =
  'This DICOM file is incomplete: it ends before all of its data. If the camera is still copying it, it will be read again once it is complete; otherwise export it from the camera again.';
export const DAMAGED_DICOM_MESSAGE =
  'This DICOM file is damaged and cannot be read. Export it from the camera again.';

/** Parses a whole DICOM file; throws UnreadableFileError('corrupt-dicom') unless it parses to its end. */
export function parseDicom(bytes: Buffer): ParsedDicom {
  let layout: DicomLayout;
  try {
    layout = walkDicom(bytes);
  } catch (err) {
    if (!(err instanceof DicomStructureError)) throw err;
    throw new UnreadableFileError('corrupt-dicom', err.truncated ? TRUNCATED_DICOM_MESSAGE : DAMAGED_DICOM_MESSAGE, { truncated: err.truncated });
  }
  const ds = readAttributes(layout);
  return { facts: datasetToFacts(ds, layout.transferSyntaxUid), pixel: pixelInfo(ds), layout };
}

/** dcmjs reads Part 10 files only: give it a minimal file header around the bytes before the pixels. */
function readAttributes(layout: DicomLayout): DcmDataset {
  const walkedSyntax = !layout.syntax.explicit ? TS_IMPLICIT_LE : layout.syntax.littleEndian ? TS_EXPLICIT_LE : TS_EXPLICIT_BE;
  const attributes = layout.dataset.subarray(0, layout.pixelDataStart ?? layout.dataset.length);
  const file = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), fileMetaGroup(walkedSyntax), attributes]);
  const arrayBuffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  try {
    return dcmjs.data.DicomMessage.readFile(arrayBuffer, { ignoreErrors: false }).dict;
  } catch {
    // The structure is sound (walked above), so a value dcmjs cannot decode (an unusual character
    // set, say) should not cost the image: keep what it could read.
    try {
      return dcmjs.data.DicomMessage.readFile(arrayBuffer, { ignoreErrors: true }).dict;
    } catch {
      throw new UnreadableFileError('corrupt-dicom', DAMAGED_DICOM_MESSAGE);
    }
  }
}

function fileMetaGroup(transferSyntaxUid: string): Buffer {
  const uid = Buffer.from(transferSyntaxUid.length % 2 ? `${transferSyntaxUid}\0` : transferSyntaxUid, 'latin1');
  const ts = Buffer.alloc(8 + uid.length);
  ts.writeUInt16LE(0x0002, 0);
  ts.writeUInt16LE(0x0010, 2);
  ts.write('UI', 4, 'latin1');
  ts.writeUInt16LE(uid.length, 6);
  uid.copy(ts, 8);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.writeUInt16LE(0x0000, 2);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(ts.length, 8);
  return Buffer.concat([groupLength, ts]);
}

// --- value access on dcmjs's un-naturalised data set (hex tags, Value arrays) ---

function values(ds: DcmDataset, tag: string): unknown[] {
  const v = ds[tag]?.Value;
  return Array.isArray(v) ? v : [];
}

function str(ds: DcmDataset, tag: string): string | null {
  const v = values(ds, tag)[0];
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.replace(/\0/g, '').trim();
  return t ? t : null;
}

function num(ds: DcmDataset, tag: string): number | null {
  const v = values(ds, tag)[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

function items(ds: DcmDataset, tag: string): DcmDataset[] {
  return values(ds, tag).filter((v): v is DcmDataset => typeof v === 'object' && v !== null);
}

/** DICOM PN "Family^Given^Middle^Prefix^Suffix" -> "Family, Prefix Given Middle Suffix". */
export function readablePersonName(pn: string | null): string | null {
  if (!pn) return null;
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = pn.split('=')[0].split('^').map((p) => p.trim());
  const rest = [prefix, given, middle, suffix].filter(Boolean).join(' ');
  const name = family && rest ? `${family}, ${rest}` : family || rest;
  return name ? name : null;
}

function personName(ds: DcmDataset, tag: string): string | null {
  const v = values(ds, tag)[0];
  if (typeof v === 'string') return readablePersonName(v);
  if (v && typeof v === 'object') {
    const groups = v as { Alphabetic?: string; Ideographic?: string; Phonetic?: string };
    return readablePersonName(groups.Alphabetic ?? null) ?? readablePersonName(groups.Ideographic ?? null);
  }
  return null;
}

function laterality(ds: DcmDataset): { laterality: Laterality | null; lateralitySource: LateralitySource | null } {
  const fromCode = (code: string | null): Laterality | null => (code === 'R' ? 'OD' : code === 'L' ? 'OS' : null);
  const image = str(ds, '00200062')?.toUpperCase() ?? null;
  if (image) {
    // 'B' (both) or 'U' (unpaired) is an answer too: not one eye, so no fallback to the series.
    const l = fromCode(image);
    return { laterality: l, lateralitySource: l ? 'dicom-image' : null };
  }
  const l = fromCode(str(ds, '00200060')?.toUpperCase() ?? null);
  return { laterality: l, lateralitySource: l ? 'dicom-series' : null };
}

/** Acquisition DateTime, else Acquisition, Content or Study Date + Time; offset from the DT or 0008,0201. */
function takenTime(ds: DcmDataset): TakenTime | null {
  const zone = parseOffset(str(ds, '00080201'));
  const dt = parseDicomDateTime(str(ds, '0008002A'));
  if (dt) {
    const t = toTakenTime(dt.local, dt.offsetMinutes ?? zone);
    if (t) return t;
  }
  for (const [dateTag, timeTag] of [
    ['00080022', '00080032'],
    ['00080023', '00080033'],
    ['00080020', '00080030'],
  ] as const) {
    const date = parseDicomDate(str(ds, dateTag));
    const time = parseDicomTime(str(ds, timeTag));
    if (!date || !time) continue;
    const t = toTakenTime({ ...date, ...time }, zone);
    if (t) return t;
  }
  return null;
}

function pixelSpacing(ds: DcmDataset): [number, number] | null {
  const v = values(ds, '00280030').map((x) => (typeof x === 'number' ? x : Number(x)));
  return v.length >= 2 && v[0] > 0 && v[1] > 0 && Number.isFinite(v[0]) && Number.isFinite(v[1]) ? [v[0], v[1]] : null;
}

const SEXES = new Set(['M', 'F', 'O']);

export function datasetToFacts(ds: DcmDataset, transferSyntaxUid: string): ImageFacts {
  const request = items(ds, '00400275')[0];
  const sex = str(ds, '00100040')?.toUpperCase() ?? null;
  const field = items(ds, '0022001D')[0];
  const taken = takenTime(ds);
  const rows = num(ds, '00280010');
  const columns = num(ds, '00280011');
  return {
    ...emptyFacts(),
    format: 'dicom',
    patientId: str(ds, '00100020'),
    patientName: personName(ds, '00100010'),
    birthDate: dicomDateToIso(str(ds, '00100030')),
    sex: sex && SEXES.has(sex) ? sex : null,
    accessionNumber: str(ds, '00080050') ?? (request ? str(request, '00080050') : null),
    scheduledStepId: request ? str(request, '00400009') : null,
    ...laterality(ds),
    field: field ? str(field, '00080104') : null,
    takenAt: taken?.takenAt ?? null,
    takenOffset: taken?.takenOffset ?? null,
    make: str(ds, '00080070'),
    model: str(ds, '00081090'),
    serial: str(ds, '00181000'),
    modality: str(ds, '00080060'),
    studyUid: str(ds, '0020000D'),
    seriesUid: str(ds, '0020000E'),
    sopUid: str(ds, '00080018'),
    sopClassUid: str(ds, '00080016'),
    transferSyntaxUid,
    width: columns && columns > 0 ? columns : null,
    height: rows && rows > 0 ? rows : null,
    pixelSpacingMm: pixelSpacing(ds),
  };
}

function pixelInfo(ds: DcmDataset): DicomPixelInfo {
  const bitsAllocated = num(ds, '00280100') ?? 8;
  return {
    rows: num(ds, '00280010') ?? 0,
    columns: num(ds, '00280011') ?? 0,
    samplesPerPixel: num(ds, '00280002') ?? 1,
    photometric: (str(ds, '00280004') ?? 'MONOCHROME2').toUpperCase(),
    bitsAllocated,
    bitsStored: num(ds, '00280101') ?? bitsAllocated,
    pixelRepresentation: num(ds, '00280103') ?? 0,
    planarConfiguration: num(ds, '00280006') ?? 0,
    numberOfFrames: Math.max(1, Math.floor(num(ds, '00280008') ?? 1)),
    windowCenter: num(ds, '00281050'),
    windowWidth: num(ds, '00281051'),
    rescaleSlope: num(ds, '00281053') ?? 1,
    rescaleIntercept: num(ds, '00281052') ?? 0,
  };
}
