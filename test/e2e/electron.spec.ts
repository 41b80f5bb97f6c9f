// The desktop app end to end, through Playwright's Electron driver. It needs the Electron binary,
// which cannot be downloaded on the build machines here (no GitHub access): then it is skipped,
// with that reason in the report.
import { test, expect, _electron as electron } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../fixtures/headless.ts';

function electronBinary(): string | null {
  try {
    const p = path.join(repoRoot, 'node_modules', 'electron', 'path.txt');
    if (!existsSync(p)) return null;
    const bin = path.join(repoRoot, 'node_modules', 'electron', 'dist', readFileSync(p, 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test.describe('desktop app (Electron)', () => {
  test.skip(!binary, 'Electron binary not installed: node_modules/electron/dist is missing (its download from GitHub is not possible on this machine)');

  test('opens one sandboxed window with window.station and nothing else', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [path.join(repoRoot, 'out/main/index.js')] });
    const page = await app.firstWindow();
    await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
    const shape = await page.evaluate(() => ({
      station: typeof window.station?.call,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(shape).toEqual({ station: 'function', require: 'undefined', process: 'undefined' });
    await app.close();
  });
});
