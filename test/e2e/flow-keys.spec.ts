// Issue 10 items 1, 2, 3 and 5 end to end, in Debian's Chromium against the real headless host:
// one focus model (dialogs trap Tab and give the focus back; after filing or rejecting a photo the
// focus is on the next photo, never the body; Ctrl+Z takes the undo), one key map (R/L eyes, X
// reject, Space and Shift+arrows choose several photos, "?" shows the keys), one status strip on
// every screen (a camera folder that is gone, a refused file, "capturing now", a file the station
// already had), and the large view (100 % and back, previous/next, the same keys).
import { test, expect, type Page } from '@playwright/test';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir, type RunningHost } from '../fixtures/headless.ts';
import { drop, goodPhoto, startFlowHost, walkIn } from '../fixtures/flow-world.ts';

let host: RunningHost;
let spare: string;

test.beforeAll(async () => {
  spare = tempDir('flow-spare-folder');
  host = await startFlowHost({ watchDirs: [tempDir('flow-watch'), spare] });
});

test.afterAll(async () => {
  await host?.stop();
});

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'BODY';
    return el.dataset['file'] ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? el.tagName;
  });
const inDialog = (page: Page) => page.evaluate(() => !!document.activeElement?.closest('[aria-modal="true"]'));

test('a dialog takes the focus to its first field, keeps Tab inside, and gives the focus back on Esc', async ({ page }) => {
  await page.goto(`${host.url}#/worklist`);
  await expect(page.getByTestId('shift-button')).toContainText('Flow Tester');
  await page.getByRole('button', { name: /New walk-in patient/ }).focus();
  await page.keyboard.press('n');
  const form = page.getByTestId('order-form');
  await expect(form.getByLabel('Patient ID')).toBeFocused();
  await page.keyboard.type('55501');
  await expect(form.getByLabel('Patient ID')).toHaveValue('55501');
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    expect(await inDialog(page), `Tab ${i + 1} stays in the dialog`).toBe(true);
  }
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await inDialog(page)).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(form).toBeHidden();
  await expect(page.getByRole('button', { name: /New walk-in patient/ })).toBeFocused();

  // "?" shows the one key map.
  await page.keyboard.press('?');
  const help = page.getByTestId('key-help');
  await expect(help).toBeVisible();
  await expect(help.getByRole('region', { name: 'Exam (on a photo)' })).toContainText('Right eye (OD): file the photo');
  await expect(help.getByRole('region', { name: 'Exam (on a photo)' })).toContainText('Reject the photo');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('in the exam R and L file a "Which eye?" photo, Space and Shift+arrows choose several, the focus goes to the next photo, Ctrl+Z undoes', async ({ page }) => {
  const orderId = await walkIn(host, '55601', 'Keys, Karin');
  // The exam is opened before the camera writes (as in the clinic): the focus starts on
  // "Capturing now" and goes to the first photo that needs an eye when it arrives.
  await page.goto(`${host.url}#/exam/${orderId}`);
  await expect(page.getByRole('button', { name: /Capturing now/ })).toBeFocused();
  for (let i = 1; i <= 4; i++) drop(host, `55601_X_${i}.jpg`, await goodPhoto(100 - i * 10));
  const which = page.getByTestId('which-eye').getByTestId('photo-card');
  await expect(which).toHaveCount(4);
  await expect(which.first()).toBeFocused();
  await page.keyboard.press('r');
  await expect(page.getByTestId('eye-OD').getByTestId('photo-card')).toHaveCount(1);
  await expect(which).toHaveCount(3);
  await expect(which.first()).toBeFocused();
  expect(await focused(page)).toBe('55601_X_2.jpg');

  // Choose two with Space and Shift+→, then L files both.
  await page.keyboard.press(' ');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(page.locator('.wl-card.chosen')).toHaveCount(2);
  await page.keyboard.press('l');
  await expect(page.getByTestId('eye-OS').getByTestId('photo-card')).toHaveCount(2);
  await expect(which).toHaveCount(1);
  expect(await focused(page)).toBe('55601_X_4.jpg');
  const toast = page.getByTestId('undo-toast');
  await expect(toast).toContainText('Moved 2 photos to the left eye.');

  // Ctrl+Z takes the undo: both are back in "Which eye?".
  await page.keyboard.press('Control+z');
  await expect(which).toHaveCount(3);
  await expect(page.getByTestId('eye-OS').getByTestId('photo-card')).toHaveCount(0);
  expect(await focused(page)).not.toBe('BODY');

  // X rejects (asks why, in a dialog that has the focus); the focus comes back to a photo.
  await which.first().focus();
  await page.keyboard.press('x');
  const reject = page.getByTestId('reject-dialog');
  await expect(reject).toBeVisible();
  expect(await inDialog(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(reject).toBeHidden();
  await expect(page.getByTestId('which-eye').locator('.wl-card.rejected')).toHaveCount(1);
  await expect.poll(() => focused(page)).not.toBe('BODY');

  // M moves a filed photo to the other eye; the focus stays on a photo.
  await page.getByTestId('eye-OD').getByTestId('photo-card').first().focus();
  await page.keyboard.press('m');
  await expect(page.getByTestId('eye-OS').getByTestId('photo-card')).toHaveCount(1);
  await expect.poll(() => focused(page)).toMatch(/^55601_X_\d\.jpg$/);
});

test('the large view: 100 % and back with Z, previous and next with the arrows, R and B on the photo shown', async ({ page }) => {
  const orderId = await walkIn(host, '55701', 'Large, Lena');
  drop(host, '55701_OD_1.jpg', await goodPhoto(60));
  drop(host, '55701_OD_2.jpg', await goodPhoto(50));
  drop(host, '55701_OS_1.jpg', await goodPhoto(40));
  await page.goto(`${host.url}#/exam/${orderId}`);
  await expect(page.getByTestId('photo-card')).toHaveCount(3);
  const first = page.getByTestId('eye-OD').getByTestId('photo-card').first();
  await first.focus();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('image-detail');
  await expect(detail.getByRole('heading')).toContainText('55701_OD_1.jpg');
  await expect(detail.getByRole('heading')).toContainText('1 of 3');
  await expect(detail.getByTestId('detail-image')).toHaveAttribute('data-zoom', 'fit');
  await page.keyboard.press('z');
  await expect(detail.getByTestId('detail-image')).toHaveAttribute('data-zoom', '100');
  // At 100 % the photo is drawn at its own size (1200 px wide), larger than the view: scroll bars.
  await expect.poll(() => detail.locator('img').evaluate((img: HTMLImageElement) => Math.round(img.getBoundingClientRect().width))).toBe(1200);
  await page.keyboard.press('z');
  await expect(detail.getByTestId('detail-image')).toHaveAttribute('data-zoom', 'fit');
  await page.keyboard.press('ArrowRight');
  await expect(detail.getByRole('heading')).toContainText('55701_OD_2.jpg');
  await page.keyboard.press('b');
  await expect(page.getByTestId('best-OD')).toContainText('photo 2, chosen by you');
  await page.keyboard.press('ArrowRight');
  await expect(detail.getByRole('heading')).toContainText('55701_OS_1.jpg');
  await page.keyboard.press('r');
  await expect(page.getByTestId('eye-OD').getByTestId('photo-card')).toHaveCount(3);
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect.poll(() => focused(page)).not.toBe('BODY');
});

test('one status strip on every screen: capturing now, a refused file, a file already taken in, a camera folder that is gone; its height stays', async ({ page }) => {
  const orderId = await walkIn(host, '55801', 'Strip, Stella');
  await page.goto(`${host.url}#/inbox`);
  const strip = page.getByTestId('status-strip');
  await expect(strip).toBeVisible();
  const height = async () => Math.round((await strip.boundingBox())!.height);
  const h0 = await height();

  await host.call('orders.setCapturingNow', { id: orderId, on: true });
  await expect(strip.getByTestId('strip-capturing')).toContainText('Capturing now: Strip, Stella');
  await strip.getByRole('link', { name: 'Open exam' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText('Strip, Stella');

  // A refused file: said with "Open Inbox", on the exam screen too.
  writeFileSync(path.join(host.watchDir, 'notes.jpg'), 'this is not a photo, just some notes');
  const refused = strip.getByTestId('strip-refused');
  await expect(refused).toContainText('Refused: notes.jpg.');
  expect(await height()).toBe(h0);

  // The same bytes under another name: told, not silently dropped.
  const bytes = await goodPhoto(30);
  drop(host, '55801_OD_1.jpg', bytes);
  await expect(page.getByTestId('eye-OD').getByTestId('photo-card')).toHaveCount(1);
  drop(host, 'copy-of-55801.jpg', bytes);
  const all = () => page.getByTestId('status-strip');
  await expect.poll(async () => (await all().textContent()) ?? '').toMatch(/\+\d more|Already taken in/);
  const more = strip.getByRole('button', { name: /more$/ });
  if (await more.isVisible()) await more.click();
  await expect(strip.getByTestId('strip-duplicate')).toContainText('Already taken in: copy-of-55801.jpg is the same as 55801_OD_1.jpg');
  expect(await height()).toBe(h0);

  // A camera folder that disappears: first in the strip, with what to do.
  rmSync(spare, { recursive: true, force: true });
  const gone = strip.getByTestId('strip-folder-gone').first();
  await expect(gone).toContainText(`Camera folder ${spare} is gone: reconnect the camera or check the cable.`);
  await expect(gone.getByRole('link', { name: 'Open Sources' })).toBeVisible();
  expect(await height()).toBe(h0);

  // Inbox from the refused file's action.
  if (await strip.getByRole('button', { name: /more$/ }).getAttribute('aria-expanded') === 'false') await strip.getByRole('button', { name: /more$/ }).click();
  await strip.getByTestId('strip-refused').getByRole('link', { name: 'Open Inbox' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox', level: 1 })).toBeVisible();
  await expect(strip.getByTestId('strip-folder-gone')).toBeVisible();
  await page.screenshot({ path: 'test-results/flow-strip.png' });
});
