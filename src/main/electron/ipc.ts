// The contract on ipcMain: one generic handler for every method, one channel for every event.
import { ipcMain, type BrowserWindow } from 'electron';
import { dispatch } from '../core/api/dispatch.ts';
import { StationError } from '../../shared/errors.ts';
import { internalError, logUnexpected } from '../core/api/unexpected.ts';
import type { Station } from '../core/station.ts';
import { isTrustedSender } from './security.ts';

export const CALL = 'station:call';
export const EVENT = 'station:event';

export function registerIpc(getStation: () => Station | null, getWindow: () => BrowserWindow | null): () => void {
  ipcMain.handle(CALL, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event, getWindow()?.webContents ?? null)) {
      return { ok: false, error: { code: 'unauthorised', message: 'Calls are accepted only from the station window.' } };
    }
    const station = getStation();
    if (!station) return { ok: false, error: { code: 'unavailable', message: 'The station is still starting.' } };
    try {
      return { ok: true, value: await dispatch(station.api, String(method), input, station.log) };
    } catch (err) {
      // dispatch logs its unexpected errors itself (once, with a reference); anything else is logged here.
      const e = err instanceof StationError ? err : internalError(logUnexpected(station.log, err, { route: 'ipc' }));
      return { ok: false, error: e.ref ? { code: e.code, message: e.message, ref: e.ref } : { code: e.code, message: e.message } };
    }
  });
  return () => ipcMain.removeHandler(CALL);
}

export function forwardEvents(station: Station, getWindow: () => BrowserWindow | null): () => void {
  return station.events.subscribe((event, payload) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(EVENT, event, payload);
  });
}
