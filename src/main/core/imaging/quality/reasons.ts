// The reasons an operator is shown, in the operator's words. The badge shows the part before the
// colon ("Blurry", "Dark edge"); the whole sentence says what to do.
export const QUALITY_REASONS = {
  notRetinal: 'Not a retinal photo',
  blurry: 'Blurry: refocus and retake',
  tooDark: 'Too dark',
  tooBright: 'Too bright',
  darkEdge: 'Dark edge: realign with the pupil',
  uneven: 'Uneven light or haze',
  offCentre: 'Cut off: centre the eye in the frame',
} as const;
