// Exposure inside the field of view: overall level and the share of blown-out (near-white) cells.
import { percentile } from './percentile.ts';

export interface Exposure {
  /** Median luma inside the field of view, 0..255. */
  medianLuma: number;
  /** Share of the field of view at luma >= 250: detail there is lost. */
  clipped: number;
}

const CLIP_LEVEL = 250;

export function measureExposure(luma: Float32Array, area: Uint8Array): Exposure {
  let count = 0;
  let clipped = 0;
  for (let i = 0; i < luma.length; i++) {
    if (!area[i]) continue;
    count++;
    if (luma[i] >= CLIP_LEVEL) clipped++;
  }
  if (count === 0) return { medianLuma: 0, clipped: 0 };
  return { medianLuma: percentile(luma, 0.5, area), clipped: clipped / count };
}
