// `npm run demo`: the whole path from a photo to an accepted order, on this machine alone.
//   1. Azurite (Microsoft's storage emulator) on loopback, a random port, a container "images";
//      the station gets a write-only SAS (sp=cw), as a clinic gets from the platform.
//   2. The reference order-intake server (it checks storage with the account key, which the
//      station never has, and refuses an order naming a photo that is not there).
//   3. A headless Capture Station configured for them (image first). Its secrets come from
//      environment variables (CAPTURE_CONNECTION_STRING, CAPTURE_ORDER_TOKEN).
//   4. A small worklist of walk-in orders, created through the station's API.
//   5. A camera simulator that saves real-looking fundus photos for those patients into the
//      folder the station watches (`<patientId>_<OD|OS>_<n>.jpg`; a file-name rule links them).
// Then it prints the address. Open it, open a patient on the Worklist, press "✓ Complete exam",
// and watch the sync indicator and the Queue: the photos go up, then the order is accepted (the
// intake server's lines below say so).
//
//   npm run demo                      interactive; Ctrl+C stops everything
//   npm run demo -- --auto --exit     completes the exams itself and exits when every order is accepted
//   npm run demo -- --data DIR        keep the station's data in DIR (default: a temp folder)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startAzurite } from '../test/fixtures/azurite.ts';
import { startHost } from '../test/fixtures/headless.ts';
import { startOrderIntakeServer } from './order-intake-server.ts';
import { realPhotos, runCameraSimulator } from './camera-simulator.ts';

const CONTAINER = 'images';

const PATIENTS = [
  { patientId: 'DEMO-1001', name: 'Lindqvist, Maria', birthDate: '1957-04-12', sex: 'F' as const },
  { patientId: 'DEMO-1002', name: 'Okafor, James', birthDate: '1969-11-30', sex: 'M' as const },
  { patientId: 'DEMO-1003', name: 'Novak, Petra', birthDate: '1948-07-02', sex: 'F' as const },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      auto: { type: 'boolean', default: false },
      exit: { type: 'boolean', default: false },
      data: { type: 'string' },
      port: { type: 'string', default: '0' },
      'per-eye': { type: 'string', default: '2' },
      'interval-ms': { type: 'string', default: '1200' },
    },
  });
  const perEye = Number(values['per-eye']);
  const say = (line: string): void => console.log(`[demo] ${line}`);
  const tempRoot = values.data ? null : mkdtempSync(path.join(tmpdir(), 'capture-demo-'));
  const dataDir = path.resolve(values.data ?? path.join(tempRoot!, 'station'));
  const watchDir = path.join(path.dirname(dataDir), 'camera-export');
  mkdirSync(watchDir, { recursive: true });

  say('starting Azurite (storage emulator) on 127.0.0.1 …');
  const az = await startAzurite();
  await az.createContainer(CONTAINER);
  say(`storage: ${az.blobEndpoint}/${CONTAINER} (the station gets a write-only SAS: create + write, no read, no list)`);

  const orderToken = `demo-order-token-${Math.random().toString(36).slice(2, 14)}`;
  const intake = await startOrderIntakeServer({
    blobEndpoint: az.blobEndpoint,
    accountKey: az.accountKey,
    token: orderToken,
    container: CONTAINER,
    log: (l) => console.log(`[order-intake] ${l}`),
  });
  say(`order endpoint: ${intake.url}`);

  const station = await startHost({
    dataDir,
    watchDirs: [watchDir],
    port: values.port!,
    echo: '[station]',
    env: {
      CAPTURE_CONNECTION_STRING: az.writeOnlyConnectionString(CONTAINER, { expiresOn: new Date(Date.now() + 7 * 86_400_000) }),
      CAPTURE_ORDER_TOKEN: orderToken,
    },
  });

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping …');
    await station.stop('SIGTERM');
    await intake.stop();
    await az.stop();
    if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  // The station: an operator on shift, a file-name rule for the camera, the cloud settings (the
  // secrets came from the environment), and today's walk-in patients.
  await station.call('operators.add', { name: 'Demo Operator' });
  await station.call('settings.update', {
    fileNameRules: [{ id: 'demo-camera', name: 'Demo camera: <patient id>_<OD|OS>_<n>.jpg', pattern: '^(?<patientId>[A-Za-z0-9-]+)_(?<eye>OD|OS)_\\d+' }],
  });
  const saved = await station.call<{ ok: boolean; problems?: Record<string, string> }>('sync.settings.update', {
    container: CONTAINER,
    workflow: 'image-first',
    orderEndpointUrl: intake.url,
    siteId: 'DEMO-SITE',
    stationId: 'demo-station-1',
    concurrency: 4,
    bandwidthCapKbps: null,
  });
  if (!saved.ok) throw new Error(`cloud settings refused: ${JSON.stringify(saved.problems)}`);
  const orders: { id: string; patientId: string }[] = [];
  for (const p of PATIENTS) {
    const r = await station.call<{ created: boolean; order?: { id: string } }>('orders.create', {
      order: { ...p, scheduledAt: new Date().toISOString() },
      allowDuplicate: true,
    });
    if (r.order) orders.push({ id: r.order.id, patientId: p.patientId });
  }
  say(`worklist: ${orders.length} walk-in patients (${PATIENTS.map((p) => p.patientId).join(', ')})`);
  say(`camera export folder: ${watchDir}`);
  say(realPhotos().length ? `photos: real fundus photographs from ../shared/data/fundus` : 'photos: generated (../shared/data/fundus not found)');

  console.log('');
  console.log(`  Open Capture Station:  ${station.url}`);
  console.log('');
  console.log('  Then: Worklist → a patient → check the photos → "✓ Complete exam".');
  console.log('  The sync indicator (top right) and the Queue show the photos going up; the order is');
  console.log('  submitted once every photo is in storage, and the [order-intake] lines here confirm it.');
  console.log('  Ctrl+C stops everything (the station says what was still waiting).');
  console.log('');

  const camera = runCameraSimulator({
    outDir: watchDir,
    patients: PATIENTS.map((p) => p.patientId),
    perEye,
    intervalMs: Number(values['interval-ms']),
    log: (l) => console.log(`[camera] ${l}`),
  });

  if (!values.auto) {
    await camera;
    say('the camera has taken every patient on the list. Complete the exams in the browser.');
    return; // keeps running until Ctrl+C
  }

  // --auto: complete each exam once its photos are in, then wait for every order to be accepted.
  await camera;
  const deadline = Date.now() + 120_000;
  const pending = new Set(orders.map((o) => o.id));
  while (pending.size && Date.now() < deadline) {
    for (const id of [...pending]) {
      const exam = await station.call<{ blockers: string[]; order: { status: string }; eyes: Record<'OD' | 'OS', { images: unknown[] }> }>('exam.get', { orderId: id });
      if (exam.order.status === 'complete' || exam.order.status === 'sent') {
        pending.delete(id);
        continue;
      }
      if (exam.blockers.length === 0 && exam.eyes.OD.images.length >= perEye && exam.eyes.OS.images.length >= perEye) {
        const r = await station.call<{ revision: number }>('exam.complete', { orderId: id });
        say(`exam completed (revision ${r.revision}); its photos are queued`);
        pending.delete(id);
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  for (;;) {
    const status = await station.call<{ state: string; uploads: { done: number }; orders: { done: number; failed: number } }>('sync.status');
    const sent = await Promise.all(orders.map((o) => station.call<{ order: { status: string } }>('exam.get', { orderId: o.id })));
    if (sent.every((e) => e.order.status === 'sent')) {
      say(`done: ${status.uploads.done} photos in storage, ${intake.orders.size} orders accepted by the order service.`);
      break;
    }
    if (Date.now() > deadline) {
      say(`not finished in time: ${JSON.stringify(status)}`);
      return stop(1);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (values.exit) await stop(0);
}

main().catch((err: unknown) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
