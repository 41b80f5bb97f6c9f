// Issue 10 item 4 and 8: the layout at 1024x768, 1280x800 and 1920x1080, and the README's
// screenshots. The top bar is one row of constant height whatever the sync text says; worklist
// chips stay inside their row; at 1280x800 the photos of both eyes are above the fold; badges,
// chips and file names are 15 px or more. The screenshots of the worklist, the exam and the Cameras
// screen at the three sizes are written to docs/screenshots/ (fixture patients only): re-run with
//   npm run build && npx playwright test test/e2e/flow-layout.spec.ts
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir, repoRoot, type RunningHost } from '../fixtures/headless.ts';
import { burstPhotos, cardPhotoBytes, plugIn, writeCard } from '../fixtures/camera-volume.ts';
import { blurredPhoto, drop, goodPhoto, startFlowHost, walkIn } from '../fixtures/flow-world.ts';

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
const SHOTS = path.join(repoRoot, 'docs', 'screenshots');

let host: RunningHost;
let root: string;
let examId: string;

const at = (h: number, m: number) => {
  const d = new Date();
  d.setHours(h, m, 0, 0);
  return d;
};

test.beforeAll(async () => {
  root = tempDir('layout-volumes');
  host = await startFlowHost({ extraArgs: ['--volumes-root', root] });
  // A morning list: waiting, in progress (photos that need an eye, a weak link), complete.
  examId = await walkIn(host, '70001', 'Lindqvist, Maria', at(8, 30));
  const other = await walkIn(host, '70002', 'Okonkwo, Grace', at(8, 45));
  await walkIn(host, '70003', 'García Fernández, José Antonio', at(9, 0));
  await walkIn(host, '70004', 'Nakamura, Hiroshi', at(9, 15));
  await walkIn(host, '70005', 'Müller, Anna', at(9, 30));
  await walkIn(host, '70006', "O'Brien, Seán", at(9, 45));
  drop(host, '70001_OD_1.jpg', await goodPhoto(300));
  drop(host, '70001_OD_2.jpg', await goodPhoto(290));
  drop(host, '70001_OS_1.jpg', await goodPhoto(200));
  drop(host, '70001_OS_2.jpg', await goodPhoto(190));
  drop(host, '70002_OD_1.jpg', await goodPhoto(120));
  drop(host, '70002_X_1.jpg', await blurredPhoto('layout-noeye'));
  drop(host, '70002_X_2.jpg', await goodPhoto(100));
  await host.call('orders.setCapturingNow', { id: other, on: true });
});

test.afterAll(async () => {
  await host?.stop();
});

async function shoot(page: Page, name: string, size: { width: number; height: number }) {
  mkdirSync(SHOTS, { recursive: true });
  const raw = await page.screenshot({ fullPage: false });
  // A palette PNG keeps each file well under 300 KB and the text sharp.
  const png = await sharp(raw).png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 }).toBuffer();
  expect(png.length).toBeLessThan(300 * 1024);
  writeFileSync(path.join(SHOTS, `${name}-${size.width}x${size.height}.png`), png);
}

/** The top bar: one row (every tab on the first row's line), 56 px high. */
async function expectOneRowTopBar(page: Page) {
  const bar = page.locator('header.topbar');
  await expect.poll(async () => (await bar.boundingBox())?.height).toBe(56);
  const tops = await page.locator('header.topbar .tab').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);
  const right = await page.locator('.topbar-right').boundingBox();
  expect(right!.y).toBeGreaterThanOrEqual(0);
  expect(right!.y + right!.height).toBeLessThanOrEqual(56);
}

/** No text below 15 px on badges, chips and file names. */
async function expectReadable(page: Page) {
  const sizes = await page.locator('.badge, .wl-chip, .file-name').evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => parseFloat(getComputedStyle(e).fontSize)));
  expect(sizes.length).toBeGreaterThan(0);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(15);
}

test('the worklist at 1024, 1280 and 1920: one-row top bar, chips inside their row, readable badges', async ({ page }) => {
  await page.goto(`${host.url}#/worklist`);
  const rows = page.getByTestId('worklist-row');
  await expect(rows).toHaveCount(6);
  await expect(rows.filter({ hasText: 'Okonkwo' })).toContainText('need an eye');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expectOneRowTopBar(page);
    await expectReadable(page);
    // Every chip and badge of a row lies inside the row (none spills into the next one).
    const spill = await rows.evaluateAll((els) =>
      els.flatMap((row) => {
        const r = row.getBoundingClientRect();
        return [...row.querySelectorAll('.badge, .wl-chip, .wl-eye, .wl-state')].filter((c) => {
          const b = c.getBoundingClientRect();
          return b.height > 0 && (b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5);
        }).map((c) => `${row.textContent?.slice(0, 30)}: ${c.textContent}`);
      }),
    );
    expect(spill, `at ${size.width}`).toEqual([]);
    await shoot(page, 'worklist', size);
  }
});

test('the exam at 1280x800 shows the photos of both eyes above the fold (and at 1024 and 1920)', async ({ page }) => {
  await page.goto(`${host.url}#/exam/${examId}`);
  await expect(page.getByTestId('eye-OD').getByTestId('photo-card')).toHaveCount(2);
  await expect(page.getByTestId('eye-OS').getByTestId('photo-card')).toHaveCount(2);
  for (const img of await page.locator('.wl-thumb img').all()) await expect(img).toHaveJSProperty('complete', true);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expectOneRowTopBar(page);
    await expectReadable(page);
    for (const eye of ['OD', 'OS']) {
      const thumb = await page.getByTestId(`eye-${eye}`).locator('.wl-thumb').first().boundingBox();
      expect(thumb!.y + thumb!.height, `${eye} at ${size.width}x${size.height}`).toBeLessThanOrEqual(size.height);
    }
    await shoot(page, 'exam', size);
  }
});

test('the Cameras screen with a camera plugged in, at the three sizes', async ({ page }) => {
  await page.goto(`${host.url}#/cameras`);
  const card = path.join(tempDir('layout-card'), 'AURORA');
  await writeCard(card, burstPhotos(await cardPhotoBytes(6, { tag: `layout-${Date.now()}` }), { burstSize: 3 }));
  await plugIn(card, root, 'AURORA');
  await expect(page.getByTestId('burst')).toHaveCount(2);
  for (const img of await page.getByTestId('burst').locator('img').all()) await expect(img).toHaveJSProperty('complete', true);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expectOneRowTopBar(page);
    await expectReadable(page);
    await shoot(page, 'cameras', size);
  }
});
