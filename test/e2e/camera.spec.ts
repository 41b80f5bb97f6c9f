// End to end: the real headless host with a stand-in mount root (--volumes-root), the real renderer
// in Debian's Chromium. A camera is "plugged in" by renaming a prepared card folder into the root.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { startHost, tempDir, type RunningHost } from '../fixtures/headless.ts';
import { burstPhotos, cardPhotoBytes, plugIn, writeCard } from '../fixtures/camera-volume.ts';

let host: RunningHost;
let root: string;

test.beforeAll(async () => {
  root = tempDir('e2e-volumes');
  host = await startHost({ extraArgs: ['--volumes-root', root] });
});

test.afterAll(async () => {
  await host?.stop();
});

test('plug a camera in: the notice, the bursts with quality hints, and one burst sent to the right eye', async ({ page }) => {
  await page.goto(`${host.url}#/cameras`);
  await expect(page.getByRole('heading', { name: 'Cameras', level: 1 })).toBeVisible();
  await expect(page.getByText('No camera plugged in.')).toBeVisible();

  // A card with 11 photos in three bursts (4, 4, 3; 2 s apart within a burst, 2 minutes between bursts).
  const staging = tempDir('e2e-card');
  const card = path.join(staging, 'AURORA');
  await writeCard(card, burstPhotos(await cardPhotoBytes(11, { tag: `e2e-${Date.now()}` }), { burstSize: 4 }));
  await plugIn(card, root, 'AURORA');

  // The notice: on the camera's card here, and in the banner on every other screen (below).
  await expect(page.getByTestId('camera-headline')).toHaveText('Camera connected: 11 new photos');
  const bursts = page.getByTestId('burst');
  await expect(bursts).toHaveCount(3);
  await expect(bursts.nth(0).getByTestId('burst-photo')).toHaveCount(4);
  await expect(bursts.nth(2).getByTestId('burst-photo')).toHaveCount(3);
  await expect(page.getByTestId('camera-card')).toContainText('All photos taken in');
  await expect(page.getByTestId('send-target')).toContainText('Unassigned');
  // thumbnails are drawn, and each has its quality hint
  for (const img of await bursts.nth(0).locator('img').all()) await expect(img).toHaveJSProperty('complete', true);
  await expect(bursts.nth(0).getByTestId('burst-photo').locator('.badge.quality')).toHaveCount(4);

  // The first burst is selected: R sends it to the right eye (OD); the next burst is selected then.
  await expect(bursts.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('r');
  await expect(bursts.nth(0).getByText('Filed as')).toBeVisible();
  await expect(bursts.nth(0).locator('.badge.eye.od')).toBeVisible();
  await expect(page.getByTestId('send-result')).toContainText('4 photos filed as right eye (OD) in the Unassigned tray');
  await expect(bursts.nth(1)).toHaveAttribute('aria-selected', 'true');

  const list = await host.call<{ items: { eye: string | null; orderId: string | null }[] }>('images.list', { limit: 100 });
  expect(list.items.filter((i) => i.eye === 'OD')).toHaveLength(4);
  expect(list.items.filter((i) => i.orderId !== null)).toHaveLength(0);

  await page.screenshot({ path: 'test-results/camera.png' });
  await page.screenshot({ path: 'docs/screenshots/camera.png' });

  // The notice is on every screen, not only Cameras.
  await page.goto(`${host.origin}/#/inbox`);
  await expect(page.getByTestId('camera-banner').getByText('Camera connected: 11 new photos')).toBeVisible();
  await expect(page.getByTestId('camera-banner').getByRole('link', { name: 'Show photos' })).toBeVisible();
  await page.screenshot({ path: 'test-results/camera-banner.png' });
});
