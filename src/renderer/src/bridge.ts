// The renderer talks to `window.station` only. In the desktop app the preload provides it; in a
// browser tab served by the headless host, this file builds the same interface over HTTP + WS.
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput, StationBridge } from '../../shared/contract/index.ts';

declare global {
  interface Window {
    station?: StationBridge;
  }
}

export class BridgeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function httpBridge(): StationBridge {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('station-token', fromUrl);
    // Keep the token out of the address bar (screenshots, shoulder-surfing); the session keeps it.
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`);
  }
  const token = fromUrl ?? sessionStorage.getItem('station-token') ?? '';
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retryMs = 500;

  const connect = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
      // Anything may have changed while we were disconnected: tell every view to re-query.
      for (const [event, set] of listeners) for (const l of set) l(event === 'notice' ? null : {});
    };
    ws.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: string; payload: unknown };
      for (const l of listeners.get(event) ?? []) l(payload);
    };
    ws.onclose = () => {
      socket = null;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };
  connect();

  return {
    async call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>> {
      const res = await fetch(`/api/call/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      }).catch(() => {
        throw new BridgeError('unavailable', 'The station is not answering. Is it still running?');
      });
      const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
      if (!res.ok) throw new BridgeError(body?.error?.code ?? 'internal', body?.error?.message ?? `The station answered ${res.status}.`);
      return body as MethodOutput<M>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      void socket;
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
}

export const station: StationBridge = window.station ?? httpBridge();
