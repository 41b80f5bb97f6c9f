// The desktop app end to end, through Playwright's Electron driver. It needs the Electron binary,
// which npm's install of the electron package downloads from GitHub; where that download failed (no
// GitHub access) the tests are skipped, and their titles say what is missing and how to get it
// (Playwright's list reporter prints no skip reason).
import { test, expect, _electron as electron } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../fixtures/headless.ts';

const electronDir = path.join(repoRoot, 'node_modules', 'electron');
const HOW_TO_GET = 'run `node node_modules/electron/install.js` (it downloads the binary from GitHub releases; ELECTRON_MIRROR names a mirror)';

/** The Electron binary, or why there is none (what is missing, and how to get it). */
function electronBinary(): { bin: string; missing: '' } | { bin: null; missing: string } {
  const pathTxt = path.join(electronDir, 'path.txt');
  if (!existsSync(pathTxt)) return { bin: null, missing: `Electron binary not installed: ${path.relative(repoRoot, pathTxt)} is missing; ${HOW_TO_GET}` };
  const bin = path.join(electronDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(bin)) return { bin: null, missing: `Electron binary not installed: ${path.relative(repoRoot, bin)} is missing; ${HOW_TO_GET}` };
  return { bin, missing: '' };
}

const { bin: binary, missing } = electronBinary();

test.describe(`desktop app (Electron)${missing ? ` (skipped: ${missing})` : ''}`, () => {
  test.skip(!binary, missing);

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

  // The tray itself is drawn by the OS and cannot be clicked from Playwright; what it means for the
  // window is checked here, the menu and its notifications under Node (electron-host-tray.test.ts).
  test('closing the window hides it to the tray: the app and the station keep running', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [path.join(repoRoot, 'out/main/index.js')] });
    const page = await app.firstWindow();
    await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    const after = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() })));
    expect(after).toEqual([{ visible: false, destroyed: false }]);
    // The station still answers behind the hidden window.
    expect(await page.evaluate(() => window.station!.call('station.info').then((i) => i.host))).toBe('electron');
    await app.evaluate(({ app: a }) => a.quit());
    await app.close();
  });

  test('update UI: no indicator without an update, and the About box shows the version and the data folder', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [path.join(repoRoot, 'out/main/index.js')] });
    const page = await app.firstWindow();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: /Settings/ }).click();
    await page.getByRole('button', { name: 'About this station' }).click();
    const about = page.getByTestId('about-box');
    await expect(about).toBeVisible();
    await expect(about).toContainText(await app.evaluate(({ app: a }) => a.getVersion()));
    await expect(about.getByLabel('Data folder')).toHaveValue(await app.evaluate(({ app: a }) => a.getPath('userData')));
    // An unpackaged run attaches no updater, so nothing offers a restart.
    await expect(page.getByRole('button', { name: /update/i })).toHaveCount(0);
    await app.evaluate(({ app: a }) => a.quit());
    await app.close();
  });
});
