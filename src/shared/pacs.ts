// PACS routes: where images received over DICOM are forwarded (issue 13 item 3). Pure TypeScript +
// zod, so the settings screen checks exactly what the core checks.
import { z } from 'zod';
import { aeTitleSchema } from './dicom-settings.ts';

/** 'all': every image that came by DICOM (the clinic's "common PACS"); 'camera': one sending camera's images. */
export const pacsRouteMatchSchema = z.enum(['all', 'camera']);

/** A route as the settings screen edits it (no id: a new route). */
export const pacsRouteInputSchema = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().trim().min(1, 'Give the route a name.').max(80, 'A route name has at most 80 characters.'),
    match: pacsRouteMatchSchema.default('all'),
    /** With match 'camera': the sending camera's AE title. */
    cameraAeTitle: aeTitleSchema.nullable().default(null),
    /** The PACS's AE title (the called AE title). */
    aeTitle: aeTitleSchema,
    host: z
      .string()
      .trim()
      .min(1, 'Enter the PACS host name or IP address.')
      .max(255)
      .regex(/^[A-Za-z0-9.:\-_[\]]+$/, 'Enter a host name or IP address without spaces or a scheme (no "dicom://").'),
    port: z.number().int().min(1, 'The port must be between 1 and 65535.').max(65535, 'The port must be between 1 and 65535.'),
    /** Our AE title as the PACS knows us (the calling AE title). */
    callingAeTitle: aeTitleSchema.default('CAPTURE'),
    enabled: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    if (r.match === 'camera' && !r.cameraAeTitle) {
      ctx.addIssue({ code: 'custom', path: ['cameraAeTitle'], message: "Enter the sending camera's AE title, or choose every image." });
    }
  })
  .transform((r) => ({ ...r, cameraAeTitle: r.match === 'camera' ? r.cameraAeTitle : null }));
export type PacsRouteSettings = z.output<typeof pacsRouteInputSchema>;

/** A saved route, with its peer's state as the forwarder last saw it. */
export const pacsRouteSchema = z.object({
  id: z.string(),
  name: z.string(),
  match: pacsRouteMatchSchema,
  cameraAeTitle: z.string().nullable(),
  aeTitle: z.string(),
  host: z.string(),
  port: z.number(),
  callingAeTitle: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PacsRoute = z.output<typeof pacsRouteSchema>;

/**
 * One PACS route as the Queue shows it (a lane of its own: one PACS down never holds up another):
 * online; offline (no answer; checked every few seconds); refused (the PACS refused the association,
 * e.g. it does not know our AE title; checked again every few seconds).
 */
export const pacsLaneSchema = z.object({
  routeId: z.string(),
  name: z.string(),
  state: z.enum(['online', 'offline', 'refused']),
  since: z.string().nullable(),
  message: z.string().nullable(),
});
export type PacsLane = z.output<typeof pacsLaneSchema>;

/** What "Test (C-ECHO)" answers: a plain sentence either way. */
export const pacsEchoResultSchema = z.object({ ok: z.boolean(), message: z.string() });
export type PacsEchoResult = z.output<typeof pacsEchoResultSchema>;
