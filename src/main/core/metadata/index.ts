// The metadata stage: bytes + file name -> one normalised ImageFacts and the picture to decode.
// Metadata inside the file wins; a site's file-name rule only fills in what the file did not say.
import path from 'node:path';
import { emptyFacts, type FileNameRule, type ImageFacts } from '../../../shared/domain.ts';
import type { DecodableInput } from '../imaging/decode.ts';
import { parseDicom, type ParsedDicom } from './dicom.ts';
import { dicomPreview, type NoPreview } from './dicom-preview.ts';
import { UnreadableFileError } from './errors.ts';
import { readExifFacts } from './exif.ts';
import { applyFileNameRules } from './filename-rules.ts';
import { sniffFormat } from './sniff.ts';

export { UnreadableFileError, type UnreadableCode } from './errors.ts';
export { isJpegComplete } from './jpeg.ts';
export { parseDicom } from './dicom.ts';
export { sniffFormat } from './sniff.ts';
export { applyFileNameRules, validateFileNameRule } from './filename-rules.ts';
export type { NoPreview } from './dicom-preview.ts';

export interface ReadImageResult {
  facts: ImageFacts;
  preview: DecodableInput | NoPreview;
}

const IMAGE_EXTENSIONS: Record<string, string> = {
  '.jpg': 'JPEG',
  '.jpeg': 'JPEG',
  '.png': 'PNG',
  '.tif': 'TIFF',
  '.tiff': 'TIFF',
  '.dcm': 'DICOM',
  '.dicom': 'DICOM',
};

/** Never names the file: file names often carry patient identifiers. */
function notAnImageMessage(fileName: string): string {
  const ext = path.extname(fileName).toLowerCase();
  const claimed = IMAGE_EXTENSIONS[ext];
  if (claimed) return `This file is not a picture: its name ends in ${ext}, but it does not contain ${claimed} image data. Check what the camera wrote into this folder.`;
  return 'This file is not in a format the station can read (JPEG, PNG, TIFF or DICOM).';
}

export interface ReadImageOptions {
  /** The parse of exactly these bytes, when the completion check made one: not parsed again. */
  dicom?: ParsedDicom;
}

/**
 * The file-name rules run here, once per image: `facts` says which rule matched
 * (fileNameRuleId) and where the patient id and accession came from, for matching to read.
 */
export async function readImage(bytes: Buffer, fileName: string, rules: readonly FileNameRule[], opts: ReadImageOptions = {}): Promise<ReadImageResult> {
  if (bytes.length === 0) {
    throw new UnreadableFileError('empty-file', 'This file is empty (0 bytes). The camera may not have finished writing it, or the copy failed.');
  }
  const format = sniffFormat(bytes);
  if (format === null) throw new UnreadableFileError('not-an-image', notAnImageMessage(fileName));

  let facts: ImageFacts;
  let preview: DecodableInput | NoPreview;
  if (format === 'dicom' || format === 'dicom-raw') {
    const parsed = opts.dicom ?? parseDicom(bytes);
    if (!parsed.layout.pixelData) {
      throw new UnreadableFileError('not-an-image', 'This DICOM file holds no picture (it may be a report or a worklist entry), so there is nothing to take in.');
    }
    facts = parsed.facts;
    preview = dicomPreview(parsed);
  } else {
    facts = { ...emptyFacts(), ...(await readExifFacts(bytes)), format };
    // The decode step itself finds out whether the pixel data is damaged.
    preview = { kind: 'encoded', bytes };
  }
  return { facts: withFileNameRules(facts, fileName, rules), preview };
}

/** Fills only the facts the file's own metadata left empty. */
export function withFileNameRules(facts: ImageFacts, fileName: string, rules: readonly FileNameRule[]): ImageFacts {
  const out = { ...facts };
  out.patientIdSource = facts.patientId ? 'metadata' : null;
  out.accessionSource = facts.accessionNumber ? 'metadata' : null;
  const match = applyFileNameRules(fileName, rules);
  if (!match) return out;
  out.fileNameRuleId = match.ruleId;
  if (!out.patientId && match.patientId) {
    out.patientId = match.patientId;
    out.patientIdSource = 'filename';
  }
  if (!out.accessionNumber && match.accessionNumber) {
    out.accessionNumber = match.accessionNumber;
    out.accessionSource = 'filename';
  }
  out.field ??= match.field;
  if (out.laterality === null && match.laterality !== null) {
    out.laterality = match.laterality;
    out.lateralitySource = 'filename';
  }
  return out;
}
