// End to end, the DICOM screens (issue 13 item 5) in Debian's Chromium against the real headless
// host started as a DICOM node (--dicom-port 0 --dicom-camera CAM1), with DCMTK as the camera
// (findscu -W, dcmsend of an OP image made by img2dcm) and storescp +xa as the PACS. On screen:
// name the camera, add a PACS route and Test (C-ECHO) it, create a walk-in order; the camera asks
// the worklist for it and sends an image carrying its StudyInstanceUID, which lands in the exam's
// right eye tagged "DICOM · CAM1" and "Linked by worklist item (Study Instance UID)"; Sources shows
// the DICOM row, the Queue the forward. Screenshots at 1024, 1280, 1920 px into test-results/dicom/
// (Playwright's outputDir, as the other specs write theirs; a fixed /tmp folder outlived every run).
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHost, tempDir, type RunningHost } from '../fixtures/headless.ts';
import { hasDcmtk, dcmtkSkipReason, makeOp, run } from '../fixtures/dicom-camera.ts';
import { startStorescp, type Storescp } from '../fixtures/storescp.ts';

const SHOTS = 'test-results/dicom';
const PATIENT = 'DCM-4711';

let host: RunningHost;
let pacs: Storescp;
let dicomPort = 0;
let work = '';

// DCMTK as the camera and storescp as the PACS (test/fixtures/dicom-tools.ts). Playwright's list
// reporter prints no skip reason, so the test's title carries it when the test is skipped.
const skipReason = hasDcmtk ? '' : dcmtkSkipReason;
test.skip(skipReason !== '', skipReason);

test.beforeAll(async () => {
  if (skipReason) return;
  mkdirSync(SHOTS, { recursive: true });
  work = tempDir('dicom-e2e');
  mkdirSync(work, { recursive: true });
  pacs = await startStorescp();
  host = await startHost({ extraArgs: ['--dicom-port', '0', '--dicom-address', '127.0.0.1', '--dicom-camera', 'CAM1'] });
  dicomPort = (await host.call<{ listener: { port: number } }>('dicom.status')).listener.port;
});

test.afterAll(async () => {
  await host?.stop();
  pacs?.stop();
});

/** The screen at three widths; tall enough that the whole screen shows (it scrolls inside the window). */
async function shots(page: Page, name: string, height = 900) {
  for (const width of [1024, 1280, 1920]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1400, height: 900 });
}

/** The camera asks the worklist for the patient (findscu -W) and returns the item's StudyInstanceUID. */
async function worklistStudyUid(patientId: string): Promise<string> {
  const dir = path.join(work, 'find');
  mkdirSync(dir, { recursive: true });
  const query = [
    '(0010,0010) PN []',
    `(0010,0020) LO [${patientId}]`,
    '(0020,000d) UI []',
    '(0008,0050) SH []',
    '(0040,0100) SQ (Sequence with undefined length)',
    '(fffe,e000) na (Item with undefined length)',
    '(0008,0060) CS []',
    '(0040,0002) DA []',
    '(fffe,e00d) na',
    '(fffe,e0dd) na',
  ];
  writeFileSync(path.join(dir, 'q.dump'), `${query.join('\n')}\n`);
  expect((await run('dump2dcm', [path.join(dir, 'q.dump'), path.join(dir, 'q.dcm')])).code).toBe(0);
  const found = await run('findscu', ['-W', '-aet', 'CAM1', '-aec', 'CAPTURE', '127.0.0.1', String(dicomPort), path.join(dir, 'q.dcm'), '-X', '-od', dir]);
  expect(found.code, found.out).toBe(0);
  const responses = readdirSync(dir).filter((f) => f.startsWith('rsp'));
  expect(responses).toHaveLength(1);
  const dumped = await run('dcmdump', [path.join(dir, responses[0]!)]);
  const uid = /\(0020,000d\) UI \[([^\]]+)\]/i.exec(dumped.out)?.[1];
  expect(uid).toBeTruthy();
  return uid!;
}

test(`a camera and a PACS set up on screen; an image sent with the worklist item's UID lands in the right eye, shown as DICOM and linked by the worklist item${skipReason ? ` (skipped: ${skipReason})` : ''}`, async ({ page }) => {
  // Settings > DICOM: the listener in words.
  await page.goto(`${host.url}#/settings/dicom`);
  await expect(page.getByTestId('dicom-listener-state')).toHaveText(new RegExp(`^Listening on port ${dicomPort} as CAPTURE, on 127\\.0\\.0\\.1\\.`));
  const cameras = page.getByTestId('dicom-cameras');
  await expect(cameras.getByTestId('camera-row')).toHaveCount(1);
  await expect(cameras.getByTestId('camera-last-sent')).toHaveText('Nothing yet');

  // A node setting out of range is refused next to its field, before anything is sent.
  const node = page.getByTestId('dicom-node-form');
  await node.getByLabel('Port').fill('99999');
  await node.getByRole('button', { name: 'Save and restart the listener' }).click();
  await expect(node.getByText('The port must be between 1 and 65535.')).toBeVisible();

  // Name the camera: the dialog focuses its first field; an empty name is refused next to the field; Esc closes.
  await cameras.getByRole('button', { name: 'Edit camera CAM1' }).click();
  let dialog = page.getByTestId('camera-dialog');
  await expect(dialog.getByLabel('AE title')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await cameras.getByRole('button', { name: 'Edit camera CAM1' }).click();
  dialog = page.getByTestId('camera-dialog');
  await dialog.getByLabel('Name').fill('');
  await dialog.getByRole('button', { name: 'Save camera' }).click();
  await expect(dialog.getByText('Give the camera a name.')).toBeVisible();
  await dialog.getByLabel('Name').fill('Fundus camera, room 2');
  await dialog.getByLabel('Character set').selectOption('latin1');
  await expect(dialog.getByText('Western European accents (ISO_IR 100)')).toBeVisible();
  await dialog.getByLabel('Character set').selectOption('utf8');
  await dialog.getByRole('button', { name: 'Save camera' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(cameras.getByTestId('camera-row')).toContainText('Fundus camera, room 2');

  // A PACS route, tested before and after saving.
  const routes = page.getByTestId('pacs-routes');
  await routes.getByRole('button', { name: 'Add a PACS route' }).click();
  const rd = page.getByTestId('route-dialog');
  await expect(rd.getByLabel('Name')).toBeFocused();
  await rd.getByLabel('Name').fill('Clinic PACS');
  await rd.getByLabel('PACS AE title').fill(pacs.aeTitle);
  await rd.getByLabel('PACS host').fill('dicom://127.0.0.1');
  await rd.getByLabel('PACS port').fill(String(pacs.port));
  await rd.getByRole('button', { name: 'Add route' }).click();
  await expect(rd.getByText('without spaces or a scheme')).toBeVisible();
  await rd.getByLabel('PACS host').fill('127.0.0.1');
  await rd.getByRole('button', { name: 'Test (C-ECHO)' }).click();
  await expect(rd.getByTestId('echo-answer')).toContainText('answered the echo');
  await rd.getByRole('button', { name: 'Add route' }).click();
  await expect(rd).toHaveCount(0);
  await expect(routes.getByTestId('route-row')).toHaveCount(1);
  await routes.getByRole('button', { name: 'Test (C-ECHO) Clinic PACS' }).click();
  await expect(routes.getByTestId('echo-answer')).toContainText('answered the echo');
  await expect(routes.getByTestId('echo-answer')).toContainText('accepts the station as "CAPTURE"');
  await shots(page, 'dicom-settings', 1700);

  // A walk-in order, created on screen.
  await page.goto(`${host.url}#/worklist`);
  await page.getByTestId('shift-button').click();
  const shift = page.getByTestId('shift-dialog');
  await shift.getByLabel('Your name').fill('Anna Operator');
  await shift.getByRole('button', { name: 'Start my shift' }).click();
  await expect(page.getByTestId('shift-button')).toContainText('Anna Operator');
  await page.keyboard.press('n');
  const form = page.getByTestId('order-form');
  await form.getByLabel('Patient ID').fill(PATIENT);
  await form.getByLabel('Name').fill('Lindqvist, Maria');
  await form.getByLabel('Birth date').fill('1958-03-14');
  await form.getByLabel('Sex').selectOption('F');
  await form.getByRole('button', { name: 'Create order' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText('Lindqvist, Maria');

  // The camera asks the worklist, then sends the right eye carrying the item's StudyInstanceUID.
  const studyUid = await worklistStudyUid(PATIENT);
  const file = await makeOp({ dir: work, name: 'od', laterality: 'R', patientId: PATIENT, width: 1600, height: 1200, extraKeys: [`StudyInstanceUID=${studyUid}`] });
  const sent = await run('dcmsend', ['-aet', 'CAM1', '-aec', 'CAPTURE', '127.0.0.1', String(dicomPort), file]);
  expect(sent.code, sent.out).toBe(0);

  const right = page.getByTestId('eye-OD');
  await expect(right.getByTestId('photo-card')).toHaveCount(1);
  await expect(right.getByTestId('dicom-tag')).toHaveText('DICOM · CAM1');
  await expect(right.getByTestId('linked-by')).toHaveText('Linked by worklist item (Study Instance UID)');
  await expect(page.getByTestId('eye-OS').getByTestId('photo-card')).toHaveCount(0);
  await expect(right.locator('img').first()).toHaveJSProperty('complete', true);
  await shots(page, 'exam-dicom');

  // Sources: the DICOM row.
  await page.goto(`${host.url}#/sources`);
  const row = page.getByTestId('dicom-source-row');
  await expect(row).toContainText(`port ${dicomPort} as CAPTURE`);
  await expect(row).toContainText('Listening');
  await expect(row.getByTestId('dicom-today')).toHaveText('1 today');
  await expect(row.getByTestId('dicom-refused')).toContainText('0 refused today');
  await shots(page, 'sources');
  await row.getByRole('link', { name: 'DICOM settings' }).click();
  await expect(page.getByTestId('dicom-settings')).toBeVisible();
  await expect(page.getByTestId('camera-last-sent')).toContainText('1 image');
  await expect(page.getByTestId('camera-last-sent')).toContainText('Stored');

  // Queue: the forward, under its route.
  await page.goto(`${host.url}#/queue`);
  const forwards = page.getByTestId('queue-forwards');
  await expect(forwards.getByTestId('forward-route')).toHaveAttribute('data-route', 'Clinic PACS');
  await expect(forwards.getByTestId('forward-row')).toHaveAttribute('data-job-state', 'done');
  await expect(forwards.getByTestId('forward-row')).toContainText('Sent');
  expect(pacs.files()).toHaveLength(1);
  await page.screenshot({ path: `${SHOTS}/queue-1280.png`, fullPage: true });
});
