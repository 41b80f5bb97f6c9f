// End to end: the real headless host on temp folders, the real renderer in Debian's Chromium.
import { test, expect } from '@playwright/test';
import { writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startHost, type RunningHost } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';
import { writeTestDicom } from '../fixtures/dicom.ts';

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost();
  await host.call('settings.update', {
    fileNameRules: [{ id: 'site', name: 'Site rule', pattern: '^(?<patientId>\\d+)_(?<eye>OD|OS)_' }],
  });
});

test.afterAll(async () => {
  await host?.stop();
});

test('photos appear in the Inbox with their eye, the detail view shows metadata, a bad file shows its reason', async ({ page }) => {
  await page.goto(`${host.url}#/inbox`);
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  await expect(page.getByText('No photos yet.')).toBeVisible();

  // A JPEG named by the site rule (right eye) and a DICOM that says left eye in Image Laterality.
  const jpeg = await syntheticFundusJpeg({ width: 1600, height: 1200, seed: 7 });
  const staging = path.join(host.dataDir, '..', `stage-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(staging, '12345_OD_1.jpg'), jpeg);
  copyFileSync(path.join(staging, '12345_OD_1.jpg'), path.join(host.watchDir, '12345_OD_1.jpg'));
  const frame = await syntheticFundusJpeg({ width: 800, height: 600, seed: 8 });
  writeFileSync(path.join(host.watchDir, 'exam-left.dcm'), writeTestDicom({ jpegFrame: frame, patientId: 'P-777', laterality: 'L' }));
  writeFileSync(path.join(host.watchDir, 'notes.jpg'), 'this is a text file, not a photo\n');

  const rows = page.getByTestId('inbox-row');
  await expect(rows.filter({ hasText: '12345_OD_1.jpg' }).getByText('OD · Right')).toBeVisible();
  await expect(rows.filter({ hasText: 'exam-left.dcm' }).getByText('OS · Left')).toBeVisible();
  await expect(rows.filter({ hasText: '12345_OD_1.jpg' }).locator('img')).toHaveJSProperty('complete', true);
  await expect(rows.filter({ hasText: 'exam-left.dcm' }).locator('img')).toBeVisible();

  const refused = rows.filter({ hasText: 'notes.jpg' });
  await expect(refused.getByText('Refused')).toBeVisible();
  await expect(refused.getByTestId('refusal-reason')).toContainText(/not a photo|not an image|not a picture/i);

  await page.screenshot({ path: 'test-results/inbox.png' });
  await page.screenshot({ path: 'docs/screenshots/inbox.png' });

  // Keyboard: focus the list, move to the DICOM row, open it with Enter.
  await rows.filter({ hasText: 'exam-left.dcm' }).click();
  const detail = page.getByTestId('image-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByText('P-777')).toBeVisible();
  await expect(detail.getByRole('img')).toBeVisible();
  await page.screenshot({ path: 'test-results/detail.png' });
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
});

test('the API refuses requests without the token or from another origin', async ({ request }) => {
  const noToken = await request.post(`${host.origin}/api/call/images.list`, { data: {} });
  expect(noToken.status()).toBe(401);
  const otherOrigin = await request.post(`${host.origin}/api/call/images.list`, {
    data: {},
    headers: { authorization: `Bearer ${host.token}`, origin: 'http://evil.example' },
  });
  expect(otherOrigin.status()).toBe(403);
  const ok = await request.post(`${host.origin}/api/call/images.list`, { data: {}, headers: { authorization: `Bearer ${host.token}` } });
  expect(ok.status()).toBe(200);
  const body = (await ok.json()) as { items: { id: string; thumbnailUrl: string | null }[] };
  const withThumb = body.items.find((i) => i.thumbnailUrl);
  expect(withThumb).toBeTruthy();
  const thumb = await request.get(`${host.origin}${withThumb!.thumbnailUrl}`, { headers: { authorization: `Bearer ${host.token}` } });
  expect(thumb.status()).toBe(200);
  expect(thumb.headers()['content-type']).toBe('image/jpeg');
});
