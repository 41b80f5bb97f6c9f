import { z } from 'zod';
import { method } from './define.ts';

export const sourceSchema = z.object({
  id: z.string(),
  kind: z.enum(['folder', 'volume']),
  path: z.string(),
  polling: z.boolean(),
  state: z.enum(['starting', 'watching', 'unreachable', 'error', 'stopped']),
  stateDetail: z.string().nullable(),
  lastFileAt: z.string().nullable(),
  imageCount: z.number(),
  createdAt: z.string(),
});

export const sourceMethods = {
  'sources.list': method('Watched folders and their state.', z.object({}).default({}), z.object({ items: z.array(sourceSchema) })),
  'sources.add': method(
    'Watch a folder (recursively, up to 8 levels deep; links are not followed). It must be a full path to an existing folder the station can read, not a system folder. Network shares need polling.',
    z.object({
      path: z.string().trim().min(1, 'Enter the folder to watch.').max(4096, 'The folder path is longer than 4096 characters; no folder has such a long path. Check what was pasted.'),
      polling: z.boolean().optional(),
    }),
    sourceSchema,
    { itOnly: true },
  ),
  'sources.remove': method(
    'Stop watching a folder. Images already taken in stay.',
    z.object({ id: z.string() }),
    z.object({ ok: z.literal(true) }),
    { itOnly: true },
  ),
};
