// Evenness of the light across the aperture, at a scale far above vessels: a dark crescent (pupil
// not centred, eyelid, lashes) or a glaring area (flare, reflections, a bright veil).
import { Smoother } from './box.ts';
import type { Circle } from './circle.ts';
import { forEachInCircle } from './fov.ts';

export interface Illumination {
  /** Share of the aperture darker than DARK_SHARE of the field's median. */
  darkArea: number;
  /** Share of the aperture brighter than BRIGHT_SHARE of the field's median. */
  brightArea: number;
}

// The macula is normally ~60-70 % of the median; a shadow from the iris or a lid is far darker.
const DARK_SHARE = 0.4;
// The optic disc is small (~2 % of a 45° field); a large area this much brighter is flare or a veil.
const BRIGHT_SHARE = 1.6;
// Stay clear of the rim, where light normally falls off.
const RIM = 0.9;

/**
 * @param aperture the fitted aperture circle in cells, or null to use the lit cells
 * @param reference the median brightness of the lit field
 * @param smooth box means of `luma` by radius
 */
export function measureIllumination(luma: Float32Array, w: number, h: number, aperture: Circle | null, lit: Uint8Array, reference: number, smooth = new Smoother(luma, w, h)): Illumination {
  const radius = aperture ? Math.max(1, Math.round(aperture.r / 10)) : 2;
  const smoothed = smooth.at(radius);
  let count = 0, dark = 0, bright = 0;
  const lo = DARK_SHARE * reference;
  const hi = Math.min(250, BRIGHT_SHARE * reference);
  const visit = (i: number): void => {
    count++;
    const v = smoothed[i];
    if (v < lo) dark++;
    else if (v > hi) bright++;
  };
  if (aperture) forEachInCircle(aperture, RIM, w, h, visit);
  else for (let i = 0; i < lit.length; i++) if (lit[i]) visit(i);
  return count === 0 ? { darkArea: 1, brightArea: 0 } : { darkArea: dark / count, brightArea: bright / count };
}
