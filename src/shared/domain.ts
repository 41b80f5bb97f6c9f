// Domain types shared by the core, both hosts and the renderer. Pure TypeScript: no node:, no DOM.

export type Laterality = 'OD' | 'OS';

/** Where a laterality value came from, so a guess is never mistaken for a fact. */
export type LateralitySource = 'dicom-image' | 'dicom-series' | 'exif' | 'filename' | 'operator';

/** Everything the station reads from one file, normalised across EXIF, DICOM and file-name rules. */
export interface ImageFacts {
  format: 'jpeg' | 'tiff' | 'png' | 'dicom' | 'unknown';
  patientId: string | null;
  /** Whether the patient id was in the file's own metadata or came from the site's file-name rule. */
  patientIdSource: 'metadata' | 'filename' | null;
  patientName: string | null;
  birthDate: string | null; // YYYY-MM-DD
  sex: string | null; // M, F, O
  accessionNumber: string | null;
  accessionSource: 'metadata' | 'filename' | null;
  /** The id of the file-name rule that matched, if any. */
  fileNameRuleId: string | null;
  scheduledStepId: string | null; // DICOM Scheduled Procedure Step ID / worklist item id
  laterality: Laterality | null;
  lateralitySource: LateralitySource | null;
  field: string | null; // e.g. macula, disc, or the raw value of a file-name rule
  takenAt: string | null; // UTC ISO-8601
  takenOffset: string | null; // the camera's own offset, e.g. "+02:00", when it gave one
  make: string | null;
  model: string | null;
  serial: string | null;
  modality: string | null;
  studyUid: string | null;
  seriesUid: string | null;
  sopUid: string | null;
  sopClassUid: string | null;
  transferSyntaxUid: string | null;
  width: number | null;
  height: number | null;
  pixelSpacingMm: [number, number] | null;
}

export const emptyFacts = (): ImageFacts => ({
  format: 'unknown',
  patientId: null,
  patientIdSource: null,
  patientName: null,
  birthDate: null,
  sex: null,
  accessionNumber: null,
  accessionSource: null,
  fileNameRuleId: null,
  scheduledStepId: null,
  laterality: null,
  lateralitySource: null,
  field: null,
  takenAt: null,
  takenOffset: null,
  make: null,
  model: null,
  serial: null,
  modality: null,
  studyUid: null,
  seriesUid: null,
  sopUid: null,
  sopClassUid: null,
  transferSyntaxUid: null,
  width: null,
  height: null,
  pixelSpacingMm: null,
});

/** A per-site file-name rule: a regular expression with named groups (patientId, eye, field, accession). */
export interface FileNameRule {
  id: string;
  name: string;
  pattern: string;
  flags?: string;
}

export type QualityVerdict = 'good' | 'borderline' | 'retake';

export interface QualityResult {
  score: number; // 0..1
  verdict: QualityVerdict;
  reasons: string[]; // operator's words
  metrics: Record<string, number | boolean>;
}
