// The Electron security scan (scripts/electronegativity.ts, `npm run scan:electron`): the real
// Electronegativity 1.10.3, offline, over the real sources. A few seconds per scan, so not slow.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, type Finding } from '../../scripts/electronegativity.ts';
import { repoRoot } from '../fixtures/headless.ts';

function runScan(input: string): { code: number | null; out: string } {
  const report = path.join(mkdtempSync(path.join(os.tmpdir(), 'cs-eg-')), 'report.csv');
  const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', 'scripts/electronegativity.ts', '--input', input, '--report', report], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const finding = (id: string, severity: string): Finding => ({ id, severity, confidence: 'FIRM', file: 'x.ts', line: 1, column: 0, description: 'd', manualReview: false });

describe('judging the findings', () => {
  it('fails on anything above LOW except the preload review, and on a file it could not parse', () => {
    expect(judge([finding('PRELOAD_JS_CHECK', 'MEDIUM'), finding('CSP_GLOBAL_CHECK', 'LOW'), finding('X', 'INFORMATIONAL')], []).ok).toBe(true);
    expect(judge([finding('AUXCLICK_JS_CHECK', 'MEDIUM')], []).failures).toEqual(['AUXCLICK_JS_CHECK (MEDIUM, FIRM) at x.ts:1:0: d']);
    expect(judge([finding('NODE_INTEGRATION_JS_CHECK', 'HIGH')], []).ok).toBe(false);
    expect(judge([], [{ file: 'a.js', message: 'Unexpected token', tolerable: false }]).ok).toBe(false);
    expect(judge([], [{ file: 'a.js', message: 'a warning', tolerable: true }]).ok).toBe(true);
  });
});

describe('Electronegativity over the app (offline)', () => {
  it('finds nothing above LOW in src/ except the preload review', () => {
    const { code, out } = runScan(path.join(repoRoot, 'src'));
    expect(out).toMatch(/nothing above LOW .* except the preload review/);
    // The session's CSP is found and evaluated (not "no CSP detected").
    expect(out).toMatch(/CSP_GLOBAL_CHECK\s+main\/electron\/security\.ts/);
    expect(out).not.toMatch(/AUXCLICK_JS_CHECK/);
    expect(code).toBe(0);
  });

  it('is not vacuous: a window without the safeguards and a file it cannot parse fail the scan', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-eg-bad-'));
    writeFileSync(
      path.join(dir, 'main.ts'),
      `import { BrowserWindow } from 'electron';\nconst win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\nvoid win.loadURL('https://example.com/');\n`,
    );
    writeFileSync(path.join(dir, 'broken.js'), 'function (\n');
    const { code, out } = runScan(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL: AUXCLICK_JS_CHECK/);
    expect(out).toMatch(/FAIL: SANDBOX_JS_CHECK/);
    expect(out).toMatch(/FAIL: CONTEXT_ISOLATION_JS_CHECK/);
    expect(out).toMatch(/FAIL: broken\.js could not be parsed/);
  });
});
