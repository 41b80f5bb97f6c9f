// The REAL desktop host (src/main/electron/index.ts and its modules, TS run by Node itself) with a
// real Station in a temp data folder. The stand-in (test/fixtures/electron-stand-in.ts) replaces
// only the `electron` module: BrowserWindow (no Chromium: we read the options the host passed),
// app events (we emit ready, second-instance, quit), ipcMain (we invoke from a frame we describe),
// protocol (we send Requests to the host's handlers), session (we call the handlers it set),
// Tray/Menu/Notification (we read what it drew and click its items).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installElectronStandIn, type ElectronStandIn, type FakeBrowserWindow, type FakeWebContents, type StationReply } from '../fixtures/electron-stand-in.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

let e: ElectronStandIn;

const call = (win: FakeBrowserWindow, method: string, input: unknown = {}) => e.callStation(win, method, input);

beforeEach(() => {
  e = installElectronStandIn();
});

afterEach(async () => {
  await e.quitIfRunning();
});

describe('the window (stand-in: BrowserWindow records its options; no Chromium runs)', () => {
  it('is sandboxed, isolated, without Node, without insecure content, middle click off, and loads app://', async () => {
    const win = await e.start();
    const prefs = win.options.webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String(prefs.disableBlinkFeatures).split(',')).toContain('Auxclick');
    for (const risky of ['enableBlinkFeatures', 'experimentalFeatures', 'enableRemoteModule']) expect(prefs).not.toHaveProperty(risky);
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(win.loadedUrl).toBe('app://station/index.html');
    expect(e.state.privilegedSchemes.map((x) => [x.scheme, x.privileges.bypassCSP ?? false])).toEqual([
      ['app', false],
      ['station-media', false],
    ]);
  });

  it('sets one CSP on every response through the session, and the same on app:// (stand-in: session.webRequest)', async () => {
    await e.start();
    let answer: { responseHeaders: Record<string, string[]> } | null = null;
    e.state.headersListener!({ url: 'http://localhost:5173/', responseHeaders: { 'X-Kept': ['1'] } }, (r) => (answer = r as typeof answer));
    const csp = answer!.responseHeaders['Content-Security-Policy']!;
    expect(csp).toHaveLength(1);
    expect(answer!.responseHeaders['X-Kept']).toEqual(['1']);
    const directives = new Map(csp[0]!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp[0]).not.toMatch(/unsafe-eval/);
    const { CSP } = await e.loadModule<{ CSP: string }>('security.ts');
    expect(csp[0]).toBe(CSP);
  });

  it('denies every permission, navigation away, new windows and webviews (stand-in: the handlers it set)', async () => {
    const win = await e.start();
    const asked: boolean[] = [];
    (e.state.session.permissionRequest as (wc: unknown, p: string, cb: (ok: boolean) => void) => void)({}, 'media', (ok) => asked.push(ok));
    expect(asked).toEqual([false]);
    expect((e.state.session.permissionCheck as () => boolean)()).toBe(false);
    const nav = (event: string, url: string) => {
      const ev = { defaultPrevented: false, preventDefault: () => (ev.defaultPrevented = true) };
      win.webContents.emit(event, ev, url);
      return ev.defaultPrevented;
    };
    expect(nav('will-navigate', 'https://evil.example/')).toBe(true);
    expect(nav('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(nav('will-navigate', 'app://station/index.html#/queue')).toBe(false);
    expect(nav('will-attach-webview', 'app://station/')).toBe(true);
    expect(win.webContents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('IPC only from the station frame (stand-in: ipcMain.handle; the test plays the sender)', () => {
  it('answers the window top frame and refuses subframes, other windows, other pages and gone frames', async () => {
    const win = await e.start();
    const ok = await call(win, 'station.info');
    expect(ok).toMatchObject({ ok: true, value: { host: 'electron', dataDir: e.state.paths.userData } });

    const refused = { ok: false, error: { code: 'unauthorised' } };
    const wc = win.webContents;
    const invoke = (sender: FakeWebContents, frame: { url: string; parent: unknown } | null) =>
      e.invoke('station:call', sender, frame as never, 'station.info', {});
    expect(await invoke(wc, { url: 'app://station/index.html', parent: wc.mainFrame })).toMatchObject(refused);
    const { FakeWebContents: Other } = await import('../fixtures/electron-stand-in.ts');
    expect(await invoke(new Other(), { url: 'app://station/index.html', parent: null })).toMatchObject(refused);
    expect(await invoke(wc, { url: 'https://evil.example/', parent: null })).toMatchObject(refused);
    expect(await invoke(wc, { url: 'app://station.evil/index.html', parent: null })).toMatchObject(refused);
    expect(await invoke(wc, null)).toMatchObject(refused);
  });

  it('trusts the dev server by origin, not by prefix (unpackaged only)', async () => {
    const win = await e.start();
    const saved = process.env.ELECTRON_RENDERER_URL;
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    try {
      e.state.isPackaged = false;
      const wc = win.webContents;
      const from = (url: string) => e.invoke('station:call', wc, { url, parent: null }, 'station.info', {}) as Promise<StationReply>;
      expect((await from('http://localhost:5173/index.html')).ok).toBe(true);
      expect((await from('http://localhost:5173.evil.example/')).ok).toBe(false);
      expect((await from('http://localhost:51730/')).ok).toBe(false);
      e.state.isPackaged = true;
      expect((await from('http://localhost:5173/index.html')).ok).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.ELECTRON_RENDERER_URL;
      else process.env.ELECTRON_RENDERER_URL = saved;
    }
  });
});

describe('station-media:// and app:// on the running host (stand-in: protocol.handle; Requests made here)', () => {
  it('serves a photo the station took in, and refuses malformed escapes and traversal', async () => {
    const win = await e.start();
    const inbox = path.join(e.state.paths.documents!, 'Capture Station Inbox');
    mkdirSync(inbox, { recursive: true });
    writeFileSync(path.join(inbox, 'fundus.jpg'), await syntheticFundusJpeg({ width: 640, height: 480 }));
    type Item = { id: string; thumbnailUrl: string; preview: string | null };
    let image: Item | undefined;
    while (!image) {
      const list = (await call(win, 'images.list', { limit: 10 })) as { ok: true; value: { items: Item[] } };
      image = list.value.items.find((i) => i.preview === 'ok');
      if (!image) await new Promise((r) => setTimeout(r, 50));
    }
    const thumb = await e.request(image.thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');

    const status = async (url: string) => (await e.request(url)).status;
    expect(await status('station-media://thumb/%zz')).toBe(400);
    expect(await status('station-media://full/a%00b')).toBe(400);
    expect(await status('station-media://thumb/..%2F..%2Fstation.db')).toBe(404);
    expect(await status(`station-media://other/${image.id}`)).toBe(404);
    // The host's renderer folder is not built into src/, so index.html is 404 here; the host's own
    // source files sit right next to it and must never come out.
    for (const url of ['app://station/..%2Felectron%2Findex.ts', 'app://station/%2e%2e/electron/index.ts', 'app://station/../../core/station.ts']) {
      const res = await e.request(url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toMatch(/import/);
    }
    expect(await status('app://station/%E0%A4%A')).toBe(400);
  });
});
