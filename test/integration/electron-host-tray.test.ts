// The REAL desktop host under the `electron` stand-in (test/fixtures/electron-stand-in.ts), part
// two: one instance only, the window that hides to the tray, the tray's menu and notifications,
// Quit, and the app:// handler on a renderer folder of our own. What the stand-in replaces is said
// in each describe; the Station is real (temp data folder, real SQLite, real watched folder).
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installElectronStandIn, type ElectronStandIn, type FakeBrowserWindow, type FakeTray } from '../fixtures/electron-stand-in.ts';

let e: ElectronStandIn;

const call = (win: FakeBrowserWindow, method: string, input: unknown = {}) => e.callStation(win, method, input);

const labels = (t: FakeTray) => t.menu.map((m) => (m.type === 'separator' ? '-' : `${m.label}${m.enabled === false ? ' (off)' : ''}`));
const item = (t: FakeTray, id: string) => t.menu.find((m) => m.id === id)!;
/** Waits (no time limit of its own; the test's timeout applies) until the tray says `label`. */
async function trayShows(t: FakeTray, label: string): Promise<void> {
  while (!t.menu.some((m) => m.label === label)) await new Promise((r) => setTimeout(r, 25));
}

beforeEach(() => {
  e = installElectronStandIn();
});

afterEach(async () => {
  await e.quitIfRunning();
});

describe('one instance (stand-in: requestSingleInstanceLock and the second-instance event)', () => {
  it('a second instance quits at once: no window, no handlers, no station', async () => {
    e.state.lockAvailable = false;
    await e.loadHost();
    e.ready();
    expect(e.state.quitCalls).toBe(1);
    expect(e.state.windows).toEqual([]);
    expect(e.state.ipcHandlers.size).toBe(0);
    expect(e.state.protocolHandlers.size).toBe(0);
    expect(e.state.privilegedSchemes).toEqual([]);
  });

  it('the first instance shows, restores and focuses its window when a second one starts', async () => {
    const win = await e.start();
    win.minimize();
    win.hide();
    const focusedBefore = win.focused;
    // Electron emits this on the first instance when another one was started.
    e.emitApp('second-instance');
    expect(win.isMinimized()).toBe(false);
    expect(win.isVisible()).toBe(true);
    expect(win.focused).toBe(focusedBefore + 1);
  });
});

describe('closing the window hides it to the tray (stand-in: BrowserWindow close, Tray, Notification)', () => {
  it('keeps the station running after close, says so once, and Open brings the window back', async () => {
    const win = await e.start();
    win.show();
    expect(win.close()).toBe(false);
    expect(win.isDestroyed()).toBe(false);
    expect(win.isVisible()).toBe(false);
    expect(e.state.quitCalls).toBe(0);
    expect((await call(win, 'station.info')).ok).toBe(true);
    expect(e.state.notifications.map((n) => n.title)).toEqual(['Capture Station is still running']);
    expect(e.state.notifications[0]!.body).toMatch(/choose Quit there/);

    win.show();
    expect(win.close()).toBe(false);
    expect(e.state.notifications).toHaveLength(1);

    item(e.state.trays[0]!, 'open').click!();
    expect(win.isVisible()).toBe(true);
  });

  it('Quit in the tray closes the station and the app', async () => {
    const win = await e.start();
    const tray = e.state.trays[0]!;
    item(tray, 'quit').click!();
    await e.state.quitDone.promise;
    expect(e.state.quitEmitted).toBe(true);
    expect(win.isDestroyed()).toBe(true);
    expect(tray.destroyed).toBe(true);
    expect(e.state.notifications).toEqual([]);
    // The station closed before the app quit (its last log line), and nothing answers any more.
    expect(readFileSync(path.join(e.state.paths.userData!, 'logs', 'station.log'), 'utf8')).toMatch(/"msg":"station stopped"/);
    expect((await call(win, 'station.info')).ok).toBe(false);
  });
});

describe('the tray (stand-in: Tray and Menu record what the host drew; clicks are the test’s)', () => {
  it('shows the sync state, photos waiting and cameras, and Pause/Resume follow the station’s events', async () => {
    const win = await e.start();
    const tray = e.state.trays[0]!;
    expect(labels(tray)).toEqual([
      'Sync: not set up (off)',
      'No photos waiting to be sent (off)',
      'No camera connected (off)',
      '-',
      'Open Capture Station',
      'Pause sync (off)',
      '-',
      'Quit',
    ]);
    expect(tray.tooltip).toBe('Capture Station: not set up; no photos waiting to be sent; no camera connected');
    expect(tray.image).toMatchObject({ width: 32, height: 32 });

    // Cloud settings saved (IT, through the window): nothing to send yet, so online.
    const saved = await call(win, 'sync.settings.update', {
      connectionString: 'BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;SharedAccessSignature=sv=2024-08-04&sr=c&sp=cw&se=2099-01-01T00:00:00Z&sig=abc',
      container: 'photos',
      workflow: 'image-first',
      orderEndpointUrl: 'http://127.0.0.1:9/orders',
      orderEndpointToken: 'order-token',
      siteId: 'site-1',
      stationId: 'station-1',
    });
    expect(saved).toMatchObject({ ok: true, value: { ok: true } });
    await trayShows(tray, 'Sync: online');
    item(tray, 'pause').click!();
    await trayShows(tray, 'Sync: paused');
    expect(item(tray, 'resume').label).toBe('Resume sync');
    // The operator's own pause is not announced.
    expect(e.state.notifications).toEqual([]);
    item(tray, 'resume').click!();
    await trayShows(tray, 'Sync: online');
    expect(item(tray, 'pause').enabled).toBe(true);
  });
});

describe('app:// on a renderer folder (stand-in: protocol.handle and net.fetch of file: URLs)', () => {
  it('serves the renderer with its CSP and nothing else: no traversal, folders, links out, bad escapes', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'cs-renderer-'));
    const renderer = path.join(base, 'renderer');
    mkdirSync(path.join(renderer, 'assets'), { recursive: true });
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>station</title>');
    writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(base, 'secret.txt'), 'SECRET');
    symlinkSync(path.join(base, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));
    const { handleProtocols } = await e.loadModule<{ handleProtocols(dir: string, s: () => null): void }>('protocols.ts');
    const { CSP } = await e.loadModule<{ CSP: string }>('security.ts');
    handleProtocols(renderer, () => null);

    const index = await e.request('app://station/');
    expect(index.status).toBe(200);
    expect(await index.text()).toMatch(/<title>station/);
    expect(index.headers.get('content-security-policy')).toBe(CSP);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await e.request('app://station/assets/app.js')).status).toBe(200);

    const refused: [string, number][] = [
      ['app://station/..%2Fsecret.txt', 404],
      ['app://station/%2e%2e/secret.txt', 404],
      ['app://station/assets/..%2F..%2Fsecret.txt', 404],
      ['app://station/assets/link.txt', 404],
      ['app://station/assets/', 404],
      ['app://station/missing.js', 404],
      ['app://elsewhere/index.html', 404],
      ['app://station/%zz', 400],
      ['app://station/index.html%00.js', 400],
    ];
    for (const [url, status] of refused) {
      const res = await e.request(url);
      expect(res.status, url).toBe(status);
      expect(await res.text(), url).not.toMatch(/SECRET/);
    }
  });
});
