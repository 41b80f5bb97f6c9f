// The quality hints on real photographs in ../shared/data (read in place, never copied):
// the labelled DRIMDB/EyeQ set and the unlabelled, visually acceptable fundus photos.
// The floors are below what the current defaults reach on these files (1.0 / 1.0 / 1.0 when
// written), because the defaults were designed while looking at them: the floors guard against
// regressions, they do not claim that accuracy for photos never seen. See README.md ("Quality hints").
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeReduced } from '../../src/main/core/imaging/decode.ts';
import { assessQuality, QUALITY_REASONS } from '../../src/main/core/imaging/quality/index.ts';
import type { QualityResult } from '../../src/shared/domain.ts';
import { hasSharedData, sharedDataSkipReason, sharedPath } from '../fixtures/shared-data.ts';

const labelled = sharedPath('fundus-quality');
const everyday = sharedPath('fundus-quality-eyepacs');
const haveEveryday = hasSharedData && existsSync(everyday);
const unlabelled = sharedPath('fundus');
const haveLabelled = hasSharedData && existsSync(labelled);
const haveUnlabelled = hasSharedData && existsSync(unlabelled);
const IMAGE = /\.(jpe?g|png|tiff?)$/i;

async function assessFile(file: string): Promise<QualityResult> {
  return assessQuality(await decodeReduced({ kind: 'encoded', bytes: readFileSync(file) }));
}

/** file (relative, e.g. bad/x.jpg) -> original fine label (Good, Bad, Outlier, Reject). */
function sourceLabels(): Map<string, string> {
  const [header, ...lines] = readFileSync(path.join(labelled, 'labels.csv'), 'utf8').trim().split(/\r?\n/);
  const cols = header!.split(',');
  const fileCol = cols.indexOf('file');
  const sourceCol = cols.indexOf('source_label');
  return new Map(lines.map((l) => l.split(',')).map((c) => [c[fileCol]!, c[sourceCol]!]));
}

describe.skipIf(!haveLabelled)(`quality on the labelled set${haveLabelled ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
  it('flags bad photos, passes good ones, and ranks them by score', async () => {
    const results: { file: string; label: 'good' | 'bad'; q: QualityResult }[] = [];
    for (const label of ['good', 'bad'] as const) {
      for (const f of readdirSync(path.join(labelled, label)).filter((n) => IMAGE.test(n))) {
        results.push({ file: `${label}/${f}`, label, q: await assessFile(path.join(labelled, label, f)) });
      }
    }
    const good = results.filter((r) => r.label === 'good');
    const bad = results.filter((r) => r.label === 'bad');
    expect(good.length).toBeGreaterThanOrEqual(70);
    expect(bad.length).toBeGreaterThanOrEqual(50);

    const sensitivity = bad.filter((r) => r.q.verdict !== 'good').length / bad.length;
    const specificity = good.filter((r) => r.q.verdict === 'good').length / good.length;
    let wins = 0;
    for (const g of good) for (const b of bad) wins += g.q.score > b.q.score ? 1 : g.q.score === b.q.score ? 0.5 : 0;
    const auc = wins / (good.length * bad.length);
    expect(sensitivity).toBeGreaterThanOrEqual(0.9);
    expect(specificity).toBeGreaterThanOrEqual(0.85);
    expect(auc).toBeGreaterThanOrEqual(0.9);

    // Good photos carry no reasons; every flagged photo says why.
    for (const r of results) {
      if (r.q.verdict === 'good') expect(r.q.reasons, r.file).toEqual([]);
      else expect(r.q.reasons.length, r.file).toBeGreaterThan(0);
    }

    // Outliers (outer eye, room, ruler, black) are the photos most worth catching in the chair.
    const source = sourceLabels();
    const outliers = bad.filter((r) => source.get(r.file) === 'Outlier');
    expect(outliers.length).toBeGreaterThanOrEqual(10);
    expect(outliers.filter((r) => r.q.verdict !== 'good').length / outliers.length).toBeGreaterThanOrEqual(0.9);
    // The skin close-up (outer eye filling the round field) once passed as a hazy retina.
    expect(results.find((r) => r.file === 'bad/drimdb_8461413b63.jpg')?.q.reasons).toEqual([QUALITY_REASONS.notRetinal]);
    // A genuine fundus photo, however poor, is never called "not a retinal photo".
    const goodNotRetinal = good.filter((r) => r.q.reasons.includes(QUALITY_REASONS.notRetinal));
    expect(goodNotRetinal.map((r) => r.file)).toEqual([]);
  });
});

describe.skipIf(!haveUnlabelled)(`quality on the unlabelled fundus photos${haveUnlabelled ? '' : ` (skipped: ${sharedDataSkipReason})`}`, () => {
  it('recognises every one as a retinal photo and calls most of them good', async () => {
    const files = readdirSync(unlabelled).filter((n) => IMAGE.test(n));
    expect(files.length).toBeGreaterThanOrEqual(14);
    const results = [];
    for (const f of files) results.push({ f, q: await assessFile(path.join(unlabelled, f)) });
    for (const { f, q } of results) expect(q.reasons, f).not.toContain(QUALITY_REASONS.notRetinal);
    // Three cameras (DRIVE, HRF, EyePACS); one EyePACS photo is visibly hazy and low in contrast.
    expect(results.filter((r) => r.q.verdict === 'good').length).toBeGreaterThanOrEqual(10);
  });
});

// Everyday screening photos (EyePACS, EyeQ labels). The cross-validated figures (README.md,
// "Quality hints") are sensitivity 0.97, specificity 0.97, AUC 0.99; these floors are the issue's
// targets, below them, so they guard against a return of the crying wolf without claiming more.
describe.skipIf(!haveEveryday)(`quality on everyday screening photos${haveEveryday ? '' : ` (skipped: ${sharedDataSkipReason}, or no fundus-quality-eyepacs)`}`, () => {
  it('calls good photos good and flags bad ones, without crying wolf on haze', async () => {
    const results: { file: string; label: 'good' | 'bad'; q: QualityResult }[] = [];
    for (const label of ['good', 'bad'] as const) {
      for (const f of readdirSync(path.join(everyday, label)).filter((n) => IMAGE.test(n))) {
        results.push({ file: `${label}/${f}`, label, q: await assessFile(path.join(everyday, label, f)) });
      }
    }
    const good = results.filter((r) => r.label === 'good');
    const bad = results.filter((r) => r.label === 'bad');
    expect(good.length).toBeGreaterThanOrEqual(35);
    expect(bad.length).toBeGreaterThanOrEqual(35);
    const sensitivity = bad.filter((r) => r.q.verdict !== 'good').length / bad.length;
    const specificity = good.filter((r) => r.q.verdict === 'good').length / good.length;
    let wins = 0;
    for (const g of good) for (const b of bad) wins += g.q.score > b.q.score ? 1 : g.q.score === b.q.score ? 0.5 : 0;
    expect(sensitivity).toBeGreaterThanOrEqual(0.9);
    expect(specificity).toBeGreaterThanOrEqual(0.85);
    expect(wins / (good.length * bad.length)).toBeGreaterThanOrEqual(0.95);
    // The old hints told the operator to retake one good photo in four for "Uneven light or haze".
    expect(good.filter((r) => r.q.reasons.includes(QUALITY_REASONS.uneven)).length).toBeLessThanOrEqual(2);
    expect(good.filter((r) => r.q.verdict === 'retake').map((r) => r.file)).toEqual([]);
    expect(good.filter((r) => r.q.reasons.includes(QUALITY_REASONS.notRetinal)).map((r) => r.file)).toEqual([]);
  });
});
