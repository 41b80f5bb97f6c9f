// Electron's security checklist, applied in one place: no navigation, no new windows, no webviews,
// no permissions, and IPC only from our own top frame.
import { app, session, type IpcMainInvokeEvent, type WebContents } from 'electron';

export const APP_ORIGIN = 'app://station';

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
}

/** The renderer is ours when served from app://station, or from electron-vite's dev server. */
export function isOwnUrl(url: string): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`)) return true;
  const dev = process.env.ELECTRON_RENDERER_URL;
  return !app.isPackaged && !!dev && url.startsWith(dev);
}

export function isTrustedSender(event: IpcMainInvokeEvent, expected: WebContents | null): boolean {
  const frame = event.senderFrame;
  return !!expected && event.sender === expected && !!frame && frame.parent === null && isOwnUrl(frame.url);
}

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: station-media:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
