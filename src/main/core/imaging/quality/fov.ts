// The field of view (FOV): the round, lit aperture of a fundus camera on its black surround.
// Works on the cell grid: finds the lit cells, fits the aperture circle to the edge of the lit
// area, and measures how well the picture fits that model. Lengths are in cells.
import { boxMean } from './box.ts';
import { fitCircle, type Circle } from './circle.ts';
import { CELL, type Grid } from './grid.ts';
import { percentile } from './percentile.ts';
import { freshArrays, type Scratch } from './scratch.ts';

export interface Fov {
  /** 1 where the cell is lit (inside the aperture and not in a dark patch). */
  mask: Uint8Array;
  circle: Circle | null;
  /** Brightest-channel level of the surround, 0..255. */
  surround: number;
  /** 95th percentile of the brightest channel over the frame, 0..255. */
  peak: number;
  /** Lit share of the frame. */
  coverage: number;
  /** Corners of the frame that are dark (0..4). A fundus camera's aperture never reaches them. */
  darkCorners: number;
  /** Lit share of the fitted aperture (circle inside the frame). */
  fill: number;
  /** Distance of the aperture centre from the frame centre, in aperture radii. */
  offset: number;
  /** Share of the aperture circle's area that lies inside the frame. */
  inFrame: number;
  /** RMS distance of the lit area's edge from the circle, in aperture radii. */
  roundness: number;
}

// A corner is dark when below this share of the frame's bright level.
const DARK_CORNER_SHARE = 0.25;

export function findFov(grid: Grid, scratch: Scratch = freshArrays): Fov {
  const { gw: w, gh: h } = grid;
  const n = w * h;
  // Smooth over 3x3 cells (~12 px) so vessels and noise don't punch holes in the lit area.
  const level = boxMean(grid.bright, w, h, 1, scratch);
  const peak = percentile(level, 0.95);
  const corners = cornerLevels(grid.bright, w, h);
  // The second-darkest corner: one corner may carry burned-in text.
  const surround = [...corners].sort((a, b) => a - b)[1]!;
  const darkCorners = corners.filter((c) => c < Math.max(8, DARK_CORNER_SHARE * peak)).length;

  const threshold = surround + Math.max(8, 0.1 * (peak - surround));
  const mask = scratch.u8(n);
  const lit = litCells(level, threshold, mask);
  const circle = lit > 0 && lit < n ? fitCircle(...edgePoints(level, mask, w, h, threshold, scratch)) : null;
  const geo = circle ? circleGeometry(mask, w, h, circle) : { fill: 0, inFrame: 0 };
  return {
    mask,
    circle,
    surround,
    peak,
    coverage: lit / n,
    darkCorners,
    fill: geo.fill,
    inFrame: geo.inFrame,
    offset: circle ? Math.hypot(circle.cx - centre(grid.width), circle.cy - centre(grid.height)) / circle.r : 1,
    roundness: circle ? circle.rms / circle.r : 1,
  };
}

/** Sets mask where level is above t; returns how many. (Its own function: as a loop inside findFov it
 * was compiled on its own (on-stack replacement) and threw the rest of findFov out of optimised code on every photo.) */
function litCells(level: Float32Array, t: number, mask: Uint8Array): number {
  let lit = 0;
  for (let i = 0; i < level.length; i++) {
    if (level[i] > t) {
      mask[i] = 1;
      lit++;
    }
  }
  return lit;
}

/** The frame's centre in cell coordinates (cell i's centre is at pixel CELL * i + CELL / 2 - 0.5). */
function centre(pixels: number): number {
  return (pixels / CELL - 1) / 2;
}

function cornerLevels(bright: Float32Array, w: number, h: number): number[] {
  // ~3 % of the short side.
  const s = Math.max(1, Math.round(Math.min(w, h) * 0.03));
  const mean = (x0: number, y0: number): number => {
    let sum = 0;
    for (let y = y0; y < y0 + s; y++) for (let x = x0; x < x0 + s; x++) sum += bright[y * w + x];
    return sum / (s * s);
  };
  return [mean(0, 0), mean(w - s, 0), mean(0, h - s), mean(w - s, h - s)];
}

/**
 * Where the longest lit run of every row and column ends, unless it ends at the frame: points on
 * the aperture's edge, interpolated between cells to where the level crosses the threshold. The
 * aperture's rim is a sharp step to black; a shadow inside it fades. So only points whose step is
 * at least half the typical step are kept.
 */
function edgePoints(level: Float32Array, mask: Uint8Array, w: number, h: number, t: number, scratch: Scratch): [Float64Array, Float64Array, number] {
  const cap = 2 * (w + h);
  const xs = scratch.f64(cap);
  const ys = scratch.f64(cap);
  const steps = scratch.f64(cap);
  let k = 0;
  // One edge between dark cell `out` and lit cell `in`; `deeper` is INSET cells further into the lit run.
  const push = (x: number, y: number, out: number, inner: number, deeper: number, along: 'x' | 'y', sign: number): void => {
    const d = level[inner] - level[out];
    const f = d > 0 ? Math.min(1, Math.max(0, (t - level[out]) / d)) : 0.5;
    xs[k] = along === 'x' ? x - sign * (1 - f) : x;
    ys[k] = along === 'y' ? y - sign * (1 - f) : y;
    steps[k++] = level[deeper] - level[out];
  };
  for (let y = 0; y < h; y++) {
    const at = (x: number): number => y * w + x;
    const [s, len] = longestRun(w, (x) => mask[at(x)]);
    if (len === 0) continue;
    const e = s + len - 1;
    if (s > 0) push(s, y, at(s - 1), at(s), at(Math.min(e, s + INSET)), 'x', 1);
    if (e < w - 1) push(e, y, at(e + 1), at(e), at(Math.max(s, e - INSET)), 'x', -1);
  }
  for (let x = 0; x < w; x++) {
    const at = (y: number): number => y * w + x;
    const [s, len] = longestRun(h, (y) => mask[at(y)]);
    if (len === 0) continue;
    const e = s + len - 1;
    if (s > 0) push(x, s, at(s - 1), at(s), at(Math.min(e, s + INSET)), 'y', 1);
    if (e < h - 1) push(x, e, at(e + 1), at(e), at(Math.max(s, e - INSET)), 'y', -1);
  }
  if (k === 0) return [xs, ys, 0];
  const typical = [...steps.subarray(0, k)].sort((a, b) => a - b)[k >> 1]!;
  let kept = 0;
  for (let i = 0; i < k; i++) {
    if (steps[i] < 0.5 * typical) continue;
    xs[kept] = xs[i];
    ys[kept] = ys[i];
    kept++;
  }
  return [xs, ys, kept];
}

// How far into the lit run the step height is read, in cells (~3 % of a 384-pixel side).
const INSET = 3;

function longestRun(len: number, lit: (i: number) => number): [number, number] {
  let best = 0, bestStart = -1, start = -1;
  for (let i = 0; i <= len; i++) {
    const v = i < len ? lit(i) : 0;
    if (v && start < 0) start = i;
    else if (!v && start >= 0) {
      if (i - start > best) {
        best = i - start;
        bestStart = start;
      }
      start = -1;
    }
  }
  return [bestStart, best];
}

function circleGeometry(mask: Uint8Array, w: number, h: number, c: Circle): { fill: number; inFrame: number } {
  let inside = 0;
  let lit = 0;
  forEachInCircle(c, 1, w, h, (i) => {
    inside++;
    lit += mask[i];
  });
  return { fill: inside > 0 ? lit / inside : 0, inFrame: inside / (Math.PI * c.r * c.r) };
}

/** Calls fn(rowStart, x0, x1) for each row of cells whose centres are inside the circle (radius scaled) and the frame. */
function circleRows(c: Circle, scale: number, w: number, h: number, fn: (rowStart: number, x0: number, x1: number) => void): void {
  const r = c.r * scale;
  const y0 = Math.max(0, Math.ceil(c.cy - r));
  const y1 = Math.min(h - 1, Math.floor(c.cy + r));
  for (let y = y0; y <= y1; y++) {
    const dy = y - c.cy;
    const half = Math.sqrt(Math.max(0, r * r - dy * dy));
    fn(y * w, Math.max(0, Math.ceil(c.cx - half)), Math.min(w - 1, Math.floor(c.cx + half)));
  }
}

/** Sets mask at every cell whose centre is inside the circle (radius scaled) and the frame. */
export function fillCircle(mask: Uint8Array, c: Circle, scale: number, w: number, h: number): void {
  circleRows(c, scale, w, h, (row, x0, x1) => mask.fill(1, row + x0, row + x1 + 1));
}

/** Calls fn with the index of every cell whose centre is inside the circle (radius scaled) and the frame. */
export function forEachInCircle(c: Circle, scale: number, w: number, h: number, fn: (i: number) => void): void {
  circleRows(c, scale, w, h, (row, x0, x1) => {
    for (let x = x0; x <= x1; x++) fn(row + x);
  });
}
