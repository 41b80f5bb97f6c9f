// The preload exposes exactly one object, window.station: the contract's call() and on(), nothing
// else. No ipcRenderer, no Node. Sandboxed, so it is built as CommonJS.
import { contextBridge, ipcRenderer } from 'electron';
import type { StationBridge } from '../shared/contract/index.ts';

const CALL = 'station:call';
const EVENT = 'station:event';

const bridge: StationBridge = {
  call: async (method, input) => {
    const reply = (await ipcRenderer.invoke(CALL, method, input ?? {})) as { ok: true; value: never } | { ok: false; error: { code: string; message: string } };
    if (reply.ok) return reply.value;
    const err = new Error(reply.error.message) as Error & { code: string };
    err.code = reply.error.code;
    throw err;
  },
  on: (event, listener) => {
    const handler = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(EVENT, handler);
    return () => ipcRenderer.removeListener(EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('station', bridge);
