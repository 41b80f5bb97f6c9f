// The thresholds behind the quality hints, as a validated setting. Each pair gives the level at
// which a photo becomes 'borderline' (…Good: the limit of good) and 'retake' (…Retake).
// README.md ("Quality hints") gives the reasoning behind every default.
import { z } from 'zod';

export interface QualityThresholds {
  // Is it a retinal photo at all?
  /** Brightest-channel level (0..255) the lit field must reach; below it the frame is black. */
  minPeakLevel: number;
  /** Frame corners that must be dark (0..4): a fundus camera's round aperture leaves them black. */
  minDarkCorners: number;
  /** Smallest lit share of the frame. */
  minFieldCoverage: number;
  /** Largest RMS distance of the lit area's edge from a circle, in radii. */
  maxEdgeIrregularity: number;
  /** Largest median blue/red ratio: above it the picture is grey, white or bluish, not a colour fundus. */
  maxBlueToRed: number;
  /** Largest contrast of shapes a few vessels wide: iris, pupil, lids, furniture. */
  maxCoarseContrast: number;
  /** The same, lower, when the colours are also mixed (colour spread above colourSpreadRetake): an outer eye. */
  maxCoarseContrastMixed: number;
  /** Largest fine texture (median over 98th percentile of vessel-scale contrast) of a sharp picture: above it, skin or lashes. */
  maxTexture: number;

  // Focus: vessel contrast relative to local brightness (0..1).
  vesselContrastRetake: number;
  vesselContrastGood: number;

  // Exposure: median luma inside the field (0..255) and share of near-white pixels (0..1).
  darkRetake: number;
  darkGood: number;
  brightRetake: number;
  brightGood: number;
  clippedRetake: number;
  clippedGood: number;

  // Evenness: share of the aperture far darker / brighter than its median (0..1).
  darkAreaRetake: number;
  darkAreaGood: number;
  brightAreaRetake: number;
  brightAreaGood: number;
  /** Median blue/red above which scattered light (haze) is suspected; up to maxBlueToRed it is borderline. */
  hazeBlueToRedGood: number;
  /** Spread (90th - 10th percentile) of blue/red across the field: a whitish veil over part of it. */
  colourSpreadRetake: number;
  colourSpreadGood: number;

  // Framing: distance of the aperture centre from the frame centre, in radii.
  offCentreRetake: number;
  offCentreGood: number;

  // The gradability model (vessels, light, shade, haze and texture together): its probability that
  // the photo is gradable. Below gradableGood the photo is 'borderline', below gradableRetake 'retake'.
  gradableRetake: number;
  gradableGood: number;
}

export const defaultQualityThresholds: Readonly<QualityThresholds> = Object.freeze({
  minPeakLevel: 15,
  minDarkCorners: 2,
  minFieldCoverage: 0.15,
  maxEdgeIrregularity: 0.15,
  maxBlueToRed: 0.85,
  maxCoarseContrast: 0.35,
  maxCoarseContrastMixed: 0.25,
  maxTexture: 0.015,

  vesselContrastRetake: 0.05,
  vesselContrastGood: 0.08,

  darkRetake: 25,
  darkGood: 40,
  brightRetake: 200,
  brightGood: 160,
  clippedRetake: 0.1,
  clippedGood: 0.02,

  darkAreaRetake: 0.35,
  darkAreaGood: 0.2,
  brightAreaRetake: 0.4,
  brightAreaGood: 0.25,
  hazeBlueToRedGood: 0.8,
  colourSpreadRetake: 0.45,
  colourSpreadGood: 0.4,

  offCentreRetake: 0.25,
  offCentreGood: 0.15,

  gradableRetake: 0.15,
  gradableGood: 0.5,
});

const share = z.number().min(0).max(1);
const level = z.number().min(0).max(255);
const ratio = z.number().min(0).max(2);

export const qualityThresholdsSchema = z
  .object({
    minPeakLevel: level,
    minDarkCorners: z.number().int().min(0).max(4),
    minFieldCoverage: share,
    maxEdgeIrregularity: share,
    maxBlueToRed: ratio,
    maxCoarseContrast: share,
    maxCoarseContrastMixed: share,
    maxTexture: share,
    vesselContrastRetake: share,
    vesselContrastGood: share,
    darkRetake: level,
    darkGood: level,
    brightRetake: level,
    brightGood: level,
    clippedRetake: share,
    clippedGood: share,
    darkAreaRetake: share,
    darkAreaGood: share,
    brightAreaRetake: share,
    brightAreaGood: share,
    hazeBlueToRedGood: ratio,
    colourSpreadRetake: ratio,
    colourSpreadGood: ratio,
    offCentreRetake: z.number().min(0).max(2),
    offCentreGood: z.number().min(0).max(2),
    gradableRetake: share,
    gradableGood: share,
  })
  .refine((t) => t.maxCoarseContrastMixed <= t.maxCoarseContrast, { message: 'Shapes: the mixed-colour limit must not exceed the plain limit.', path: ['maxCoarseContrastMixed'] })
  .refine((t) => t.vesselContrastRetake < t.vesselContrastGood, { message: 'Blur: the retake level must be below the good level.', path: ['vesselContrastRetake'] })
  .refine((t) => t.darkRetake < t.darkGood, { message: 'Too dark: the retake level must be below the good level.', path: ['darkRetake'] })
  .refine((t) => t.brightGood < t.brightRetake, { message: 'Too bright: the good level must be below the retake level.', path: ['brightGood'] })
  .refine((t) => t.darkGood < t.brightGood, { message: 'The dark and bright limits overlap.', path: ['darkGood'] })
  .refine((t) => t.clippedGood < t.clippedRetake, { message: 'Clipping: the good level must be below the retake level.', path: ['clippedGood'] })
  .refine((t) => t.darkAreaGood < t.darkAreaRetake, { message: 'Dark edge: the good level must be below the retake level.', path: ['darkAreaGood'] })
  .refine((t) => t.brightAreaGood < t.brightAreaRetake, { message: 'Glare: the good level must be below the retake level.', path: ['brightAreaGood'] })
  .refine((t) => t.hazeBlueToRedGood < t.maxBlueToRed, { message: 'Haze: the good level must be below the not-a-fundus level.', path: ['hazeBlueToRedGood'] })
  .refine((t) => t.colourSpreadGood < t.colourSpreadRetake, { message: 'Colour spread: the good level must be below the retake level.', path: ['colourSpreadGood'] })
  .refine((t) => t.offCentreGood < t.offCentreRetake, { message: 'Off-centre: the good level must be below the retake level.', path: ['offCentreGood'] })
  .refine((t) => t.gradableRetake < t.gradableGood, { message: 'Gradability: the retake level must be below the good level.', path: ['gradableRetake'] });

/** Fills what a stored setting leaves out with the defaults, then validates the whole. */
export function resolveQualityThresholds(partial: Partial<QualityThresholds> | undefined): QualityThresholds {
  return qualityThresholdsSchema.parse({ ...defaultQualityThresholds, ...partial });
}
