import { z } from 'zod';
import { method } from './define.ts';

/**
 * The data folder's disk: 'ok', 'low' (below the warning threshold), 'full' (a write failed for
 * lack of space: intake waits) or 'error' (the folder cannot be written: intake waits).
 */
export const storageInfoSchema = z.object({
  state: z.enum(['ok', 'low', 'full', 'error']),
  /** Free bytes for this account on the data folder's disk; null before the first check. */
  freeBytes: z.number().nullable(),
  totalBytes: z.number().nullable(),
  /** What happened and what to do, in words for the operator; null when all is well. */
  message: z.string().nullable(),
  /** Photos waiting in their camera folder until the station can store them again. */
  waiting: z.number(),
  checkedAt: z.string().nullable(),
});
export type StorageInfo = z.output<typeof storageInfoSchema>;
export type StorageStateName = StorageInfo['state'];

export const stationInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'headless']),
  dataDir: z.string(),
  startedAt: z.string(),
  notices: z.array(z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string(), at: z.string() })),
  storage: storageInfoSchema,
});

export const stationMethods = {
  'station.info': method('What this station is and what it wants the operator to know.', z.object({}).default({}), stationInfoSchema),
};
