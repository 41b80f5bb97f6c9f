// The capture-safety rule through a real Station under Node (real SQLite, real worklist and exam
// service): while an exam is being captured, a downloaded update is neither installed nor offered
// as "restart now"; once the exam is completed and sync is idle, the prompt appears, and an
// armed "restart when idle" goes ahead. The updater is the real AppImageUpdater against a feed
// electron-builder wrote (update-feed.ts); an AppAdapter object stands in for Electron's `app`,
// the Node executor for Electron's net, and the host's restart callback (which would close the
// station and call quitAndInstall) only records that it was called.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../src/main/core/station.ts';
import type { UpdaterLike } from '../../src/main/core/updates/service.ts';
import { appImageUpdater, appUpdateYml, linuxFeed, openDesktopStation, testApp, type FeedServer } from '../fixtures/update-client.ts';

let feed: FeedServer;
let station: Station | null = null;

beforeAll(async () => {
  feed = await linuxFeed('1.2.3');
}, 120_000);

afterAll(() => feed.close());
afterEach(async () => {
  await station?.close();
  station = null;
});

describe('updates never restart the station during a capture', () => {
  it('holds the restart while an exam is capturing, offers it after the exam completes and sync is idle', async () => {
    station = await openDesktopStation();
    const s = station;
    await s.api['operators.add']({ name: 'Anna Berg' });
    const r = await s.api['orders.create']({
      order: { patientId: 'P-1', name: 'Test, Patient', birthDate: '1956-04-30', sex: 'F', scheduledAt: new Date().toISOString(), site: null, externalOrderId: null, accessionNumber: null },
      allowDuplicate: false,
    });
    if (!r.created) throw new Error('order not created');
    // The operator starts the exam: "capturing now".
    await s.api['orders.setCapturingNow']({ id: r.order.id, on: true });

    const restarts: string[] = [];
    const updater = appImageUpdater(testApp('1.0.0', appUpdateYml(feed.url)));
    await s.api['updates.settings.update']({ bandwidthCapKbps: null });
    s.updates.attach(updater as unknown as UpdaterLike, { restart: () => void restarts.push('restart') });
    const downloaded = new Promise((resolve) => updater.once('update-downloaded', resolve));
    await s.api['updates.check']({});
    await downloaded;

    // Downloaded and verified, but an exam is being captured: no prompt, no restart, not even when asked.
    let status = await s.api['updates.status']({});
    expect(status.phase).toBe('ready');
    expect(status.restart).toEqual({ allowed: false, waitingFor: ['an exam is being captured'], armed: false });
    status = await s.api['updates.restartWhenIdle']({});
    expect(status.restart.armed).toBe(true);
    await s.updates.refreshGate();
    expect(restarts).toEqual([]);
    // The operator chose "later" after all: it installs at quit, and an idle station does not restart by itself.
    expect((await s.api['updates.later']({})).deferred).toBe(true);

    // The exam is finished: both eyes marked (no photos needed for this), then completed.
    await s.api['exam.setUngradable']({ orderId: r.order.id, eye: 'OD', reason: 'Small pupil' });
    await s.api['exam.setUngradable']({ orderId: r.order.id, eye: 'OS', reason: 'Small pupil' });
    await s.api['exam.complete']({ orderId: r.order.id });
    expect(s.sync.busy()).toBe(false);
    await s.updates.refreshGate();
    status = await s.api['updates.status']({});
    // The prompt may now be shown ("restart now"); nothing restarted on its own.
    expect(status.restart).toEqual({ allowed: true, waitingFor: [], armed: false });
    expect(restarts).toEqual([]);

    // "Restart when idle" now goes ahead at once.
    await s.api['updates.restartWhenIdle']({});
    expect(restarts).toEqual(['restart']);
  });

  it('waits for every named busy source (a camera import, an upload, a DICOM association plug in the same way)', async () => {
    station = await openDesktopStation();
    let associating = true;
    station.updates.addBusySource({ name: 'dicom-association', label: 'a DICOM transfer is in progress', busy: () => associating });
    const updater = appImageUpdater(testApp('1.0.0', appUpdateYml(feed.url)));
    await station.api['updates.settings.update']({ bandwidthCapKbps: null });
    station.updates.attach(updater as unknown as UpdaterLike, { restart: () => undefined });
    const downloaded = new Promise((resolve) => updater.once('update-downloaded', resolve));
    await station.api['updates.check']({});
    await downloaded;
    expect((await station.api['updates.status']({})).restart).toEqual({ allowed: false, waitingFor: ['a DICOM transfer is in progress'], armed: false });
    associating = false;
    expect((await station.api['updates.status']({})).restart.allowed).toBe(true);
  });
});
