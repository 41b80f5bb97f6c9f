// Box (moving-average) filters by running sums: the cost does not depend on the radius, which keeps
// the vessel-scale and illumination-scale filters cheap enough for the per-image budget.

/** Mean over a (2r+1)x(2r+1) window, edges clamped. Returns a new array. */
export function boxMean(src: ArrayLike<number>, width: number, height: number, r: number): Float32Array {
  const out = new Float32Array(width * height);
  if (r <= 0) {
    for (let i = 0; i < out.length; i++) out[i] = src[i]!;
    return out;
  }
  const tmp = new Float32Array(width * height);
  const n = 2 * r + 1;
  const inv = 1 / n;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let s = 0;
    for (let i = -r; i <= r; i++) s += src[row + clamp(i, width)]!;
    for (let x = 0; x < width; x++) {
      tmp[row + x] = s * inv;
      s += src[row + clamp(x + r + 1, width)]! - src[row + clamp(x - r, width)]!;
    }
  }
  // Vertical pass row by row, so memory is read in order.
  const acc = new Float64Array(width);
  for (let i = -r; i <= r; i++) {
    const row = clamp(i, height) * width;
    for (let x = 0; x < width; x++) acc[x] += tmp[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const add = clamp(y + r + 1, height) * width;
    const sub = clamp(y - r, height) * width;
    for (let x = 0; x < width; x++) {
      out[row + x] = acc[x]! * inv;
      acc[x] += tmp[add + x]! - tmp[sub + x]!;
    }
  }
  return out;
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
