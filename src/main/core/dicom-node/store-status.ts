// What a camera is told about one C-STORE, and what the operator sees: a pure mapping from how the
// receive ended to the DIMSE status (PS3.4 B.2.3), the Error Comment (at most 64 characters, no
// patient data) and, for objects the station refuses, the sentence of the visible refused row.
import { formatBytes } from '../storage/storage-state.ts';

export const DIMSE = {
  success: 0x0000,
  /** Refused: Out of Resources. */
  outOfResources: 0xa700,
  /** Error: Data Set does not match SOP Class. */
  sopClassMismatch: 0xa900,
  /** Error: Cannot understand. */
  cannotUnderstand: 0xc000,
  processingFailure: 0x0110,
} as const;

export type StoreEnd =
  | { kind: 'stored' }
  | { kind: 'resend' }
  | { kind: 'malformed'; truncated: boolean }
  | { kind: 'unreadable'; message: string }
  | { kind: 'sop-class-mismatch' }
  | { kind: 'too-large'; limitBytes: number }
  | { kind: 'disk' }
  | { kind: 'failed' };

export interface StoreVerdict {
  status: number;
  /** Error Comment (0000,0902) for the camera; null on success. */
  comment: string | null;
  /** The refused row's message (what happened, what to do); null when nothing is shown. */
  refusal: string | null;
}

export function storeVerdict(end: StoreEnd, camera: string): StoreVerdict {
  switch (end.kind) {
    case 'stored':
    case 'resend':
      return { status: DIMSE.success, comment: null, refusal: null };
    case 'malformed':
      return {
        status: DIMSE.cannotUnderstand,
        comment: end.truncated ? 'Object incomplete: it ended before its data' : 'Object is not well-formed DICOM',
        refusal: end.truncated
          ? `Camera ${camera} sent an incomplete DICOM object: it ended before all of its data. It was refused and the camera was told; send it again from the camera.`
          : `Camera ${camera} sent a DICOM object that is damaged and cannot be read. It was refused and the camera was told; send it again from the camera, and call IT if it happens again.`,
      };
    case 'unreadable':
      return { status: DIMSE.cannotUnderstand, comment: 'Object cannot be read', refusal: `Camera ${camera} sent an object the station cannot read: ${end.message}` };
    case 'sop-class-mismatch':
      return {
        status: DIMSE.sopClassMismatch,
        comment: 'Data set does not match the SOP class',
        refusal: `Camera ${camera} sent an object whose contents do not match the kind it announced. It was refused and the camera was told; call IT to check the camera's DICOM settings.`,
      };
    case 'too-large':
      return {
        status: DIMSE.outOfResources,
        comment: 'Object larger than the station accepts',
        refusal: `Camera ${camera} sent an object larger than the limit of ${formatBytes(end.limitBytes)}. It was stopped and nothing was kept; raise the limit in the DICOM settings if such objects are expected.`,
      };
    case 'disk':
      // The storage notice already says the disk is full; the camera keeps the object and retries.
      return { status: DIMSE.outOfResources, comment: 'Station storage cannot take objects now', refusal: null };
    case 'failed':
      return { status: DIMSE.processingFailure, comment: 'Station could not store the object', refusal: null };
  }
}
