// End to end, the IT lock and the File-name rules screen: the real headless host, the real renderer
// in Debian's Chromium. IT sets a PIN, locks; the IT screens show their values read-only; a wrong
// PIN is refused in words; the right one unlocks; IT adds a file-name rule, checking it first in
// the live "try a file name" box, after the station refused a slow pattern with its reason.
// Screenshots of the rules screen and the PIN dialog at three widths go to /tmp/shots-h7/.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { startHost, type RunningHost } from '../fixtures/headless.ts';

const SHOTS = '/tmp/shots-h7';
const PIN = '482913';
let host: RunningHost;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  host = await startHost({ watchDirs: [] });
  await host.call('settings.update', { fileNameRules: [{ id: 'old', name: 'Old export', pattern: '^IMG_(?<field>\\d+)' }] });
});

test.afterAll(async () => {
  await host?.stop();
});

async function shots(page: Page, name: string): Promise<void> {
  for (const width of [1024, 1280, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png` });
  }
  await page.setViewportSize({ width: 1400, height: 900 });
}

test('IT sets a PIN, the settings lock, the PIN unlocks them, and a file-name rule is added with the live preview', async ({ page }) => {
  await page.goto(`${host.url}#/settings/pin`);
  const bar = page.getByTestId('it-lock-bar');
  await expect(bar).toHaveAttribute('data-state', 'no-pin');
  await expect(bar).toContainText('No administrator PIN is set');

  // Set the PIN: the session is open at once; then Lock now.
  const pinForm = page.getByTestId('pin-settings');
  await pinForm.getByLabel('New PIN (at least 6 characters)').fill(PIN);
  await pinForm.getByLabel('New PIN again').fill(PIN);
  await pinForm.getByRole('button', { name: 'Set PIN' }).click();
  await expect(pinForm.getByRole('status').filter({ hasText: 'The PIN is set.' })).toBeVisible();
  await expect(bar).toHaveAttribute('data-state', 'unlocked');
  await bar.getByRole('button', { name: 'Lock now' }).click();
  await expect(bar).toHaveAttribute('data-state', 'locked');

  // Locked: the IT screens show their values read-only.
  await page.getByRole('link', { name: 'File-name rules' }).click();
  const rules = page.getByTestId('filename-rules');
  await expect(rules.getByTestId('it-lock-bar')).toContainText('Locked by IT. File-name rules are shown read-only.');
  await expect(rules.getByTestId('rule-row')).toHaveCount(1);
  await expect(rules.getByRole('button', { name: 'Add a rule' })).toBeDisabled();
  await expect(rules.getByRole('button', { name: 'Remove' })).toBeDisabled();
  await page.getByRole('link', { name: 'Sources', exact: true }).click();
  await expect(page.getByTestId('it-lock-bar')).toHaveAttribute('data-state', 'locked');
  await expect(page.getByLabel('Folder to watch')).toBeDisabled();
  await page.getByRole('link', { name: 'Cloud', exact: true }).click();
  await expect(page.getByTestId('cloud-settings').getByTestId('it-lock-bar')).toHaveAttribute('data-state', 'locked');
  await expect(page.getByLabel('Container')).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();
  // The operator's screens are not locked.
  await page.getByRole('link', { name: 'Worklist', exact: true }).click();
  await expect(page.getByTestId('it-lock-bar')).toHaveCount(0);

  // The PIN dialog: the cursor is in the PIN field, Enter submits, a wrong PIN says why, Esc cancels.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('link', { name: 'File-name rules' }).click();
  await rules.getByRole('button', { name: 'Unlock…' }).click();
  const dialog = page.getByTestId('pin-dialog');
  const pinField = dialog.getByLabel('Administrator PIN');
  await expect(pinField).toBeFocused();
  await page.keyboard.type('000000');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toHaveText('That PIN is not right. 4 more tries before a wait.');
  await expect(pinField).toHaveValue('');
  await shots(page, 'pin-dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(rules.getByTestId('it-lock-bar')).toHaveAttribute('data-state', 'locked');
  await rules.getByRole('button', { name: 'Unlock…' }).click();
  await expect(pinField).toBeFocused();
  await page.keyboard.type(PIN);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(rules.getByTestId('it-lock-bar')).toHaveAttribute('data-state', 'unlocked');

  // Add a rule: the cursor lands in its name. A slow pattern is explained live and refused by the station.
  await rules.getByRole('button', { name: 'Add a rule' }).click();
  const form = rules.getByTestId('rule-form');
  await expect(form.getByLabel('Name')).toBeFocused();
  await page.keyboard.type('Clinic export');
  await form.getByLabel('Pattern').fill('^(?<patientId>(a+)+)_OD');
  await expect(form.getByTestId('rule-problem')).toContainText('would stop the station');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(rules.getByTestId('rules-error')).toContainText('File-name rule "Clinic export": This pattern can take hours on some file names and would stop the station.');

  // A good pattern, tried on a name before it is saved.
  await form.getByLabel('Pattern').fill('^(?<patientId>\\d+)_(?<eye>OD|OS)_(?<field>\\d+)');
  await expect(form.getByTestId('rule-problem')).toHaveText('This pattern can be used.');
  const tryBox = rules.getByTestId('rule-try');
  await tryBox.getByRole('textbox').fill('12345_OS_2.jpg');
  const result = tryBox.getByTestId('rule-try-result');
  await expect(result).toContainText('Rule usedClinic export');
  await expect(result).toContainText('Patient ID12345');
  await expect(result).toContainText('Eyeleft eye (OS)');
  await expect(result).toContainText('Field2');
  await shots(page, 'filename-rules-editing');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(rules.getByRole('status').filter({ hasText: '"Clinic export" saved.' })).toBeVisible();
  await expect(rules.getByTestId('rule-row')).toHaveCount(2);
  await expect(rules.getByTestId('rule-row').nth(1)).toHaveClass('hit');

  // Reorder: the new rule goes first.
  await rules.getByRole('button', { name: 'Move Clinic export up' }).click();
  await expect(rules.getByTestId('rule-row').first()).toContainText('Clinic export');
  const saved = await host.call<{ fileNameRules: { name: string; pattern: string }[] }>('settings.get');
  expect(saved.fileNameRules.map((r) => r.name)).toEqual(['Clinic export', 'Old export']);
  await tryBox.getByRole('textbox').fill('IMG_0042.JPG');
  await expect(result).toContainText('Rule usedOld export');
  await shots(page, 'filename-rules');

  // Lock now: read-only again, and the station itself refuses (not only the screen).
  await rules.getByTestId('it-lock-bar').getByRole('button', { name: 'Lock now' }).click();
  await expect(rules.getByTestId('it-lock-bar')).toHaveAttribute('data-state', 'locked');
  const refused = await host.callRaw('settings.update', { fileNameRules: [] });
  expect(refused.status).toBe(403);
});

test('the About box: version, host, channel, copyable data folder; opened and closed by keyboard', async ({ page }) => {
  await page.goto(`${host.url}#/settings`);
  const about = page.getByRole('button', { name: 'About this station' });
  await about.focus();
  await page.keyboard.press('Enter');
  const box = page.getByTestId('about-box');
  await expect(box.getByTestId('about-version')).not.toBeEmpty();
  await expect(box).toContainText('Background service (opened in a browser)');
  await expect(box.getByTestId('about-channel')).not.toBeEmpty();
  const folder = box.getByLabel('Data folder');
  await expect(folder).toHaveValue(host.dataDir);
  await expect(folder).toBeFocused();
  await page.setViewportSize({ width: 1024, height: 800 });
  await page.screenshot({ path: `${SHOTS}/about-1024.png` });
  await page.keyboard.press('Escape');
  await expect(box).toHaveCount(0);
  await expect(about).toBeFocused();
});
