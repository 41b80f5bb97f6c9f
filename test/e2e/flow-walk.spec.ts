// Issue 10 item 7, "the walk": a whole patient with the keyboard alone, in Debian's Chromium
// against the real headless host. Find the patient, the camera writes photos of both eyes (the test
// drops them into the watched folder: one says no eye, one is filed under the wrong eye), answer
// "Which eye?", fix the wrong eye, mark the left eye ungradable, pick the best, complete. Every key
// press is counted (at most 25) and after each one a focused element shows a visible focus ring.
import { test, expect, type Page } from '@playwright/test';
import { type RunningHost } from '../fixtures/headless.ts';
import { blurredPhoto, drop, goodPhoto, startFlowHost, walkIn } from '../fixtures/flow-world.ts';

let host: RunningHost;

test.beforeAll(async () => {
  host = await startFlowHost();
  await walkIn(host, '66002', 'Nakamura, Hiroshi');
  await walkIn(host, '66001', 'Walker, Ada');
  await walkIn(host, '66003', 'Okonkwo, Grace');
});

test.afterAll(async () => {
  await host?.stop();
});

/** What has the focus, and whether it shows a ring someone at arm's length can see (>= 2 px). */
const focusRing = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return { ok: false, what: 'the page body' };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    const r = el.getBoundingClientRect();
    const shown = r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight;
    return { ok: outline && shown, what: `${el.tagName.toLowerCase()} ${el.dataset['file'] ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30)}` };
  });

test('a whole patient with the keyboard alone, in at most 25 keys, with visible focus after each', async ({ page }) => {
  const keys: string[] = [];
  const press = async (key: string, then?: () => Promise<unknown>) => {
    await page.keyboard.press(key);
    keys.push(key);
    if (then) await then();
    await expect.poll(async () => (await focusRing(page)).ok, { message: `a visible focus after key ${keys.length} (${key})` }).toBe(true);
  };
  const od = page.getByTestId('eye-OD').getByTestId('photo-card');
  const os = page.getByTestId('eye-OS').getByTestId('photo-card');

  await page.goto(`${host.url}#/worklist`);
  await expect(page.getByTestId('worklist-row')).toHaveCount(3);
  await expect.poll(async () => (await focusRing(page)).what).toContain('div');

  // Find the patient: "/" and three letters, Enter opens the one match.
  await press('/', () => expect(page.getByLabel('Search name or patient ID')).toBeFocused());
  for (const k of 'ada') await press(k);
  await expect(page.getByTestId('worklist-row')).toHaveCount(1);
  await press('Enter', () => expect(page.getByTestId('patient-name')).toHaveText('Walker, Ada'));

  // The camera writes four photos: two of the right eye, one the file calls left but that shows
  // the right eye, and one blurred photo whose file does not say which eye (it is the left).
  drop(host, '66001_OD_1.jpg', await goodPhoto(300));
  drop(host, '66001_OD_2.jpg', await goodPhoto(290));
  drop(host, '66001_OS_1.jpg', await goodPhoto(200));
  drop(host, '66001_X_1.jpg', await blurredPhoto('walk-left'));
  await expect(page.getByTestId('which-eye').getByTestId('photo-card')).toHaveCount(1);
  await expect(od).toHaveCount(2);
  await expect(os).toHaveCount(1);

  // The focus has followed the photos in: it is on the first one that needs an eye. L: it is the left eye.
  await expect(page.locator('[data-file="66001_X_1.jpg"]')).toBeFocused();
  await press('l', () => expect(os).toHaveCount(2));
  await expect(page.getByTestId('which-eye')).toHaveCount(0);

  // Fix the wrong eye: the "left" photo shows the right eye. R.
  await press('ArrowLeft', () => expect(page.locator('[data-file="66001_OS_1.jpg"]')).toBeFocused());
  await press('r', () => expect(od).toHaveCount(3));

  // The left eye: its only photo left is blurred and the patient cannot do better: ungradable.
  await expect(page.locator('[data-file="66001_X_1.jpg"]')).toBeFocused();
  await press('g', () => expect(page.getByLabel('Reason the left eye is ungradable')).toBeFocused());
  await press('ArrowDown');
  await press('Enter', () => expect(page.getByTestId('gradable-OS')).toContainText('Ungradable: '));

  // The best photo of the right eye: the second one. B.
  await press('ArrowLeft');
  await press('ArrowLeft', () => expect(page.locator('[data-file="66001_OD_2.jpg"]')).toBeFocused());
  await press('b', () => expect(page.getByTestId('best-OD')).toContainText('photo 2, chosen by you'));

  // Complete.
  await press('Control+Enter', () => expect(page.getByTestId('exam-complete')).toBeVisible());
  await expect(page.getByRole('link', { name: '← Worklist' })).toBeFocused();
  await page.screenshot({ path: 'test-results/flow-walk-done.png' });

  console.log(`The walk: ${keys.length} keys: ${keys.join(' ')}`);
  expect(keys.length).toBeLessThanOrEqual(25);
});
