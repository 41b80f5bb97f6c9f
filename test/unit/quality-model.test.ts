// The gradability model and its fitting: the logistic regression recovers what drives a known
// outcome, the model names the measurement that pulls a photo down, folds keep a patient whole,
// and a sharp, finely textured picture (skin, lashes) is not taken for a retina.
import { describe, expect, it } from 'vitest';
import { decodeReduced } from '../../src/main/core/imaging/decode.ts';
import { defaultQualityThresholds, QUALITY_REASONS } from '../../src/main/core/imaging/quality/index.ts';
import { measure, type Measurements } from '../../src/main/core/imaging/quality/measure.ts';
import { GRADABILITY_MODEL } from '../../src/main/core/imaging/quality/model-coefficients.ts';
import { FEATURES, runModel } from '../../src/main/core/imaging/quality/model.ts';
import { judge } from '../../src/main/core/imaging/quality/verdict.ts';
import { groupFolds, groupOf } from '../../scripts/quality-data.ts';
import { auc, fitLogistic } from '../../scripts/quality-fit-lib.ts';
import { fundusVariantJpeg } from '../fixtures/fundus-variants.ts';

describe('fitLogistic', () => {
  it('finds the feature that decides the outcome and ignores one that does not', () => {
    const x: number[][] = [];
    const y: number[] = [];
    let s = 3;
    const rand = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 400; i++) {
      const a = rand() * 4 - 2;
      const b = rand() * 4 - 2;
      x.push([a, b]);
      y.push(rand() < 1 / (1 + Math.exp(-3 * a)) ? 1 : 0);
    }
    const m = fitLogistic(['a', 'b'], x, y, 1);
    expect(m.weights[0]).toBeGreaterThan(2);
    expect(Math.abs(m.weights[1]!)).toBeLessThan(0.5);
    const scores = x.map((r) => m.bias + m.weights[0]! * ((r[0]! - m.mean[0]!) / m.sd[0]!));
    expect(auc(scores.filter((_, i) => y[i] === 1), scores.filter((_, i) => y[i] === 0))!).toBeGreaterThan(0.85);
  });

  it('stays finite on perfectly separable data (the penalty holds the weights)', () => {
    const m = fitLogistic(['a'], [[0], [1], [2], [3]], [0, 0, 1, 1], 1);
    expect(Number.isFinite(m.weights[0])).toBe(true);
    expect(m.weights[0]).toBeGreaterThan(0);
    expect(m.weights[0]).toBeLessThan(10);
  });
});

describe('the committed model', () => {
  it('has one coefficient per named feature, and each pushes the way its physics says', () => {
    expect(GRADABILITY_MODEL.features).toEqual(FEATURES.map((f) => f.name));
    const w = Object.fromEntries(GRADABILITY_MODEL.features.map((f, i) => [f, GRADABILITY_MODEL.weights[i]!]));
    expect(w.vessels).toBeGreaterThan(0); // sharper vessels: more gradable
    expect(w.light).toBeGreaterThan(0); // brighter (up to the cap): more gradable
    expect(w.shade).toBeLessThan(0);
    expect(w.haze).toBeLessThan(0);
    expect(w.texture).toBeLessThan(0);
  });

  it('names the measurement that pulls a photo down', async () => {
    const base = measure(await decodeReduced({ kind: 'encoded', bytes: await fundusVariantJpeg('sharp') }));
    expect(runModel(base, GRADABILITY_MODEL).probability).toBeGreaterThan(0.5);
    const cases: [Partial<Measurements>, string][] = [
      [{ vesselContrast: 0.04 }, QUALITY_REASONS.blurry],
      [{ medianLuma: 30 }, QUALITY_REASONS.tooDark],
      [{ shadeArea: 0.6 }, QUALITY_REASONS.darkEdge],
      [{ blueToRed: 1.2 }, QUALITY_REASONS.uneven],
    ];
    for (const [change, reason] of cases) {
      const out = runModel({ ...base, ...change }, GRADABILITY_MODEL);
      expect(out.reasons[0], JSON.stringify(change)).toBe(reason);
      expect(out.probability).toBeLessThan(runModel(base, GRADABILITY_MODEL).probability);
    }
  });
});

describe('folds by patient', () => {
  it('reads the patient from an EyePACS name and keeps both eyes in one fold', () => {
    expect(groupOf('good/103_right.jpeg')).toBe('patient-103');
    expect(groupOf('bad/eyepacs_6834_left.jpeg')).toBe('patient-6834');
    expect(groupOf('good/drimdb_0ac3b4ea57.jpg')).toBe('file-drimdb_0ac3b4ea57.jpg');
    const groups = ['p1', 'p1', 'p2', 'p3', 'p3', 'p4', 'p5', 'p6'];
    const folds = groupFolds(groups, 3, 7);
    expect(folds[0]).toBe(folds[1]);
    expect(folds[3]).toBe(folds[4]);
    expect(new Set(folds).size).toBe(3);
  });
});

describe('a sharp picture textured all over (skin, lashes)', () => {
  it('is not a retinal photo, though round, red and sharp; a blurred retina with grain is', async () => {
    const fundus = measure(await decodeReduced({ kind: 'encoded', bytes: await fundusVariantJpeg('sharp') }));
    // The drawn fundus is smooth between its vessels: far below the limit.
    expect(fundus.texture).toBeLessThan(defaultQualityThresholds.maxTexture / 2);
    expect(judge(fundus, defaultQualityThresholds).failedRules).toEqual([]);
    // The skin close-up among the DRIMDB outliers measures texture 0.021 with vessel contrast 0.21.
    const skin = judge({ ...fundus, texture: 0.021, vesselContrast: 0.21 }, defaultQualityThresholds);
    expect(skin.failedRules).toContain('textured');
    expect(skin.reasons).toEqual([QUALITY_REASONS.notRetinal]);
    // Grain in a blurred retina is a quality problem, not a different subject.
    const grainy = judge({ ...fundus, texture: 0.03, vesselContrast: 0.05 }, defaultQualityThresholds);
    expect(grainy.failedRules).toEqual([]);
    expect(grainy.verdict).toBe('retake');
    expect(grainy.reasons[0]).toBe(QUALITY_REASONS.blurry);
  });
});
