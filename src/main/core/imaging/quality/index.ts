// Gradeability hints for one photo, from the reduced decode the thumbnail is made from.
// Pure and synchronous; the pipeline runs it on a worker thread.
import type { QualityResult } from '../../../../shared/domain.ts';
import type { RawImage } from '../decode.ts';
import { measure } from './measure.ts';
import { defaultQualityThresholds, resolveQualityThresholds, type QualityThresholds } from './thresholds.ts';
import { judge } from './verdict.ts';

export { defaultQualityThresholds, qualityThresholdsSchema, resolveQualityThresholds, type QualityThresholds } from './thresholds.ts';
export { QUALITY_REASONS } from './verdict.ts';
export { isEyeGradable, pickBestImage, type BestImageCandidate, type BestImagePick } from './eye.ts';

export function assessQuality(img: RawImage, thresholds?: Partial<QualityThresholds>): QualityResult {
  const t = thresholds ? resolveQualityThresholds(thresholds) : defaultQualityThresholds;
  const m = measure(img);
  const { score, verdict, reasons, failedRules, gradable } = judge(m, t);
  const metrics: Record<string, number | boolean> = { retinal: failedRules.length === 0 };
  for (const [key, value] of Object.entries(m)) metrics[key] = Math.round(value * 1e4) / 1e4;
  // The model's probability that the photo is gradable (absent for a photo that is not retinal).
  if (gradable !== null) metrics.gradable = Math.round(gradable * 1e4) / 1e4;
  return { score: Math.round(score * 1e4) / 1e4, verdict, reasons, metrics };
}
