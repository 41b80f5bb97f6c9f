// Exposure inside the field of view: overall level and the share of blown-out (near-white) pixels.
import { percentileOfHist } from './fov.ts';

export interface Exposure {
  /** Median luma inside the field of view, 0..255. */
  medianLuma: number;
  /** Share of the field of view at luma >= 250: detail there is lost. */
  clipped: number;
}

const CLIP_LEVEL = 250;

export function measureExposure(luma: Uint8Array, area: Uint8Array): Exposure {
  const hist = new Uint32Array(256);
  let count = 0;
  let clipped = 0;
  for (let i = 0; i < luma.length; i++) {
    if (!area[i]) continue;
    const v = luma[i]!;
    hist[v]!++;
    count++;
    if (v >= CLIP_LEVEL) clipped++;
  }
  if (count === 0) return { medianLuma: 0, clipped: 0 };
  return { medianLuma: percentileOfHist(hist, count, 0.5), clipped: clipped / count };
}
