// The gradability model: a logistic regression over five named measurements, each tied to the
// reason an operator is shown. Its coefficients are fitted by scripts/fit-quality-model.ts on the
// development sets and committed in model-coefficients.ts, so nothing is downloaded at run time.
import { QUALITY_REASONS } from './reasons.ts';
import type { Measurements } from './measure.ts';

export interface Feature {
  name: string;
  /** The measurement on the scale the model uses. */
  value: (m: Measurements) => number;
  /** What the operator is told when this feature pulls a photo down. */
  reason: string;
}

// Bright enough to see everything: no more credit above this median luma (too bright is a rule).
const LUMA_CAP = 120;

export const FEATURES: readonly Feature[] = [
  // Vessel contrast falls by about a constant factor per step of blur or haze: a log scale.
  { name: 'vessels', value: (m) => Math.log(Math.max(m.vesselContrast, 0.005)), reason: QUALITY_REASONS.blurry },
  { name: 'light', value: (m) => Math.log(Math.min(Math.max(m.medianLuma, 5), LUMA_CAP) / 100), reason: QUALITY_REASONS.tooDark },
  { name: 'shade', value: (m) => m.shadeArea, reason: QUALITY_REASONS.darkEdge },
  { name: 'haze', value: (m) => m.blueToRed, reason: QUALITY_REASONS.uneven },
  // Grain between the vessels (noise, smeared detail): on a log scale like the vessel contrast.
  { name: 'texture', value: (m) => Math.log(Math.max(m.texture, 0.001)), reason: QUALITY_REASONS.blurry },
];

export interface ModelCoefficients {
  features: readonly string[];
  /** Standardisation: z = (value - mean) / sd. */
  mean: readonly number[];
  sd: readonly number[];
  weights: readonly number[];
  bias: number;
  /** Mean z of the good training photos: what a typical gradable photo measures. */
  goodMean: readonly number[];
}

export interface ModelOutput {
  /** Probability that the photo is gradable, 0..1. */
  probability: number;
  /**
   * Reasons of the features that pull the photo below a typical good one by at least half a unit
   * of logit (a factor of 1.6 in the odds), worst first; at least the worst one if any pulls down.
   */
  reasons: string[];
}

export function featureVector(m: Measurements): number[] {
  return FEATURES.map((f) => f.value(m));
}

export function runModel(m: Measurements, c: ModelCoefficients): ModelOutput {
  const x = featureVector(m);
  let logit = c.bias;
  const pulls: { reason: string; by: number }[] = [];
  for (let i = 0; i < x.length; i++) {
    const z = (x[i]! - c.mean[i]!) / c.sd[i]!;
    logit += c.weights[i]! * z;
    // How far this feature alone moves the logit below a typical good photo.
    pulls.push({ reason: FEATURES[i]!.reason, by: c.weights[i]! * (z - c.goodMean[i]!) });
  }
  const probability = 1 / (1 + Math.exp(-logit));
  pulls.sort((a, b) => a.by - b.by);
  const strong = pulls.filter((p) => p.by < -0.5);
  const reasons = (strong.length > 0 ? strong : pulls.slice(0, 1).filter((p) => p.by < 0)).map((p) => p.reason);
  return { probability: Number.isFinite(probability) ? probability : 0, reasons: [...new Set(reasons)] };
}
