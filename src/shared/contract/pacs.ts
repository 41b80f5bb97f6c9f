// Forwarding to PACS: the routes (IT's settings) and their C-ECHO test. The forwards themselves are
// jobs of the one queue: sync.jobs lists them (forwards) and sync.status shows a lane per route.
// Saving and removing a route change where photos go: IT-only (the IT lock).
import { z } from 'zod';
import { method } from './define.ts';
import { pacsEchoResultSchema, pacsRouteInputSchema, pacsRouteSchema } from '../pacs.ts';

export const pacsMethods = {
  'pacs.routes.list': method('The PACS routes: where images received over DICOM are forwarded.', z.object({}).default({}), z.array(pacsRouteSchema)),
  'pacs.routes.save': method(
    'Add a PACS route (no id) or change one. Images already waiting for this route go to its new address.',
    pacsRouteInputSchema,
    pacsRouteSchema,
    { itOnly: true },
  ),
  'pacs.routes.remove': method(
    'Remove a PACS route. Its forwards not yet sent are withdrawn; what it already sent stays in the Queue history.',
    z.object({ id: z.string().min(1) }),
    z.object({ ok: z.literal(true), withdrawn: z.number() }),
    { itOnly: true },
  ),
  'pacs.routes.test': method(
    'Test (C-ECHO): ask the PACS of a saved route (id) or of a route being edited whether it answers, and say so in a sentence.',
    z.union([z.object({ id: z.string().min(1) }), pacsRouteInputSchema]),
    pacsEchoResultSchema,
  ),
};
