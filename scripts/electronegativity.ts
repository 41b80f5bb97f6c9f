// `npm run scan:electron`: Doyensec's Electronegativity (the installed 1.10.3, offline) over the
// app's sources, failing on any finding above LOW except the preload review.
//
// What is scanned: src/ as a whole (the Electron host, the preload, the renderer and its
// index.html with the page's CSP, and the core that runs in the main process), not the built out/:
// the sources are always current (out/ may be stale, and building first costs more than the scan),
// the findings name our files and lines, and Babel's TypeScript plugin parses them (a scan of a
// fresh out/ gave the same findings). A file it cannot parse fails the scan: unscanned is not clean.
//
// Offline: the tool fetches translations with `got` at start (and its AvailableSecurityFixes
// check would look up Electron releases). Here `got` is replaced by one that fails at once (the
// tool then keeps its bundled English), and that check is excluded. Its TypeScript parser
// (@typescript-eslint/typescript-estree 4) needs the TypeScript JS API, which the project's
// TypeScript 7 does not have, so it gets the tool's own nested typescript 4.2.
//
// Usage: node scripts/electronegativity.ts [--input <dir>] [--report <file.csv>]
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(path.join(root, 'package.json'));

/** The preload review is a standing reminder to review the preload; ours exposes call/on only. */
export const ALLOWED = new Map([['PRELOAD_JS_CHECK', 'the preload is reviewed: src/preload/index.ts exposes window.station (call, on) and nothing else']]);
const ABOVE_LOW = new Set(['MEDIUM', 'HIGH']);

export interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  line: number;
  column: number;
  description: string;
  manualReview: boolean;
}

export interface ParseError {
  file: string;
  message: string;
  tolerable: boolean;
}

export interface Verdict {
  ok: boolean;
  /** One line per reason the scan fails. */
  failures: string[];
  /** Findings above LOW that are accepted, with why. */
  accepted: string[];
}

/** Pure: the scan passes when nothing above LOW is left but the preload review, and every file parsed. */
export function judge(findings: Finding[], errors: ParseError[]): Verdict {
  const failures: string[] = [];
  const accepted: string[] = [];
  for (const f of findings) {
    if (!ABOVE_LOW.has(f.severity)) continue;
    const where = `${f.id} (${f.severity}, ${f.confidence}) at ${f.file}:${f.line}:${f.column}`;
    const why = ALLOWED.get(f.id);
    if (why) accepted.push(`${where}: ${why}`);
    else failures.push(`${where}: ${f.description}`);
  }
  for (const e of errors) if (!e.tolerable) failures.push(`${e.file} could not be parsed, so it was not scanned: ${e.message}`);
  return { ok: failures.length === 0, failures, accepted };
}

interface RawIssue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location: { line: number; column: number };
  description: string;
  manualReview: boolean;
}

type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<{ issues: RawIssue[]; errors: ParseError[] }>;

function loadOffline(): { init: () => Promise<void>; run: Runner } {
  const egDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const egRequire = createRequire(path.join(egDir, 'package.json'));
  const nestedTs = pathToFileURL(egRequire.resolve('typescript')).href;
  registerHooks({
    resolve: (spec, context, next) =>
      spec === 'typescript' && context.parentURL?.includes('/@typescript-eslint/typescript-estree/') ? { url: nestedTs, shortCircuit: true, format: 'commonjs' } : next(spec, context),
  });
  // `got` as the tool loads it, answered at once with a network error it already handles.
  const gotFile = egRequire.resolve('got');
  const offline = () => Promise.reject(Object.assign(new Error('offline: no network requests from the scan'), { code: 'ENOTFOUND' }));
  const cache = require.cache as Record<string, unknown>;
  cache[gotFile] = { id: gotFile, filename: gotFile, loaded: true, exports: Object.assign(offline, { default: offline }), children: [], paths: [] };
  return {
    init: egRequire('./dist/locales/i18n.js') as () => Promise<void>,
    run: egRequire('./dist/runner.js') as Runner,
  };
}

export async function scan(input: string, report: string): Promise<{ findings: Finding[]; errors: ParseError[] }> {
  const { init, run } = loadOffline();
  await init();
  mkdirSync(path.dirname(report), { recursive: true });
  const electronVersion = (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
  const result = await run(
    {
      input,
      output: report,
      isSarif: false,
      customScan: [],
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
      isRelative: true,
      isVerbose: false,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
  const findings = result.issues.map((i) => ({
    id: i.id,
    severity: i.severity.name,
    confidence: i.confidence.name,
    file: i.file,
    line: i.location.line,
    column: i.location.column,
    description: i.description,
    manualReview: !!i.manualReview,
  }));
  const errors = result.errors.map((e) => ({ ...e, file: path.isAbsolute(e.file) ? path.relative(input, e.file) : e.file }));
  return { findings, errors };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { input: { type: 'string' }, report: { type: 'string' } } });
  const input = path.resolve(values.input ?? path.join(root, 'src'));
  const report = path.resolve(values.report ?? path.join(root, 'out', 'electronegativity', 'report.csv'));
  const { findings, errors } = await scan(input, report);
  for (const f of findings) console.log(`${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id.padEnd(28)} ${f.file}:${f.line}:${f.column}`);
  for (const e of errors) console.log(`${e.tolerable ? 'parse warning' : 'PARSE ERROR  '} ${e.file}: ${e.message}`);
  const verdict = judge(findings, errors);
  for (const a of verdict.accepted) console.log(`accepted: ${a}`);
  for (const f of verdict.failures) console.log(`FAIL: ${f}`);
  console.log(
    verdict.ok
      ? `Electronegativity: nothing above LOW in ${input} except the preload review (${findings.length} findings in all; report: ${report}).`
      : `Electronegativity: ${verdict.failures.length} problem(s) above LOW in ${input}; fix them (report: ${report}).`,
  );
  process.exitCode = verdict.ok ? 0 : 1;
}

if (import.meta.main) await main();
