// The desktop host: one window, sandboxed renderer, the core in the main process. This folder is
// the only code that imports 'electron'.
import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Station } from '../core/station.ts';
import { electronMediaUrls, handleProtocols, registerSchemes } from './protocols.ts';
import { forwardEvents, registerIpc } from './ipc.ts';
import { APP_ORIGIN, hardenApp, hardenSession } from './security.ts';

// See headless/cli.ts: a larger libuv pool so fsyncs do not stall sharp's decodes.
process.env.UV_THREADPOOL_SIZE ??= '8';

const here = path.dirname(fileURLToPath(import.meta.url));
let station: Station | null = null;
let win: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerSchemes();
  hardenApp();
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.whenReady().then(start).catch((err: unknown) => {
    dialog.showErrorBox('Capture Station could not start', (err as Error).message);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  hardenSession();
  handleProtocols(path.join(here, '../renderer'), () => station);
  registerIpc(() => station, () => win);
  station = await Station.open({
    dataDir: app.getPath('userData'),
    host: 'electron',
    version: app.getVersion(),
    urls: electronMediaUrls,
    defaultWatchDir: path.join(app.getPath('documents'), 'Capture Station Inbox'),
    // Worker scripts cannot run from inside app.asar; electron-builder unpacks this one.
    qualityWorkerFile: path.join(here, 'quality-worker.js').replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`),
  });
  forwardEvents(station, () => win);
  createWindow();

  app.on('window-all-closed', async () => {
    await station?.close();
    app.quit();
  });
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    title: 'Capture Station',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win?.show());
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  win.on('closed', () => {
    win = null;
  });
}
