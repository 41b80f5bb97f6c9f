// One exam's state, decided from its rows: per eye the photos in the order taken, the best one
// and whether the eye is gradable; the photos still needing an eye; and what blocks completing
// it. Pure: the exam view (api/exam-views.ts) and "complete" (exam-service.ts) share it.
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
  takenAt: r.taken_at,
  ingestedAt: r.ingested_at,
  qualityScore: r.quality_score,
  qualityVerdict: r.quality_verdict,
  rejected: (r.rejected_reason ?? null) !== null,
});

export function examState(imageRows: readonly ImageRow[], eyeRows: readonly ExamEyeRow[]): ExamState {
  const images = inOrderTaken(imageRows.map((r) => ({ ...toEyeImage(r), row: r })));
  const eyeOf = (eye: Eye): EyeState => {
    const mine = images.filter((i) => i.row.eye === eye);
    const state = eyeRows.find((s) => s.eye === eye);
    const reason = state?.ungradable_reason ?? null;
    return {
      eye,
      images: mine.map((i) => i.row),
      best: chooseBestImage(mine, state?.best_image_id ?? null),
      gradable: eyeGradable(mine, reason),
      ungradableReason: reason,
    };
  };
  const eyes = { OD: eyeOf('OD'), OS: eyeOf('OS') };
  const unknownEye = images.filter((i) => !i.row.eye).map((i) => i.row);
  const blockers: string[] = [];
  const waiting = unknownEye.filter((r) => (r.rejected_reason ?? null) === null).length;
  if (waiting > 0) blockers.push(`${waiting === 1 ? '1 photo still needs' : `${waiting} photos still need`} an eye: answer "Which eye?" first.`);
  for (const eye of EYES) {
    const e = eyes[eye];
    if (e.ungradableReason === null && e.best === null) {
      blockers.push(`The ${EYE_WORDS[eye]} has no usable photo. Take one, or mark the eye ungradable with a reason.`);
    }
  }
  return { eyes, unknownEye, blockers };
}
