// Labelled quality sets for the evaluation and fitting scripts: DIR/good and DIR/bad, with the
// labels from DIR/labels.csv when it is there (the `class` column of the EyePACS set, the `label`
// column of the DRIMDB set), and the group each photo belongs to for cross-validation.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

export type Label = 'good' | 'bad';

export interface LabelledFile {
  /** Path relative to the set's folder, e.g. good/103_right.jpeg. */
  rel: string;
  label: Label;
  /** Photos of one patient stay in one fold. */
  group: string;
  /** The original fine label (Good, Bad, Outlier, Reject) when labels.csv gives it. */
  source: string | null;
  /** Second opinions (EyePACS set): 1 gradable, 0 not, null unknown. */
  imed: number | null;
  voets: number | null;
}

const IMAGE = /\.(jpe?g|png|tiff?)$/i;

/**
 * The patient a file belongs to: EyePACS names are `<patient>_<left|right>.jpeg`. DRIMDB names do
 * not identify the patient (nor do its sources), so each DRIMDB photo is its own group.
 */
export function groupOf(rel: string): string {
  const base = path.basename(rel);
  const eyepacs = /^(?:eyepacs_)?(\d+)_(?:left|right)\.jpe?g$/i.exec(base);
  return eyepacs ? `patient-${eyepacs[1]}` : `file-${base}`;
}

export function loadLabelledSet(dir: string): LabelledFile[] {
  const csv = path.join(dir, 'labels.csv');
  const rows = new Map<string, Record<string, string>>();
  if (existsSync(csv)) {
    for (const r of parse(readFileSync(csv, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[]) rows.set(r.file!, r);
  }
  const files: LabelledFile[] = [];
  for (const folder of ['good', 'bad'] as const) {
    const sub = path.join(dir, folder);
    if (!existsSync(sub)) continue;
    for (const name of readdirSync(sub).filter((n) => IMAGE.test(n)).sort()) {
      const rel = `${folder}/${name}`;
      const row = rows.get(rel);
      const given = row?.class ?? row?.label;
      const label: Label = given === 'good' || given === 'bad' ? given : folder;
      const num = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));
      files.push({ rel, label, group: groupOf(rel), source: row?.source_label ?? row?.eyeq_quality_name ?? null, imed: num(row?.imed_quality), voets: num(row?.voets_gradability) });
    }
  }
  return files;
}

/** Splits groups into k folds at random (seeded), keeping each group whole. */
export function groupFolds(groups: readonly string[], k: number, seed: number): number[] {
  const unique = [...new Set(groups)].sort();
  let s = seed >>> 0 || 1;
  const rand = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = unique.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [unique[i], unique[j]] = [unique[j]!, unique[i]!];
  }
  const fold = new Map(unique.map((g, i) => [g, i % k]));
  return groups.map((g) => fold.get(g)!);
}
