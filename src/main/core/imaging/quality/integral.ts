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
