// Shadow over part of the field: a small pupil's dark crescent or central shade, an eyelid, a
// decentred camera. Measured against the field's own bright level, at a tenth of the radius, so
// vignetting (a darker rim) and the dark macula do not count.
import { Smoother } from './box.ts';
import type { Circle } from './circle.ts';
import { fillCircle } from './fov.ts';
import { percentile } from './percentile.ts';
import { freshArrays, type Scratch } from './scratch.ts';

// Darker than half of the field's bright level (its 90th percentile). The macula sits at 0.6-0.7.
const SHADE_SHARE = 0.5;
// The inner field: the rim of a non-mydriatic 45° field is normally darker.
const INNER = 0.85;

/**
 * Share of the inner field in shadow, 0..1.
 * @param aperture the fitted aperture in cells (null: the lit cells)
 * @param smooth box means of `luma` by radius
 */
export function measureShade(luma: Float32Array, w: number, h: number, aperture: Circle | null, lit: Uint8Array, smooth = new Smoother(luma, w, h), scratch: Scratch = freshArrays): number {
  const radius = aperture ? aperture.r : Math.sqrt(countSet(lit) / Math.PI);
  if (!(radius >= 4)) return 1;
  const coarse = smooth.at(Math.max(1, Math.round(radius / 10)));
  let inner = lit;
  if (aperture) {
    inner = scratch.u8(lit.length);
    fillCircle(inner, aperture, INNER, w, h);
  }
  return shareBelow(coarse, inner, SHADE_SHARE * percentile(coarse, 0.9, inner));
}

// The loops are functions of their own so that V8 optimises measureShade as a whole (see grid.ts).

function countSet(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

/** Share of the cells in `where` whose value is below `limit` (1 when there are none). */
function shareBelow(values: Float32Array, where: Uint8Array, limit: number): number {
  let count = 0;
  let below = 0;
  for (let i = 0; i < where.length; i++) {
    if (!where[i]) continue;
    count++;
    if (values[i] < limit) below++;
  }
  return count === 0 ? 1 : below / count;
}
