// One exam's state, decided from its rows: per eye the photos in the order taken, the best one
// and whether the eye is gradable; the photos still needing an eye; and what blocks completing
// it. Pure: the exam view (api/exam-views.ts) and "complete" (exam-service.ts) share it.
// A photo the platform cannot take (a TIFF, a PNG) stays in the exam, marked, but is never the best
// image, never makes an eye gradable and never holds the exam back: it will not be sent.
// Photos are in the order taken by their believable time (shared/photo-time.ts): a camera whose
// clock says 2004 is ordered by when its photo arrived.
import { unsendableMessage } from '../../../shared/blob-names.ts';
import { believableTakenAt } from '../../../shared/photo-time.ts';
import type { ImageRow } from '../store/images.ts';
import { chooseBestImage, eyeGradable, inOrderTaken, type BestRule, type EyeGradable, type EyeImage } from './best-image.ts';
import type { ExamEyeRow } from '../store/orders.ts';

export type Eye = 'OD' | 'OS';
export const EYES: readonly Eye[] = ['OD', 'OS'];
export const EYE_WORDS: Record<Eye, string> = { OD: 'right eye (OD)', OS: 'left eye (OS)' };

export interface EyeState {
  eye: Eye;
  images: ImageRow[];
  best: { imageId: string; rule: BestRule } | null;
  gradable: EyeGradable;
  ungradableReason: string | null;
}

export interface ExamState {
  eyes: Record<Eye, EyeState>;
  unknownEye: ImageRow[];
  blockers: string[];
}

export const toEyeImage = (r: ImageRow): EyeImage => ({
  id: r.id,
  takenAt: believableTakenAt(r.taken_at, r.ingested_at),
  ingestedAt: r.ingested_at,
  qualityScore: r.quality_score,
  qualityVerdict: r.quality_verdict,
  rejected: (r.rejected_reason ?? null) !== null,
});

/** The platform takes this photo's format (a refused file has no format and is never in an exam). */
export const isSendable = (r: Pick<ImageRow, 'format'>): boolean => unsendableMessage(r.format) === null;

export function examState(imageRows: readonly ImageRow[], eyeRows: readonly ExamEyeRow[]): ExamState {
  const images = inOrderTaken(imageRows.map((r) => ({ ...toEyeImage(r), row: r })));
  const eyeOf = (eye: Eye): EyeState => {
    const mine = images.filter((i) => i.row.eye === eye);
    const sendable = mine.filter((i) => isSendable(i.row));
    const state = eyeRows.find((s) => s.eye === eye);
    const reason = state?.ungradable_reason ?? null;
    return {
      eye,
      images: mine.map((i) => i.row),
      best: chooseBestImage(sendable, state?.best_image_id ?? null),
      gradable: eyeGradable(sendable, reason),
      ungradableReason: reason,
    };
  };
  const eyes = { OD: eyeOf('OD'), OS: eyeOf('OS') };
  const unknownEye = images.filter((i) => !i.row.eye).map((i) => i.row);
  const blockers: string[] = [];
  const waiting = unknownEye.filter((r) => (r.rejected_reason ?? null) === null && isSendable(r)).length;
  if (waiting > 0) blockers.push(`${waiting === 1 ? '1 photo still needs' : `${waiting} photos still need`} an eye: answer "Which eye?" first.`);
  for (const eye of EYES) {
    const e = eyes[eye];
    if (e.ungradableReason === null && e.best === null) {
      blockers.push(`The ${EYE_WORDS[eye]} has no usable photo. Take one, or mark the eye ungradable with a reason.`);
    }
  }
  return { eyes, unknownEye, blockers };
}
