// Percentile of 0..255 values through a 256-bin histogram: one pass, no sort.

export function percentile(values: ArrayLike<number>, q: number, mask?: Uint8Array): number {
  const hist = new Uint32Array(256);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    const v = values[i];
    hist[v < 0 ? 0 : v > 255 ? 255 : v | 0]++;
    total++;
  }
  const target = q * total;
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v];
    if (acc >= target && total > 0) return v;
  }
  return 0;
}
