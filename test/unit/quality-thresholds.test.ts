// Thresholds as a validated setting, and how the score scale maps onto the verdict.
import { describe, expect, it } from 'vitest';
import { decodeReduced } from '../../src/main/core/imaging/decode.ts';
import { assessQuality, defaultQualityThresholds, qualityThresholdsSchema, resolveQualityThresholds } from '../../src/main/core/imaging/quality/index.ts';
import { rampScore, verdictOf } from '../../src/main/core/imaging/quality/verdict.ts';
import { fundusVariantJpeg } from '../fixtures/fundus-variants.ts';

describe('qualityThresholdsSchema', () => {
  it('accepts the defaults', () => {
    expect(qualityThresholdsSchema.parse(defaultQualityThresholds)).toEqual(defaultQualityThresholds);
  });

  it('rejects values out of range', () => {
    for (const [key, value] of [
      ['vesselContrastGood', 1.5],
      ['darkRetake', -1],
      ['brightRetake', 300],
      ['minDarkCorners', 5],
      ['minDarkCorners', 1.5],
      ['clippedRetake', 2],
    ] as const) {
      expect(qualityThresholdsSchema.safeParse({ ...defaultQualityThresholds, [key]: value }).success, key).toBe(false);
    }
  });

  it('rejects a retake level on the wrong side of its good level', () => {
    const r = qualityThresholdsSchema.safeParse({ ...defaultQualityThresholds, vesselContrastRetake: 0.2, vesselContrastGood: 0.1 });
    expect(r.success).toBe(false);
    expect(qualityThresholdsSchema.safeParse({ ...defaultQualityThresholds, brightGood: 210 }).success).toBe(false);
  });

  it('fills a partial setting with the defaults', () => {
    expect(resolveQualityThresholds({ darkGood: 50 })).toEqual({ ...defaultQualityThresholds, darkGood: 50 });
    expect(resolveQualityThresholds(undefined)).toEqual(defaultQualityThresholds);
    expect(() => resolveQualityThresholds({ darkGood: 5 })).toThrow();
  });
});

describe('thresholds change the verdict', () => {
  it('a stricter focus setting turns a good photo borderline, and only for focus', async () => {
    const img = await decodeReduced({ kind: 'encoded', bytes: await fundusVariantJpeg('sharp') });
    const normal = assessQuality(img);
    expect(normal.verdict).toBe('good');
    const strict = assessQuality(img, { vesselContrastRetake: 0.6, vesselContrastGood: 0.9 });
    expect(strict.verdict).toBe('retake');
    expect(strict.reasons).toEqual(['Blurry: refocus and retake']);
  });
});

describe('score scale', () => {
  it('puts the retake level at 0.4, the good level at 0.7 and the ideal at 1, in either direction', () => {
    expect(rampScore(0.06, 0.06, 0.1, 0.2)).toBeCloseTo(0.4);
    expect(rampScore(0.1, 0.06, 0.1, 0.2)).toBeCloseTo(0.7);
    expect(rampScore(0.2, 0.06, 0.1, 0.2)).toBeCloseTo(1);
    expect(rampScore(0.5, 0.06, 0.1, 0.2)).toBe(1);
    expect(rampScore(0.02, 0.06, 0.1, 0.2)).toBeCloseTo(0);
    expect(rampScore(0, 0.06, 0.1, 0.2)).toBe(0);
    // Lower is better: clipped share.
    expect(rampScore(0.1, 0.1, 0.02, 0)).toBeCloseTo(0.4);
    expect(rampScore(0.02, 0.1, 0.02, 0)).toBeCloseTo(0.7);
    expect(rampScore(0, 0.1, 0.02, 0)).toBeCloseTo(1);
    expect(rampScore(0.5, 0.1, 0.02, 0)).toBe(0);
  });

  it('is monotonic', () => {
    let last = -1;
    for (let v = 0; v <= 0.3; v += 0.005) {
      const s = rampScore(v, 0.06, 0.1, 0.2);
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
    }
  });

  it('derives the verdict from the score', () => {
    expect(verdictOf(0)).toBe('retake');
    expect(verdictOf(0.399)).toBe('retake');
    expect(verdictOf(0.4)).toBe('borderline');
    expect(verdictOf(0.699)).toBe('borderline');
    expect(verdictOf(0.7)).toBe('good');
    expect(verdictOf(1)).toBe('good');
  });
});
