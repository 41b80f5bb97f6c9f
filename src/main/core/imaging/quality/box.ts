// Box (moving-average) filters by running sums: the cost does not depend on the radius, which keeps
// the vessel-scale and illumination-scale filters cheap enough for the per-image budget.
import { freshArrays, type Scratch } from './scratch.ts';

/** Mean over a (2r+1)x(2r+1) window, edges clamped (the edge pixel repeats). */
export function boxMean(src: ArrayLike<number>, width: number, height: number, r: number, scratch: Scratch = freshArrays): Float32Array {
  const n = width * height;
  const out = scratch.f32(n);
  if (r <= 0) {
    for (let i = 0; i < n; i++) out[i] = src[i];
    return out;
  }
  const tmp = scratch.f32(n);
  const last = width - 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let s = 0;
    for (let i = -r; i <= r; i++) s += src[row + (i < 0 ? 0 : i > last ? last : i)];
    for (let x = 0; x < width; x++) {
      tmp[row + x] = s;
      const add = x + r + 1;
      const sub = x - r;
      s += src[row + (add > last ? last : add)] - src[row + (sub < 0 ? 0 : sub)];
    }
  }
  // Vertical pass a row at a time, so memory is read in order.
  const acc = scratch.f64(width);
  const lastRow = height - 1;
  for (let i = -r; i <= r; i++) {
    const row = (i < 0 ? 0 : i > lastRow ? lastRow : i) * width;
    for (let x = 0; x < width; x++) acc[x] += tmp[row + x];
  }
  const inv = 1 / ((2 * r + 1) * (2 * r + 1));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const a = y + r + 1;
    const b = y - r;
    const add = (a > lastRow ? lastRow : a) * width;
    const sub = (b < 0 ? 0 : b) * width;
    for (let x = 0; x < width; x++) {
      out[row + x] = acc[x] * inv;
      acc[x] += tmp[add + x] - tmp[sub + x];
    }
  }
  return out;
}

/** Box means of one plane by radius, each computed once (several measures smooth at the same scale). */
export class Smoother {
  private readonly done = new Map<number, Float32Array>();
  private readonly src: ArrayLike<number>;
  private readonly width: number;
  private readonly height: number;
  private readonly scratch: Scratch;

  constructor(src: ArrayLike<number>, width: number, height: number, scratch: Scratch = freshArrays) {
    this.src = src;
    this.width = width;
    this.height = height;
    this.scratch = scratch;
  }

  at(r: number): Float32Array {
    let m = this.done.get(r);
    if (!m) this.done.set(r, (m = boxMean(this.src, this.width, this.height, r, this.scratch)));
    return m;
  }
}

/** Keep the cells whose whole (2r+1)² neighbourhood is set. */
export function erode(mask: Uint8Array, width: number, height: number, r: number, scratch: Scratch = freshArrays): Uint8Array {
  const m = boxMean(mask, width, height, r, scratch);
  const out = scratch.u8(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = m[i] > 0.999 ? 1 : 0;
  return out;
}

/** Set the cells that have any set cell within r. */
export function dilate(mask: Uint8Array, width: number, height: number, r: number, scratch: Scratch = freshArrays): Uint8Array {
  const m = boxMean(mask, width, height, r, scratch);
  const out = scratch.u8(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = m[i] > 0.001 ? 1 : 0;
  return out;
}
