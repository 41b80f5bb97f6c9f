// All the measurements of one picture, in physical units, before any judgement.
import type { RawImage } from '../decode.ts';
import { blueToRed } from './colour.ts';
import { measureExposure } from './exposure.ts';
import { measureFocus } from './focus.ts';
import { findFov } from './fov.ts';
import { apertureRegion, measureIllumination } from './illumination.ts';
import { dilate, erode } from './mask.ts';
import { toPlanes } from './planes.ts';

export interface Measurements {
  coverage: number;
  darkCorners: number;
  fill: number;
  spill: number;
  offset: number;
  inFrame: number;
  roundness: number;
  /** Aperture diameter over the frame's short side. */
  diameter: number;
  peak: number;
  blueToRed: number;
  vesselContrast: number;
  coarseContrast: number;
  medianLuma: number;
  clipped: number;
  darkArea: number;
  brightArea: number;
  analysedShare: number;
}

export function measure(img: RawImage): Measurements {
  const p = toPlanes(img);
  const { width: w, height: h } = p;
  const short = Math.min(w, h);
  const fov = findFov(p);
  // Aperture diameter in pixels; bounded so a bad fit on a non-fundus picture can't run away.
  const d = Math.min(1.7 * short, Math.max(0.4 * short, fov.circle ? 2 * fov.circle.r : short));
  // Main vessels are ~1 % of a 45° field across; this box spans a vessel and the retina beside it.
  const vesselRadius = Math.max(2, Math.round(d / 64));
  let area = erode(fov.mask, w, h, vesselRadius + 2);
  if (p.textPixels > 0) {
    const text = dilate(p.text, w, h, 3);
    for (let i = 0; i < area.length; i++) if (text[i]) area[i] = 0;
  }
  let analysed = 0;
  for (let i = 0; i < area.length; i++) analysed += area[i]!;
  if (analysed < 0.02 * w * h) area = fov.mask;
  const focus = measureFocus(p.green, area, w, h, vesselRadius);
  const exposure = measureExposure(p.luma, area);
  const region = fov.circle && fov.roundness < 0.2 ? apertureRegion(fov.circle, w, h, 0.9) : fov.mask;
  const light = measureIllumination(p.luma, region, w, h, d / 20, exposure.medianLuma);
  return {
    coverage: fov.coverage,
    darkCorners: fov.darkCorners,
    fill: fov.fill,
    spill: fov.spill,
    offset: fov.offset,
    inFrame: fov.inFrame,
    roundness: fov.roundness,
    diameter: d / short,
    peak: fov.peak,
    blueToRed: blueToRed(img.data, area),
    vesselContrast: focus.vesselContrast,
    coarseContrast: focus.coarseContrast,
    medianLuma: exposure.medianLuma,
    clipped: exposure.clipped,
    darkArea: light.darkArea,
    brightArea: light.brightArea,
    analysedShare: analysed / (w * h),
  };
}
