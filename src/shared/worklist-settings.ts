// Worklist settings: where the day's orders come from (an HTTP JSON endpoint, a folder of CSV and
// .wl files), and the lists the operator picks reasons from. Pure TypeScript + zod, so the
// renderer's form checks exactly what the core checks. The bearer token is a secret: it is kept
// in the host's SecretStore (never in station.db) and the UI only ever gets a hint ("…a1b2").
import { z } from 'zod';
import { redactSecret } from './sync.ts';

export const defaultUngradableReasons = [
  'Small pupil',
  'Cataract or media opacity',
  'Patient could not cooperate',
  'Eye absent',
  'Other eye condition',
] as const;

export const defaultRejectReasons = ['Out of focus', 'Eyelid or lashes in the way', 'Too dark or too bright', 'Wrong patient', 'Test shot'] as const;

const reasonList = (what: string, defaults: readonly string[]) =>
  z
    .array(z.string().trim().min(1, `A ${what} cannot be empty.`).max(80, `A ${what} can be at most 80 characters.`))
    .min(1, `Keep at least one ${what}.`)
    .max(20, `At most 20 ${what}s.`)
    .refine((list) => new Set(list.map((r) => r.toLowerCase())).size === list.length, `Each ${what} must be different.`)
    .default([...defaults]);

/** An http(s) URL, or null with a sentence saying what is wrong. */
export function worklistUrlProblem(url: string): string | null {
  if (url.trim() === '') return "Enter the worklist server's address, for example https://ehr.example.org/worklist.";
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return 'The worklist address is not a web address. It must start with https:// (or http://).';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'The worklist address must start with https:// (or http://).';
  if (u.username || u.password) return 'Put the password in the token field, not in the address.';
  return null;
}

// The fields without defaults, so a partial change never resets what it does not name.
const httpFields = {
  enabled: z.boolean(),
  url: z.string().trim().max(2000, 'The address can be at most 2000 characters.'),
  /** Sent as "Authorization: Bearer <token>". Secret: kept in the SecretStore, not with the other settings. */
  token: z.string().trim().max(4000, 'The token can be at most 4000 characters.'),
  timeoutSeconds: z.number().int().min(1, 'The timeout must be at least 1 second.').max(120, 'The timeout can be at most 120 seconds.'),
  pollSeconds: z.number().int().min(10, 'Ask the server at most every 10 seconds.').max(3600, 'Ask the server at least once an hour.'),
};
const folderFields = {
  enabled: z.boolean(),
  path: z.string().trim().max(1000, 'The folder path can be at most 1000 characters.'),
  pollSeconds: z.number().int().min(5, 'Read the folder at most every 5 seconds.').max(3600, 'Read the folder at least once an hour.'),
};

const httpSchema = z.object({
  enabled: httpFields.enabled.default(false),
  url: httpFields.url.default(''),
  token: httpFields.token.default(''),
  timeoutSeconds: httpFields.timeoutSeconds.default(10),
  pollSeconds: httpFields.pollSeconds.default(60),
});

const folderSchema = z.object({
  enabled: folderFields.enabled.default(false),
  path: folderFields.path.default(''),
  pollSeconds: folderFields.pollSeconds.default(30),
});

export const worklistSettingsSchema = z
  .object({
    http: httpSchema.default(httpSchema.parse({})),
    folder: folderSchema.default(folderSchema.parse({})),
    /** The reasons an operator may give for an ungradable eye (exactly one per eye). */
    ungradableReasons: reasonList('reason for an ungradable eye', defaultUngradableReasons),
    /** Suggested reasons for rejecting one photo (the operator may also type another). */
    rejectReasons: reasonList('reason for rejecting a photo', defaultRejectReasons),
    /** Photos closer together than this form one burst in the Unassigned tray. */
    burstGapSeconds: z.number().int().min(1).max(600).default(30),
  })
  .superRefine((s, ctx) => {
    if (s.http.enabled) {
      const problem = worklistUrlProblem(s.http.url);
      if (problem) ctx.addIssue({ code: 'custom', path: ['http', 'url'], message: problem });
    }
    if (s.folder.enabled && s.folder.path === '') {
      ctx.addIssue({ code: 'custom', path: ['folder', 'path'], message: 'Enter the folder the worklist files are saved in.' });
    }
  });

export type WorklistSettings = z.output<typeof worklistSettingsSchema>;
export const defaultWorklistSettings = (): WorklistSettings => worklistSettingsSchema.parse({});

/** What the UI sees: everything but the token, which is only said to be set, with a hint ("…a1b2"). */
export const worklistSettingsViewSchema = z.object({
  http: httpSchema.omit({ token: true }).extend({ tokenSet: z.boolean(), tokenHint: z.string() }),
  folder: folderSchema,
  ungradableReasons: z.array(z.string()),
  rejectReasons: z.array(z.string()),
  burstGapSeconds: z.number(),
});
export type WorklistSettingsView = z.output<typeof worklistSettingsViewSchema>;

/**
 * A change from the UI. `http.token`: absent or "" (the field left empty) keeps the stored token,
 * null removes it, anything else replaces it (like the cloud secrets).
 */
export const worklistSettingsPatchSchema = z.object({
  http: z
    .object({ ...httpFields, token: httpFields.token.nullable() })
    .partial()
    .optional(),
  folder: z.object(folderFields).partial().optional(),
  ungradableReasons: z.array(z.string()).optional(),
  rejectReasons: z.array(z.string()).optional(),
  burstGapSeconds: z.number().optional(),
});
export type WorklistSettingsPatch = z.input<typeof worklistSettingsPatchSchema>;

export const toWorklistSettingsView = (s: WorklistSettings): WorklistSettingsView => {
  const { token, ...http } = s.http;
  return { ...s, http: { ...http, tokenSet: token !== '', tokenHint: redactSecret(token) } };
};
