// The station as a DICOM node: its own AE title, port and address, the cameras it knows, and the
// limits that guard a listener open to the clinic network. Pure TypeScript + zod, so the settings
// screen checks exactly what the core checks.
import { z } from 'zod';

/** An AE title: 1-16 characters of the DICOM default repertoire, no backslash, not all spaces. */
export const aeTitleSchema = z
  .string()
  .trim()
  .min(1, 'Enter an AE title.')
  .max(16, 'An AE title has at most 16 characters.')
  .regex(/^[\x20-\x5b\x5d-\x7e]+$/, 'An AE title uses plain letters, digits, spaces and punctuation (no backslash, no accents).');

/** What a camera can show in its worklist: UTF-8, Latin-1, or plain ASCII (accents transliterated). */
export const dicomCharsetSchema = z.enum(['utf8', 'latin1', 'ascii']);
export type DicomCharset = z.output<typeof dicomCharsetSchema>;

/** A camera the station knows by its AE title. */
export const dicomCameraSchema = z.object({
  aeTitle: aeTitleSchema,
  name: z.string().trim().min(1, 'Give the camera a name.').max(80),
  /** When set, an association from this AE title is accepted only from this host (IP address or name). */
  host: z.string().trim().max(255).nullable().default(null),
  charset: dicomCharsetSchema.default('utf8'),
  /** Modality given to its images when an object carries none (OP photographs, OPT OCT). */
  defaultModality: z.string().trim().max(16).default('OP'),
  /**
   * A camera that sends no Scheduled Station AE Title in its worklist query gets only the items for
   * this station AE title (null: every item of this station).
   */
  worklistStationAeTitle: z.string().trim().max(16).nullable().default(null),
});
export type DicomCamera = z.output<typeof dicomCameraSchema>;

export const dicomNodeSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  aeTitle: aeTitleSchema.default('CAPTURE'),
  port: z.number().int().min(1, 'The port must be between 1 and 65535.').max(65535, 'The port must be between 1 and 65535.').default(11112),
  /** The address to listen on: all interfaces by default (cameras are other machines on the clinic network). */
  address: z.string().trim().min(1).max(255).default('0.0.0.0'),
  /** Callers whose AE title is not in the camera list: refused (the default) or allowed. */
  allowUnknownCameras: z.boolean().default(false),
  maxAssociations: z.number().int().min(1).max(64).default(8),
  maxObjectMegabytes: z.number().int().min(1).max(4096).default(1024),
  /** An association that sends nothing for this long is closed. */
  idleTimeoutSeconds: z.number().int().min(5).max(3600).default(60),
  /** TLS: paths of the PEM certificate and key (both or neither). */
  tls: z
    .object({ certFile: z.string().min(1), keyFile: z.string().min(1), caFile: z.string().min(1).nullable().default(null) })
    .nullable()
    .default(null),
});
export type DicomNodeSettings = z.output<typeof dicomNodeSettingsSchema>;
export const defaultDicomNodeSettings = (): DicomNodeSettings => dicomNodeSettingsSchema.parse({});
