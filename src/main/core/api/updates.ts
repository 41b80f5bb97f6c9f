// The contract's update methods over the updater facade (core/updates/service.ts).
import type { UpdateService } from '../updates/service.ts';
import type { Handlers } from './types.ts';

export type UpdateMethodName =
  | 'updates.status'
  | 'updates.check'
  | 'updates.restartWhenIdle'
  | 'updates.later'
  | 'updates.settings.get'
  | 'updates.settings.update';

export function updatesApi(updates: UpdateService): Handlers<UpdateMethodName> {
  return {
    'updates.status': () => updates.status(),
    'updates.check': () => updates.check(),
    'updates.restartWhenIdle': () => updates.restartWhenIdle(),
    'updates.later': () => updates.later(),
    'updates.settings.get': () => updates.settings(),
    'updates.settings.update': (patch) => updates.updateSettings(patch),
  };
}
