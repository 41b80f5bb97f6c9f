// Clarity at the scale of retinal vessels: how much darker thin dark lines are than the retina
// right around them, relative to that local brightness. Defocus and haze both flatten it.
import { boxMean } from './box.ts';

export interface Focus {
  /** 98th percentile over the analysed area of (local mean - pixel) / local mean, at vessel scale. */
  vesselContrast: number;
  /** The same at twice the scale: survives defocus better than it survives haze. */
  coarseContrast: number;
}

// Below this local level (of 255), sensor noise and 8-bit steps would pass for contrast.
const NOISE_FLOOR = 20;
const BINS = 1000;

/**
 * @param green green plane
 * @param area 1 where the pixel is analysed (eroded field of view, no overlay text)
 * @param vesselRadius the box radius that spans a main vessel and its surroundings, in pixels
 */
export function measureFocus(green: Uint8Array, area: Uint8Array, w: number, h: number, vesselRadius: number): Focus {
  const fine = boxMean(green, w, h, 1);
  const local = boxMean(green, w, h, vesselRadius);
  const coarseFine = boxMean(green, w, h, Math.max(2, Math.round(vesselRadius / 2)));
  const coarseLocal = boxMean(green, w, h, 2 * vesselRadius);
  const hf = new Uint32Array(BINS);
  const hc = new Uint32Array(BINS);
  let count = 0;
  for (let i = 0; i < area.length; i++) {
    if (!area[i]) continue;
    count++;
    hf[bin(local[i]!, fine[i]!)]!++;
    hc[bin(coarseLocal[i]!, coarseFine[i]!)]!++;
  }
  return { vesselContrast: pct(hf, count, 0.98), coarseContrast: pct(hc, count, 0.98) };
}

function bin(local: number, value: number): number {
  const c = (local - value) / (local > NOISE_FLOOR ? local : NOISE_FLOOR);
  return c <= 0 ? 0 : c >= 1 ? BINS - 1 : (c * BINS) | 0;
}

function pct(hist: Uint32Array, total: number, q: number): number {
  if (total === 0) return 0;
  const target = q * total;
  let acc = 0;
  for (let b = 0; b < BINS; b++) {
    acc += hist[b]!;
    if (acc >= target) return (b + 0.5) / BINS;
  }
  return 1;
}
