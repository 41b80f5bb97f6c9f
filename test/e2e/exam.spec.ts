// End to end: the operator's exam, in Debian's Chromium against the real headless host on temp
// folders. Create a walk-in order; three photos named by the site rule land on the right eyes;
// move one; pick a best image (with the keyboard); mark the left eye ungradable; complete. After a
// page reload and a host restart on the same data folder everything is still there, and the
// History (audit) screen shows each step.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHost, tempDir, type RunningHost } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

let host: RunningHost;
let restarted: RunningHost | null = null;

const PATIENT = '40021';
const pad = (n: number) => String(n).padStart(2, '0');
/**
 * The camera's clock for a photo taken at h:m:s of a clinic morning that began two hours ago: the
 * same spacing between photos on every run, and always a believable time (before it arrives), so
 * no "camera clock says …" flag, whatever the hour the test runs at.
 */
const morning = Date.now() - 2 * 3600_000;
const exifTime = (h: number, m: number, s: number) => {
  const d = new Date(morning + ((h - 9) * 3600 + m * 60 + s) * 1000);
  return `${d.getFullYear()}:${pad(d.getMonth() + 1)}:${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

test.beforeAll(async () => {
  host = await startHost();
  await host.call('settings.update', { fileNameRules: [{ id: 'site', name: 'Site rule', pattern: '^(?<patientId>\\d+)_(?<eye>OD|OS)_' }] });
});

test.afterAll(async () => {
  await restarted?.stop();
  await host?.stop();
});

/** Writes under a temp name and renames into the watched folder, as cameras do. */
async function dropPhoto(name: string, seed: number, taken: string) {
  const bytes = await syntheticFundusJpeg({ width: 1600, height: 1200, seed, exif: { IFD2: { DateTimeOriginal: taken } } });
  const staging = tempDir('stage');
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(staging, name), bytes);
  renameSync(path.join(staging, name), path.join(host.watchDir, name));
}

const column = (page: Page, eye: 'OD' | 'OS') => page.getByTestId(`eye-${eye}`);
const card = (page: Page, eye: 'OD' | 'OS', file: string) => column(page, eye).locator(`[data-file="${file}"]`);

async function expectFinalState(page: Page) {
  await expect(page.getByTestId('patient-name')).toHaveText('Lindqvist, Maria');
  await expect(column(page, 'OD').getByTestId('photo-card')).toHaveCount(3);
  await expect(column(page, 'OS').getByTestId('photo-card')).toHaveCount(0);
  await expect(card(page, 'OD', `${PATIENT}_OS_1.jpg`)).toBeVisible();
  await expect(page.getByTestId('best-OD')).toContainText('photo 2, chosen by you');
  await expect(card(page, 'OD', `${PATIENT}_OD_2.jpg`)).toContainText('★ Best');
  await expect(page.getByTestId('gradable-OS')).toHaveText('Ungradable: Small pupil');
  await expect(page.getByTestId('exam-status')).toHaveText('Complete');
  await expect(page.getByTestId('exam-complete')).toBeVisible();
  // Thumbnails really load (not just an <img> with a dead URL).
  await expect(card(page, 'OD', `${PATIENT}_OD_1.jpg`).locator('img')).toHaveJSProperty('complete', true);
  expect(await card(page, 'OD', `${PATIENT}_OD_1.jpg`).locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
}

test('a walk-in exam from order to complete survives a reload and a restart, and its history shows every step', async ({ page }) => {
  await page.goto(`${host.url}#/worklist`);
  await expect(page.getByRole('heading', { name: 'Worklist' })).toBeVisible();
  await expect(page.getByText('No patients on the worklist for this day.')).toBeVisible();

  // Start the shift.
  await page.getByTestId('shift-button').click();
  const shift = page.getByTestId('shift-dialog');
  await shift.getByLabel('Your name').fill('Anna Operator');
  await shift.getByRole('button', { name: 'Start my shift' }).click();
  await expect(page.getByTestId('shift-button')).toContainText('Anna Operator');

  // A walk-in patient. A mistake is shown next to its field before anything is sent.
  await page.keyboard.press('n');
  const form = page.getByTestId('order-form');
  await form.getByLabel('Patient ID').fill(PATIENT);
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(form.getByText('Name is required.')).toBeVisible();
  await form.getByLabel('Name').fill('Lindqvist, Maria');
  await form.getByLabel('Birth date').fill('1958-03-14');
  await form.getByLabel('Sex').selectOption('F');
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText('Lindqvist, Maria');
  const orderId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
  expect(orderId).toBeTruthy();
  await expect(page.getByTestId('blockers')).toContainText('The right eye (OD) has no usable photo');

  // Three photos named by the site rule land on the right eyes, in the order taken.
  await dropPhoto(`${PATIENT}_OD_1.jpg`, 11, exifTime(9, 15, 0));
  await dropPhoto(`${PATIENT}_OD_2.jpg`, 12, exifTime(9, 15, 10));
  await dropPhoto(`${PATIENT}_OS_1.jpg`, 13, exifTime(9, 16, 0));
  await expect(column(page, 'OD').getByTestId('photo-card')).toHaveCount(2);
  await expect(column(page, 'OS').getByTestId('photo-card')).toHaveCount(1);
  await expect(column(page, 'OD').getByTestId('photo-card').first()).toHaveAttribute('data-file', `${PATIENT}_OD_1.jpg`);
  await expect(card(page, 'OS', `${PATIENT}_OS_1.jpg`).getByTestId('weak-link')).toContainText('Linked by its file name');
  await page.screenshot({ path: 'test-results/exam-1-arrived.png' });

  // Move one: this "left" photo actually shows the right eye.
  await card(page, 'OS', `${PATIENT}_OS_1.jpg`).getByRole('button', { name: '← Move to right eye' }).click();
  await expect(column(page, 'OD').getByTestId('photo-card')).toHaveCount(3);
  await expect(column(page, 'OS').getByTestId('photo-card')).toHaveCount(0);

  // Pick the best image with the keyboard alternative: focus the photo, press B.
  await card(page, 'OD', `${PATIENT}_OD_2.jpg`).focus();
  await page.keyboard.press('b');
  await expect(page.getByTestId('best-OD')).toContainText('photo 2, chosen by you');

  // The left eye could not be photographed: exactly one reason from the list.
  await column(page, 'OS').getByLabel('Reason the left eye is ungradable').selectOption('Small pupil');
  await column(page, 'OS').getByRole('button', { name: 'Mark left eye ungradable' }).click();
  await expect(page.getByTestId('gradable-OS')).toHaveText('Ungradable: Small pupil');
  await expect(page.getByTestId('blockers')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/exam-2-ready.png' });
  // For the README: tall enough to show every photo and the Complete button.
  await page.setViewportSize({ width: 1400, height: 1400 });
  await page.screenshot({ path: 'docs/screenshots/exam.png' });
  await page.setViewportSize({ width: 1400, height: 900 });

  await page.getByRole('button', { name: '✓ Complete exam' }).click();
  await expect(page.getByTestId('exam-complete')).toBeVisible();
  await page.screenshot({ path: 'test-results/exam-3-complete.png' });

  // A reload: the page holds nothing the station does not have.
  await page.reload();
  await expectFinalState(page);

  // The Inbox shows which exam and eye each photo is filed under.
  await page.goto(`${host.url}#/inbox`);
  const row = page.getByTestId('inbox-row').filter({ hasText: `${PATIENT}_OS_1.jpg` });
  await expect(row.getByTestId('inbox-exam')).toContainText(`Lindqvist, Maria · ${PATIENT} · OD`);

  // Restart the host on the same data folder.
  await host.stop();
  restarted = await startHost({ dataDir: host.dataDir, watchDirs: [host.watchDir] });
  await page.goto(`${restarted.url}#/exam/${orderId}`);
  await expectFinalState(page);
  await expect(page.getByTestId('shift-button')).toContainText('Anna Operator');

  // The worklist row sums it up.
  await page.goto(`${restarted.url}#/worklist`);
  const wl = page.getByTestId('worklist-row').filter({ hasText: 'Lindqvist, Maria' });
  await expect(wl).toContainText('Complete');
  await expect(wl.locator('[data-eye="OD"]')).toContainText('3 photos');
  await expect(wl.locator('[data-eye="OD"]')).toContainText('★ Best chosen');
  await expect(wl.locator('[data-eye="OS"]')).toContainText('Ungradable: Small pupil');
  await page.screenshot({ path: 'test-results/exam-4-worklist.png' });

  // The History screen shows each step, who did it and when.
  await wl.getByRole('link', { name: 'Lindqvist, Maria' }).click();
  await page.getByRole('link', { name: 'History' }).click();
  const audit = page.getByTestId('audit-table');
  await expect(audit.getByTestId('audit-row')).toHaveCount(8);
  const actions = await audit.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
  expect(actions).toEqual(['order-create', 'auto-assign', 'auto-assign', 'auto-assign', 'move', 'best-pick', 'ungradable', 'complete']);
  await expect(audit).toContainText('Created this order (walk-in patient).');
  await expect(audit).toContainText(`Filed photo ${PATIENT}_OD_1.jpg under the right eye, recognised by its file name`);
  await expect(audit).toContainText(`Moved photo ${PATIENT}_OS_1.jpg from the left eye to the right eye.`);
  await expect(audit).toContainText(`Chose photo ${PATIENT}_OD_2.jpg as the best image of the right eye.`);
  await expect(audit).toContainText('Marked the left eye ungradable: Small pupil.');
  await expect(audit).toContainText('Marked the exam complete (version 1).');
  await expect(audit.getByTestId('audit-row').filter({ hasText: 'Moved photo' })).toContainText('Anna Operator');
  await page.screenshot({ path: 'test-results/exam-5-history.png' });
});

test('Unassigned tray: a burst goes to a patient in one action; "Which eye?" is asked, never guessed; a weak link is one click to undo', async ({ page }) => {
  const h = await startHost();
  try {
    await h.call('operators.add', { name: 'Ola Operator' });
    const today = new Date();
    const at = (hour: number) => new Date(today.getFullYear(), today.getMonth(), today.getDate(), hour).toISOString();
    const order = (patientId: string, name: string, hour: number) => ({ patientId, name, birthDate: '1970-01-01', sex: 'M', scheduledAt: at(hour) });
    const berg = await h.call<{ created: boolean; order: { id: string } }>('orders.create', { order: order('50001', 'Berg, Ola', 9) });
    const nilsen = await h.call<{ created: boolean; order: { id: string } }>('orders.create', { order: order('50002', 'Nilsen, Kari', 10) });

    // Two photos that say nothing about patient or eye, taken seconds apart: one burst.
    const drop = async (name: string, seed: number, taken: string) => {
      const bytes = await syntheticFundusJpeg({ width: 1200, height: 900, seed, exif: { IFD2: { DateTimeOriginal: taken } } });
      writeFileSync(path.join(h.watchDir, name), bytes);
    };
    await drop('IMG_0101.jpg', 21, exifTime(10, 2, 0));
    await drop('IMG_0102.jpg', 22, exifTime(10, 2, 8));

    await page.goto(`${h.url}#/unassigned`);
    const burst = page.getByTestId('burst');
    await expect(burst).toHaveCount(1);
    await expect(burst).toContainText('2 photos · eyes: 2 not known');
    await page.screenshot({ path: 'test-results/unassigned.png' });
    await burst.getByRole('button', { name: 'Assign all 2 to a patient…' }).click();
    const picker = page.getByTestId('order-picker');
    await picker.getByLabel('Find the patient (name or ID)').fill('Berg');
    await picker.getByText('Berg, Ola').click();
    await picker.getByLabel('As the file says (2 not known)').check();
    await picker.getByRole('button', { name: 'Assign' }).click();
    await expect(page.getByText('Nothing to sort out.')).toBeVisible();

    // The exam asks which eye.
    await page.goto(`${h.url}#/exam/${berg.order.id}`);
    const which = page.getByTestId('which-eye');
    await expect(which.getByTestId('photo-card')).toHaveCount(2);
    await expect(page.getByTestId('blockers')).toContainText('2 photos still need an eye');
    await page.screenshot({ path: 'test-results/which-eye.png' });
    await which.locator('[data-file="IMG_0101.jpg"]').getByRole('button', { name: 'OD · Right' }).click();
    await which.locator('[data-file="IMG_0102.jpg"]').getByRole('button', { name: 'OS · Left' }).click();
    await expect(which).toHaveCount(0);
    await expect(column(page, 'OD').getByTestId('photo-card')).toHaveCount(1);
    await expect(column(page, 'OS').getByTestId('photo-card')).toHaveCount(1);

    // Drag and drop: the left photo onto the right eye's column.
    await column(page, 'OS').locator('[data-file="IMG_0102.jpg"]').dragTo(column(page, 'OD'));
    await expect(column(page, 'OD').getByTestId('photo-card')).toHaveCount(2);

    // "Now at the camera": an anonymous photo is filed under that exam, as a weak link shown as such.
    await page.goto(`${h.url}#/exam/${nilsen.order.id}`);
    await page.getByRole('button', { name: '○ Capturing now' }).click();
    await expect(page.getByRole('button', { name: '● Capturing now' })).toBeVisible();
    await drop('IMG_0200.jpg', 23, exifTime(10, 30, 0));
    await expect(page.getByTestId('weak-banner')).toContainText('1 photo was linked by "capturing now"');
    const weakCard = page.getByTestId('which-eye').locator('[data-file="IMG_0200.jpg"]');
    await expect(weakCard.getByTestId('weak-link')).toBeVisible();
    await page.screenshot({ path: 'test-results/weak-link.png' });
    await weakCard.getByRole('button', { name: '✕ Not this patient' }).click();
    await expect(page.getByTestId('which-eye')).toHaveCount(0);
    await page.goto(`${h.url}#/unassigned`);
    await expect(page.getByTestId('burst').filter({ hasText: 'IMG_0200.jpg' })).toBeVisible();

    // A likely duplicate is warned about, with the way to the existing exam.
    await page.goto(`${h.url}#/worklist`);
    await page.getByRole('button', { name: '+ New walk-in patient' }).click();
    const form = page.getByTestId('order-form');
    await form.getByLabel('Patient ID').fill('50001');
    await form.getByLabel('Name').fill('Berg, Ola');
    await form.getByLabel('Birth date').fill('1970-01-01');
    await form.getByLabel('Sex').selectOption('M');
    await form.getByRole('button', { name: 'Create order' }).click();
    await expect(form.getByTestId('duplicate-warning')).toContainText('This patient already has an order that day.');
    await page.screenshot({ path: 'test-results/duplicate.png' });
    await form.getByRole('button', { name: 'Open this exam' }).click();
    await expect(page.getByTestId('patient-name')).toHaveText('Berg, Ola');
  } finally {
    await h.stop();
  }
});

test('a worklist of 20,000 orders from the worklist server: smooth, searchable, keyboard-driven; a failing server keeps the last good list', async ({ page }) => {
  const { createServer } = await import('node:http');
  let failing = false;
  const day = new Date();
  const orders = Array.from({ length: 20_000 }, (_, i) => ({
    orderId: `ORD-${i}`,
    patient: { id: `P${100000 + i}`, name: `Patient ${String(i).padStart(5, '0')}, Test`, birthDate: '1950-01-01', sex: i % 2 ? 'M' : 'F' },
    scheduledAt: new Date(day.getFullYear(), day.getMonth(), day.getDate(), 7, 0, i % 36_000).toISOString(),
  }));
  const body = JSON.stringify({ orders });
  const server = createServer((_req, res) => {
    if (failing) {
      res.writeHead(500);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/worklist`;
  const h = await startHost();
  try {
    await h.call('worklist.settings.update', { http: { enabled: true, url, token: 't0ken', pollSeconds: 3600 } });
    await h.call('worklist.refresh', {});
    await page.goto(`${h.url}#/worklist`);
    await expect(page.getByText('20000 patients')).toBeVisible();
    await expect(page.getByText('✓ Worklist server: up to date')).toBeVisible();
    const rows = page.getByTestId('worklist-row');
    expect(await rows.count()).toBeLessThan(80); // virtualised: only what is on screen

    // Keyboard: into the list, to the end, back up, open.
    const list = page.getByRole('listbox', { name: 'Orders' });
    await list.focus();
    const t0 = Date.now();
    await page.keyboard.press('End');
    await expect(rows.filter({ hasText: 'Patient 19999, Test' })).toBeVisible();
    await page.keyboard.press('Home');
    await expect(rows.filter({ hasText: 'Patient 00000, Test' })).toBeVisible();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect(page.locator('[data-testid="worklist-row"][aria-selected="true"]')).toContainText('Patient 00003, Test');
    const navMs = Date.now() - t0;
    expect(navMs).toBeLessThan(5_000);
    await page.screenshot({ path: 'test-results/worklist-20000.png' });

    // Search by ID, Enter opens the only match.
    await page.keyboard.press('/');
    await page.keyboard.type('P119999');
    await expect(rows).toHaveCount(1);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('patient-name')).toHaveText('Patient 19999, Test');

    // The server breaks: the last good list stays, and the screen says so.
    failing = true;
    await h.call('worklist.refresh', {});
    await page.goto(`${h.url}#/worklist`);
    await expect(page.getByTestId('provider-http-failing')).toContainText('HTTP 500');
    await expect(page.getByTestId('provider-http-failing')).toContainText('Showing the list from');
    await expect(page.getByText('20000 patients')).toBeVisible();
    await page.screenshot({ path: 'test-results/worklist-server-failing.png' });
  } finally {
    await h.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
