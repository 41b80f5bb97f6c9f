// The desktop host: one window, sandboxed renderer, the core in the main process, a tray icon.
// This folder is the only code that imports 'electron'. The station is a service for the cameras:
// closing the window hides it to the tray; only Quit (tray menu, app menu, the system) stops it.
import { app, BrowserWindow, dialog } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Station } from '../core/station.ts';
import { electronMediaUrls, handleProtocols, registerSchemes } from './protocols.ts';
import { forwardEvents, registerIpc } from './ipc.ts';
import { APP_ORIGIN, hardenApp, hardenSession } from './security.ts';
import { electronSecretStore } from './secrets.ts';
import { startTray, type StationTray } from './tray.ts';
import { startUpdater } from './updater.ts';

// See headless/cli.ts: a larger libuv pool so fsyncs do not stall sharp's decodes.
process.env.UV_THREADPOOL_SIZE ??= '8';

const here = path.dirname(fileURLToPath(import.meta.url));
/** A station that does not close within this is left behind so Quit always ends the app. */
const CLOSE_LIMIT_MS = 15_000;
let station: Station | null = null;
let win: BrowserWindow | null = null;
let tray: StationTray | null = null;
let quitting = false;
let toldHidden = false;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerSchemes();
  hardenApp();
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('before-quit', () => {
    quitting = true;
  });
  // Quit: close the station (sources stop, in-flight ingests finish, the database closes), then quit.
  app.on('will-quit', (event) => {
    const closing = station;
    if (!closing) return;
    event.preventDefault();
    station = null;
    tray?.close();
    tray = null;
    const limit = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_LIMIT_MS).unref());
    void Promise.race([closing.close(), limit])
      .catch(() => undefined)
      .finally(() => app.quit());
  });
  // The window only hides, so this comes only while quitting; never quit just because it is empty.
  app.on('window-all-closed', () => undefined);
  app.whenReady().then(start).catch((err: unknown) => {
    dialog.showErrorBox('Capture Station could not start', (err as Error).message);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  hardenSession();
  handleProtocols(path.join(here, '../renderer'), () => station);
  registerIpc(() => station, () => win);
  const secrets = electronSecretStore(app.getPath('userData'));
  // Worker scripts cannot run from inside app.asar; electron-builder unpacks this one. Without the
  // bundle (the host run from source) the core finds its .ts worker itself.
  const bundledWorker = path.join(here, 'quality-worker.js').replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  station = await Station.open({
    dataDir: app.getPath('userData'),
    host: 'electron',
    version: app.getVersion(),
    urls: electronMediaUrls,
    defaultWatchDir: path.join(app.getPath('documents'), 'Capture Station Inbox'),
    ...(existsSync(bundledWorker) && { qualityWorkerFile: bundledWorker }),
    secrets: secrets.store,
  });
  if (secrets.warning) station.notice('warning', secrets.warning);
  forwardEvents(station, () => win);
  // Updates download in the background; a restart to install waits until nothing is busy (core/updates).
  startUpdater(station);
  tray = startTray(station, { open: showWindow, quit: () => app.quit() });
  createWindow();
}

function showWindow(): void {
  if (!win) {
    if (station) createWindow();
    return;
  }
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
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
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // A middle click must not open a link in a new window (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win?.show());
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  // Closing the window hides it: the station goes on taking in photos and sending them. Said once.
  win.on('close', (event) => {
    if (quitting || !station) return;
    event.preventDefault();
    win?.hide();
    if (!toldHidden) {
      toldHidden = true;
      tray?.announceHidden();
    }
  });
  win.on('closed', () => {
    win = null;
  });
}
