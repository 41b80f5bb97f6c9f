// Handheld cameras over USB: the cameras plugged in, their import progress and results, the new
// photos grouped by burst, sending a burst to an eye, and the device profiles.
import { z } from 'zod';
import { deviceProfileSchema } from '../devices.ts';
import { method } from './define.ts';
import { imageSummarySchema, lateralitySchema } from './images.ts';

export const importProgressSchema = z.object({
  sessionId: z.string(),
  volumeId: z.string(),
  /** Files read so far (new, already known or refused) out of the files to read this time. */
  doneFiles: z.number(),
  totalFiles: z.number(),
  doneBytes: z.number(),
  totalBytes: z.number(),
  newImages: z.number(),
  /** Estimated from the bytes read so far; null until there is enough to estimate. */
  secondsLeft: z.number().nullable(),
  startedAt: z.string(),
});

export const cameraSessionStateSchema = z.enum(['importing', 'done', 'interrupted', 'failed']);

export const cameraSessionSchema = z.object({
  id: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  volumeLabel: z.string().nullable(),
  state: cameraSessionStateSchema,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Photos on the camera, and those it had that the station had not read before. */
  filesOnCamera: z.number(),
  filesToImport: z.number(),
  bytesToImport: z.number(),
  filesDone: z.number(),
  bytesDone: z.number(),
  newImages: z.number(),
  alreadyKnown: z.number(),
  refused: z.number(),
  deletedFromCamera: z.number(),
  /** Said when the camera was recognised: "Camera connected: 14 new photos". */
  headline: z.string(),
  /** How the plug-in ended, in the operator's words (null while importing). */
  message: z.string().nullable(),
  messageLevel: z.enum(['info', 'warning', 'error']),
  dismissed: z.boolean(),
});

export const connectedCameraStateSchema = z.enum(['checking', 'importing', 'done', 'interrupted', 'failed', 'not-a-camera']);

export const connectedCameraSchema = z.object({
  volumeId: z.string(),
  label: z.string().nullable(),
  mountPath: z.string(),
  state: connectedCameraStateSchema,
  /** Why it is not a camera or why the import failed. */
  detail: z.string().nullable(),
  deviceId: z.string().nullable(),
  deviceName: z.string().nullable(),
  make: z.string().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  profileId: z.string().nullable(),
  profileName: z.string(),
  deleteAfterImport: z.boolean(),
  connectedAt: z.string(),
  session: cameraSessionSchema.nullable(),
  progress: importProgressSchema.nullable(),
});

export const cameraPhotoSchema = imageSummarySchema.extend({
  /** The time used for burst grouping: when taken, else the file's time on the camera. */
  groupTime: z.string(),
});

export const cameraBurstSchema = z.object({
  key: z.string(),
  start: z.string(),
  end: z.string(),
  /** The eye every photo of the burst is filed under; 'mixed' when they differ; null when none is. */
  eye: z.union([lateralitySchema, z.literal('mixed')]).nullable(),
  /** The exam every photo of the burst is on, else null; and its "Name · patient ID". */
  orderId: z.string().nullable(),
  orderLabel: z.string().nullable(),
  photos: z.array(cameraPhotoSchema),
});

export const capturingNowSchema = z.object({ orderId: z.string(), patientName: z.string(), patientId: z.string() });

export const volumesWatchSchema = z.object({
  mode: z.enum(['platform', 'stand-in', 'off']),
  /** The stand-in mount root, when one is used. */
  root: z.string().nullable(),
  /** Set when the monitor cannot list volumes (for IT). */
  problem: z.string().nullable(),
});

export const volumeMethods = {
  'cameras.list': method(
    'Volumes plugged in now (cameras and what they are doing), the last camera imports, and how volumes are watched.',
    z.object({}).default({}),
    z.object({ cameras: z.array(connectedCameraSchema), recentSessions: z.array(cameraSessionSchema), watch: volumesWatchSchema }),
  ),
  'cameras.progress': method(
    'Imports running now: n of m, bytes and time left.',
    z.object({}).default({}),
    z.object({ imports: z.array(importProgressSchema) }),
  ),
  'cameras.photos': method(
    'The new photos of a camera import (the latest with new photos when no session is given), grouped by burst: the last `limit` taken.',
    z.object({ sessionId: z.string().optional(), limit: z.number().int().min(1).max(5000).default(400) }).default({ limit: 400 }),
    z.object({
      session: cameraSessionSchema.nullable(),
      burstSeconds: z.number(),
      capturingNow: capturingNowSchema.nullable(),
      bursts: z.array(cameraBurstSchema),
      /** Earlier photos of the import left out by `limit` (a first import of a full card). */
      omitted: z.number(),
    }),
  ),
  'cameras.sendBurst': method(
    'File a burst under an eye: onto the exam marked "capturing now" if there is one, otherwise in the Unassigned tray with that eye.',
    z.object({ imageIds: z.array(z.string()).min(1, 'Choose the photos to send.').max(1000), eye: lateralitySchema }),
    z.object({ orderId: z.string().nullable(), eye: lateralitySchema, count: z.number() }),
  ),
  'cameras.dismiss': method('Hide the message of a camera import.', z.object({ sessionId: z.string() }), z.object({ ok: z.literal(true) })),
  'cameras.rescan': method(
    'Look at a plugged-in camera again and take in what is new (after changing its profile, or a failure).',
    z.object({ volumeId: z.string() }),
    z.object({ ok: z.literal(true) }),
  ),
  'cameras.profiles': method('Device profiles, in the order they are tried.', z.object({}).default({}), z.object({ items: z.array(deviceProfileSchema) })),
  'cameras.saveProfile': method('Add or change a device profile (validated).', z.object({ profile: deviceProfileSchema }), deviceProfileSchema, { itOnly: true }),
  'cameras.removeProfile': method('Delete a device profile.', z.object({ id: z.string() }), z.object({ ok: z.literal(true) }), { itOnly: true }),
};

export const volumeEvents = {
  'cameras.changed': z.object({}).describe('A camera was plugged in or out, an import started or ended, a profile changed: re-query.'),
  'cameras.progress': importProgressSchema.describe('Progress of one running import (at most a few per second).'),
};
