// Evaluates the quality hints on a labelled folder: DIR/good and DIR/bad hold image files, and
// DIR/labels.csv (when present) gives the label (`class` or `label` column) and the source label.
//   npm run eval:quality -- DIR [--csv out.csv]
//   npm run eval:quality -- --synthetic N [--size 3000x2000] [--csv out.csv]
// Each image is read, decoded once at reduced size (as the pipeline does) and assessed; decode +
// assessment is timed per image. Writes a per-file CSV, prints a confusion summary per verdict and
// per reason (a reason's good column is its false alarms) and per source label, and as the LAST
// stdout line one JSON object with the figures. Cross-validated figures: scripts/fit-quality-model.ts.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeReduced } from '../src/main/core/imaging/decode.ts';
import { assessQuality } from '../src/main/core/imaging/quality/index.ts';
import type { QualityVerdict } from '../src/shared/domain.ts';
import { fundusVariantJpeg } from '../test/fixtures/fundus-variants.ts';
import { loadLabelledSet, type Label } from './quality-data.ts';

// Metrics copied into the CSV next to the verdict.
const CSV_METRICS = ['retinal', 'gradable', 'vesselContrast', 'texture', 'coarseContrast', 'medianLuma', 'clipped', 'darkArea', 'shadeArea', 'brightArea', 'blueToRed', 'blueToRedSpread', 'offset', 'roundness', 'coverage', 'darkCorners'];

interface Row {
  file: string;
  label: Label;
  source: string | null;
  verdict: QualityVerdict | 'error';
  score: number;
  reasons: string[];
  ms: number;
  metrics: Record<string, number | boolean>;
}

interface Args {
  dir: string | null;
  csv: string;
  synthetic: number;
  size: [number, number];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { dir: null, csv: 'quality-eval.csv', synthetic: 0, size: [3000, 2000] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--csv') args.csv = argv[++i] ?? args.csv;
    else if (a === '--synthetic') args.synthetic = Number(argv[++i]);
    else if (a === '--size') {
      const [w, h] = (argv[++i] ?? '').split('x').map(Number);
      if (!w || !h) throw new Error('--size must look like 3000x2000');
      args.size = [w, h];
    } else if (!a.startsWith('--')) args.dir = a;
    else throw new Error(`Unknown option ${a}`);
  }
  if (!args.dir && !(args.synthetic > 0)) throw new Error('Usage: eval-quality DIR [--csv out.csv] | --synthetic N [--size WxH]');
  return args;
}

/** A labelled folder of synthetic photos at full camera size: N sharp (good) and N blurred (bad). */
async function makeSynthetic(n: number, [width, height]: [number, number]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'quality-synthetic-'));
  await mkdir(path.join(dir, 'good'));
  await mkdir(path.join(dir, 'bad'));
  for (let seed = 1; seed <= n; seed++) {
    await writeFile(path.join(dir, 'good', `sharp-${seed}.jpg`), await fundusVariantJpeg('sharp', { width, height, seed }));
    await writeFile(path.join(dir, 'bad', `blurred-${seed}.jpg`), await fundusVariantJpeg('blurred', { width, height, seed }));
  }
  return dir;
}

async function assessFile(file: string, label: Label, source: string | null = null): Promise<Row> {
  const bytes = await readFile(file);
  const start = performance.now();
  try {
    const raw = await decodeReduced({ kind: 'encoded', bytes });
    const q = assessQuality(raw);
    const ms = performance.now() - start;
    return { file, label, source, verdict: q.verdict, score: q.score, reasons: q.reasons, ms, metrics: q.metrics };
  } catch (err) {
    // An undecodable file counts as flagged: the station could not show it either.
    return { file, label, source, verdict: 'error', score: 0, reasons: [`error: ${(err as Error).message}`], ms: performance.now() - start, metrics: {} };
  }
}

/** Probability that a random good photo scores above a random bad one (ties count half). */
export function auc(good: number[], bad: number[]): number | null {
  if (good.length === 0 || bad.length === 0) return null;
  let wins = 0;
  for (const g of good) for (const b of bad) wins += g > b ? 1 : g === b ? 0.5 : 0;
  return wins / (good.length * bad.length);
}

export type Scored = Pick<Row, 'label' | 'verdict' | 'score' | 'ms'>;

/**
 * The figures: sensitivity = share of bad photos flagged (borderline or retake); specificity =
 * share of good photos called good; accuracy = both together over all; auc from the score.
 */
export function summarise(rows: readonly Scored[]) {
  const good = rows.filter((r) => r.label === 'good');
  const bad = rows.filter((r) => r.label === 'bad');
  const goodCalledGood = good.filter((r) => r.verdict === 'good').length;
  const badFlagged = bad.filter((r) => r.verdict !== 'good').length;
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  return {
    n: rows.length,
    accuracy: rows.length ? round((goodCalledGood + badFlagged) / rows.length) : null,
    sensitivity: bad.length ? round(badFlagged / bad.length) : null,
    specificity: good.length ? round(goodCalledGood / good.length) : null,
    auc: round(auc(good.map((r) => r.score), bad.map((r) => r.score))),
    msPerImage: ms.length ? round(ms.reduce((a, b) => a + b, 0) / ms.length, 2) : null,
    msMedian: ms.length ? round(ms[ms.length >> 1]!, 2) : null,
    msMax: ms.length ? round(ms.at(-1)!, 2) : null,
    nGood: good.length,
    nBad: bad.length,
    goodCalledGood,
    badFlagged,
    badRetake: bad.filter((r) => r.verdict === 'retake').length,
    goodRetake: good.filter((r) => r.verdict === 'retake').length,
  };
}

const csvCell = (v: unknown): string => {
  const s = String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

function table(title: string, rows: [string, number, number][], columns: [string, string] = ['good', 'bad']): string {
  const width = Math.max(title.length, ...rows.map((r) => r[0].length));
  const lines = [`${title.padEnd(width)}  ${columns[0].padStart(5)}  ${columns[1].padStart(5)}`];
  for (const [name, g, b] of rows) lines.push(`${name.padEnd(width)}  ${String(g).padStart(5)}  ${String(b).padStart(5)}`);
  return lines.join('\n');
}

const round = (x: number | null, d = 4): number | null => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const synthetic = args.synthetic > 0 ? await makeSynthetic(args.synthetic, args.size) : null;
  const dir = synthetic ?? path.resolve(args.dir!);
  try {
    const files: [string, Label, string | null][] = loadLabelledSet(dir).map((f) => [path.join(dir, f.rel), f.label, f.source]);
    if (files.length === 0) throw new Error(`No images in ${dir}/good or ${dir}/bad`);
    // One untimed pass over the first image: the station runs for hours, so the timings should be
    // the steady state, not the first call's compilation. That first time is reported separately.
    const first = await assessFile(...files[0]!);
    const rows: Row[] = [];
    // Sequential, so each timing is one image on its own (as a camera delivers them).
    for (const [file, label, source] of files) rows.push(await assessFile(file, label, source));

    const header = ['file', 'label', 'verdict', 'score', 'reasons', 'ms', ...CSV_METRICS];
    const lines = rows.map((r) =>
      [path.relative(dir, r.file), r.label, r.verdict, r.score, r.reasons.join('; '), r.ms.toFixed(1), ...CSV_METRICS.map((k) => r.metrics[k])].map(csvCell).join(','),
    );
    await writeFile(args.csv, [header.join(','), ...lines].join('\n') + '\n');

    const good = rows.filter((r) => r.label === 'good');
    const bad = rows.filter((r) => r.label === 'bad');
    const verdicts: (QualityVerdict | 'error')[] = ['good', 'borderline', 'retake', 'error'];
    const count = (set: Row[], pred: (r: Row) => boolean): number => set.filter(pred).length;
    console.log(table('verdict', verdicts.map((v) => [v, count(good, (r) => r.verdict === v), count(bad, (r) => r.verdict === v)])));
    const reasons = [...new Set(rows.flatMap((r) => r.reasons))].sort();
    console.log();
    console.log(table('reason (an image may have several)', [...reasons.map((why): [string, number, number] => [why, count(good, (r) => r.reasons.includes(why)), count(bad, (r) => r.reasons.includes(why))]), ['(none)', count(good, (r) => r.reasons.length === 0), count(bad, (r) => r.reasons.length === 0)]]));
    const sources = [...new Set(rows.map((r) => r.source).filter((s): s is string => s !== null))].sort();
    if (sources.length > 1) {
      console.log();
      console.log(table('source label', sources.map((src): [string, number, number] => [src, count(rows, (r) => r.source === src && r.verdict !== 'good'), count(rows, (r) => r.source === src && r.verdict === 'good')]), ['flag', 'pass']));
    }
    const missed = bad.filter((r) => r.verdict === 'good').map((r) => path.basename(r.file));
    const falseAlarms = good.filter((r) => r.verdict !== 'good').map((r) => `${path.basename(r.file)} (${r.verdict}: ${r.reasons.join('; ')})`);
    if (missed.length) console.log(`\nbad called good: ${missed.join(', ')}`);
    if (falseAlarms.length) console.log(`good not called good: ${falseAlarms.join(', ')}`);
    console.log(`\nCSV: ${path.resolve(args.csv)}`);
    const summary = { ...summarise(rows), msFirstCall: round(first.ms, 2), ...(synthetic ? { synthetic: { perLabel: args.synthetic, size: args.size.join('x') } } : {}) };
    console.log(JSON.stringify(summary));
  } finally {
    if (synthetic) await rm(synthetic, { recursive: true, force: true });
  }
}

// Run only as a script, so the tests can import summarise() and auc().
if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error((err as Error).message);
    process.exitCode = 1;
  });
}
