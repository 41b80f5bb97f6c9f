// From measurements to the operator's hint. Each check maps its measurement onto a 0..1 scale on
// which the retake level lands on 0.4, the good level on 0.7 and the ideal on 1; the photo's score
// is its weakest check, so the verdict and the score can never disagree. The checks are the
// hand-made rules (one measurement each, for the clear cases) and the gradability model (the five
// main measurements together, for the everyday photo that is a little of everything).
import type { QualityResult, QualityVerdict } from '../../../../shared/domain.ts';
import type { Measurements } from './measure.ts';
import { GRADABILITY_MODEL } from './model-coefficients.ts';
import { runModel, type ModelCoefficients } from './model.ts';
import { QUALITY_REASONS } from './reasons.ts';
import type { QualityThresholds } from './thresholds.ts';

export { QUALITY_REASONS };

export const RETAKE_BELOW = 0.4;
export const GOOD_FROM = 0.7;
// Vessel contrast of a sharp picture: well above every blurred retina on the development sets.
const SHARP_VESSELS = 0.15;
// Not a fundus at all: below every genuine fundus photo, however poor.
const NOT_RETINAL_SCORE = 0.05;

// Where a check gives full marks: typical values of sharp, well-exposed photos (README.md ("Quality hints")).
const IDEAL = {
  vesselContrast: 0.2,
  darkLuma: 80,
  brightLuma: 120,
  share: 0,
  blueToRed: 0.3,
  colourSpread: 0.1,
  offCentre: 0,
};

/**
 * Maps a measurement onto the score scale: retake level -> 0.4, good level -> 0.7, ideal -> 1,
 * and as far again below the retake level as the good level is above it -> 0. Either direction.
 */
export function rampScore(value: number, retake: number, good: number, ideal: number): number {
  const t = (value - retake) / (good - retake);
  if (!(t >= 0)) return Number.isNaN(t) ? 0 : Math.max(0, RETAKE_BELOW * (1 + t));
  if (t < 1) return RETAKE_BELOW + (GOOD_FROM - RETAKE_BELOW) * t;
  const beyond = ideal === good ? 1 : (value - good) / (ideal - good);
  return Math.min(1, GOOD_FROM + (1 - GOOD_FROM) * beyond);
}

/** The fundus-photo rules the picture breaks; empty for a fundus photo. */
export function notRetinalRules(m: Measurements, t: QualityThresholds): string[] {
  if (m.peak < t.minPeakLevel) return ['black'];
  const failed: string[] = [];
  if (m.darkCorners < t.minDarkCorners) failed.push('no-dark-surround');
  if (m.coverage < t.minFieldCoverage) failed.push('small-field');
  if (m.roundness > t.maxEdgeIrregularity) failed.push('not-round');
  // Colour and shapes can only be judged in a picture that is not too dark to see.
  if (m.medianLuma >= t.darkRetake) {
    if (m.blueToRed > t.maxBlueToRed) failed.push('not-red');
    if (m.coarseContrast > t.maxCoarseContrast) failed.push('large-shapes');
    // Skin, sclera and iris side by side: mixed colours and large shapes together. (A veil of
    // flare also mixes colours, but it flattens shapes instead.)
    else if (m.blueToRedSpread > t.colourSpreadRetake && m.coarseContrast > t.maxCoarseContrastMixed) failed.push('outer-eye');
    // Fine texture all over a sharp picture: skin, lashes or sclera. A retina is smooth between its
    // vessels; in a blurred or dark retina the texture is grain, so only a sharp picture counts.
    if (m.texture > t.maxTexture && m.vesselContrast >= SHARP_VESSELS) failed.push('textured');
  }
  return failed;
}

interface Check {
  reason: string;
  score: number;
}

export interface Judgement extends Omit<QualityResult, 'metrics'> {
  failedRules: string[];
  /** The model's probability that the photo is gradable (null for a photo that is not retinal). */
  gradable: number | null;
}

export function judge(m: Measurements, t: QualityThresholds, model: ModelCoefficients = GRADABILITY_MODEL): Judgement {
  const failedRules = notRetinalRules(m, t);
  if (failedRules.length > 0) {
    return { score: NOT_RETINAL_SCORE, verdict: 'retake', reasons: [QUALITY_REASONS.notRetinal], failedRules, gradable: null };
  }
  const checks: Check[] = [
    { reason: QUALITY_REASONS.blurry, score: rampScore(m.vesselContrast, t.vesselContrastRetake, t.vesselContrastGood, IDEAL.vesselContrast) },
    { reason: QUALITY_REASONS.tooDark, score: rampScore(m.medianLuma, t.darkRetake, t.darkGood, IDEAL.darkLuma) },
    { reason: QUALITY_REASONS.tooBright, score: rampScore(m.medianLuma, t.brightRetake, t.brightGood, IDEAL.brightLuma) },
    { reason: QUALITY_REASONS.tooBright, score: rampScore(m.clipped, t.clippedRetake, t.clippedGood, IDEAL.share) },
    { reason: QUALITY_REASONS.darkEdge, score: rampScore(m.darkArea, t.darkAreaRetake, t.darkAreaGood, IDEAL.share) },
    { reason: QUALITY_REASONS.uneven, score: rampScore(m.brightArea, t.brightAreaRetake, t.brightAreaGood, IDEAL.share) },
    { reason: QUALITY_REASONS.offCentre, score: rampScore(m.offset, t.offCentreRetake, t.offCentreGood, IDEAL.offCentre) },
  ];
  // In a photo too dark to see, sensor noise decides the colour: its checks are skipped.
  if (m.medianLuma >= t.darkRetake) {
    checks.push(
      { reason: QUALITY_REASONS.uneven, score: rampScore(m.blueToRed, t.maxBlueToRed, t.hazeBlueToRedGood, IDEAL.blueToRed) },
      { reason: QUALITY_REASONS.uneven, score: rampScore(m.blueToRedSpread, t.colourSpreadRetake, t.colourSpreadGood, IDEAL.colourSpread) },
    );
  }
  // The model: its probability on the same scale (retake level -> 0.4, good level -> 0.7, 1 -> 1),
  // and the reasons of the measurements that pull it down (the worst one if none pulls alone).
  const out = runModel(m, model);
  const modelScore = rampScore(out.probability, t.gradableRetake, t.gradableGood, 1);
  for (const reason of out.reasons) checks.push({ reason, score: modelScore });
  checks.sort((a, b) => a.score - b.score);
  const score = checks[0]!.score;
  const reasons = [...new Set(checks.filter((c) => c.score < GOOD_FROM).map((c) => c.reason))];
  return { score, verdict: verdictOf(score), reasons, failedRules, gradable: out.probability };
}

export function verdictOf(score: number): QualityVerdict {
  return score < RETAKE_BELOW ? 'retake' : score < GOOD_FROM ? 'borderline' : 'good';
}
