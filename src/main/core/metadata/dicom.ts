// DICOM -> ImageFacts. The structure walk (dicom-structure.ts) proves the file is whole and finds
// the pixels; dicom-values.ts reads the attribute values before the Pixel Data (text in the
// declared character sets), so the pixels are never copied for it.
import { emptyFacts, type ImageFacts, type Laterality, type LateralitySource } from '../../../shared/domain.ts';
import { readablePersonName } from '../dicom/text.ts';
import type { PixelDescription } from '../imaging/frame.ts';
import { DicomStructureError, walkDicom, type DicomLayout } from './dicom-structure.ts';
import { readDicomValues, type DicomValues } from './dicom-values.ts';
import { UnreadableFileError } from './errors.ts';
import { parseOffset } from '../../../shared/dates.ts';
import { dicomDateToIso, parseDicomDate, parseDicomDateTime, parseDicomTime, toTakenTime, type TakenTime } from './time.ts';

/** What the preview needs to know about the pixels: a frame decoder's description, and how many frames. */
export interface DicomPixelInfo extends PixelDescription {
  numberOfFrames: number;
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

let parses = 0;

/** How many DICOM files this process has parsed (tests check that an ingest parses once). */
export const dicomParseCount = (): number => parses;

/** Parses a whole DICOM file; throws UnreadableFileError('corrupt-dicom') unless it parses to its end. */
export function parseDicom(bytes: Buffer): ParsedDicom {
  parses++;
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

function readAttributes(layout: DicomLayout): DicomValues {
  try {
    // The structure is sound (walked above), so a value dcmjs cannot decode should not cost the
    // image: lenient keeps what it could read.
    return readDicomValues(layout, { lenient: true });
  } catch {
    throw new UnreadableFileError('corrupt-dicom', DAMAGED_DICOM_MESSAGE);
  }
}

/** A person name as "Family, Prefix Given Middle Suffix" (titles kept: they are what the camera wrote). */
function personName(ds: DicomValues, tag: string): string | null {
  const pn = ds.text(tag);
  return pn ? readablePersonName(pn, { titles: true }) || null : null;
}

function laterality(ds: DicomValues): { laterality: Laterality | null; lateralitySource: LateralitySource | null } {
  const fromCode = (code: string | null): Laterality | null => (code === 'R' ? 'OD' : code === 'L' ? 'OS' : null);
  const image = ds.text('00200062')?.toUpperCase() ?? null;
  if (image) {
    // 'B' (both) or 'U' (unpaired) is an answer too: not one eye, so no fallback to the series.
    const l = fromCode(image);
    return { laterality: l, lateralitySource: l ? 'dicom-image' : null };
  }
  const l = fromCode(ds.text('00200060')?.toUpperCase() ?? null);
  return { laterality: l, lateralitySource: l ? 'dicom-series' : null };
}

/** Acquisition DateTime, else Acquisition, Content or Study Date + Time; offset from the DT or 0008,0201. */
function takenTime(ds: DicomValues): TakenTime | null {
  const zone = parseOffset(ds.text('00080201'));
  const dt = parseDicomDateTime(ds.text('0008002A'));
  if (dt) {
    const t = toTakenTime(dt.local, dt.offsetMinutes ?? zone);
    if (t) return t;
  }
  for (const [dateTag, timeTag] of [
    ['00080022', '00080032'],
    ['00080023', '00080033'],
    ['00080020', '00080030'],
  ] as const) {
    const date = parseDicomDate(ds.text(dateTag));
    const time = parseDicomTime(ds.text(timeTag));
    if (!date || !time) continue;
    const t = toTakenTime({ ...date, ...time }, zone);
    if (t) return t;
  }
  return null;
}

function pixelSpacing(ds: DicomValues): [number, number] | null {
  const v = ds.numbers('00280030');
  return v.length >= 2 && v[0] > 0 && v[1] > 0 && Number.isFinite(v[0]) && Number.isFinite(v[1]) ? [v[0], v[1]] : null;
}

const SEXES = new Set(['M', 'F', 'O']);

export function datasetToFacts(ds: DicomValues, transferSyntaxUid: string): ImageFacts {
  const request = ds.items('00400275')[0];
  const sex = ds.text('00100040')?.toUpperCase() ?? null;
  const field = ds.items('0022001D')[0];
  const taken = takenTime(ds);
  const rows = ds.num('00280010');
  const columns = ds.num('00280011');
  return {
    ...emptyFacts(),
    format: 'dicom',
    patientId: ds.text('00100020'),
    patientName: personName(ds, '00100010'),
    birthDate: dicomDateToIso(ds.text('00100030')),
    sex: sex && SEXES.has(sex) ? sex : null,
    accessionNumber: ds.text('00080050') ?? (request ? request.text('00080050') : null),
    scheduledStepId: request ? request.text('00400009') : null,
    ...laterality(ds),
    field: field ? field.text('00080104') : null,
    takenAt: taken?.takenAt ?? null,
    takenOffset: taken?.takenOffset ?? null,
    make: ds.text('00080070'),
    model: ds.text('00081090'),
    serial: ds.text('00181000'),
    modality: ds.text('00080060'),
    studyUid: ds.text('0020000D'),
    seriesUid: ds.text('0020000E'),
    sopUid: ds.text('00080018'),
    sopClassUid: ds.text('00080016'),
    transferSyntaxUid,
    width: columns && columns > 0 ? columns : null,
    height: rows && rows > 0 ? rows : null,
    pixelSpacingMm: pixelSpacing(ds),
  };
}

function pixelInfo(ds: DicomValues): DicomPixelInfo {
  const bitsAllocated = ds.num('00280100') ?? 8;
  return {
    rows: ds.num('00280010') ?? 0,
    columns: ds.num('00280011') ?? 0,
    samplesPerPixel: ds.num('00280002') ?? 1,
    photometric: (ds.text('00280004') ?? 'MONOCHROME2').toUpperCase(),
    bitsAllocated,
    bitsStored: ds.num('00280101') ?? bitsAllocated,
    pixelRepresentation: ds.num('00280103') ?? 0,
    planarConfiguration: ds.num('00280006') ?? 0,
    numberOfFrames: Math.max(1, Math.floor(ds.num('00280008') ?? 1)),
    windowCenter: ds.num('00281050'),
    windowWidth: ds.num('00281051'),
    rescaleSlope: ds.num('00281053') ?? 1,
    rescaleIntercept: ds.num('00281052') ?? 0,
  };
}
