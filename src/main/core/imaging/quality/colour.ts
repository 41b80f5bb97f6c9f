// Colour of the lit field. The fundus returns mostly red light and very little blue (melanin and
// blood absorb it), so a colour fundus photo is red-orange-yellow and of one hue throughout.
// Grey, white or bluish light means scattered light (haze) or not a fundus; a wide spread of
// colours means several materials (skin, sclera, iris), as in a photo of the outer eye.

export interface Colour {
  /** Median blue/red ratio over the field. */
  blueToRed: number;
  /** 90th minus 10th percentile of blue/red over the field. */
  blueToRedSpread: number;
}

const BINS = 200; // 0..2 in steps of 0.01

// Cells this dark (sum of channels) carry more noise than colour.
const MIN_LEVEL = 30;

export function measureColour(r: Float32Array, g: Float32Array, b: Float32Array, area: Uint8Array): Colour {
  const hist = new Uint32Array(BINS);
  let total = 0;
  for (let i = 0; i < area.length; i++) {
    if (!area[i] || r[i] + g[i] + b[i] < MIN_LEVEL) continue;
    const ratio = b[i] / (r[i] > 1 ? r[i] : 1);
    hist[ratio >= 2 ? BINS - 1 : (ratio * 100) | 0]++;
    total++;
  }
  if (total === 0) return { blueToRed: 1, blueToRedSpread: 0 };
  const q = (p: number): number => {
    let acc = 0;
    for (let k = 0; k < BINS; k++) {
      acc += hist[k];
      if (acc >= p * total) return (k + 0.5) / 100;
    }
    return 2;
  };
  return { blueToRed: q(0.5), blueToRedSpread: q(0.9) - q(0.1) };
}
