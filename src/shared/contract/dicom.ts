// The station as a DICOM node: its own AE title, port and address and the listener's limits (IT's
// settings), the cameras it knows by AE title, and what the listener and each camera are doing.
// Changing the settings or the cameras changes where photos come from: IT-only (the IT lock).
import { z } from 'zod';
import { method } from './define.ts';
import { aeTitleSchema, dicomCameraSchema, dicomNodeSettingsSchema } from '../dicom-settings.ts';

/** The listener right now. */
export const dicomListenerSchema = z.object({
  /** off: turned off in the settings; listening; failed: could not start (see problem). */
  state: z.enum(['off', 'listening', 'failed']),
  /** Why it is not listening, in plain words with what to do; null when it is (or is off). */
  problem: z.string().nullable(),
  /** The address and port actually bound (null when not listening). */
  address: z.string().nullable(),
  port: z.number().nullable(),
  tls: z.boolean(),
  aeTitle: z.string(),
  openAssociations: z.number(),
  /** Associations receiving an object now (an update waits while this is above 0). */
  receiving: z.number(),
  since: z.string().nullable(),
});

/** What one calling AE title did: since the station started, except `objectsEver`. */
export const dicomActivitySchema = z.object({
  callingAe: z.string(),
  associations: z.number(),
  refusedAssociations: z.number(),
  /** Why the last association was refused (plain words), when it was. */
  lastRefusal: z.string().nullable(),
  lastAssociationAt: z.string().nullable(),
  lastAddress: z.string().nullable(),
  objectsStored: z.number(),
  objectsRefused: z.number(),
  /** The same SOP instance sent again (kept once). */
  resends: z.number(),
  lastObjectAt: z.string().nullable(),
  /** DIMSE status of the last object (0 = Success, 0xA700 out of resources, 0xC000 cannot understand, ...). */
  lastStatus: z.number().nullable(),
  echoes: z.number(),
  worklistQueries: z.number(),
  /** Objects received from this AE title ever (from the store), and the last one's time. */
  objectsEver: z.number(),
  lastReceivedAt: z.string().nullable(),
});

/** A known camera with what it did. */
export const dicomCameraViewSchema = dicomCameraSchema.extend({ activity: dicomActivitySchema });

export const dicomStatusSchema = z.object({
  listener: dicomListenerSchema,
  cameras: z.array(dicomCameraViewSchema),
  /** Callers not in the camera list (refused, or allowed when unknown cameras are). */
  unknownCallers: z.array(dicomActivitySchema),
  /** Since local midnight (from the store): objects received, objects refused, and the last object's time. */
  today: z.object({ objects: z.number(), refused: z.number(), lastObjectAt: z.string().nullable() }),
});

const cameraInputSchema = z.object({
  camera: dicomCameraSchema,
  /** The AE title it had, when the edit renames it; null for a new camera. */
  previousAeTitle: aeTitleSchema.nullable().default(null),
});

export const dicomMethods = {
  'dicom.settings.get': method("This station's DICOM node settings: AE title, port, address, limits, TLS.", z.object({}).default({}), dicomNodeSettingsSchema),
  'dicom.settings.update': method(
    'Change the DICOM node settings (any subset). The listener restarts with them; associations in progress are closed and cameras send again.',
    dicomNodeSettingsSchema.partial(),
    dicomStatusSchema,
    { itOnly: true },
  ),
  'dicom.cameras.list': method('The cameras the station knows by AE title, with what each last did.', z.object({}).default({}), z.array(dicomCameraViewSchema)),
  'dicom.cameras.save': method(
    'Add a camera, or change one (previousAeTitle renames it). New associations use it at once.',
    cameraInputSchema,
    z.array(dicomCameraViewSchema),
    { itOnly: true },
  ),
  'dicom.cameras.remove': method(
    'Remove a camera from the list: its AE title is then refused (unless unknown cameras are allowed). Its images stay.',
    z.object({ aeTitle: aeTitleSchema }),
    z.object({ ok: z.literal(true), removed: z.boolean() }),
    { itOnly: true },
  ),
  'dicom.status': method('The listener (listening, port, associations now) and what each camera and unknown caller did.', z.object({}).default({}), dicomStatusSchema),
};

export const dicomEvents = {
  'dicom.changed': z.object({}).describe('The DICOM node changed: its settings, cameras, listener state, or a camera connected or sent an object. Re-query dicom.status.'),
};
