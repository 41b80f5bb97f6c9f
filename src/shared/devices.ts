// Device profiles for handheld cameras: which camera it is, where its photos are, what it writes
// into them and how its bursts are grouped. Pure TypeScript + zod (the renderer edits these).
import { z } from 'zod';
import { fileNameRuleSafety } from './filename-rule-safety.ts';

/** Named groups a file-name rule may capture; anything else is most likely a typo. */
export const FILE_NAME_RULE_GROUPS = ['patientId', 'eye', 'field', 'accession'] as const;

export const DEFAULT_PHOTO_PATHS: readonly string[] = ['DCIM'];

// Forms send "" for an empty field and the database sends null: both mean "not set".
const optionalText = z
  .string({ error: 'This must be text.' })
  .trim()
  .nullish()
  .transform((v) => (v ? v : undefined));

const photoPath = z
  .string({ error: 'A photo folder must be text.' })
  .trim()
  .transform((p) => p.replace(/\\/g, '/').replace(/\/+$/, ''))
  .superRefine((p, ctx) => {
    if (p === '') ctx.addIssue({ code: 'custom', message: 'A photo folder cannot be empty.' });
    else if (p.startsWith('/') || /^[A-Za-z]:/.test(p))
      ctx.addIssue({ code: 'custom', message: `"${p}" must be a folder on the camera, like DCIM or Images/Fundus, not a full path.` });
    else if (p.split('/').includes('..'))
      ctx.addIssue({ code: 'custom', message: `"${p}" must stay inside the camera: ".." is not allowed.` });
  });

/** The named groups of a regular expression's source ("(?<eye>OD|OS)" -> ["eye"]). */
export function namedGroups(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!);
}

function regexError(pattern: string): string | null {
  try {
    void new RegExp(pattern); // compiled only to see whether it compiles
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Plain-language problems with a file-name rule; empty when it is usable. */
export function fileNameRuleProblems(pattern: string): string[] {
  const syntaxError = regexError(pattern);
  if (syntaxError) return [`The file-name rule is not a valid pattern: ${syntaxError}`];
  const groups = namedGroups(pattern);
  const allowed: readonly string[] = FILE_NAME_RULE_GROUPS;
  const unknown = groups.filter((g) => !allowed.includes(g));
  if (unknown.length > 0)
    return [`The file-name rule names ${unknown.map((g) => `"${g}"`).join(', ')}; use only ${FILE_NAME_RULE_GROUPS.join(', ')}.`];
  if (groups.length === 0)
    return ['The file-name rule must capture something, for example (?<patientId>\\d+)_(?<eye>OD|OS).'];
  const safety = fileNameRuleSafety(pattern); // issue 12: a rule that backtracks for minutes never runs
  return safety.safe ? [] : [`The file-name rule is refused: ${safety.message}`];
}

export const deviceProfileSchema = z.object({
  id: z.string({ error: 'A profile needs an id.' }).trim().min(1, { error: 'A profile needs an id.' }),
  name: z.string({ error: 'Give the profile a name.' }).trim().min(1, { error: 'Give the profile a name.' }),
  /** Which devices this profile is for; an empty match is a fallback for any camera. */
  match: z
    .object({ make: optionalText, model: optionalText, serial: optionalText, volumeLabel: optionalText })
    .default({ make: undefined, model: undefined, serial: undefined, volumeLabel: undefined }),
  /** Folders with photos, relative to the volume's root. */
  photoPaths: z
    .array(photoPath, { error: 'Photo folders must be a list.' })
    .min(1, { error: 'Give at least one photo folder (usually DCIM).' })
    .default([...DEFAULT_PHOTO_PATHS]),
  /** A regular expression with named groups patientId, eye, field (and accession), or null. */
  fileNameRule: z
    .string({ error: 'The file-name rule must be text.' })
    .trim()
    .nullish()
    .transform((v) => (v ? v : null))
    .superRefine((v, ctx) => {
      if (v !== null) for (const message of fileNameRuleProblems(v)) ctx.addIssue({ code: 'custom', message });
    }),
  /** The camera writes which eye into the photo's metadata, so it can be trusted over a guess. */
  writesLaterality: z.boolean({ error: 'Say whether the camera records the eye (yes or no).' }).default(false),
  /** The camera writes the patient's id into the photo's metadata. */
  writesPatientId: z.boolean({ error: "Say whether the camera records the patient's id (yes or no)." }).default(false),
  /** Photos taken within this many seconds of each other are one burst. */
  burstSeconds: z
    .number({ error: 'The burst gap must be a number of seconds.' })
    .min(0, { error: 'The burst gap cannot be negative.' })
    .max(3600, { error: 'The burst gap must be at most an hour (3600 seconds).' })
    .default(10),
  /** Delete photos from the camera once they are safely in the spool. Off unless chosen. */
  deleteAfterImport: z.boolean({ error: 'Say whether to delete photos from the camera (yes or no).' }).default(false),
});

/** A profile as stored and used: defaults filled in, text trimmed. */
export type DeviceProfile = z.output<typeof deviceProfileSchema>;
/** A profile as a form or a settings file may give it (defaults may be left out). */
export type DeviceProfileInput = z.input<typeof deviceProfileSchema>;

export const deviceProfilesSchema = z.array(deviceProfileSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `Two profiles have the id "${p.id}".` });
    seen.add(p.id);
  });
});

export interface ProfileProblem {
  /** Dotted path of the field ("photoPaths.0"), "" for the profile as a whole. */
  field: string;
  message: string;
}

/** Check a profile from a form or a file; the problems are sentences for the operator. */
export function validateDeviceProfile(
  input: unknown,
): { ok: true; profile: DeviceProfile } | { ok: false; problems: ProfileProblem[] } {
  const r = deviceProfileSchema.safeParse(input);
  if (r.success) return { ok: true, profile: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
  };
}

/** What is known about a plugged-in device: from EXIF/DICOM of its photos, and its volume. */
export interface DeviceIdentity {
  make?: string | null;
  model?: string | null;
  serial?: string | null;
  volumeLabel?: string | null;
}

// EXIF strings come padded with NULs and spaces, and in whatever case the maker chose.
const norm = (s: string | null | undefined): string | null => {
  const t = (s ?? '').replace(/\0/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return t === '' ? null : t;
};

const WEIGHTS = { serial: 8, model: 4, make: 2, volumeLabel: 1 } as const;

/**
 * The profile for a device: every field a profile names must equal the device's (ignoring case
 * and padding), and of those that match, the most specific wins (serial > model > make > volume
 * label; ties go to the earlier profile). A profile that names nothing matches any device.
 */
export function profileForDevice(profiles: readonly DeviceProfile[], device: DeviceIdentity): DeviceProfile | null {
  let best: DeviceProfile | null = null;
  let bestScore = -1;
  for (const p of profiles) {
    let score = 0;
    let matches = true;
    for (const field of ['serial', 'model', 'make', 'volumeLabel'] as const) {
      const want = norm(p.match[field]);
      if (want === null) continue;
      if (want !== norm(device[field])) {
        matches = false;
        break;
      }
      score += WEIGHTS[field];
    }
    if (matches && score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}
