// Only the Electron host and the preload may import 'electron': under plain Node even
// require('electron') tries to download a binary, and the core must run there.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ALLOWED = [path.join('src', 'main', 'electron') + path.sep, path.join('src', 'preload') + path.sep];
const IMPORTS_ELECTRON = /(from\s+['"]electron(\/[^'"]*)?['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\))/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|tsx|js|mjs|cjs)$/.test(name) ? [p] : [];
  });
}

export function electronImportViolations(files: string[]): string[] {
  return files
    .map((f) => path.relative(root, f))
    .filter((rel) => !ALLOWED.some((a) => rel.startsWith(a)))
    .filter((rel) => IMPORTS_ELECTRON.test(readFileSync(path.join(root, rel), 'utf8')));
}

describe('electron import boundary', () => {
  it('no file outside src/main/electron and src/preload imports electron', () => {
    expect(electronImportViolations(walk(path.join(root, 'src')))).toEqual([]);
  });

  it('the rule itself catches an import (so it cannot pass vacuously)', () => {
    expect(IMPORTS_ELECTRON.test("import { app } from 'electron';")).toBe(true);
    expect(IMPORTS_ELECTRON.test("const { ipcMain } = require('electron')")).toBe(true);
    expect(IMPORTS_ELECTRON.test("import x from 'electron-updater';")).toBe(false);
    expect(electronImportViolations(walk(path.join(root, 'src', 'main', 'electron'))).length).toBe(0);
    // The Electron host really does import it, and would be flagged if it lived elsewhere.
    expect(IMPORTS_ELECTRON.test(readFileSync(path.join(root, 'src/main/electron/index.ts'), 'utf8'))).toBe(true);
  });
});
