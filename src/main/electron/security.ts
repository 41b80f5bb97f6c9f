// Electron's security checklist, applied in one place: no navigation, no new windows, no webviews,
// no permissions, one Content-Security-Policy on every response, and IPC only from our own top frame.
import { app, session, type IpcMainInvokeEvent, type WebContents } from 'electron';

export const APP_ORIGIN = 'app://station';

/**
 * The window's Content-Security-Policy as the session sets it on every response (and app:// on its
 * own). Written out as one literal inside `{ responseHeaders: ... }` on purpose: Electronegativity's
 * CSP check reads and evaluates exactly this text (it cannot follow a variable).
 */
const CSP_HEADERS = Object.freeze({
  responseHeaders: {
    'Content-Security-Policy': [
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: station-media:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    ],
  },
});

export const CSP: string = CSP_HEADERS.responseHeaders['Content-Security-Policy'][0]!;

export function hardenApp(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isOwnUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // Also covers what app:// does not serve (electron-vite's dev server during development).
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, ...CSP_HEADERS.responseHeaders } });
  });
}

/** The renderer is ours when served from app://station, or from electron-vite's dev server (same origin, not a prefix). */
export function isOwnUrl(url: string): boolean {
  const u = URL.parse(url);
  if (!u) return false;
  if (u.protocol === 'app:' && u.host === 'station') return true;
  const dev = process.env.ELECTRON_RENDERER_URL;
  return !app.isPackaged && !!dev && u.origin !== 'null' && u.origin === URL.parse(dev)?.origin;
}

export function isTrustedSender(event: IpcMainInvokeEvent, expected: WebContents | null): boolean {
  const frame = event.senderFrame;
  return !!expected && event.sender === expected && !!frame && frame.parent === null && isOwnUrl(frame.url);
}
