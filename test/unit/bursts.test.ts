import { describe, expect, it } from 'vitest';
import { groupBursts, type BurstImage } from '../../src/main/core/worklist/bursts.ts';

const t = (seconds: number) => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + seconds * 1000).toISOString();
const img = (id: string, takenSec: number | null, ingestedSec = 10_000): BurstImage => ({
  id,
  takenAt: takenSec === null ? null : t(takenSec),
  ingestedAt: t(ingestedSec),
});

describe('groupBursts', () => {
  it('returns nothing for no images', () => {
    expect(groupBursts([])).toEqual([]);
  });

  it('groups images taken close together and splits where the gap exceeds 30 s', () => {
    const bursts = groupBursts([img('a', 0), img('b', 5), img('c', 12), img('d', 100), img('e', 104)]);
    expect(bursts).toEqual([
      { key: 'a', imageIds: ['a', 'b', 'c'], start: t(0), end: t(12) },
      { key: 'd', imageIds: ['d', 'e'], start: t(100), end: t(104) },
    ]);
  });

  it('sorts by the time taken, whatever order the images arrive in', () => {
    const bursts = groupBursts([img('late', 200), img('second', 10), img('first', 0)]);
    expect(bursts.map((b) => b.imageIds)).toEqual([['first', 'second'], ['late']]);
  });

  it('a gap of exactly gapSeconds stays in the burst; one millisecond more starts a new one', () => {
    expect(groupBursts([img('a', 0), img('b', 30)]).length).toBe(1);
    expect(groupBursts([img('a', 0), img('b', 30.001)]).length).toBe(2);
  });

  it('measures the gap between neighbours, so a steady series stays one burst', () => {
    const series = Array.from({ length: 10 }, (_, i) => img(`i${i}`, i * 20));
    expect(groupBursts(series)).toHaveLength(1);
  });

  it('honours a custom gap', () => {
    const images = [img('a', 0), img('b', 8), img('c', 20)];
    expect(groupBursts(images, 10).map((b) => b.imageIds)).toEqual([['a', 'b'], ['c']]);
    expect(groupBursts(images, 60)).toHaveLength(1);
  });

  it('falls back to the ingest time when the camera gave no time (or an unreadable one)', () => {
    const images: BurstImage[] = [img('x', null, 500), img('y', 0), { id: 'z', takenAt: 'not a date', ingestedAt: t(510) }];
    expect(groupBursts(images).map((b) => b.imageIds)).toEqual([['y'], ['x', 'z']]);
  });

  it('breaks ties by id so the result does not depend on input order', () => {
    const a = groupBursts([img('b', 0), img('a', 0)]);
    const b = groupBursts([img('a', 0), img('b', 0)]);
    expect(a).toEqual(b);
    expect(a[0]?.imageIds).toEqual(['a', 'b']);
  });

  it('keeps images without any readable time as single bursts at the end', () => {
    const bursts = groupBursts([{ id: 'broken', takenAt: null, ingestedAt: 'garbage' }, img('ok', 0)]);
    expect(bursts.map((b) => b.imageIds)).toEqual([['ok'], ['broken']]);
    expect(bursts[1]).toMatchObject({ key: 'broken', start: '', end: '' });
  });
});
