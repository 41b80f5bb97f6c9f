// The evaluation tool's figures, on hand-made results whose answers are known.
import { describe, expect, it } from 'vitest';
import { auc, summarise, type Scored } from '../../scripts/eval-quality.ts';

const row = (label: 'good' | 'bad', verdict: Scored['verdict'], score: number, ms = 10): Scored => ({ label, verdict, score, ms });

describe('summarise', () => {
  it('counts borderline and retake as flagged, only good as passed', () => {
    const s = summarise([
      row('good', 'good', 0.9),
      row('good', 'good', 0.8),
      row('good', 'borderline', 0.6),
      row('good', 'retake', 0.3),
      row('bad', 'retake', 0.1),
      row('bad', 'borderline', 0.5),
      row('bad', 'good', 0.75),
      row('bad', 'error', 0),
    ]);
    expect(s.n).toBe(8);
    expect(s.sensitivity).toBe(0.75);
    expect(s.specificity).toBe(0.5);
    expect(s.accuracy).toBe(0.625);
    expect(s.goodRetake).toBe(1);
    expect(s.badRetake).toBe(1);
  });

  it('averages the time per image', () => {
    const s = summarise([row('good', 'good', 1, 10), row('bad', 'retake', 0, 20), row('bad', 'retake', 0, 60)]);
    expect(s.msPerImage).toBe(30);
    expect(s.msMedian).toBe(20);
    expect(s.msMax).toBe(60);
  });

  it('leaves out what cannot be computed from one label only', () => {
    const s = summarise([row('good', 'good', 0.9), row('good', 'borderline', 0.5)]);
    expect(s.sensitivity).toBeNull();
    expect(s.auc).toBeNull();
    expect(s.specificity).toBe(0.5);
  });
});

describe('auc', () => {
  it('is 1 when every good photo outscores every bad one, 0 when reversed, 0.5 for ties', () => {
    expect(auc([0.9, 0.8], [0.1, 0.2])).toBe(1);
    expect(auc([0.1, 0.2], [0.9, 0.8])).toBe(0);
    expect(auc([0.5, 0.5], [0.5])).toBe(0.5);
  });

  it('counts the share of good-bad pairs ranked right', () => {
    // Pairs: (0.9 > 0.5, 0.9 > 0.7), (0.6 > 0.5, 0.6 < 0.7): 3 of 4.
    expect(auc([0.9, 0.6], [0.5, 0.7])).toBe(0.75);
  });
});
