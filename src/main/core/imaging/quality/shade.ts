// Shadow over part of the field: a small pupil's dark crescent or central shade, an eyelid, a
// decentred camera. Measured against the field's own bright level, at a tenth of the radius, so
// vignetting (a darker rim) and the dark macula do not count.
import { boxMean } from './box.ts';
import type { Circle } from './circle.ts';
import { forEachInCircle } from './fov.ts';
import { percentile } from './percentile.ts';

// Darker than half of the field's bright level (its 90th percentile). The macula sits at 0.6-0.7.
const SHADE_SHARE = 0.5;
// The inner field: the rim of a non-mydriatic 45° field is normally darker.
const INNER = 0.85;

/**
 * Share of the inner field in shadow, 0..1.
 * @param aperture the fitted aperture in cells (null: the lit cells)
 */
export function measureShade(luma: Float32Array, w: number, h: number, aperture: Circle | null, lit: Uint8Array): number {
  let litCount = 0;
  for (let i = 0; i < lit.length; i++) litCount += lit[i];
  const radius = aperture ? aperture.r : Math.sqrt(litCount / Math.PI);
  if (!(radius >= 4)) return 1;
  const coarse = boxMean(luma, w, h, Math.max(1, Math.round(radius / 10)));
  let inner = lit;
  if (aperture) {
    inner = new Uint8Array(lit.length);
    forEachInCircle(aperture, INNER, w, h, (i) => (inner[i] = 1));
  }
  const limit = SHADE_SHARE * percentile(coarse, 0.9, inner);
  let count = 0;
  let shade = 0;
  for (let i = 0; i < inner.length; i++) {
    if (!inner[i]) continue;
    count++;
    if (coarse[i] < limit) shade++;
  }
  return count === 0 ? 1 : shade / count;
}
