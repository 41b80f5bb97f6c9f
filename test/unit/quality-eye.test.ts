// Per-eye decisions: gradability and the best image for the report.
import { describe, expect, it } from 'vitest';
import { isEyeGradable, pickBestImage, type BestImageCandidate } from '../../src/main/core/imaging/quality/eye.ts';

const img = (id: string, over: Partial<BestImageCandidate> = {}): BestImageCandidate => ({
  id,
  takenAt: null,
  ingestedAt: '2025-03-01T09:00:00.000Z',
  score: null,
  rejected: false,
  operatorPick: false,
  ...over,
});

describe('isEyeGradable', () => {
  it('is gradable when at least one image is good', () => {
    expect(isEyeGradable(['retake', 'good', 'borderline'])).toBe(true);
    expect(isEyeGradable(['good'])).toBe(true);
  });
  it('is not gradable with only borderline, retake or unmeasured images, or none', () => {
    expect(isEyeGradable(['borderline', 'retake'])).toBe(false);
    expect(isEyeGradable([null, undefined, 'borderline'])).toBe(false);
    expect(isEyeGradable([])).toBe(false);
  });
});

describe('pickBestImage', () => {
  it('returns null when there is nothing to pick', () => {
    expect(pickBestImage([])).toBeNull();
    expect(pickBestImage([img('a', { rejected: true, operatorPick: true, score: 0.9 })])).toBeNull();
  });

  it("takes the operator's pick over a better score", () => {
    const images = [img('best', { score: 0.95 }), img('chosen', { score: 0.5, operatorPick: true })];
    expect(pickBestImage(images)).toEqual({ id: 'chosen', rule: 'operator' });
  });

  it('never picks a rejected image, even when the operator had picked it', () => {
    const images = [img('picked-then-rejected', { operatorPick: true, rejected: true, score: 0.99 }), img('ok', { score: 0.6 })];
    expect(pickBestImage(images)).toEqual({ id: 'ok', rule: 'quality' });
  });

  it('takes the highest score otherwise', () => {
    const images = [img('a', { score: 0.4 }), img('b', { score: 0.81 }), img('c', { score: 0.8 }), img('d', { score: 0.99, rejected: true })];
    expect(pickBestImage(images)).toEqual({ id: 'b', rule: 'quality' });
  });

  it('breaks a score tie by the last taken', () => {
    const images = [
      img('later', { score: 0.8, takenAt: '2025-03-01T09:05:00Z', ingestedAt: '2025-03-01T09:05:02Z' }),
      img('earlier', { score: 0.8, takenAt: '2025-03-01T09:04:00Z', ingestedAt: '2025-03-01T09:06:00Z' }),
    ];
    expect(pickBestImage(images)).toEqual({ id: 'later', rule: 'quality' });
  });

  it('ignores unscored images when some are scored', () => {
    const images = [img('scored', { score: 0.3, takenAt: '2025-03-01T09:00:00Z' }), img('unscored', { takenAt: '2025-03-01T09:10:00Z' })];
    expect(pickBestImage(images)).toEqual({ id: 'scored', rule: 'quality' });
  });

  it('falls back to the last taken when nothing is scored, using arrival time when the camera gave none', () => {
    const taken = [img('first', { takenAt: '2025-03-01T09:00:00+01:00' }), img('last', { takenAt: '2025-03-01T08:30:00Z' })];
    // 09:00+01:00 is 08:00Z, so 'last' was taken later.
    expect(pickBestImage(taken)).toEqual({ id: 'last', rule: 'last-taken' });
    const arrived = [img('x', { ingestedAt: '2025-03-01T10:00:01Z' }), img('y', { ingestedAt: '2025-03-01T10:00:00Z' })];
    expect(pickBestImage(arrived)).toEqual({ id: 'x', rule: 'last-taken' });
  });

  it('does not depend on the order of the list', () => {
    const images = [img('a', { score: 0.7, takenAt: '2025-03-01T09:01:00Z' }), img('b', { score: 0.7, takenAt: '2025-03-01T09:02:00Z' }), img('c', { score: 0.2 })];
    expect(pickBestImage(images)).toEqual(pickBestImage([...images].reverse()));
    expect(pickBestImage(images)?.id).toBe('b');
  });
});
