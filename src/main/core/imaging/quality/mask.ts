// Mask helpers: erosion (drop pixels near the mask's edge) and dilation, both by box filter.
import { boxMean } from './box.ts';

/** Keep the pixels whose whole (2r+1)² neighbourhood is in the mask. */
export function erode(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const m = boxMean(mask, w, h, r);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = m[i]! > 0.999 ? 1 : 0;
  return out;
}

/** Set the pixels that have any mask pixel within r. */
export function dilate(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const m = boxMean(mask, w, h, r);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = m[i]! > 0.001 ? 1 : 0;
  return out;
}
