// End to end for the quality hints: a sharp and a blurred photo of the same patient's right eye
// arrive in the watched folder; the Inbox and the exam show two different hints, and the exam
// shouts "retake" because the latest shot of the eye is the blurred one.
import { test, expect } from '@playwright/test';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHost, tempDir, type RunningHost } from '../fixtures/headless.ts';
import { fundusVariantJpeg } from '../fixtures/fundus-variants.ts';
import { withUniqueComment } from '../fixtures/fundus.ts';

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost();
  await host.call('settings.update', { fileNameRules: [{ id: 'site', name: 'Site rule', pattern: '^(?<patientId>\\d+)_(?<eye>OD|OS)_' }] });
  await host.call('operators.add', { name: 'Quality Tester' });
});

test.afterAll(async () => {
  await host?.stop();
});

async function drop(name: string, bytes: Buffer) {
  const staging = tempDir('stage');
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(staging, name), bytes);
  renameSync(path.join(staging, name), path.join(host.watchDir, name));
}

test('a sharp and a blurred photo get different hints, and the exam asks for a retake', async ({ page }) => {
  const now = new Date();
  now.setHours(10, 0, 0, 0);
  const created = await host.call<{ created: boolean; order: { id: string } }>('orders.create', {
    order: { patientId: '60001', name: 'Sharp, Blur', birthDate: '1960-05-05', sex: 'F', scheduledAt: now.toISOString() },
  });
  expect(created.created).toBe(true);

  await drop('60001_OD_1.jpg', await fundusVariantJpeg('sharp', { width: 1600, height: 1200, seed: 11 }));
  await page.goto(`${host.url}#/inbox`);
  const rows = page.getByTestId('inbox-row');
  await expect(rows.filter({ hasText: '60001_OD_1.jpg' }).getByText('Good')).toBeVisible();
  // Different bytes for the blurred one even if the blur were a no-op, so it is not a duplicate.
  await drop('60001_OD_2.jpg', withUniqueComment(await fundusVariantJpeg('blurred', { width: 1600, height: 1200, seed: 11 }), 'blurred'));
  const blurred = rows.filter({ hasText: '60001_OD_2.jpg' });
  await expect(blurred.getByText('Retake')).toBeVisible();
  await expect(blurred.locator('.badge.quality')).toHaveAttribute('title', /Blurry/);
  // The reason is on the badge itself, not only in the tooltip.
  await expect(blurred.locator('.badge.quality')).toContainText('Retake · Blurry');
  await expect(rows.filter({ hasText: '60001_OD_1.jpg' }).locator('.badge.quality')).not.toContainText('·');
  await page.screenshot({ path: 'test-results/quality-inbox.png' });

  await page.goto(`${host.url}#/exam/${created.order.id}`);
  const banner = page.getByTestId('retake-banner');
  await expect(banner).toContainText('Retake Right eye');
  await expect(banner).toContainText('Blurry');
  await page.screenshot({ path: 'test-results/quality-exam.png' });
  await page.screenshot({ path: 'docs/screenshots/quality.png' });
});
