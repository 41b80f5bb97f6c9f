// The field of view (FOV): the round, lit aperture of a fundus camera on its black surround.
// Finds the lit pixels, fits the aperture circle to the edge of the lit area, and measures how
// well the picture fits that model.
import { boxMean } from './box.ts';
import { fitCircle, type Circle } from './circle.ts';
import type { Planes } from './planes.ts';

export interface Fov {
  /** 1 where the pixel is lit (inside the aperture and not in a dark patch). */
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
  /** Lit pixels outside the fitted aperture, as a share of the lit pixels. */
  spill: number;
  /** Distance of the aperture centre from the frame centre, in aperture radii. */
  offset: number;
  /** Share of the aperture circle's area that lies inside the frame. */
  inFrame: number;
  /** RMS distance of the lit area's edge from the circle, in aperture radii. */
  roundness: number;
}

// The surround must be darker than this share of the frame's bright level to count as dark.
const DARK_CORNER_SHARE = 0.25;

export function findFov(p: Planes): Fov {
  const { width: w, height: h } = p;
  const n = w * h;
  // Smooth at ~1% of the short side so vessels and noise don't punch holes in the lit area.
  const smooth = boxMean(p.maxc, w, h, Math.max(1, Math.round(Math.min(w, h) / 128)));
  const hist = new Uint32Array(256);
  for (let i = 0; i < n; i++) hist[smooth[i]! | 0]!++;
  const peak = percentileOfHist(hist, n, 0.95);

  const corners = cornerLevels(p.maxc, w, h);
  const sorted = [...corners].sort((a, b) => a - b);
  // The second-darkest corner: one corner may carry burned-in text.
  const surround = sorted[1]!;
  const darkCorners = corners.filter((c) => c < Math.max(8, DARK_CORNER_SHARE * peak)).length;

  const threshold = surround + Math.max(8, 0.1 * (peak - surround));
  const mask = new Uint8Array(n);
  let lit = 0;
  for (let i = 0; i < n; i++) {
    if (smooth[i]! > threshold) {
      mask[i] = 1;
      lit++;
    }
  }
  const circle = lit > 0 && lit < n ? fitCircle(...edgePoints(mask, w, h)) : null;
  const geo = circle ? circleGeometry(mask, w, h, circle, lit) : { fill: 0, spill: 1, inFrame: 0 };
  return {
    mask,
    circle,
    surround,
    peak,
    coverage: lit / n,
    darkCorners,
    fill: geo.fill,
    spill: geo.spill,
    inFrame: geo.inFrame,
    offset: circle ? Math.hypot(circle.cx - w / 2, circle.cy - h / 2) / circle.r : 1,
    roundness: circle ? circle.rms / circle.r : 1,
  };
}

export function percentileOfHist(hist: ArrayLike<number>, total: number, q: number): number {
  const target = q * total;
  let acc = 0;
  for (let v = 0; v < hist.length; v++) {
    acc += hist[v]!;
    if (acc >= target) return v;
  }
  return hist.length - 1;
}

function cornerLevels(maxc: Uint8Array, w: number, h: number): number[] {
  const s = Math.max(2, Math.round(Math.min(w, h) * 0.03));
  const mean = (x0: number, y0: number): number => {
    let sum = 0;
    for (let y = y0; y < y0 + s; y++) for (let x = x0; x < x0 + s; x++) sum += maxc[y * w + x]!;
    return sum / (s * s);
  };
  return [mean(0, 0), mean(w - s, 0), mean(0, h - s), mean(w - s, h - s)];
}

/** The ends of the longest lit run on every row and column, where that end is not the frame edge. */
function edgePoints(mask: Uint8Array, w: number, h: number): [Float64Array, Float64Array, number] {
  const xs = new Float64Array(2 * (w + h));
  const ys = new Float64Array(2 * (w + h));
  let k = 0;
  const scan = (len: number, at: (i: number) => number, push: (pos: number) => void): void => {
    let best = 0, bestStart = -1, start = -1;
    for (let i = 0; i <= len; i++) {
      const v = i < len ? at(i) : 0;
      if (v && start < 0) start = i;
      else if (!v && start >= 0) {
        if (i - start > best) {
          best = i - start;
          bestStart = start;
        }
        start = -1;
      }
    }
    if (best === 0) return;
    if (bestStart > 0) push(bestStart - 0.5);
    if (bestStart + best < len) push(bestStart + best - 0.5);
  };
  for (let y = 0; y < h; y++) {
    scan(w, (x) => mask[y * w + x]!, (x) => {
      xs[k] = x;
      ys[k++] = y;
    });
  }
  for (let x = 0; x < w; x++) {
    scan(h, (y) => mask[y * w + x]!, (y) => {
      xs[k] = x;
      ys[k++] = y;
    });
  }
  return [xs, ys, k];
}

function circleGeometry(mask: Uint8Array, w: number, h: number, c: Circle, lit: number): { fill: number; spill: number; inFrame: number } {
  let inside = 0;
  let litInside = 0;
  const r2 = c.r * c.r;
  for (let y = 0; y < h; y++) {
    const dy = y - c.cy;
    const span = r2 - dy * dy;
    if (span < 0) continue;
    const half = Math.sqrt(span);
    const x0 = Math.max(0, Math.ceil(c.cx - half));
    const x1 = Math.min(w - 1, Math.floor(c.cx + half));
    for (let x = x0; x <= x1; x++) {
      inside++;
      litInside += mask[y * w + x]!;
    }
  }
  return {
    fill: inside > 0 ? litInside / inside : 0,
    spill: lit > 0 ? (lit - litInside) / lit : 1,
    inFrame: inside / (Math.PI * r2),
  };
}
