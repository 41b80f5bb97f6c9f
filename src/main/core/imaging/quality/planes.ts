// One pass over the RGB buffer into the single-channel planes the metrics need.
import type { RawImage } from '../decode.ts';

export interface Planes {
  width: number;
  height: number;
  /** Green: the channel where retinal vessels have the most contrast. */
  green: Uint8Array;
  /** Rec. 601 luma, for exposure. */
  luma: Uint8Array;
  /** Brightest channel, for telling the lit field of view from the black surround. */
  maxc: Uint8Array;
  /** Burned-in overlay text (saturated green, which retina never is), to be left out of every measure. */
  text: Uint8Array;
  textPixels: number;
}

// Overlay text such as a camera's green date stamp: green well above both red and blue.
const TEXT_MARGIN = 40;

export function toPlanes(img: RawImage): Planes {
  const { width, height, data } = img;
  const n = width * height;
  const green = new Uint8Array(n);
  const luma = new Uint8Array(n);
  const maxc = new Uint8Array(n);
  const text = new Uint8Array(n);
  let textPixels = 0;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const r = data[j]!;
    const g = data[j + 1]!;
    const b = data[j + 2]!;
    green[i] = g;
    luma[i] = (299 * r + 587 * g + 114 * b + 500) / 1000;
    maxc[i] = r > g ? (r > b ? r : b) : g > b ? g : b;
    if (g > r + TEXT_MARGIN && g > b + TEXT_MARGIN) {
      text[i] = 1;
      textPixels++;
    }
  }
  return { width, height, green, luma, maxc, text, textPixels };
}
