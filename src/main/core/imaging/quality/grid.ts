// One pass over the RGB buffer: the summed-area table of the full-resolution green plane (vessels
// have most contrast in green; any box mean in four look-ups) and a coarse grid of 4x4-pixel cells
// with mean colour, for everything that is larger than a vessel (field of view, exposure,
// evenness, colour). Working on cells keeps the budget small.
import type { RawImage } from '../decode.ts';
import { freshArrays, type Scratch } from './scratch.ts';

export const CELL = 4;

/** Summed-area table of an 8-bit plane: any box sum in four look-ups, whatever its size. */
export interface Integral {
  /** (width+1) x (height+1) table; entry (x, y) is the sum of all pixels above and left of it. */
  table: Int32Array;
  stride: number;
  width: number;
  height: number;
}

export interface Grid {
  width: number;
  height: number;
  /** Summed-area table of the full-resolution green plane. */
  greenSums: Integral;
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

/** 1 when the pixel is overlay text: green above red and blue by more than TEXT_MARGIN (sign bits, no branch). */
const lettered = (r: number, g: number, b: number): number => ((r + TEXT_MARGIN - g) & (b + TEXT_MARGIN - g)) >>> 31;

export function toGrid(img: RawImage, scratch: Scratch = freshArrays): Grid {
  const { width: w, height: h, data } = img;
  const gw = Math.ceil(w / CELL);
  const gh = Math.ceil(h / CELL);
  const cells = gw * gh;
  const stride = w + 1;
  // Entry (x, y) is the sum of the green pixels above and left of it.
  const table = scratch.i32(stride * (h + 1));
  const sr = scratch.u32(cells);
  const sg = scratch.u32(cells);
  const sb = scratch.u32(cells);
  const text = scratch.u8(cells);
  sumCells(data, w, h, gw, table, sr, sg, sb, text);
  const r = scratch.f32(cells);
  const g = scratch.f32(cells);
  const b = scratch.f32(cells);
  const luma = scratch.f32(cells);
  const bright = scratch.f32(cells);
  const textCells = cellMeans(w, h, gw, gh, sr, sg, sb, text, r, g, b, luma, bright);
  return { width: w, height: h, greenSums: { table, stride, width: w, height: h }, gw, gh, r, g, b, luma, bright, text, textCells };
}

// The loops below are functions of their own so that V8 optimises them as wholes: as loops inside a
// larger function they were compiled on their own (on-stack replacement) and threw the rest of the
// function out of optimised code on every photo.

/** The summed-area table of green and each cell's channel sums and text flag, in one pass over the pixels. */
function sumCells(data: Uint8Array, w: number, h: number, gw: number, table: Int32Array, sr: Uint32Array, sg: Uint32Array, sb: Uint32Array, text: Uint8Array): void {
  const stride = w + 1;
  // Whole cells (CELL = 4 pixels across) are read in one unrolled step; a narrower last cell pixel by pixel.
  const whole = (w / CELL) | 0;
  for (let y = 0; y < h; y++) {
    const crow = (y >> 2) * gw;
    let above = y * stride + 1;
    let here = above + stride;
    let j = y * w * 3;
    let rowSum = 0;
    for (let cx = 0; cx < whole; cx++, j += 12, above += 4, here += 4) {
      const r0 = data[j], g0 = data[j + 1], b0 = data[j + 2];
      const r1 = data[j + 3], g1 = data[j + 4], b1 = data[j + 5];
      const r2 = data[j + 6], g2 = data[j + 7], b2 = data[j + 8];
      const r3 = data[j + 9], g3 = data[j + 10], b3 = data[j + 11];
      table[here] = table[above] + (rowSum += g0);
      table[here + 1] = table[above + 1] + (rowSum += g1);
      table[here + 2] = table[above + 2] + (rowSum += g2);
      table[here + 3] = table[above + 3] + (rowSum += g3);
      const c = crow + cx;
      sr[c] += r0 + r1 + r2 + r3;
      sg[c] += g0 + g1 + g2 + g3;
      sb[c] += b0 + b1 + b2 + b3;
      text[c] |= lettered(r0, g0, b0) | lettered(r1, g1, b1) | lettered(r2, g2, b2) | lettered(r3, g3, b3);
    }
    if (whole < gw) {
      const c = crow + whole;
      for (let x = whole * CELL; x < w; x++, j += 3, above++, here++) {
        const r = data[j], g = data[j + 1], b = data[j + 2];
        table[here] = table[above] + (rowSum += g);
        sr[c] += r;
        sg[c] += g;
        sb[c] += b;
        text[c] |= lettered(r, g, b);
      }
    }
  }
}

/** Cell means from the sums; returns the number of text cells. */
function cellMeans(w: number, h: number, gw: number, gh: number, sr: Uint32Array, sg: Uint32Array, sb: Uint32Array, text: Uint8Array, r: Float32Array, g: Float32Array, b: Float32Array, luma: Float32Array, bright: Float32Array): number {
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
  return textCells;
}
