// The best image of an eye and whether the eye is gradable, for the exam screen. Pure (DOMAIN.md),
// built on the quality feature's per-eye rules (imaging/quality/eye.ts):
//   best: the operator's explicit pick; otherwise the highest quality score (ties: the last taken);
//   otherwise the last image taken (the operator stopped when they had a good one).
//   A rejected image is never chosen, not even when it was picked before it was rejected.
//   gradable: an eye is gradable when at least one of its (not rejected) images is.

import type { QualityVerdict } from '../../../shared/domain.ts';
import { isEyeGradable, pickBestImage } from '../imaging/quality/eye.ts';

const verdictOf = (v: string | null): QualityVerdict | null => (v === 'good' || v === 'borderline' || v === 'retake' ? v : null);

export interface EyeImage {
  id: string;
  /** When the camera took it (UTC ISO), or null when the file did not say. */
  takenAt: string | null;
  /** When the station took it in (UTC ISO): the fallback for "when taken". */
  ingestedAt: string;
  qualityScore: number | null;
  qualityVerdict: 'good' | 'borderline' | 'retake' | string | null;
  rejected: boolean;
}

export type BestRule = 'operator' | 'quality' | 'last-taken';

const instant = (img: EyeImage): number => {
  const t = img.takenAt === null ? Number.NaN : Date.parse(img.takenAt);
  return Number.isNaN(t) ? Date.parse(img.ingestedAt) : t;
};

/** The order taken: capture time (else ingest time), then id (time-ordered UUIDs) for ties. */
export function inOrderTaken<T extends EyeImage>(images: readonly T[]): T[] {
  return [...images].sort((a, b) => instant(a) - instant(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Delegates to the quality feature's rule (imaging/quality/eye.ts), so the exam and the report agree. */
export function chooseBestImage(images: readonly EyeImage[], operatorPick: string | null): { imageId: string; rule: BestRule } | null {
  const pick = pickBestImage(
    images.map((i) => ({
      id: i.id,
      takenAt: i.takenAt,
      ingestedAt: i.ingestedAt,
      score: typeof i.qualityScore === 'number' && Number.isFinite(i.qualityScore) ? i.qualityScore : null,
      rejected: i.rejected,
      operatorPick: i.id === operatorPick,
    })),
  );
  return pick ? { imageId: pick.id, rule: pick.rule } : null;
}

export type EyeGradable = 'yes' | 'no' | 'unknown' | 'ungradable' | 'none';

/**
 * ungradable: the operator marked it (their word wins); none: no usable image; yes: at least one
 * image is good (isEyeGradable, the quality feature's rule); no: every image says retake;
 * unknown: borderline ("check") or no quality hint yet.
 */
export function eyeGradable(images: readonly EyeImage[], ungradableReason: string | null): EyeGradable {
  if (ungradableReason !== null) return 'ungradable';
  const usable = images.filter((i) => !i.rejected);
  if (usable.length === 0) return 'none';
  if (isEyeGradable(usable.map((i) => verdictOf(i.qualityVerdict)))) return 'yes';
  if (usable.every((i) => i.qualityVerdict === 'retake')) return 'no';
  return 'unknown';
}
