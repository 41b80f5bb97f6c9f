// The REAL desktop host with its updater (src/main/electron/updater.ts -> core/updates) under the
// `electron` stand-in: the host never quits to install while the station is busy. What is real:
// the host, the Station (temp folder, SQLite, worklist and exam service), electron-updater's own
// `autoUpdater` (AppImageUpdater here) attached by the host. What the stand-in replaces: Electron's
// app/window/IPC (test/fixtures/electron-stand-in.ts); the update arriving (the test emits
// 'update-downloaded' on the real autoUpdater instead of serving a feed: the download itself is
// tested in updater-feed.test.ts); and quitAndInstall, which would run the installer, only records
// the call and quits the stand-in app as electron-updater would.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installElectronStandIn, type ElectronStandIn, type FakeBrowserWindow } from '../fixtures/electron-stand-in.ts';

let e: ElectronStandIn;
const savedResources = (process as { resourcesPath?: string }).resourcesPath;

async function call<T = Record<string, unknown>>(win: FakeBrowserWindow, method: string, input: unknown = {}): Promise<T> {
  const r = await e.callStation(win, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

beforeEach(() => {
  e = installElectronStandIn();
  // Electron sets this in a packaged app (electron-updater reads package-type and app-update.yml there).
  (process as { resourcesPath?: string }).resourcesPath = mkdtempSync(path.join(os.tmpdir(), 'cs-resources-'));
});

afterEach(async () => {
  await e.quitIfRunning();
  (process as { resourcesPath?: string }).resourcesPath = savedResources;
});

describe('the desktop host and updates', () => {
  it('does not quit to install while an exam is being captured; after it is completed, "restart when idle" closes the station and installs', async () => {
    const win = await e.start();

    const { autoUpdater } = createRequire(import.meta.url)('electron-updater') as {
      autoUpdater: { emit(event: string, info: unknown): boolean; quitAndInstall(silent?: boolean, runAfter?: boolean): void; listenerCount(e: string): number };
    };
    // The host attached the real autoUpdater to the station's facade.
    expect(autoUpdater.listenerCount('update-downloaded')).toBeGreaterThan(0);
    const installs: unknown[][] = [];
    autoUpdater.quitAndInstall = (...args: unknown[]) => {
      installs.push(args);
      void e.quit();
    };

    // An exam is being captured.
    await call(win, 'operators.add', { name: 'Anna Berg' });
    const created = await call<{ created: boolean; order: { id: string } }>(win, 'orders.create', {
      order: { patientId: 'P-1', name: 'Test, Patient', birthDate: '1956-04-30', sex: 'F', scheduledAt: new Date().toISOString(), site: null, externalOrderId: null, accessionNumber: null },
      allowDuplicate: false,
    });
    const orderId = created.order.id;
    await call(win, 'orders.setCapturingNow', { id: orderId, on: true });

    autoUpdater.emit('update-downloaded', { version: '9.9.9', releaseDate: '2026-01-01T00:00:00.000Z', releaseNotes: 'Fixes.', files: [], path: '', sha512: '' });
    let status = await call<{ phase: string; restart: { allowed: boolean; waitingFor: string[]; armed: boolean } }>(win, 'updates.status');
    expect(status.phase).toBe('ready');
    expect(status.restart).toEqual({ allowed: false, waitingFor: ['an exam is being captured'], armed: false });

    // Asked to restart while capturing: armed, but nothing quits.
    status = await call(win, 'updates.restartWhenIdle');
    expect(status.restart.armed).toBe(true);
    expect(installs).toEqual([]);
    expect(e.state.quitCalls).toBe(0);
    expect(win.isDestroyed()).toBe(false);
    expect((await call<{ host: string }>(win, 'station.info')).host).toBe('electron');

    // The exam is completed: now the armed restart goes ahead, after the station closed.
    await call(win, 'exam.setUngradable', { orderId, eye: 'OD', reason: 'Small pupil' });
    await call(win, 'exam.setUngradable', { orderId, eye: 'OS', reason: 'Small pupil' });
    await call(win, 'exam.complete', { orderId });
    await call(win, 'updates.restartWhenIdle').catch(() => undefined);
    await e.state.quitDone.promise;
    expect(installs).toEqual([[true, true]]);
    expect(e.state.quitEmitted).toBe(true);
    expect(readFileSync(path.join(e.state.paths.userData!, 'logs', 'station.log'), 'utf8')).toMatch(/"msg":"station stopped"/);
  });
});
