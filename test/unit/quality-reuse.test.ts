// The quality measures reuse their working arrays from one photo to the next (scratch.ts), and the
// worker pool passes the pixels through shared slots (quality-pool.ts). Neither may change a
// result: a photo measures the same whatever was measured before it, and the same on the worker
// as in this thread, with several photos in flight at once and photos of different sizes.
import { afterAll, describe, expect, it } from 'vitest';
import { decodeReduced, type RawImage } from '../../src/main/core/imaging/decode.ts';
import { assessQuality } from '../../src/main/core/imaging/quality/index.ts';
import { createQualityAssessor } from '../../src/main/core/imaging/quality-pool.ts';
import { Arena, freshArrays } from '../../src/main/core/imaging/quality/scratch.ts';
import { fundusVariantJpeg, type FundusVariant } from '../fixtures/fundus-variants.ts';

async function decoded(variant: FundusVariant, width: number, height: number, seed: number): Promise<RawImage> {
  return decodeReduced({ kind: 'encoded', bytes: await fundusVariantJpeg(variant, { width, height, seed }) });
}

/** A copy cut to w x h from the top-left: sizes that are not whole cells. */
function cropped(img: RawImage, w: number, h: number): RawImage {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) img.data.copy(data, y * w * 3, y * img.width * 3, (y * img.width + w) * 3);
  return { data, width: w, height: h, channels: 3 };
}

const photos = Promise.all([
  decoded('sharp', 1200, 800, 1),
  decoded('blurred', 760, 570, 2),
  decoded('darkCrescent', 900, 1100, 3),
  decoded('offCentre', 1200, 800, 4),
]).then((p) => [...p, cropped(p[0]!, 509, 338), cropped(p[2]!, 37, 29)]);

describe('the arena', () => {
  it('hands out zeroed arrays of the asked length, the same memory again after a reset', () => {
    const arena = new Arena();
    const a = arena.f32(10);
    a.fill(7);
    const b = arena.u8(5);
    expect([a.length, b.length]).toEqual([10, 5]);
    arena.reset();
    const again = arena.f32(8);
    expect(again.buffer).toBe(a.buffer);
    expect([...again]).toEqual(new Array(8).fill(0));
    expect(arena.f32(3).buffer).not.toBe(a.buffer); // a second request is a second array
    expect(freshArrays.i32(4)).toEqual(new Int32Array(4));
  });
});

describe('reused working arrays', () => {
  it('give every photo the result it gets when measured alone, in any order', async () => {
    const imgs = await photos;
    const alone = imgs.map((img) => {
      assessQuality(imgs[imgs.length - 1 - imgs.indexOf(img)]!); // something else measured just before
      return JSON.stringify(assessQuality(img));
    });
    for (const order of [imgs, [...imgs].reverse(), [imgs[3]!, imgs[5]!, imgs[0]!, imgs[4]!, imgs[1]!, imgs[2]!]]) {
      for (const img of order) expect(JSON.stringify(assessQuality(img))).toBe(alone[imgs.indexOf(img)]);
    }
  });
});

describe('the worker pool', () => {
  const pool = createQualityAssessor({ workers: 2 });
  afterAll(() => pool.close());

  it('gives the same results as this thread, many photos in flight at once', async () => {
    const imgs = await photos;
    const many = [...imgs, ...imgs, ...imgs];
    const results = await Promise.all(many.map((img) => pool.assess(img)));
    results.forEach((r, i) => expect(r).toEqual(assessQuality(many[i]!)));
  });

  it('takes a picture larger than a slot', async () => {
    const big = await decodeReduced({ kind: 'encoded', bytes: await fundusVariantJpeg('sharp', { width: 1200, height: 800, seed: 9 }) }, 1000);
    expect(big.data.byteLength).toBeGreaterThan(512 * 512 * 3);
    expect(await pool.assess(big)).toEqual(assessQuality(big));
  });
});
