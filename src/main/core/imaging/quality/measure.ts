// All the measurements of one picture, in physical units, before any judgement.
import type { RawImage } from '../decode.ts';
import { dilate, erode, Smoother } from './box.ts';
import { measureColour } from './colour.ts';
import { measureExposure } from './exposure.ts';
import { measureFocus } from './focus.ts';
import { findFov, type Fov } from './fov.ts';
import { CELL, toGrid } from './grid.ts';
import { measureIllumination } from './illumination.ts';
import { Arena } from './scratch.ts';
import { measureShade } from './shade.ts';

/** The field-of-view figures (documented on Fov) plus everything measured inside the field. */
export interface Measurements extends Omit<Fov, 'mask' | 'circle' | 'surround'> {
  /** Aperture diameter over the frame's short side. */
  diameter: number;
  blueToRed: number;
  blueToRedSpread: number;
  vesselContrast: number;
  texture: number;
  coarseContrast: number;
  shadeArea: number;
  medianLuma: number;
  clipped: number;
  darkArea: number;
  brightArea: number;
}

// The working arrays, reused from one photo to the next (scratch.ts); nothing measure() returns points into them.
const arena = new Arena();

export function measure(img: RawImage): Measurements {
  arena.reset();
  const grid = toGrid(img, arena);
  const { gw, gh } = grid;
  const short = Math.min(img.width, img.height);
  const fov = findFov(grid, arena);
  // Aperture diameter in pixels; bounded so a poor fit on a non-fundus picture can't run away.
  const d = Math.min(1.7 * short, Math.max(0.4 * short, fov.circle ? 2 * fov.circle.r * CELL : short));
  // Main vessels are ~1 % of a 45° field across; this box spans a vessel and the retina beside it.
  const vesselRadius = Math.max(2, Math.round(d / 64));
  // Analysed cells: lit, far enough inside that the vessel-scale box stays on the retina, no text.
  let area = erode(fov.mask, gw, gh, Math.ceil((vesselRadius + 2) / CELL), arena);
  if (grid.textCells > 0) {
    const text = dilate(grid.text, gw, gh, 1, arena);
    for (let i = 0; i < area.length; i++) if (text[i]) area[i] = 0;
  }
  let analysed = 0;
  for (let i = 0; i < area.length; i++) analysed += area[i];
  // A small or ragged lit area (not a fundus, or nearly black) is measured as it is.
  if (analysed < 0.02 * gw * gh) area = fov.mask;

  const focus = measureFocus(grid.greenSums, area, gw, vesselRadius);
  const exposure = measureExposure(grid.luma, area);
  const colour = measureColour(grid.r, grid.g, grid.b, area);
  const aperture = fov.circle && fov.roundness < 0.2 ? fov.circle : null;
  const smooth = new Smoother(grid.luma, gw, gh, arena);
  const light = measureIllumination(grid.luma, gw, gh, aperture, fov.mask, exposure.medianLuma, smooth);
  const shadeArea = measureShade(grid.luma, gw, gh, aperture, fov.mask, smooth, arena);
  return {
    coverage: fov.coverage,
    darkCorners: fov.darkCorners,
    fill: fov.fill,
    offset: fov.offset,
    inFrame: fov.inFrame,
    roundness: fov.roundness,
    diameter: d / short,
    peak: fov.peak,
    ...colour,
    ...focus,
    ...exposure,
    ...light,
    shadeArea,
  };
}
