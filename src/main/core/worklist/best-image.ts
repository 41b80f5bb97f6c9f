// The best image of an eye and whether the eye is gradable. Pure (DOMAIN.md):
//   best: the operator's explicit pick; otherwise the highest quality score (ties: the last taken);
//   otherwise the last image taken (the operator stopped when they had a good one).
//   A rejected image is never chosen, not even when it was picked before it was rejected.
//   gradable: an eye is gradable when at least one of its (not rejected) images is.

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

export function chooseBestImage(images: readonly EyeImage[], operatorPick: string | null): { imageId: string; rule: BestRule } | null {
  const usable = inOrderTaken(images.filter((i) => !i.rejected));
  if (usable.length === 0) return null;
  if (operatorPick !== null && usable.some((i) => i.id === operatorPick)) return { imageId: operatorPick, rule: 'operator' };
  const scored = usable.filter((i) => typeof i.qualityScore === 'number' && Number.isFinite(i.qualityScore));
  if (scored.length > 0) {
    const top = Math.max(...scored.map((i) => i.qualityScore as number));
    // In the order taken, so the last of equal scores wins.
    const best = scored.filter((i) => i.qualityScore === top).at(-1)!;
    return { imageId: best.id, rule: 'quality' };
  }
  return { imageId: usable.at(-1)!.id, rule: 'last-taken' };
}

export type EyeGradable = 'yes' | 'no' | 'unknown' | 'ungradable' | 'none';

/**
 * ungradable: the operator marked it (their word wins); none: no usable image; yes: at least one
 * image is good or borderline; no: every image has a verdict and all say retake; unknown: some
 * images have no quality hint yet and none is good.
 */
export function eyeGradable(images: readonly EyeImage[], ungradableReason: string | null): EyeGradable {
  if (ungradableReason !== null) return 'ungradable';
  const usable = images.filter((i) => !i.rejected);
  if (usable.length === 0) return 'none';
  if (usable.some((i) => i.qualityVerdict === 'good' || i.qualityVerdict === 'borderline')) return 'yes';
  if (usable.every((i) => i.qualityVerdict === 'retake')) return 'no';
  return 'unknown';
}
