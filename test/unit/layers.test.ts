// The layer map, in the style of VS Code's layering rule: every import in src/ is checked
// against who may import whom, and the import graph has no cycle. The map is in docs/ARCHITECTURE.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const src = path.join(root, 'src');

type Layer = 'shared' | 'kernel' | 'store' | 'feature' | 'api' | 'root' | 'host' | 'preload' | 'renderer';

/** Which layer a file (path relative to src/, with forward slashes) belongs to. */
export function layerOf(rel: string): Layer {
  if (rel.startsWith('shared/')) return 'shared';
  if (rel.startsWith('renderer/')) return 'renderer';
  if (rel.startsWith('preload/')) return 'preload';
  if (rel.startsWith('main/electron/') || rel.startsWith('main/headless/')) return 'host';
  if (rel === 'main/core/station.ts') return 'root';
  if (rel.startsWith('main/core/kernel/')) return 'kernel';
  if (rel.startsWith('main/core/store/')) return 'store';
  if (rel.startsWith('main/core/api/')) return 'api';
  if (rel.startsWith('main/core/')) return 'feature';
  throw new Error(`no layer for ${rel}: add it to the map in test/unit/layers.test.ts and docs/ARCHITECTURE.md`);
}

const CORE: Layer[] = ['shared', 'kernel', 'store', 'feature', 'api', 'root'];

/** Who may import whom. Features may use each other (ingest uses metadata and imaging), never api. */
export const MAY_IMPORT: Record<Layer, Layer[]> = {
  shared: ['shared'],
  kernel: ['shared', 'kernel'],
  store: ['shared', 'kernel', 'store'],
  feature: ['shared', 'kernel', 'store', 'feature'],
  api: ['shared', 'kernel', 'store', 'feature', 'api'],
  root: CORE,
  host: [...CORE, 'host'],
  preload: ['shared', 'preload'],
  renderer: ['shared', 'renderer'],
};

/** Packages a layer must not import at all: node's own modules where code must run in a browser or
 * sandbox, and 'electron' everywhere but its host and the preload. */
function forbiddenPackage(layer: Layer, spec: string, rel: string): string | null {
  const isNode = spec.startsWith('node:');
  if ((layer === 'shared' || layer === 'renderer' || layer === 'preload') && isNode) return `${layer} must not import node modules`;
  const isElectron = spec === 'electron' || spec.startsWith('electron/');
  if (isElectron && !(rel.startsWith('main/electron/') || layer === 'preload')) return "only the Electron host and the preload import 'electron'";
  return null;
}

/** A statement prepared, run or a pragma set on a database handle (not RegExp.exec). */
const SQL_CALL = /\.prepare\s*[<(]|\bdb\.exec\(|\.pragma\(/;

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2])!);
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

const toRel = (abs: string) => path.relative(src, abs).split(path.sep).join('/');

interface Graph {
  edges: Map<string, string[]>;
  violations: string[];
}

function buildGraph(): Graph {
  const edges = new Map<string, string[]>();
  const violations: string[] = [];
  for (const file of walk(src)) {
    const rel = toRel(file);
    const layer = layerOf(rel);
    const targets: string[] = [];
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        const why = forbiddenPackage(layer, spec, rel);
        if (why) violations.push(`${rel} imports ${spec}: ${why}`);
        continue;
      }
      const target = toRel(path.resolve(path.dirname(file), spec));
      if (target.startsWith('..')) {
        violations.push(`${rel} imports ${spec}, outside src/`);
        continue;
      }
      const to = layerOf(target);
      if (!MAY_IMPORT[layer].includes(to)) violations.push(`${rel} (${layer}) imports ${target} (${to})`);
      targets.push(target);
    }
    edges.set(rel, targets);
  }
  return { edges, violations };
}

/** Strongly connected components with more than one file (or a file importing itself). */
export function cycles(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('the layer map', () => {
  const graph = buildGraph();

  it('every import in src/ goes the way the map allows', () => {
    expect(graph.violations).toEqual([]);
  });

  it('the import graph has no cycles (type imports included)', () => {
    expect(cycles(graph.edges)).toEqual([]);
  });

  it('SQL lives in the store only: no statement is prepared or run anywhere else', () => {
    const outside = walk(path.join(src, 'main'))
      .map((f) => toRel(f))
      .filter((rel) => layerOf(rel) !== 'store')
      .filter((rel) => SQL_CALL.test(readFileSync(path.join(src, rel), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('the checks can fail (so they cannot pass vacuously)', () => {
    expect(SQL_CALL.test("db.prepare<[string], Row>('SELECT 1')")).toBe(true);
    expect(SQL_CALL.test("this.d.db.exec('VACUUM')")).toBe(true);
    expect(SQL_CALL.test('/^a$/.exec(name)')).toBe(false);
    expect(importsOf("import type { A } from '../x.ts';\nexport { b } from './b.ts';\nconst m = await import('./c.ts');")).toEqual([
      '../x.ts',
      './b.ts',
      './c.ts',
    ]);
    expect(MAY_IMPORT[layerOf('main/core/worklist/feature.ts')]).not.toContain(layerOf('main/core/api/worklist.ts'));
    expect(MAY_IMPORT[layerOf('renderer/src/App.tsx')]).not.toContain(layerOf('main/core/station.ts'));
    expect(forbiddenPackage('shared', 'node:fs', 'shared/x.ts')).not.toBeNull();
    expect(forbiddenPackage('feature', 'electron', 'main/core/x.ts')).not.toBeNull();
    const loop = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(loop)).toEqual([['a', 'b', 'c']]);
    // The graph really is read: the composition root imports features.
    expect(graph.edges.get('main/core/station.ts')?.length).toBeGreaterThan(5);
  });
});
