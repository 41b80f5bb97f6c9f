// The DICOM node's seams: what the listener (dicom-node/) offers to other features and what it
// takes from them. The worklist server (worklist/, MWL C-FIND) plugs in through `findWorklist`;
// the updater's capture-safety gate reads `busy()`; the settings screens read the status views.
import type { requests, responses } from 'dcmjs-dimse';
import type { DicomCamera } from '../../../shared/dicom-settings.ts';

export type CFindRequest = requests.CFindRequest;
export type CFindResponse = responses.CFindResponse;

/** Who is asking, as the association established it. */
export interface DicomCallContext {
  /** The caller's AE title (trimmed). */
  callingAe: string;
  /** The station's AE title as the caller called it (trimmed). */
  calledAe: string;
  /** The known camera with that calling AE title, or null when unknown callers are allowed. */
  camera: DicomCamera | null;
}

/**
 * Answers one Modality Worklist C-FIND (SOP class 1.2.840.10008.5.1.4.31): the pending responses
 * (one per matching item, status Pending) followed by the final one (Success, or a failure status).
 * When no function is injected, the listener answers C-FIND with a failure status.
 */
export type FindWorklist = (request: CFindRequest, ctx: DicomCallContext) => Promise<CFindResponse[]>;

/** The capture-safety gate and the screens ask the listener this. */
export interface DicomNodeActivity {
  /** True while any association is receiving an object (an update must wait). */
  busy(): boolean;
}
