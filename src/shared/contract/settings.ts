import { z } from 'zod';
import { method } from './define.ts';
import { stationSettingsSchema } from '../settings.ts';

export const settingsMethods = {
  'settings.get': method('The station settings.', z.object({}).default({}), stationSettingsSchema),
  'settings.update': method(
    'Change station settings (validated; a bad value is refused with a message).',
    stationSettingsSchema.partial(),
    stationSettingsSchema,
    { itOnly: true },
  ),
};
