// One pass over the RGB buffer: the full-resolution green plane (vessels have most contrast in
// green) and a coarse grid of 4x4-pixel cells with mean colour, for everything that is larger than
// a vessel (field of view, exposure, evenness, colour). Working on cells keeps the budget small.
import type { RawImage } from '../decode.ts';

export const CELL = 4;

export interface Grid {
  width: number;
  height: number;
  /** Full-resolution green plane. */
  green: Uint8Array;
  /** Cell grid size. */
  gw: number;
  gh: number;
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
  /** Rec. 601 luma of the cell mean. */
  luma: Float32Array;
  /** Brightest channel of the cell mean: lit field versus black surround. */
  bright: Float32Array;
  /** Cells holding burned-in overlay text (saturated green, which retina never is). */
  text: Uint8Array;
  textCells: number;
}

// Overlay text such as a camera's green date stamp: green well above both red and blue.
const TEXT_MARGIN = 40;

export function toGrid(img: RawImage): Grid {
  const { width: w, height: h, data } = img;
  const gw = Math.ceil(w / CELL);
  const gh = Math.ceil(h / CELL);
  const cells = gw * gh;
  const green = new Uint8Array(w * h);
  const sr = new Uint32Array(cells);
  const sg = new Uint32Array(cells);
  const sb = new Uint32Array(cells);
  const text = new Uint8Array(cells);
  for (let y = 0; y < h; y++) {
    const crow = (y >> 2) * gw;
    let j = y * w * 3;
    let i = y * w;
    for (let x = 0; x < w; x++, i++, j += 3) {
      const R = data[j];
      const G = data[j + 1];
      const B = data[j + 2];
      green[i] = G;
      const c = crow + (x >> 2);
      sr[c] += R;
      sg[c] += G;
      sb[c] += B;
      if (G > R + TEXT_MARGIN && G > B + TEXT_MARGIN) text[c] = 1;
    }
  }
  const r = new Float32Array(cells);
  const g = new Float32Array(cells);
  const b = new Float32Array(cells);
  const luma = new Float32Array(cells);
  const bright = new Float32Array(cells);
  let textCells = 0;
  for (let cy = 0; cy < gh; cy++) {
    const ch = Math.min(CELL, h - cy * CELL);
    for (let cx = 0; cx < gw; cx++) {
      const c = cy * gw + cx;
      const k = 1 / (ch * Math.min(CELL, w - cx * CELL));
      const R = (r[c] = sr[c] * k);
      const G = (g[c] = sg[c] * k);
      const B = (b[c] = sb[c] * k);
      luma[c] = 0.299 * R + 0.587 * G + 0.114 * B;
      bright[c] = R > G ? (R > B ? R : B) : G > B ? G : B;
      textCells += text[c];
    }
  }
  return { width: w, height: h, green, gw, gh, r, g, b, luma, bright, text, textCells };
}
