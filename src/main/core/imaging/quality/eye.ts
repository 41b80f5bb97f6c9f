// Per-eye decisions. Gradeability belongs to the eye: it is gradable when at least one of its
// photos is good. The best image for the report: the operator's pick, else the best score (ties:
// the last taken), else the last taken.
import type { QualityVerdict } from '../../../../shared/domain.ts';

export function isEyeGradable(verdicts: readonly (QualityVerdict | null | undefined)[]): boolean {
  return verdicts.some((v) => v === 'good');
}

export interface BestImageCandidate {
  id: string;
  /** When the camera took it (UTC ISO-8601), if known. */
  takenAt: string | null;
  /** When the station took it in (UTC ISO-8601): the fallback order when takenAt is missing. */
  ingestedAt: string;
  score: number | null;
  rejected: boolean;
  operatorPick: boolean;
}

export interface BestImagePick {
  id: string;
  rule: 'operator' | 'quality' | 'last-taken';
}

export function pickBestImage(images: readonly BestImageCandidate[]): BestImagePick | null {
  const usable = images.filter((i) => !i.rejected);
  if (usable.length === 0) return null;
  const picked = usable.filter((i) => i.operatorPick).sort(byTaken).at(-1);
  if (picked) return { id: picked.id, rule: 'operator' };
  const scored = usable.filter((i) => i.score !== null && Number.isFinite(i.score));
  if (scored.length > 0) {
    const best = scored.sort((a, b) => a.score! - b.score! || byTaken(a, b)).at(-1)!;
    return { id: best.id, rule: 'quality' };
  }
  return { id: usable.sort(byTaken).at(-1)!.id, rule: 'last-taken' };
}

/** Oldest first: by the time taken (the time it arrived when the camera gave none), then by id. */
function byTaken(a: BestImageCandidate, b: BestImageCandidate): number {
  return instant(a) - instant(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function instant(img: BestImageCandidate): number {
  const taken = img.takenAt === null ? Number.NaN : Date.parse(img.takenAt);
  if (!Number.isNaN(taken)) return taken;
  const arrived = Date.parse(img.ingestedAt);
  return Number.isNaN(arrived) ? 0 : arrived;
}
