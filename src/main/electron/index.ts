// The desktop host: one window, sandboxed renderer, the core in the main process. This folder is
// the only code that imports 'electron'.
import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Station } from '../core/station.ts';
import { electronMediaUrls, handleProtocols, registerSchemes } from './protocols.ts';
import { forwardEvents, registerIpc } from './ipc.ts';
import { APP_ORIGIN, hardenApp, hardenSession } from './security.ts';
import { electronSecretStore } from './secrets.ts';

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
  const secrets = electronSecretStore(app.getPath('userData'));
  station = await Station.open({
    dataDir: app.getPath('userData'),
    host: 'electron',
    version: app.getVersion(),
    urls: electronMediaUrls,
    defaultWatchDir: path.join(app.getPath('documents'), 'Capture Station Inbox'),
    // Worker scripts cannot run from inside app.asar; electron-builder unpacks this one.
    qualityWorkerFile: path.join(here, 'quality-worker.js').replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`),
    secrets: secrets.store,
  });
  if (secrets.warning) station.notice('warning', secrets.warning);
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
  // Closing with work still queued is allowed (it is sent at the next start), but the operator is told.
  let confirmedClose = false;
  win.on('close', (event) => {
    if (confirmedClose || !station || !win) return;
    const left = station.sync.pending();
    if (!left.uploads && !left.orders) return;
    const what = [
      left.uploads ? `${left.uploads} photo${left.uploads === 1 ? '' : 's'}` : null,
      left.orders ? `${left.orders} order${left.orders === 1 ? '' : 's'}` : null,
    ]
      .filter(Boolean)
      .join(' and ');
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Keep Capture Station open', 'Close anyway'],
      defaultId: 0,
      cancelId: 0,
      title: 'Photos are still waiting to be sent',
      message: `${what} ${left.uploads + left.orders === 1 ? 'is' : 'are'} still waiting to be sent to the cloud.`,
      detail: 'They are safe on this computer and will be sent the next time Capture Station runs. Keep it open to send them now.',
    });
    if (choice === 0) event.preventDefault();
    else confirmedClose = true;
  });
  win.on('closed', () => {
    win = null;
  });
}
