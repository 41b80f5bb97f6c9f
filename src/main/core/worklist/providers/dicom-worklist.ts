// Worklist provider (b2): DICOM Modality Worklist item files (".wl", one item per file, as written
// by DCMTK's dump2dcm or Orthanc's worklist plugin). The structure walk and the attribute reader
// are the image metadata's (explicit and implicit VR, either byte order); text is decoded in the
// declared Specific Character Set, ISO 2022 code extensions included.
import { firstIssueMessage, worklistEntrySchema } from '../../../../shared/orders.ts';
import { isPart10, wrapInPart10 } from '../../dicom/part10.ts';
import { readablePersonName } from '../../dicom/text.ts';
import { TS_EXPLICIT_LE, TS_IMPLICIT_LE, isVrLetters } from '../../dicom/vocabulary.ts';
import { walkDicom } from '../../metadata/dicom-structure.ts';
import { readDicomValues } from '../../metadata/dicom-values.ts';
import { localToUtcIso, parseDate, parseSex, parseTime, ymdToString } from './fields.ts';
import { WorklistProviderError, type WorklistProviderResult } from './result.ts';

/** The attributes of one worklist item that the station uses, as written in the file (trimmed). */
export interface DicomWorklistItem {
  /** Specific Character Set as declared (every term), e.g. "ISO_IR 100"; null when not declared. */
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

// A bare worklist data set begins with group 0008 (character set, accession) or 0010 (patient);
// anything else is not one, and dcmjs would read garbage lengths rather than fail.
const looksLikeDataSet = (bytes: Buffer): boolean => bytes.length >= 8 && [0x0008, 0x0010].includes(bytes.readUInt16LE(0));

// Some tools write a bare data set (no preamble, no File Meta): a VR after the first tag tells
// explicit from implicit VR little endian, as the structure walk does for bare image data sets.
const asPart10 = (bytes: Buffer): Buffer =>
  isPart10(bytes) ? bytes : wrapInPart10(bytes, isVrLetters(bytes[4], bytes[5]) ? TS_EXPLICIT_LE : TS_IMPLICIT_LE);

/** Reads the attributes of one worklist item. Throws WorklistProviderError when the bytes are not DICOM. */
export function readWorklistItem(bytes: Buffer): DicomWorklistItem {
  const notDicom = (cause?: unknown) =>
    new WorklistProviderError('bad-file', 'The file is not a readable DICOM worklist item.', { cause });
  if (!isPart10(bytes) && !looksLikeDataSet(bytes)) throw notDicom();
  let ds;
  try {
    ds = readDicomValues(walkDicom(asPart10(bytes)), { lenient: false });
  } catch (error) {
    throw notDicom(error);
  }
  const step = ds.items('00400100')[0];
  return {
    specificCharacterSet: ds.characterSet,
    patientId: ds.text('00100020'),
    patientName: ds.text('00100010'),
    patientBirthDate: ds.text('00100030'),
    patientSex: ds.text('00100040'),
    accessionNumber: ds.text('00080050'),
    requestedProcedureId: ds.text('00401001'),
    studyInstanceUid: ds.text('0020000D'),
    step: step
      ? {
          startDate: step.text('00400002'),
          startTime: step.text('00400003'),
          stepId: step.text('00400009'),
          stationAeTitle: step.text('00400001'),
          modality: step.text('00080060'),
          location: step.text('00400011'),
        }
      : null,
  };
}

/**
 * DICOM "Family^Given^Middle^Prefix^Suffix" as "Family, Given Middle": family name first, as
 * clinic lists sort; prefix and suffix (titles such as "Mme") are dropped.
 */
export const formatPersonName = (pn: string): string => readablePersonName(pn, { titles: false });

export interface DicomWorklistOptions {
  /** Stored on the entry; default "dicom-worklist". */
  source?: string;
  /** Also take the item's Study Instance UID and Scheduled Station AE Title (the worklist folder does). */
  dicomIdentities?: boolean;
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
    ...(options.dicomIdentities && item.studyInstanceUid ? { studyInstanceUid: item.studyInstanceUid } : {}),
    ...(options.dicomIdentities && item.step?.stationAeTitle ? { scheduledStationAeTitle: item.step.stationAeTitle } : {}),
  });
  return checked.success ? { entries: [checked.data], rejected: [] } : reject(firstIssueMessage(checked.error));
}
