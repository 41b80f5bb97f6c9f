// The quality hints on synthetic photos whose truth is known by construction: a drawn fundus
// with vessels, then blurred, darkened, over-exposed, shifted, shadowed, veiled, or replaced by
// a picture that is not a fundus. Each goes through the real decode, as in the pipeline.
import { describe, expect, it } from 'vitest';
import { decodeReduced, type RawImage } from '../../src/main/core/imaging/decode.ts';
import { assessQuality, QUALITY_REASONS } from '../../src/main/core/imaging/quality/index.ts';
import { fundusVariantJpeg, type FundusVariant, type VariantOptions } from '../fixtures/fundus-variants.ts';

async function decoded(variant: FundusVariant, opts: VariantOptions = {}): Promise<RawImage> {
  return decodeReduced({ kind: 'encoded', bytes: await fundusVariantJpeg(variant, opts) });
}

// Camera-like frames: a 3:2 sensor (full circle on black), a 4:3 analogue frame, portrait.
const frames: VariantOptions[] = [
  { width: 1200, height: 800, seed: 1 },
  { width: 760, height: 570, seed: 2 },
  { width: 900, height: 1100, seed: 3 },
];

describe('a sharp, well-exposed synthetic fundus', () => {
  it.each(frames)('is good with no reasons (%o)', async (opts) => {
    const q = assessQuality(await decoded('sharp', opts));
    expect(q.verdict).toBe('good');
    expect(q.reasons).toEqual([]);
    expect(q.score).toBeGreaterThanOrEqual(0.7);
    expect(q.metrics.retinal).toBe(true);
  });
});

describe('degraded photos get the matching hint', () => {
  const cases: [FundusVariant, string, 'retake' | 'not-good'][] = [
    ['blurred', QUALITY_REASONS.blurry, 'retake'],
    ['darkened', QUALITY_REASONS.tooDark, 'retake'],
    ['overexposed', QUALITY_REASONS.tooBright, 'retake'],
    ['offCentre', QUALITY_REASONS.offCentre, 'retake'],
    ['darkCrescent', QUALITY_REASONS.darkEdge, 'not-good'],
    ['flare', QUALITY_REASONS.uneven, 'retake'],
  ];
  it.each(cases)('%s -> %s', async (variant, reason, expected) => {
    for (const opts of frames.slice(0, 2)) {
      const q = assessQuality(await decoded(variant, opts));
      if (expected === 'retake') expect(q.verdict, `${variant} ${JSON.stringify(opts)}`).toBe('retake');
      else expect(q.verdict, `${variant} ${JSON.stringify(opts)}`).not.toBe('good');
      expect(q.reasons[0], `${variant} ${JSON.stringify(opts)}: ${q.reasons.join('; ')}`).toBe(reason);
      expect(q.metrics.retinal).toBe(true);
    }
  });

  it('scores every degraded photo below the sharp one it was made from', async () => {
    const sharp = assessQuality(await decoded('sharp')).score;
    for (const v of ['blurred', 'darkened', 'overexposed', 'offCentre', 'darkCrescent', 'flare'] as const) {
      expect(assessQuality(await decoded(v)).score, v).toBeLessThan(sharp);
    }
  });

  it('gets blurrier photos lower vessel contrast, step by step', async () => {
    const base = await fundusVariantJpeg('sharp');
    const { default: sharp } = await import('sharp');
    const contrasts: number[] = [];
    for (const sigma of [0.3, 2, 5, 10]) {
      const img = await decodeReduced({ kind: 'encoded', bytes: await sharp(base).blur(sigma).jpeg().toBuffer() });
      contrasts.push(assessQuality(img).metrics.vesselContrast as number);
    }
    for (let i = 1; i < contrasts.length; i++) expect(contrasts[i]).toBeLessThan(contrasts[i - 1]!);
  });
});

describe('pictures that are not a fundus photograph', () => {
  it.each(['room', 'face', 'externalEye', 'black'] as const)('%s -> Not a retinal photo', async (variant) => {
    for (const opts of frames.slice(0, 2)) {
      const q = assessQuality(await decoded(variant, opts));
      expect(q.verdict).toBe('retake');
      expect(q.reasons).toEqual([QUALITY_REASONS.notRetinal]);
      expect(q.metrics.retinal).toBe(false);
      expect(q.score).toBeLessThan(0.1);
    }
  });

  it('treats raw frames that are empty, tiny or noise as not retinal, without throwing', () => {
    const noise = Buffer.alloc(300 * 200 * 3);
    let s = 7;
    for (let i = 0; i < noise.length; i++) noise[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    const odd: RawImage[] = [
      { data: Buffer.alloc(3), width: 1, height: 1, channels: 3 },
      { data: Buffer.alloc(7 * 5 * 3, 255), width: 7, height: 5, channels: 3 },
      { data: Buffer.alloc(511 * 383 * 3, 128), width: 511, height: 383, channels: 3 },
      { data: noise, width: 300, height: 200, channels: 3 },
    ];
    for (const f of odd) {
      const q = assessQuality(f);
      expect(q.verdict, `${f.width}x${f.height}`).toBe('retake');
      expect(q.reasons).toEqual([QUALITY_REASONS.notRetinal]);
    }
  });
});

describe('assessQuality as a function', () => {
  it('is pure: same input, same output, input untouched', async () => {
    const img = await decoded('sharp');
    const before = Buffer.from(img.data);
    const a = assessQuality(img);
    const b = assessQuality(img);
    expect(b).toEqual(a);
    expect(img.data.equals(before)).toBe(true);
  });

  it('reports its measurements as finite numbers and booleans', async () => {
    const q = assessQuality(await decoded('sharp'));
    for (const [k, v] of Object.entries(q.metrics)) {
      expect(typeof v === 'boolean' || Number.isFinite(v), k).toBe(true);
    }
    expect(q.metrics).toHaveProperty('vesselContrast');
    expect(q.metrics).toHaveProperty('medianLuma');
    expect(q.metrics).toHaveProperty('coverage');
  });
});
