// From measurements to the operator's hint: each check maps its measurement onto a 0..1 scale on
// which the retake line is 0.4 and the good line 0.7; the photo's score is its weakest check.
import type { QualityResult, QualityVerdict } from '../../../../shared/domain.ts';
import type { Measurements } from './measure.ts';
import type { QualityThresholds } from './thresholds.ts';

export const QUALITY_REASONS = {
  notRetinal: 'Not a retinal photo',
  blurry: 'Blurry: refocus and retake',
  tooDark: 'Too dark',
  tooBright: 'Too bright',
  darkEdge: 'Dark edge: realign with the pupil',
  uneven: 'Uneven light or haze',
  offCentre: 'Cut off: centre the eye in the frame',
} as const;

export const RETAKE_BELOW = 0.4;
export const GOOD_FROM = 0.7;
// Not a fundus at all: below every genuine fundus photo, however poor.
const NOT_RETINAL_SCORE = 0.05;

interface Check {
  reason: string;
  score: number;
}

/**
 * Maps a measurement onto the score scale: the retake level lands on 0.4, the good level on 0.7,
 * and one more such step beyond either end on 0 or 1. Works for both directions.
 */
export function rampScore(value: number, retake: number, good: number): number {
  const t = (value - retake) / (good - retake);
  if (!Number.isFinite(t)) return value >= good ? 1 : 0;
  if (t < 0) return Math.max(0, RETAKE_BELOW + RETAKE_BELOW * t);
  if (t < 1) return RETAKE_BELOW + (GOOD_FROM - RETAKE_BELOW) * t;
  return Math.min(1, GOOD_FROM + (1 - GOOD_FROM) * (t - 1));
}

/** Which fundus-photo rules the picture breaks (names of the failed rules). */
export function notRetinalRules(m: Measurements, t: QualityThresholds): string[] {
  const failed: string[] = [];
  if (m.peak < t.minPeakLevel) return ['black'];
  if (m.darkCorners < t.minDarkCorners) failed.push('no-dark-surround');
  if (m.coverage < t.minFieldCoverage) failed.push('small-field');
  if (m.roundness > t.maxEdgeIrregularity) failed.push('not-round');
  // Colour and shapes can only be judged in a picture that is not too dark to see.
  if (m.medianLuma >= t.darkRetake) {
    if (m.blueToRed > t.maxBlueToRed) failed.push('not-red');
    if (m.blueToRedSpread > t.maxColourSpread) failed.push('mixed-colours');
    if (m.coarseContrast > t.maxCoarseContrast) failed.push('large-shapes');
  }
  return failed;
}

export function judge(m: Measurements, t: QualityThresholds): Omit<QualityResult, 'metrics'> & { failedRules: string[] } {
  const failedRules = notRetinalRules(m, t);
  if (failedRules.length > 0) {
    return { score: NOT_RETINAL_SCORE, verdict: 'retake', reasons: [QUALITY_REASONS.notRetinal], failedRules };
  }
  const checks: Check[] = [
    { reason: QUALITY_REASONS.blurry, score: rampScore(m.vesselContrast, t.vesselContrastRetake, t.vesselContrastGood) },
    { reason: QUALITY_REASONS.tooDark, score: rampScore(m.medianLuma, t.darkRetake, t.darkGood) },
    { reason: QUALITY_REASONS.tooBright, score: rampScore(m.medianLuma, t.brightRetake, t.brightGood) },
    { reason: QUALITY_REASONS.tooBright, score: rampScore(m.clipped, t.clippedRetake, t.clippedGood) },
    { reason: QUALITY_REASONS.darkEdge, score: rampScore(m.darkArea, t.darkAreaRetake, t.darkAreaGood) },
    { reason: QUALITY_REASONS.uneven, score: rampScore(m.brightArea, t.brightAreaRetake, t.brightAreaGood) },
    { reason: QUALITY_REASONS.uneven, score: rampScore(m.blueToRed, t.maxBlueToRed, t.hazeBlueToRedGood) },
    { reason: QUALITY_REASONS.offCentre, score: rampScore(m.offset, t.offCentreRetake, t.offCentreGood) },
  ];
  checks.sort((a, b) => a.score - b.score);
  const score = checks[0]!.score;
  const reasons = [...new Set(checks.filter((c) => c.score < GOOD_FROM).map((c) => c.reason))];
  return { score, verdict: verdictOf(score), reasons, failedRules };
}

export function verdictOf(score: number): QualityVerdict {
  return score < RETAKE_BELOW ? 'retake' : score < GOOD_FROM ? 'borderline' : 'good';
}
