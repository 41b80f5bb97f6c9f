// Evenness of the light across the aperture, at a scale much larger than vessels: a dark crescent
// (pupil not centred, eyelid or lashes), or a bright veil (flare, reflections, haze patches).
import { boxMean } from './box.ts';
import type { Circle } from './circle.ts';

export interface Illumination {
  /** Share of the aperture that is dark: below DARK_SHARE of the median brightness. */
  darkArea: number;
  /** Share of the aperture that is glaring: above BRIGHT_SHARE of the median brightness. */
  brightArea: number;
}

// The macula is normally ~60-70 % of the median; a shadow from the iris or lid is far darker.
const DARK_SHARE = 0.4;
// The optic disc is small; a large area this much brighter than the rest is flare or a veil.
const BRIGHT_SHARE = 1.6;

/**
 * @param region 1 where the aperture is (lit or not), so a shadow inside it counts
 * @param reference the median brightness of the lit field
 */
export function measureIllumination(luma: Uint8Array, region: Uint8Array, w: number, h: number, scale: number, reference: number): Illumination {
  const smooth = boxMean(luma, w, h, Math.max(2, Math.round(scale)));
  let count = 0, dark = 0, bright = 0;
  const lo = DARK_SHARE * reference;
  const hi = Math.min(250, BRIGHT_SHARE * reference);
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    count++;
    const v = smooth[i]!;
    if (v < lo) dark++;
    else if (v > hi) bright++;
  }
  return count === 0 ? { darkArea: 1, brightArea: 0 } : { darkArea: dark / count, brightArea: bright / count };
}

/** The aperture circle (shrunk a little, to stay clear of the rim's normal fall-off) inside the frame. */
export function apertureRegion(c: Circle, w: number, h: number, shrink: number): Uint8Array {
  const region = new Uint8Array(w * h);
  const r = c.r * shrink;
  for (let y = 0; y < h; y++) {
    const dy = y - c.cy;
    const span = r * r - dy * dy;
    if (span < 0) continue;
    const half = Math.sqrt(span);
    const x0 = Math.max(0, Math.ceil(c.cx - half));
    const x1 = Math.min(w - 1, Math.floor(c.cx + half));
    region.fill(1, y * w + x0, y * w + x1 + 1);
  }
  return region;
}
