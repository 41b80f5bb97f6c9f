// The field-of-view geometry: the circle fit and the aperture found on drawn frames.
import { describe, expect, it } from 'vitest';
import { fitCircle } from '../../src/main/core/imaging/quality/circle.ts';
import { findFov } from '../../src/main/core/imaging/quality/fov.ts';
import { CELL, toGrid } from '../../src/main/core/imaging/quality/grid.ts';
import type { RawImage } from '../../src/main/core/imaging/decode.ts';

/** An orange disc on black, optionally with its top-left part shadowed. */
function disc(w: number, h: number, cx: number, cy: number, r: number, shadow = false): RawImage {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
      // A shadow over the left part, fading out towards the middle, as from a decentred pupil.
      const k = shadow ? Math.min(1, Math.max(0.02, (x - (cx - 0.6 * r)) / (0.6 * r))) : 1;
      const i = 3 * (y * w + x);
      data[i] = 200 * k;
      data[i + 1] = 100 * k;
      data[i + 2] = 30 * k;
    }
  }
  return { data, width: w, height: h, channels: 3 };
}

describe('fitCircle', () => {
  it('recovers a circle from points on part of it, ignoring a few stray points', () => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let a = 0; a < Math.PI * 1.2; a += 0.02) {
      xs.push(40 + 25 * Math.cos(a));
      ys.push(-10 + 25 * Math.sin(a));
    }
    xs.push(40, 41, 39);
    ys.push(-10, -9, -11);
    const c = fitCircle(xs, ys, xs.length)!;
    expect(c.cx).toBeCloseTo(40, 0);
    expect(c.cy).toBeCloseTo(-10, 0);
    expect(c.r).toBeCloseTo(25, 0);
  });

  it('gives up on too few points or a straight line', () => {
    expect(fitCircle([1, 2, 3], [1, 2, 3], 3)).toBeNull();
    const xs = Array.from({ length: 20 }, (_, i) => i);
    expect(fitCircle(xs, xs, 20)).toBeNull();
  });
});

describe('findFov', () => {
  it('finds a centred aperture and its coverage', () => {
    const fov = findFov(toGrid(disc(480, 320, 240, 160, 150)));
    expect(Math.abs(fov.circle!.r * CELL - 150)).toBeLessThan(8);
    expect(Math.abs(fov.circle!.cx * CELL + CELL / 2 - 0.5 - 240)).toBeLessThan(4);
    expect(fov.offset).toBeLessThan(0.05);
    expect(fov.coverage).toBeGreaterThan(0.4);
    expect(fov.coverage).toBeLessThan(0.5);
    expect(fov.darkCorners).toBe(4);
    expect(fov.roundness).toBeLessThan(0.03);
  });

  it('sees an aperture cut off by the frame as off-centre', () => {
    const fov = findFov(toGrid(disc(480, 320, 400, 160, 150)));
    expect(fov.offset).toBeGreaterThan(0.4);
    expect(fov.inFrame).toBeLessThan(0.9);
  });

  it('fits the aperture rim, not the edge of a shadow inside it', () => {
    const fov = findFov(toGrid(disc(480, 320, 240, 160, 150, true)));
    // Cell i is centred on pixel CELL * i + CELL / 2 - 0.5.
    expect(Math.abs(fov.circle!.cx * CELL + CELL / 2 - 0.5 - 240)).toBeLessThan(8);
    expect(Math.abs(fov.circle!.r * CELL - 150)).toBeLessThan(8);
    expect(fov.fill).toBeLessThan(0.9);
  });

  it('finds no dark surround on a frame lit edge to edge', () => {
    const data = Buffer.alloc(200 * 150 * 3, 150);
    expect(findFov(toGrid({ data, width: 200, height: 150, channels: 3 })).darkCorners).toBe(0);
  });
});
