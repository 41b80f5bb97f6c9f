// Worklist provider (b2): DICOM Modality Worklist item files (".wl", one item per file, as written
// by DCMTK's dump2dcm or Orthanc's worklist plugin). dcmjs reads explicit and implicit VR little
// endian and applies Specific Character Set (ISO_IR 100 = Latin-1, ISO_IR 192 = UTF-8).
import { createRequire } from 'node:module';
import { firstIssueMessage, worklistEntrySchema } from '../../../../shared/orders.ts';
import { declaredCharacterSet, redecode } from './dicom-charset.ts';
import { localToUtcIso, parseDate, parseSex, parseTime, ymdToString } from './fields.ts';
import { WorklistProviderError, type WorklistProviderResult } from './result.ts';

// dcmjs ships no type declarations; this is the little of it used here.
interface DcmjsData {
  DicomMessage: { readFile(buffer: ArrayBuffer): { dict: Record<string, unknown> } };
  DicomMetaDictionary: { naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown> };
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as { data: DcmjsData };

/** The attributes of one worklist item that the station uses, as written in the file (trimmed). */
export interface DicomWorklistItem {
  /** Specific Character Set as declared (first value), e.g. "ISO_IR 100"; null when not declared. */
  specificCharacterSet: string | null;
  patientId: string | null;
  /** DICOM form, "Family^Given^Middle^Prefix^Suffix". */
  patientName: string | null;
  patientBirthDate: string | null; // DA, YYYYMMDD
  patientSex: string | null;
  accessionNumber: string | null;
  requestedProcedureId: string | null;
  studyInstanceUid: string | null;
  /** The first item of the Scheduled Procedure Step Sequence, or null when there is none. */
  step: {
    startDate: string | null; // DA
    startTime: string | null; // TM
    stepId: string | null;
    stationAeTitle: string | null;
    modality: string | null;
    location: string | null;
  } | null;
}

const VRS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

// Some tools write a bare data set (no preamble, no File Meta). dcmjs only reads Part 10 files,
// so give it a minimal meta header naming the syntax the data set evidently uses.
const withMetaHeader = (bytes: Buffer): Buffer => {
  const explicit = bytes.length >= 6 && VRS.has(bytes.toString('latin1', 4, 6));
  const syntax = Buffer.from(explicit ? '1.2.840.10008.1.2.1\0' : '1.2.840.10008.1.2\0', 'latin1');
  const tsElement = Buffer.concat([Buffer.from([0x02, 0x00, 0x10, 0x00]), Buffer.from('UI'), Buffer.alloc(2), syntax]);
  tsElement.writeUInt16LE(syntax.length, 6);
  const groupLength = Buffer.concat([Buffer.from([0x02, 0x00, 0x00, 0x00]), Buffer.from('UL'), Buffer.from([4, 0]), Buffer.alloc(4)]);
  groupLength.writeUInt32LE(tsElement.length, 8);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), groupLength, tsElement, bytes]);
};

const isPart10 = (bytes: Buffer): boolean => bytes.length >= 132 && bytes.toString('latin1', 128, 132) === 'DICM';

// A bare worklist data set begins with group 0008 (character set, accession) or 0010 (patient);
// anything else is not one, and dcmjs would read garbage lengths rather than fail.
const looksLikeDataSet = (bytes: Buffer): boolean => bytes.length >= 8 && [0x0008, 0x0010].includes(bytes.readUInt16LE(0));

const str = (value: unknown): string | null => {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null && 'Alphabetic' in v) return str((v as { Alphabetic: unknown }).Alphabetic);
  if (typeof v !== 'string') return null;
  const t = v.replace(/\0+$/, '').trim();
  return t === '' ? null : t;
};

/** Reads the attributes of one worklist item. Throws WorklistProviderError when the bytes are not DICOM. */
export function readWorklistItem(bytes: Buffer): DicomWorklistItem {
  let ds: Record<string, unknown>;
  let charset: string | null;
  const notDicom = (cause?: unknown) =>
    new WorklistProviderError('bad-file', 'The file is not a readable DICOM worklist item.', { cause });
  if (!isPart10(bytes) && !looksLikeDataSet(bytes)) throw notDicom();
  try {
    const part10 = isPart10(bytes) ? bytes : withMetaHeader(bytes);
    charset = declaredCharacterSet(part10);
    const buffer = part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.byteLength) as ArrayBuffer;
    const file = dcmjs.data.DicomMessage.readFile(buffer);
    ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
  } catch (error) {
    throw notDicom(error);
  }
  // Top-level text is already decoded by dcmjs when a set is declared; sequence text never is.
  const textOf = (value: unknown) => (charset !== null ? str(value) : redecode(str(value), null));
  const stepText = (value: unknown) => redecode(str(value), charset);
  const sequence = ds.ScheduledProcedureStepSequence;
  const first = (Array.isArray(sequence) ? sequence[0] : sequence) as Record<string, unknown> | undefined;
  return {
    specificCharacterSet: charset,
    patientId: textOf(ds.PatientID),
    patientName: textOf(ds.PatientName),
    patientBirthDate: str(ds.PatientBirthDate),
    patientSex: str(ds.PatientSex),
    accessionNumber: textOf(ds.AccessionNumber),
    requestedProcedureId: textOf(ds.RequestedProcedureID),
    studyInstanceUid: str(ds.StudyInstanceUID),
    step: first
      ? {
          startDate: str(first.ScheduledProcedureStepStartDate),
          startTime: str(first.ScheduledProcedureStepStartTime),
          stepId: stepText(first.ScheduledProcedureStepID),
          stationAeTitle: str(first.ScheduledStationAETitle),
          modality: str(first.Modality),
          location: stepText(first.ScheduledProcedureStepLocation),
        }
      : null,
  };
}

/**
 * DICOM "Family^Given^Middle^Prefix^Suffix" as "Family, Given Middle": family name first, as
 * clinic lists sort; prefix and suffix (titles such as "Mme") are dropped. Only the first
 * (alphabetic) component group is used.
 */
export function formatPersonName(pn: string): string {
  const [family = '', given = '', middle = ''] = (pn.split('=')[0] ?? '').split('^').map((p) => p.trim());
  const givenPart = [given, middle].filter(Boolean).join(' ');
  return family && givenPart ? `${family}, ${givenPart}` : family || givenPart;
}

export interface DicomWorklistOptions {
  /** Stored on the entry; default "dicom-worklist". */
  source?: string;
}

/** One .wl file as a worklist result: one entry, or one rejected "item" saying why. */
export function parseWorklistFile(bytes: Buffer, options: DicomWorklistOptions = {}): WorklistProviderResult {
  const source = options.source ?? 'dicom-worklist';
  const item = readWorklistItem(bytes);
  const reject = (reason: string): WorklistProviderResult => ({ entries: [], rejected: [{ row: 'item', reason }] });

  const birth = item.patientBirthDate === null ? null : parseDate(item.patientBirthDate);
  if (item.patientBirthDate !== null && birth === null) return reject('Birth date is not a valid DICOM date.');
  const sex = parseSex(item.patientSex);
  if (sex === null) return reject('Sex must be M (male), F (female), O (other) or U (unknown).');
  const date = item.step?.startDate ? parseDate(item.step.startDate) : null;
  if (!date) return reject('The worklist item has no valid Scheduled Procedure Step Start Date.');
  const time = item.step?.startTime ? parseTime(item.step.startTime) : undefined;
  if (time === null) return reject('The worklist item has an invalid Scheduled Procedure Step Start Time.');

  const checked = worklistEntrySchema.safeParse({
    patientId: item.patientId ?? '',
    name: item.patientName === null ? '' : formatPersonName(item.patientName),
    birthDate: birth ? ymdToString(birth) : null,
    sex,
    scheduledAt: localToUtcIso(date, time),
    site: item.step?.location ?? null,
    externalOrderId: item.requestedProcedureId,
    accessionNumber: item.accessionNumber,
    scheduledStepId: item.step?.stepId ?? null,
    source,
  });
  return checked.success ? { entries: [checked.data], rejected: [] } : reject(firstIssueMessage(checked.error));
}
