// Clarity at the scale of retinal vessels: how much darker thin dark lines are than the retina
// right around them, relative to that local brightness (so it does not depend on exposure).
// Defocus and haze both flatten it.
import { CELL, type Integral } from './grid.ts';

export interface Focus {
  /** 98th percentile over the analysed area of (local mean - pixel) / local mean, at vessel scale. */
  vesselContrast: number;
  /** The same for shapes a few vessels wide: large dark shapes (iris, lids, objects) a retina lacks. */
  coarseContrast: number;
  /**
   * The median vessel-scale contrast over the 98th percentile: how much of the field has fine
   * texture. A retina is smooth between its vessels (low); skin, lashes and sclera are textured throughout.
   */
  texture: number;
}

// Below this local level (of 255), sensor noise and 8-bit steps would pass for contrast.
const NOISE_FLOOR = 20;
const BINS = 1000;
// The top 2 % of the analysed area: the main vessels cover more than that in any fundus photo.
const QUANTILE = 0.98;

/**
 * @param sums summed-area table of the full-resolution green plane
 * @param area analysed cells of the cell grid (gw wide)
 * @param vesselRadius box radius spanning a main vessel and the retina beside it, in pixels
 */
export function measureFocus(sums: Integral, area: Uint8Array, gw: number, vesselRadius: number): Focus {
  // Sampling every second (fourth) row and column is plenty for a percentile and keeps the budget.
  const [vesselContrast, background] = contrast(sums, area, gw, 1, vesselRadius, 2, [QUANTILE, BACKGROUND_Q]);
  return {
    vesselContrast,
    texture: vesselContrast > 0 ? background / vesselContrast : 1,
    coarseContrast: contrast(sums, area, gw, Math.max(2, Math.round(vesselRadius / 2)), 2 * vesselRadius, 4, [QUANTILE])[0]!,
  };
}

// The median: the retina between the vessels.
const BACKGROUND_Q = 0.5;

/**
 * Percentiles of (mean of the outer box - mean of the inner box) / mean of the outer box, sampled
 * every `step` pixels (a divisor of CELL) in the analysed cells.
 */
function contrast(s: Integral, area: Uint8Array, gw: number, inner: number, outer: number, step: number, qs: number[]): number[] {
  const hist = new Uint32Array(BINS);
  const count = contrastHistogram(s, area, gw, inner, outer, step, hist);
  return qs.map((q) => quantile(hist, count, q));
}

/**
 * Counts the contrasts into hist and returns how many there are. (The loop is a function of its own
 * so that V8 optimises it as a whole; see grid.ts.)
 */
function contrastHistogram(s: Integral, area: Uint8Array, gw: number, inner: number, outer: number, step: number, hist: Uint32Array): number {
  const { table: t, stride, width: w, height: h } = s;
  let count = 0;
  for (let y = 0; y < h; y += step) {
    const cellRow = (y >> 2) * gw;
    // Row offsets of both boxes, clipped to the frame.
    const oy0 = (y - outer < 0 ? 0 : y - outer) * stride;
    const oy1 = (y + outer + 1 > h ? h : y + outer + 1) * stride;
    const iy0 = (y - inner < 0 ? 0 : y - inner) * stride;
    const iy1 = (y + inner + 1 > h ? h : y + inner + 1) * stride;
    const oh = (oy1 - oy0) / stride;
    const ih = (iy1 - iy0) / stride;
    // Cell by cell, so a cell outside the analysed area is skipped with one look-up.
    for (let cx = 0; cx < gw; cx++) {
      if (area[cellRow + cx] !== 1) continue;
      const xEnd = cx * CELL + CELL < w ? cx * CELL + CELL : w;
      for (let x = cx * CELL; x < xEnd; x += step) {
        const ox0 = x - outer < 0 ? 0 : x - outer;
        const ox1 = x + outer + 1 > w ? w : x + outer + 1;
        const ix0 = x - inner < 0 ? 0 : x - inner;
        const ix1 = x + inner + 1 > w ? w : x + inner + 1;
        const local = (t[oy1 + ox1] - t[oy0 + ox1] - t[oy1 + ox0] + t[oy0 + ox0]) / ((ox1 - ox0) * oh);
        const here = (t[iy1 + ix1] - t[iy0 + ix1] - t[iy1 + ix0] + t[iy0 + ix0]) / ((ix1 - ix0) * ih);
        const c = (local - here) / (local > NOISE_FLOOR ? local : NOISE_FLOOR);
        hist[c <= 0 ? 0 : c >= 1 ? BINS - 1 : (c * BINS) | 0]++;
        count++;
      }
    }
  }
  return count;
}

function quantile(hist: Uint32Array, count: number, q: number): number {
  if (count === 0) return 0;
  const target = q * count;
  let acc = 0;
  for (let b = 0; b < BINS; b++) {
    acc += hist[b];
    if (acc >= target) return (b + 0.5) / BINS;
  }
  return 1;
}
