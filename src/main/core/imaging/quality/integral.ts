// Summed-area table of an 8-bit plane: any box sum in four look-ups, whatever its size.

export interface Integral {
  /** (width+1) x (height+1) table; entry (x, y) is the sum of all pixels above and left of it. */
  table: Int32Array;
  stride: number;
  width: number;
  height: number;
}

export function integral(plane: Uint8Array, width: number, height: number): Integral {
  const stride = width + 1;
  const table = new Int32Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    const src = y * width;
    const above = y * stride;
    const here = above + stride;
    for (let x = 0; x < width; x++) {
      rowSum += plane[src + x];
      table[here + x + 1] = table[above + x + 1] + rowSum;
    }
  }
  return { table, stride, width, height };
}

/** Mean of the (2r+1)² box centred on (x, y), clipped to the frame. */
export function boxMeanAt(s: Integral, x: number, y: number, r: number): number {
  const x0 = x - r < 0 ? 0 : x - r;
  const y0 = y - r < 0 ? 0 : y - r;
  const x1 = x + r + 1 > s.width ? s.width : x + r + 1;
  const y1 = y + r + 1 > s.height ? s.height : y + r + 1;
  const t = s.table;
  const sum = t[y1 * s.stride + x1] - t[y0 * s.stride + x1] - t[y1 * s.stride + x0] + t[y0 * s.stride + x0];
  return sum / ((x1 - x0) * (y1 - y0));
}
