// The one contract between the UI and the core. Both hosts (Electron IPC, headless HTTP+WebSocket)
// are generic loops over `methods` and `events`: add a method here and in the core's api, nothing else.
import { z } from 'zod';
import type { MethodSpec } from './define.ts';
import { imageMethods } from './images.ts';
import { sourceMethods } from './sources.ts';
import { stationMethods } from './station.ts';
import { settingsMethods } from './settings.ts';

export const methods = {
  ...stationMethods,
  ...imageMethods,
  ...sourceMethods,
  ...settingsMethods,
} satisfies Record<string, MethodSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

/** Events say *what changed*; the renderer re-queries what it shows. Emitted only after commit. */
export const events = {
  'images.changed': z.object({ ids: z.array(z.string()) }),
  'sources.changed': z.object({}),
  'notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const isMethodName = (name: string): name is MethodName => Object.hasOwn(methods, name);
export const isEventName = (name: string): name is EventName => Object.hasOwn(events, name);

/** What `window.station` is, in both hosts. */
export interface StationBridge {
  call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export type { MethodSpec } from './define.ts';
export * from './images.ts';
export * from './sources.ts';
export * from './station.ts';
export * from './settings.ts';
