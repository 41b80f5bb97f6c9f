import { z } from 'zod';
import { method } from './define.ts';
import { IMAGE_SYNC_STATES } from '../sync.ts';

export const lateralitySchema = z.enum(['OD', 'OS']);

/**
 * waiting: seen, not yet completely written; ready: safe in the spool and shown;
 * error: not taken in, `error` says why (the source file is left untouched).
 */
export const imageStatusSchema = z.enum(['waiting', 'ready', 'error']);

export const qualitySchema = z.object({
  score: z.number(),
  verdict: z.enum(['good', 'borderline', 'retake']),
  reasons: z.array(z.string()),
});

export const imageSummarySchema = z.object({
  id: z.string(),
  status: imageStatusSchema,
  error: z.string().nullable(),
  laterality: lateralitySchema.nullable(),
  lateralitySource: z.string().nullable(),
  patientId: z.string().nullable(),
  takenAt: z.string().nullable(),
  ingestedAt: z.string(),
  sha256: z.string().nullable(),
  sourcePath: z.string(),
  sourceId: z.string().nullable(),
  fileName: z.string(),
  format: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  preview: z.enum(['ok', 'none']).nullable(),
  previewNote: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
  fullUrl: z.string().nullable(),
  quality: qualitySchema.nullable(),
  orderId: z.string().nullable(),
  /** "Name · patient ID" of the linked order, for lists; null when unassigned. */
  orderLabel: z.string().nullable(),
  /** The eye the photo is filed under (the file's laterality, or the operator's choice); null = not known. */
  eye: lateralitySchema.nullable(),
  matchRule: z.string().nullable(),
  /** strong (the file's own ids), weak (file name, capturing now: shown to the operator), operator, confirmed. */
  matchConfidence: z.string().nullable(),
  rejected: z.boolean(),
  /** Cloud sync: waiting, uploading, retry-wait, uploaded, failed; null when not queued. */
  syncState: z.enum(IMAGE_SYNC_STATES).nullable(),
  /**
   * The photo's one time (shared/photo-time.ts), shown and sorted by everywhere: the capture time
   * when believable, else the arrival time; cameraClock keeps a capture time that is not believable.
   */
  time: z.object({ at: z.string(), source: z.enum(['camera', 'arrival']), cameraClock: z.string().nullable() }),
  /** Why the platform cannot take this photo and what to do (it is never queued); null when it can be sent. */
  unsendable: z.string().nullable(),
});

export const imageDetailSchema = imageSummarySchema.extend({
  facts: z.record(z.string(), z.unknown()),
  qualityMetrics: z.record(z.string(), z.union([z.number(), z.boolean()])).nullable(),
});

export const imageMethods = {
  'images.list': method(
    'Every image taken in (and every file that was refused), newest first.',
    z.object({ limit: z.number().int().min(1).max(5000).default(500), status: imageStatusSchema.optional() }).default({ limit: 500 }),
    z.object({ items: z.array(imageSummarySchema), total: z.number() }),
  ),
  'images.get': method('One image with all its extracted metadata.', z.object({ id: z.string() }), imageDetailSchema),
  'images.retry': method(
    'Try a refused file again (after the operator fixed it at the camera).',
    z.object({ id: z.string() }),
    z.object({ ok: z.literal(true) }),
  ),
};

export const imageEvents = {
  'images.duplicate': z
    .object({ imageId: z.string(), fileName: z.string(), sameAs: z.string(), at: z.string() })
    .describe('A new file held bytes the station already had (fileName is the same as the photo sameAs): kept as one image, told to the operator.'),
};
