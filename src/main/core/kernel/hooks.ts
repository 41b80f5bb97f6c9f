// The one way features wire their consequences into each other: in-transaction hooks, so one
// feature's change and another's consequence commit together (an image stored and matched to an
// order; an exam completed and its upload jobs queued). A hook that throws rolls the whole change
// back; a hook that must not (matching) runs its own writes in a savepoint. Everything after the
// commit goes out as events (kernel/events.ts).
import type { Database } from 'better-sqlite3';
import type { ImageFacts } from '../../../shared/domain.ts';

/** How an image came over the DICOM network (the listener's C-STORE), when it did. */
export interface DicomOrigin {
  /** The sending camera's AE title (routes to PACS and the per-camera settings key on it). */
  callingAe: string;
  /** The station's AE title as the camera called it. */
  calledAe: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** The transfer syntax the object arrived (and is stored) in. */
  transferSyntaxUid: string;
  associationId: string;
}

/** A new image, inside the transaction that stores its row. */
export interface ImageStored {
  id: string;
  facts: ImageFacts;
  fileName: string;
  sourceId: string | null;
  /** Present when the image came by DICOM C-STORE rather than from a folder or a camera volume. */
  dicom?: DicomOrigin;
}

export interface ExamCompleted {
  orderId: string;
  revision: number;
  operator: string;
}

export class Hooks {
  /** Runs inside the transaction that stores a new image (e.g. match it to an order). */
  readonly imageStored: ((image: ImageStored) => void)[] = [];
  /** Runs inside the transaction that marks an exam complete (e.g. queue its sync jobs). */
  readonly examCompleted: ((db: Database, e: ExamCompleted) => void)[] = [];
  /** Runs inside the transaction that reopens an exam. */
  readonly examReopened: ((db: Database, e: { orderId: string; operator: string }) => void)[] = [];
}
