// End to end, the update UI: the real headless host and the real renderer in Debian's Chromium.
// - Without an updater (what the headless host really is): the Updates settings and the About box
//   say in words that this station does not update itself, with no dead "Check now"; the settings
//   section follows the IT lock (read-only while locked, saved once unlocked, the schema's sentence
//   next to a wrong field).
// - With the STAND-IN for electron-updater (src/main/headless/standin-updater.ts, attached only
//   when CAPTURE_STATION_STANDIN_UPDATER names a script; the real electron-updater is tested under
//   Node by H5's updater tests): "Check now" finds 1.5.0; the header indicator shows the download's
//   progress, then "Update ready"; the panel shows the release notes as text, "Restart now" when
//   nothing is busy, and what it waits for while an exam is being captured; "Later" leaves a quiet
//   dot; "Restart when idle" restarts (asks the updater to quit and install) once the exam is no
//   longer being captured. A checksum failure is a plain sentence in the panel, not an alarm.
// Screenshots at 1024, 1280 and 1920 px go to /tmp/shots-h8/.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHost, tempDir, type RunningHost } from '../fixtures/headless.ts';

const SHOTS = '/tmp/shots-h8';
const PIN = '482913';
const HEADLESS = 'This station does not update itself (headless service or development run): IT installs new versions.';
// Shown exactly as written: as HTML, "&amp;" would become "&" (HTML notes lose their tags: test/unit/update-text.test.ts).
const NOTES = '## What is new in 1.5.0\n\n- Faster camera import\n- **Markdown** and AT&amp;T stay as written';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

async function shots(page: Page, name: string, clip?: 'header'): Promise<void> {
  for (const width of [1024, 1280, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, ...(clip === 'header' && { clip: { x: 0, y: 0, width, height: 140 } }) });
  }
  await page.setViewportSize({ width: 1400, height: 900 });
}

test.describe('without an updater (the headless host as it is)', () => {
  let host: RunningHost;
  test.beforeAll(async () => {
    host = await startHost({ watchDirs: [] });
  });
  test.afterAll(async () => {
    await host?.stop();
  });

  test('says the station does not update itself; the Updates settings follow the IT lock', async ({ page }) => {
    await page.goto(`${host.url}#/settings/updates`);
    const screen = page.getByTestId('update-settings');
    await expect(screen.getByTestId('update-status-line')).toHaveText(HEADLESS);
    await expect(screen.getByRole('button', { name: 'Check now' })).toHaveCount(0);
    await expect(page.getByTestId('update-indicator')).toHaveCount(0);

    // Locked by IT: the values stay visible, read-only.
    await host.call('itLock.setPin', { newPin: PIN });
    await host.call('itLock.lock');
    const bar = screen.getByTestId('it-lock-bar');
    await expect(bar).toHaveAttribute('data-state', 'locked');
    await expect(bar).toContainText('Locked by IT. Update settings are shown read-only.');
    const form = page.getByTestId('update-settings-form');
    await expect(form.getByLabel('Check for updates every (hours)')).toHaveValue('4');
    await expect(form.getByLabel('Check for updates every (hours)')).toBeDisabled();
    await expect(form.getByRole('radio', { name: 'Beta' })).toBeDisabled();
    await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled();

    // Unlocked with the PIN: a wrong field gets the schema's sentence next to it; a good change saves.
    await bar.getByRole('button', { name: 'Unlock…' }).click();
    await page.getByTestId('pin-dialog').getByLabel('Administrator PIN').fill(PIN);
    await page.keyboard.press('Enter');
    await expect(bar).toHaveAttribute('data-state', 'unlocked');
    await form.getByRole('radio', { name: 'Beta' }).check();
    await form.getByLabel('Proxy for update downloads').fill('socks5://proxy.clinic.local:1080');
    await form.getByLabel('Check for updates every (hours)').fill('72');
    await expect(form.getByText('The proxy address must start with http:// or https://.')).toBeVisible();
    await expect(form.getByText('Check at least every 48 hours.')).toBeVisible();
    await expect(form.getByLabel('Proxy for update downloads')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled();
    await shots(page, 'settings-invalid');
    await form.getByLabel('Proxy for update downloads').fill('http://proxy.clinic.local:3128');
    await form.getByLabel('Check for updates every (hours)').fill('6');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('status')).toHaveText('Saved. The station uses these settings from its next check on.');
    expect(await host.call('updates.settings.get')).toMatchObject({ channel: 'beta', checkIntervalHours: 6, proxy: 'http://proxy.clinic.local:3128' });
    await shots(page, 'settings-unlocked');

    // The About box: the channel from the updater's settings and the status line.
    await page.getByRole('button', { name: 'About this station' }).click();
    const about = page.getByTestId('about-box');
    await expect(about.getByTestId('about-channel')).toHaveText('beta');
    await expect(about.getByTestId('about-updates')).toHaveText(HEADLESS);
    await page.keyboard.press('Escape');

    // Locked again: IT's change is refused by the station, so the form is read-only again.
    await bar.getByRole('button', { name: 'Lock now' }).click();
    await expect(bar).toHaveAttribute('data-state', 'locked');
    await expect(form.getByLabel('Update feed address')).toBeDisabled();
  });
});

test.describe('with the stand-in for electron-updater', () => {
  let host: RunningHost;
  let script: string;
  const play = (s: Record<string, unknown>) => writeFileSync(script, JSON.stringify(s));

  test.beforeEach(async () => {
    script = path.join(tempDir('standin'), 'updater.json');
    play({});
    host = await startHost({ watchDirs: [], env: { CAPTURE_STATION_STANDIN_UPDATER: script } });
  });
  test.afterEach(async () => {
    await host?.stop();
  });

  test('download progress, "Update ready", the busy reason, "Later", and "Restart when idle" once the exam is done', async ({ page }) => {
    await page.goto(`${host.url}#/settings/updates`);
    const indicator = page.getByTestId('update-indicator');
    await expect(page.getByTestId('update-status-line')).toContainText('Self-update is on; the next check is at');
    await expect(indicator).toHaveCount(0);

    // "Check now" finds 1.5.0; it downloads in the background (the stand-in holds it at 42 %).
    play({ version: '1.5.0', releaseNotes: NOTES, releaseDate: '2025-03-01T10:00:00.000Z', progress: [12, 42], then: 'stall' });
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect(page.getByTestId('update-status-line')).toHaveText('Downloading 1.5.0 in the background (42 %).');
    await expect(indicator).toHaveAttribute('data-kind', 'downloading');
    await expect(indicator).toHaveText('Update 42 %');
    await page.goto(`${host.url}#/worklist`);
    await shots(page, 'header-downloading', 'header');

    // Downloaded: "Update ready". Alt+U opens the panel: the notes as text, "Restart now" (nothing is busy).
    play({ version: '1.5.0', releaseNotes: NOTES, releaseDate: '2025-03-01T10:00:00.000Z', progress: [12, 42], then: 'downloaded' });
    await expect(indicator).toHaveAttribute('data-kind', 'ready');
    await expect(indicator).toHaveText('Update ready');
    await shots(page, 'header-ready', 'header');
    await page.keyboard.press('Alt+u');
    const panel = page.getByTestId('update-panel');
    await expect(panel.getByRole('heading')).toHaveText('Capture Station 1.5.0 is ready to install');
    await expect(panel.getByTestId('update-notes')).toHaveText(NOTES);
    await expect(panel.getByTestId('update-notes').locator('*')).toHaveCount(0);
    await expect(panel.getByRole('button', { name: 'Restart now' })).toBeFocused();
    await expect(panel.getByTestId('update-restart')).toHaveText('Nothing is being captured, imported or sent: the station can restart now.');

    // An exam being captured: the panel says so, and offers "Restart when idle" instead.
    await host.call('operators.add', { name: 'Update Tester' });
    const created = await host.call<{ order: { id: string } }>('orders.create', {
      order: { patientId: '70001', name: 'Update, Wait', birthDate: '1960-05-05', sex: 'F', scheduledAt: new Date().toISOString() },
    });
    await host.call('orders.setCapturingNow', { id: created.order.id, on: true });
    await expect(panel.getByTestId('update-restart')).toHaveText('Not now: an exam is being captured.');
    await expect(panel.getByRole('button', { name: 'Restart now' })).toHaveCount(0);
    await expect(panel.getByRole('button', { name: 'Restart when idle' })).toBeVisible();
    await shots(page, 'panel-busy');

    // At 1024 px with the indicator and a name on the shift, the tabs stay on one row (the indicators
    // wrap to their own line) instead of being squeezed into a column beside them.
    await page.setViewportSize({ width: 1024, height: 800 });
    const tabs = page.getByRole('navigation', { name: 'Screens' });
    const first = await tabs.getByRole('link', { name: 'Worklist' }).boundingBox();
    const last = await tabs.getByRole('link', { name: 'Settings' }).boundingBox();
    expect(Math.round(last!.y)).toBe(Math.round(first!.y));
    await page.setViewportSize({ width: 1400, height: 900 });

    // "Later": the panel closes, the indicator is a quiet dot; Escape-free, nothing else changed.
    await panel.getByRole('button', { name: 'Later' }).click();
    await expect(panel).toHaveCount(0);
    await expect(indicator).toHaveAttribute('data-kind', 'quiet');
    await expect(indicator).toHaveText('');
    await expect(indicator).toHaveAttribute('aria-label', 'Update 1.5.0 installs when the station quits. Open for details.');
    expect(await host.call('updates.status')).toMatchObject({ phase: 'ready', deferred: true });
    await shots(page, 'header-later', 'header');

    // The dot opens the panel again; "Restart when idle" waits for the exam.
    await indicator.click();
    await panel.getByRole('button', { name: 'Restart when idle' }).click();
    await expect(panel.getByTestId('update-restart')).toHaveText('Restarts by itself once nothing is busy. Waiting: an exam is being captured.');
    await expect(indicator).toHaveAttribute('data-kind', 'waiting');
    expect(host.output()).not.toContain('stand-in updater: quitAndInstall');
    await shots(page, 'panel-armed');

    // The exam is no longer being captured: the station restarts to install (the stand-in records the call).
    await host.call('orders.setCapturingNow', { id: created.order.id, on: false });
    await expect.poll(() => host.output(), { timeout: 20_000 }).toContain('stand-in updater: quitAndInstall (would restart into 1.5.0)');
  });

  test('a checksum failure is a plain sentence in the panel, not an alarm', async ({ page }) => {
    play({ version: '1.5.0', releaseNotes: NOTES, progress: [100], then: 'error', error: { code: 'ERR_CHECKSUM_MISMATCH', message: 'sha512 checksum mismatch, expected abc, got def' } });
    await page.goto(`${host.url}#/settings/updates`);
    await page.getByRole('button', { name: 'Check now' }).click();
    const indicator = page.getByTestId('update-indicator');
    await expect(indicator).toHaveAttribute('data-kind', 'failed');
    await expect(indicator).toHaveText('Update not installed');
    await expect(page.getByRole('alert')).toHaveCount(0);
    await indicator.click();
    const panel = page.getByTestId('update-panel');
    await expect(panel.getByRole('heading')).toHaveText('Capture Station 1.5.0 was not installed');
    await expect(panel.getByTestId('update-message')).toHaveText(/^The downloaded update did not match its published checksum, so it was thrown away\. This version keeps running/);
    await expect(panel.getByTestId('update-message')).not.toContainText('sha512');
    await expect(panel.getByRole('button', { name: /Restart/ })).toHaveCount(0);
    await expect(page.getByTestId('update-status-line')).toHaveText(/^The downloaded update did not match its published checksum/);
    await shots(page, 'panel-failed');
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(indicator).toBeFocused();
  });
});
