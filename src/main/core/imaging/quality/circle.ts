// Least-squares circle through boundary points (Kåsa's algebraic fit), refined once without the
// points that lie far from the first fit (a notch or a dark patch at the edge of the field).

export interface Circle {
  cx: number;
  cy: number;
  r: number;
  /** RMS distance of the kept points from the circle. */
  rms: number;
  points: number;
}

export function fitCircle(xs: ArrayLike<number>, ys: ArrayLike<number>, count: number): Circle | null {
  const first = kasa(xs, ys, count, null);
  if (!first) return null;
  const limit = Math.max(2, 2.5 * first.rms);
  return kasa(xs, ys, count, (x, y) => Math.abs(Math.hypot(x - first.cx, y - first.cy) - first.r) <= limit) ?? first;
}

function kasa(xs: ArrayLike<number>, ys: ArrayLike<number>, count: number, keep: ((x: number, y: number) => boolean) | null): Circle | null {
  // Centre the coordinates first so the normal equations stay well conditioned.
  let mx = 0;
  let my = 0;
  let n = 0;
  for (let i = 0; i < count; i++) {
    if (keep && !keep(xs[i], ys[i])) continue;
    mx += xs[i];
    my += ys[i];
    n++;
  }
  if (n < 8) return null;
  mx /= n;
  my /= n;
  let suu = 0, svv = 0, suv = 0, suuu = 0, svvv = 0, suvv = 0, svuu = 0;
  for (let i = 0; i < count; i++) {
    if (keep && !keep(xs[i], ys[i])) continue;
    const u = xs[i] - mx;
    const v = ys[i] - my;
    suu += u * u;
    svv += v * v;
    suv += u * v;
    suuu += u * u * u;
    svvv += v * v * v;
    suvv += u * v * v;
    svuu += v * u * u;
  }
  const det = suu * svv - suv * suv;
  if (Math.abs(det) < 1e-9) return null;
  const bu = 0.5 * (suuu + suvv);
  const bv = 0.5 * (svvv + svuu);
  const uc = (bu * svv - bv * suv) / det;
  const vc = (suu * bv - suv * bu) / det;
  const r = Math.sqrt(uc * uc + vc * vc + (suu + svv) / n);
  const cx = uc + mx;
  const cy = vc + my;
  let ss = 0;
  for (let i = 0; i < count; i++) {
    if (keep && !keep(xs[i], ys[i])) continue;
    const e = Math.hypot(xs[i] - cx, ys[i] - cy) - r;
    ss += e * e;
  }
  return { cx, cy, r, rms: Math.sqrt(ss / n), points: n };
}
