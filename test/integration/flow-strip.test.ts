// What the status strip (issue 10 item 3) reads from the core: a file whose bytes the station
// already had is told (images.duplicate, after its sighting commits) instead of vanishing
// silently, and the exam marked "capturing now" can be asked for from any screen.
// Real Station, real folders, real SQLite and sharp.
import { afterEach, describe, expect, it } from 'vitest';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { nowIso } from '../../src/main/core/kernel/ids.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

let open: Station[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function station() {
  const watchDir = tempDir('strip-watch');
  const s = await Station.open({
    dataDir: tempDir('strip-data'),
    host: 'headless',
    version: 'test',
    urls: { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` },
    watch: [watchDir],
    logger: silentLogger(),
    quality: false,
  });
  open.push(s);
  return { s, watchDir };
}

async function drop(watchDir: string, name: string, bytes: Buffer) {
  const staging = tempDir('strip-stage');
  await writeFile(path.join(staging, name), bytes);
  await rename(path.join(staging, name), path.join(watchDir, name));
}

describe('the status strip reads from the core', () => {
  it('a copy of a photo already taken in is told by name (images.duplicate), once, and stays one image', async () => {
    const { s, watchDir } = await station();
    const heard: unknown[] = [];
    s.events.subscribe((event, payload) => void (event === 'images.duplicate' && heard.push(payload)));
    const bytes = await syntheticFundusJpeg({ width: 400, height: 300, seed: 71 });
    await drop(watchDir, 'first.jpg', bytes);
    await waitFor(async () => (await s.api['images.list']({ limit: 10 })).items.find((i) => i.fileName === 'first.jpg' && i.status === 'ready'), 15_000, 'first.jpg');
    expect(heard).toEqual([]);

    await drop(watchDir, 'copy-of-first.jpg', bytes);
    const told = await waitFor(() => heard[0], 15_000, 'images.duplicate');
    expect(told).toMatchObject({ fileName: 'copy-of-first.jpg', sameAs: 'first.jpg' });
    const list = await s.api['images.list']({ limit: 10 });
    expect(list.items.map((i) => i.fileName)).toEqual(['first.jpg']);
    expect(heard).toHaveLength(1);
  });

  it('orders.capturingNow names the exam being photographed, or null', async () => {
    const { s } = await station();
    expect(await s.api['orders.capturingNow']({})).toBeNull();
    await s.api['operators.add']({ name: 'Strip Tester' });
    const r = await s.api['orders.create']({
      order: { patientId: 'S-1', name: 'Strip, Sam', birthDate: '1950-01-02', sex: 'M', scheduledAt: nowIso(), site: null, externalOrderId: null, accessionNumber: null },
      allowDuplicate: false,
    });
    if (!r.created) throw new Error('not created');
    await s.api['orders.setCapturingNow']({ id: r.order.id, on: true });
    expect(await s.api['orders.capturingNow']({})).toEqual({ orderId: r.order.id, patientName: 'Strip, Sam', patientId: 'S-1' });
    await s.api['orders.setCapturingNow']({ id: r.order.id, on: false });
    expect(await s.api['orders.capturingNow']({})).toBeNull();
  });
});
