import { describe, expect, it } from 'vitest';
import { chooseBestImage, eyeGradable, inOrderTaken, type EyeImage } from '../../src/main/core/worklist/best-image.ts';
import { matchFactsFor } from '../../src/main/core/worklist/ingest-match.ts';
import { sourceKeyOf } from '../../src/main/core/worklist/worklist-sync.ts';
import { emptyFacts } from '../../src/shared/domain.ts';

const img = (id: string, minute: number, extra: Partial<EyeImage> = {}): EyeImage => ({
  id,
  takenAt: `2025-03-01T09:${String(minute).padStart(2, '0')}:00.000Z`,
  ingestedAt: '2025-03-01T12:00:00.000Z',
  qualityScore: null,
  qualityVerdict: null,
  rejected: false,
  ...extra,
});

describe('chooseBestImage (DOMAIN.md: operator pick, else highest quality, else last taken)', () => {
  it('takes the operator pick first', () => {
    const images = [img('a', 1, { qualityScore: 0.9 }), img('b', 2, { qualityScore: 0.2 })];
    expect(chooseBestImage(images, 'b')).toEqual({ imageId: 'b', rule: 'operator' });
  });

  it('otherwise the highest quality score; equal scores: the last taken', () => {
    const images = [img('c', 3, { qualityScore: 0.8 }), img('a', 1, { qualityScore: 0.8 }), img('b', 2, { qualityScore: 0.5 })];
    expect(chooseBestImage(images, null)).toEqual({ imageId: 'c', rule: 'quality' });
  });

  it('a scored image beats unscored ones', () => {
    expect(chooseBestImage([img('a', 1, { qualityScore: 0.1 }), img('b', 2)], null)).toEqual({ imageId: 'a', rule: 'quality' });
  });

  it('otherwise the last taken, by capture time, falling back to the time taken in', () => {
    const noTime = { ...img('z', 0), takenAt: null, ingestedAt: '2025-03-01T09:30:00.000Z' };
    expect(chooseBestImage([img('a', 10), noTime, img('b', 20)], null)).toEqual({ imageId: 'z', rule: 'last-taken' });
  });

  it('never chooses a rejected image, not even a rejected pick', () => {
    const images = [img('a', 1, { qualityScore: 0.3 }), img('b', 2, { qualityScore: 0.9, rejected: true })];
    expect(chooseBestImage(images, 'b')).toEqual({ imageId: 'a', rule: 'quality' });
    expect(chooseBestImage([img('b', 2, { rejected: true })], null)).toBeNull();
    expect(chooseBestImage([], null)).toBeNull();
  });

  it('ignores a pick of an image that is not (or no longer) in the eye', () => {
    expect(chooseBestImage([img('a', 1)], 'gone')).toEqual({ imageId: 'a', rule: 'last-taken' });
  });

  it('orders images as taken, ties by id', () => {
    expect(inOrderTaken([img('b', 1), img('a', 1), img('c', 0)]).map((i) => i.id)).toEqual(['c', 'a', 'b']);
  });
});

describe('eyeGradable: the eye is gradable when one of its images is', () => {
  it('reads the verdicts of the images that are not rejected', () => {
    expect(eyeGradable([img('a', 1, { qualityVerdict: 'retake' }), img('b', 2, { qualityVerdict: 'good' })], null)).toBe('yes');
    expect(eyeGradable([img('a', 1, { qualityVerdict: 'borderline' })], null)).toBe('unknown');
    expect(eyeGradable([img('a', 1, { qualityVerdict: 'retake' }), img('b', 2, { qualityVerdict: 'good', rejected: true })], null)).toBe('no');
    expect(eyeGradable([img('a', 1, { qualityVerdict: 'retake' }), img('b', 2)], null)).toBe('unknown');
    expect(eyeGradable([], null)).toBe('none');
  });

  it("the operator's ungradable mark wins", () => {
    expect(eyeGradable([img('a', 1, { qualityVerdict: 'good' })], 'Cataract or media opacity')).toBe('ungradable');
  });
});

describe('matchFactsFor: where an id came from', () => {
  const rules = [{ id: 'r', name: 'r', pattern: '^(?<patientId>\\d+)_(?<eye>OD|OS)' }];

  it('an id that the file-name rule gives is weak (from the file name)', () => {
    const f = matchFactsFor({ ...emptyFacts(), patientId: '123' }, '123_OD_1.jpg', rules);
    expect([f.fileNameRuleMatched, f.patientIdSource]).toEqual([true, 'filename']);
  });

  it("an id the rule does not give is the file's own metadata", () => {
    const f = matchFactsFor({ ...emptyFacts(), patientId: 'P-9' }, '123_OD_1.jpg', rules);
    expect(f.patientIdSource).toBe('metadata');
    expect(matchFactsFor({ ...emptyFacts(), patientId: '123' }, 'other.jpg', rules)).toMatchObject({ fileNameRuleMatched: false, patientIdSource: 'metadata' });
  });
});

describe('sourceKeyOf: the provider identity of an entry', () => {
  const base = { externalOrderId: null, accessionNumber: null, scheduledStepId: null, patientId: 'p 1', scheduledAt: '2025-03-01T09:00:00.000Z' };
  it('prefers the order id, then accession, then step id, then patient and time', () => {
    expect(sourceKeyOf({ ...base, externalOrderId: 'O', accessionNumber: 'A' })).toBe('order:O');
    expect(sourceKeyOf({ ...base, accessionNumber: 'A', scheduledStepId: 'S' })).toBe('acc:A');
    expect(sourceKeyOf({ ...base, scheduledStepId: 'S' })).toBe('step:S');
    expect(sourceKeyOf(base)).toBe('patient:P1@2025-03-01T09:00:00.000Z');
  });
});
