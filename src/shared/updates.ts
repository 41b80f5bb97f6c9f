// Update settings and what the updater reports, shared by the core (updates/) and the UI. Pure
// TypeScript + zod, so the settings form checks exactly what the core checks.
import { z } from 'zod';

export const UPDATE_CHANNELS = ['stable', 'beta'] as const;
export type UpdateChannel = (typeof UPDATE_CHANNELS)[number];

/** An https address (http only on loopback, for a test feed), or a sentence saying what is wrong. */
export function updateUrlProblem(value: string, what: 'feed' | 'proxy'): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return what === 'feed'
      ? 'The update feed address is not a web address. It must start with https://.'
      : 'The proxy address is not a web address, for example http://proxy.clinic.local:3128.';
  }
  if (what === 'proxy') {
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'The proxy address must start with http:// or https://.';
    return null;
  }
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return 'The update feed address must start with https://.';
  if (u.username || u.password) return 'The update feed address must not contain a user name or password.';
  return null;
}

const fields = {
  /** Self-update on this workstation. IT turns it off where it pushes each version itself (per-machine installs). */
  enabled: z.boolean(),
  channel: z.enum(UPDATE_CHANNELS),
  checkIntervalHours: z.number().int().min(1, 'Check at most once an hour.').max(48, 'Check at least every 48 hours.'),
  /** The download's cap in kilobits per second; null: no cap. */
  bandwidthCapKbps: z.number().int().min(64, 'The cap must be at least 64 kbit/s.').max(1_000_000).nullable(),
  /** A proxy for update downloads only (e.g. http://proxy.clinic.local:3128); null: the system's setting. */
  proxy: z
    .string()
    .trim()
    .max(500)
    .nullable()
    .refine((v) => v === null || updateUrlProblem(v, 'proxy') === null, { message: 'The proxy address must be like http://proxy.clinic.local:3128.' }),
  /** IT's own feed instead of the one built into the installer; null: the built-in one. */
  feedUrl: z
    .string()
    .trim()
    .max(1000)
    .nullable()
    .refine((v) => v === null || updateUrlProblem(v, 'feed') === null, { message: 'The update feed address must start with https://.' }),
};

export const updateSettingsSchema = z.object({
  enabled: fields.enabled.default(true),
  channel: fields.channel.default('stable'),
  checkIntervalHours: fields.checkIntervalHours.default(4),
  bandwidthCapKbps: fields.bandwidthCapKbps.default(4000),
  proxy: fields.proxy.default(null),
  feedUrl: fields.feedUrl.default(null),
});
export type UpdateSettings = z.output<typeof updateSettingsSchema>;

/** A change: fields left out keep their value. */
export const updateSettingsPatchSchema = z.object({
  enabled: fields.enabled.optional(),
  channel: fields.channel.optional(),
  checkIntervalHours: fields.checkIntervalHours.optional(),
  bandwidthCapKbps: fields.bandwidthCapKbps.optional(),
  proxy: fields.proxy.optional(),
  feedUrl: fields.feedUrl.optional(),
});
export type UpdateSettingsPatch = z.output<typeof updateSettingsPatchSchema>;

export const defaultUpdateSettings = (): UpdateSettings => updateSettingsSchema.parse({});

/**
 * Where the updater is:
 * - unsupported: this host cannot update itself (headless service, a development run)
 * - managed: installed per machine or from a package; IT installs each version
 * - disabled: self-update turned off in the settings
 * - idle / checking / up-to-date / downloading
 * - ready: downloaded and verified; installs when the station quits, or at "restart" when idle
 * - error: the last check or download failed; this version keeps running
 */
export const UPDATE_PHASES = ['unsupported', 'managed', 'disabled', 'idle', 'checking', 'up-to-date', 'downloading', 'ready', 'error'] as const;

export const updateStatusSchema = z.object({
  phase: z.enum(UPDATE_PHASES),
  currentVersion: z.string(),
  channel: z.enum(UPDATE_CHANNELS),
  /** The newer version found (downloading or ready), with its notes as published. */
  available: z.object({ version: z.string(), releaseDate: z.string().nullable(), releaseNotes: z.string().nullable() }).nullable(),
  progress: z.object({ percent: z.number(), transferred: z.number(), total: z.number(), bytesPerSecond: z.number() }).nullable(),
  /** "Restart now" may be offered only when `allowed`; else what the station waits for, in words. */
  restart: z.object({ allowed: z.boolean(), waitingFor: z.array(z.string()), armed: z.boolean() }),
  /** The operator chose "later": the update installs when the station quits. */
  deferred: z.boolean(),
  /** What happened and what to do, in words; null when all is well. */
  message: z.string().nullable(),
  lastCheckAt: z.string().nullable(),
  nextCheckAt: z.string().nullable(),
});
export type UpdateStatus = z.output<typeof updateStatusSchema>;
