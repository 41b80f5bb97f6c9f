// End to end, cloud sync: the real headless station, Azurite with a write-only SAS and the
// reference order-intake server, the real renderer in Debian's Chromium. IT enters the cloud
// settings and tests the connection; the operator completes an exam; the photos go up and the
// order is accepted; an expired connection string pauses the queue with a plain message until IT
// enters a new one.
import { test, expect } from '@playwright/test';
import { headlessSecretStore } from '../../src/main/core/sync/secrets.ts';
import { startHost, tempDir, type RunningHost } from '../fixtures/headless.ts';
import { CONTAINER, ORDER_TOKEN, openStation, seedExam, startSyncWorld, type SeededExam, type SyncWorld } from '../fixtures/sync-world.ts';

let world: SyncWorld;
let host: RunningHost;
let exams: SeededExam[];

test.beforeAll(async () => {
  world = await startSyncWorld();
  // Two exams with photos linked per eye (as the worklist feature would have them), not completed.
  const dataDir = tempDir('e2e-sync');
  const setup = await openStation({ dataDir, secrets: headlessSecretStore(dataDir, {}) });
  exams = [await seedExam(setup, 1, 2, 'large'), await seedExam(setup, 2, 1, 'large')];
  await setup.close();
  host = await startHost({ dataDir, watchDirs: [], env: { CAPTURE_CONNECTION_STRING: '', CAPTURE_ORDER_TOKEN: '' } });
});

test.afterAll(async () => {
  await host?.stop();
  await world?.stop();
});

const sigOf = (cs: string): string => decodeURIComponent(/sig=([^&;]+)/.exec(cs)![1]!);

test('IT sets up the cloud, the operator completes an exam, the photos go up and the order is accepted', async ({ page }) => {
  await page.goto(host.url);
  const indicator = page.getByTestId('sync-indicator');
  await expect(indicator).toHaveAttribute('data-state', 'not-configured');
  await expect(indicator).toContainText('Cloud not set up');

  // Cloud settings: a mistake first, explained on its field; then Test connection; then Save.
  await page.getByRole('link', { name: 'Cloud', exact: true }).click();
  const form = page.getByTestId('cloud-settings');
  const cs = world.az.writeOnlyConnectionString(CONTAINER);
  await form.getByLabel('Connection string').fill(cs);
  await form.getByLabel('Container').fill('Images_1');
  await form.getByLabel('Order endpoint', { exact: true }).fill(world.intake.url);
  await form.getByLabel('Order endpoint token').fill(ORDER_TOKEN);
  await form.getByLabel('Site id').fill('PC1234');
  await form.getByLabel('Station id').fill('station-e2e');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('problem-container')).toContainText('lower-case letters');
  await form.getByLabel('Container').fill(CONTAINER);
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('probe-storage')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('probe-storage')).toContainText('Connected');
  await expect(page.getByTestId('probe-orders')).toHaveAttribute('data-ok', 'true');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  // Never shown back: the field is empty, a hint names the endpoint and the signature's last characters.
  await expect(form.getByLabel('Connection string')).toHaveValue('');
  await expect(form).toContainText(`(signature …${sigOf(cs).slice(-4)})`);
  expect(await page.content()).not.toContain(sigOf(cs));
  expect(await page.content()).not.toContain(ORDER_TOKEN);
  await page.screenshot({ path: 'docs/screenshots/cloud-settings.png' });
  await expect(indicator).toHaveAttribute('data-state', 'idle');

  // The operator completes the first exam on its screen.
  const exam = exams[0]!;
  await page.goto(`${host.origin}/#/exam/${exam.orderId}`);
  await page.getByRole('button', { name: '✓ Complete exam' }).click();
  await expect(page.getByTestId('exam-complete')).toContainText('and sent', { timeout: 20_000 });
  await expect(page.getByTestId('sync-badge').filter({ hasText: 'In cloud' })).toHaveCount(4);
  await expect(indicator).toContainText('all sent');

  // The queue shows what happened.
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect(page.getByTestId('queue-status')).toHaveAttribute('data-state', 'idle');
  const orders = page.getByTestId('queue-orders');
  await expect(orders.getByTestId('queue-row')).toHaveCount(1);
  await expect(orders.getByTestId('job-state')).toHaveText('Sent');
  await expect(orders).toContainText('created');
  await expect(page.getByTestId('queue-uploads').getByTestId('queue-row')).toHaveCount(4);
  await page.screenshot({ path: 'docs/screenshots/queue.png' });

  // In storage and at the order service, as the platform sees them.
  const names = await world.blobNames();
  for (const img of exam.images) expect(names).toContain(`${img.id}.jpg`);
  expect(world.intake.received.filter((o) => o.CaptureStation.ExamId === exam.orderId)).toHaveLength(1);
});

test('an expired connection string pauses the queue with a plain message; a new one resumes it', async ({ page }) => {
  // The saved connection string expired (IT set one that ran out).
  const expired = world.az.writeOnlyConnectionString(CONTAINER, { expiresOn: new Date(Date.now() - 60_000) });
  const r = await host.call<{ ok: boolean }>('sync.settings.update', { connectionString: expired });
  expect(r.ok).toBe(true);
  await host.call('exam.complete', { orderId: exams[1]!.orderId });

  await page.goto(`${host.url}#/queue`);
  const indicator = page.getByTestId('sync-indicator');
  await expect(indicator).toHaveAttribute('data-state', 'paused');
  await expect(indicator).toContainText('2 photos');
  await expect(page.getByTestId('queue-message')).toContainText('expired on');
  await expect(page.getByTestId('queue-message')).toContainText('Ask IT for a new one');
  await expect(page.getByTestId('queue-uploads').locator('[data-job-state="paused"]')).toHaveCount(2);
  await page.screenshot({ path: 'docs/screenshots/queue-paused.png' });

  // IT pastes a fresh one; nothing else changes.
  await page.getByRole('link', { name: 'Open the cloud settings' }).click();
  await page.getByTestId('cloud-settings').getByLabel('Connection string').fill(world.az.writeOnlyConnectionString(CONTAINER));
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(indicator).toHaveAttribute('data-state', 'idle', { timeout: 20_000 });
  await expect(indicator).toContainText('all sent');
  expect(world.intake.received.filter((o) => o.CaptureStation.ExamId === exams[1]!.orderId)).toHaveLength(1);
});
