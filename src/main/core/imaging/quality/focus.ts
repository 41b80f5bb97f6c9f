// Clarity at the scale of retinal vessels: how much darker thin dark lines are than the retina
// right around them, relative to that local brightness (so it does not depend on exposure).
// Defocus and haze both flatten it.
import { CELL } from './grid.ts';
import { boxMeanAt, integral, type Integral } from './integral.ts';

export interface Focus {
  /** 98th percentile over the analysed area of (local mean - pixel) / local mean, at vessel scale. */
  vesselContrast: number;
  /** The same at twice the scale: large dark shapes (iris, lids, objects) that a retina lacks. */
  coarseContrast: number;
}

// Below this local level (of 255), sensor noise and 8-bit steps would pass for contrast.
const NOISE_FLOOR = 20;
const BINS = 1000;
// The top 2 % of the analysed area: the main vessels cover more than that in any fundus photo.
const QUANTILE = 0.98;

/**
 * @param green full-resolution green plane
 * @param area analysed cells of the cell grid (gw wide)
 * @param vesselRadius box radius spanning a main vessel and the retina beside it, in pixels
 */
export function measureFocus(green: Uint8Array, w: number, h: number, area: Uint8Array, gw: number, vesselRadius: number): Focus {
  const vesselContrast = contrast(integral(green, w, h), area, gw, CELL, vesselRadius);
  // At half resolution the same radii span twice the distance.
  const hw = w >> 1;
  const hh = h >> 1;
  const coarseContrast = contrast(integral(halve(green, w, h), hw, hh), area, gw, CELL / 2, vesselRadius);
  return { vesselContrast, coarseContrast };
}

function contrast(s: Integral, area: Uint8Array, gw: number, cell: number, radius: number): number {
  const hist = new Uint32Array(BINS);
  let count = 0;
  for (let y = 0; y < s.height; y++) {
    const cellRow = ((y / cell) | 0) * gw;
    for (let x = 0; x < s.width; x++) {
      if (area[cellRow + ((x / cell) | 0)] !== 1) continue;
      const local = boxMeanAt(s, x, y, radius);
      const c = (local - boxMeanAt(s, x, y, 1)) / (local > NOISE_FLOOR ? local : NOISE_FLOOR);
      hist[c <= 0 ? 0 : c >= 1 ? BINS - 1 : (c * BINS) | 0]++;
      count++;
    }
  }
  if (count === 0) return 0;
  const target = QUANTILE * count;
  let acc = 0;
  for (let b = 0; b < BINS; b++) {
    acc += hist[b];
    if (acc >= target) return (b + 0.5) / BINS;
  }
  return 1;
}

function halve(src: Uint8Array, w: number, h: number): Uint8Array {
  const hw = w >> 1;
  const hh = h >> 1;
  const out = new Uint8Array(hw * hh);
  for (let y = 0; y < hh; y++) {
    const a = 2 * y * w;
    const b = a + w;
    for (let x = 0; x < hw; x++) {
      const k = 2 * x;
      out[y * hw + x] = (src[a + k] + src[a + k + 1] + src[b + k] + src[b + k + 1] + 2) >> 2;
    }
  }
  return out;
}
