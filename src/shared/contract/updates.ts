// Updates of the station itself: where the updater is, "check now", "restart when idle", "later",
// and its settings. The core never restarts in front of a patient: see core/updates/policy.ts.
import { z } from 'zod';
import { method } from './define.ts';
import { updateSettingsPatchSchema, updateSettingsSchema, updateStatusSchema } from '../updates.ts';

export const updateMethods = {
  'updates.status': method(
    'Where the updater is: the version running and the one found, download progress, whether "restart now" may be offered and what it waits for.',
    z.object({}).default({}),
    updateStatusSchema,
  ),
  'updates.check': method('Ask the update feed now (a download starts in the background when a newer version is found).', z.object({}).default({}), updateStatusSchema),
  'updates.restartWhenIdle': method(
    'Install the downloaded update: restarts at once if nothing is being captured, imported or sent; otherwise as soon as all of that is done.',
    z.object({}).default({}),
    updateStatusSchema,
  ),
  'updates.later': method(
    'Not now: hide the prompt; the downloaded update installs when the station quits.',
    z.object({}).default({}),
    updateStatusSchema,
  ),
  'updates.settings.get': method('The update settings (channel, check interval, bandwidth cap, proxy, feed).', z.object({}).default({}), updateSettingsSchema),
  'updates.settings.update': method(
    'Change the update settings (validated as a whole; IT: the channel, proxy and feed decide where the software comes from).',
    updateSettingsPatchSchema,
    updateSettingsSchema,
    { itOnly: true },
  ),
};

export const updateEvents = {
  'updates.changed': z.object({}).describe('The updater moved on (checking, found, progress, ready, failed, restart allowed or not): re-query updates.status.'),
};
