// The one contract between the UI and the core. Both hosts (Electron IPC, headless HTTP+WebSocket)
// are generic loops over `methods` and `events`: add a method here and in the core's api, nothing else.
import { z } from 'zod';
import type { MethodSpec } from './define.ts';
import { imageEvents, imageMethods } from './images.ts';
import { sourceMethods } from './sources.ts';
import { stationMethods } from './station.ts';
import { settingsMethods } from './settings.ts';
import { worklistMethods } from './worklist.ts';
import { volumeEvents, volumeMethods } from './volumes.ts';
import { syncEvents, syncMethods } from './sync.ts';
import { pacsMethods } from './pacs.ts';
import { dicomEvents, dicomMethods } from './dicom.ts';
import { updateEvents, updateMethods } from './updates.ts';
import { itLockEvents, itLockMethods } from './it-lock.ts';

export const methods = {
  ...stationMethods,
  ...imageMethods,
  ...sourceMethods,
  ...settingsMethods,
  ...worklistMethods,
  ...volumeMethods,
  ...syncMethods,
  ...pacsMethods,
  ...dicomMethods,
  ...updateMethods,
  ...itLockMethods,
} satisfies Record<string, MethodSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

/** Events say *what changed*; the renderer re-queries what it shows. Emitted only after commit. */
export const events = {
  'images.changed': z.object({ ids: z.array(z.string()) }).describe('These images were added or changed: re-query them.'),
  'sources.changed': z.object({}).describe('A watched folder was added, removed or changed state, or took in a file.'),
  'orders.changed': z
    .object({ ids: z.array(z.string()) })
    .describe('Orders or exams changed (created, edited, completed, best pick, ...): re-query the worklist and open exams.'),
  'operators.changed': z.object({}).describe('Who is signed in for the shift changed, or the list of names did.'),
  'providers.changed': z.object({}).describe('A worklist provider was asked (its state or error may have changed).'),
  'notice': z
    .object({ level: z.enum(['info', 'warning', 'error']), message: z.string() })
    .describe('Something the operator or IT should read now (also kept in station.info notices).'),
  ...imageEvents,
  ...volumeEvents,
  ...syncEvents,
  ...dicomEvents,
  ...updateEvents,
  ...itLockEvents,
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
export * from './worklist.ts';
export * from './volumes.ts';
export * from './sync.ts';
export * from './pacs.ts';
export * from './dicom.ts';
export * from './updates.ts';
export * from './it-lock.ts';
