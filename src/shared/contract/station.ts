import { z } from 'zod';
import { method } from './define.ts';

export const stationInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'headless']),
  dataDir: z.string(),
  startedAt: z.string(),
  notices: z.array(z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string(), at: z.string() })),
});

export const stationMethods = {
  'station.info': method('What this station is and what it wants the operator to know.', z.object({}).default({}), stationInfoSchema),
};
