// The contract's sync methods over the sync feature (src/main/core/sync/feature.ts).
import type { SyncFeature } from '../sync/feature.ts';
import type { Handlers } from './types.ts';

export type SyncMethodName =
  | 'sync.status'
  | 'sync.jobs'
  | 'sync.pause'
  | 'sync.resume'
  | 'sync.retry'
  | 'sync.settings.get'
  | 'sync.settings.update'
  | 'sync.settings.test';

export function syncApi(sync: SyncFeature): Handlers<SyncMethodName> {
  return {
    'sync.status': () => sync.engine.summary(),
    'sync.jobs': ({ limit }) => sync.engine.jobs(limit),
    'sync.pause': async () => {
      await sync.engine.pause();
      return { ok: true as const };
    },
    'sync.resume': () => {
      sync.engine.resume();
      return { ok: true as const };
    },
    'sync.retry': ({ jobId }) => ({ retried: sync.engine.retry(jobId) }),
    'sync.settings.get': () => sync.cloud.state(),
    'sync.settings.update': (patch) => sync.updateSettings(patch),
    'sync.settings.test': (patch) => sync.testConnection(patch),
  };
}
