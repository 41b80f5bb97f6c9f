// Fits the gradability model on the development sets and reports its cross-validated figures.
//   node scripts/fit-quality-model.ts [--write] [--repeats 10] [DIR ...]
// DIRs default to ../shared/data/fundus-quality-eyepacs and ../shared/data/fundus-quality. Photos
// that the "is it a retinal photo" rules already refuse are left out of the fit. Cross-validation:
// 5 folds by patient (EyePACS: <patient>_<eye>.jpeg; DRIMDB names no patient, so by photo),
// repeated with different shuffles; every out-of-fold photo is judged by the full verdict (rules +
// a model fitted without its fold) at each candidate good level. --write commits the model fitted
// on all the development photos to src/main/core/imaging/quality/model-coefficients.ts.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeReduced } from '../src/main/core/imaging/decode.ts';
import { measure, type Measurements } from '../src/main/core/imaging/quality/measure.ts';
import { FEATURES, featureVector, type ModelCoefficients } from '../src/main/core/imaging/quality/model.ts';
import { defaultQualityThresholds } from '../src/main/core/imaging/quality/thresholds.ts';
import { judge, notRetinalRules } from '../src/main/core/imaging/quality/verdict.ts';
import { auc, coefficientsModule, fitLogistic, meanSd } from './quality-fit-lib.ts';
import { groupFolds, loadLabelledSet, type LabelledFile } from './quality-data.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const LAMBDA = 1;
const FOLDS = 5;
const GOOD_LEVELS = [0.3, 0.4, 0.5, 0.6, 0.7];

interface Photo extends LabelledFile {
  set: string;
  m: Measurements;
  retinal: boolean;
  x: number[];
}

const args = process.argv.slice(2);
const write = args.includes('--write');
const ri = args.indexOf('--repeats');
const repeats = ri >= 0 ? Number(args[ri + 1]) : 10;
const dirs = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--repeats');
const sets = dirs.length ? dirs : ['fundus-quality-eyepacs', 'fundus-quality'].map((s) => path.resolve(root, '../shared/data', s));

const photos: Photo[] = [];
for (const dir of sets) {
  for (const f of loadLabelledSet(dir)) {
    const m = measure(await decodeReduced({ kind: 'encoded', bytes: await readFile(path.join(dir, f.rel)) }));
    photos.push({ ...f, set: path.basename(dir), group: `${path.basename(dir)}:${f.group}`, m, retinal: notRetinalRules(m, defaultQualityThresholds).length === 0, x: featureVector(m) });
  }
}
const names = FEATURES.map((f) => f.name);
const train = (rows: Photo[]): ModelCoefficients => fitLogistic(names, rows.map((p) => p.x), rows.map((p) => (p.label === 'good' ? 1 : 0)), LAMBDA);
const fitOn = (rows: Photo[]): ModelCoefficients => train(rows.filter((p) => p.retinal));

type Figures = { sensitivity: number; specificity: number; auc: number };
function figures(rows: { p: Photo; score: number; verdict: string }[], truth: (p: Photo) => 'good' | 'bad' | null): Figures {
  const good = rows.filter((r) => truth(r.p) === 'good');
  const bad = rows.filter((r) => truth(r.p) === 'bad');
  return {
    sensitivity: bad.filter((r) => r.verdict !== 'good').length / bad.length,
    specificity: good.filter((r) => r.verdict === 'good').length / good.length,
    auc: auc(good.map((r) => r.score), bad.map((r) => r.score)) ?? Number.NaN,
  };
}
const byClass = (p: Photo): 'good' | 'bad' => p.label;
// Both second opinions agree (EyePACS only): a cleaner, smaller reference.
const bySecondOpinions = (p: Photo): 'good' | 'bad' | null => (p.imed === null || p.voets === null ? null : p.imed === 1 && p.voets === 1 ? 'good' : p.imed === 0 && p.voets === 0 ? 'bad' : null);

// Cross-validation: out-of-fold verdicts for each repeat and candidate good level.
const cv = new Map<string, Figures[]>();
const groups = photos.map((p) => p.group);
for (let rep = 0; rep < repeats; rep++) {
  const fold = groupFolds(groups, FOLDS, 1000 + rep);
  const judged = new Map<number, { p: Photo; score: number; verdict: string }[]>(GOOD_LEVELS.map((g) => [g, []]));
  for (let k = 0; k < FOLDS; k++) {
    const model = fitOn(photos.filter((_, i) => fold[i] !== k));
    photos.forEach((p, i) => {
      if (fold[i] !== k) return;
      for (const g of GOOD_LEVELS) {
        const j = judge(p.m, { ...defaultQualityThresholds, gradableGood: g }, model);
        judged.get(g)!.push({ p, score: j.score, verdict: j.verdict });
      }
    });
  }
  for (const g of GOOD_LEVELS) {
    for (const set of new Set(photos.map((p) => p.set))) {
      const rows = judged.get(g)!.filter((r) => r.p.set === set);
      const push = (key: string, f: Figures): void => void cv.set(key, [...(cv.get(key) ?? []), f]);
      push(`${set}|class|${g}`, figures(rows, byClass));
      if (rows.some((r) => bySecondOpinions(r.p) !== null)) push(`${set}|second opinions|${g}`, figures(rows, bySecondOpinions));
    }
  }
}

const fmt = (xs: number[]): string => {
  const { mean, sd } = meanSd(xs);
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
};
console.log(`Cross-validated (${repeats} x ${FOLDS} folds by patient; mean ± sd over repeats):`);
console.log('set | reference | good from | sensitivity | specificity | AUC');
for (const [key, list] of cv) {
  const [set, ref, g] = key.split('|');
  console.log(`${set} | ${ref} | ${g} | ${fmt(list.map((f) => f.sensitivity))} | ${fmt(list.map((f) => f.specificity))} | ${fmt(list.map((f) => f.auc))}`);
}

const final = fitOn(photos);
console.log('\nModel fitted on all development photos (standardised weights; positive = more gradable):');
FEATURES.forEach((f, i) => console.log(`  ${f.name.padEnd(8)} weight ${final.weights[i]!.toFixed(3)}  (mean ${final.mean[i]!.toFixed(4)}, sd ${final.sd[i]!.toFixed(4)})`));
console.log(`  bias ${final.bias.toFixed(3)}; trained on ${photos.filter((p) => p.retinal).length} retinal photos of ${photos.length}`);
if (write) {
  const file = fileURLToPath(new URL('../src/main/core/imaging/quality/model-coefficients.ts', import.meta.url));
  const provenance = `Sets: ${sets.map((s) => path.basename(s)).join(', ')}; L2 lambda ${LAMBDA}; ${photos.filter((p) => p.retinal).length} photos.`;
  await writeFile(file, coefficientsModule(final, provenance));
  console.log(`Wrote ${path.relative(root, file)}`);
}
