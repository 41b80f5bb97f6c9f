import { z } from 'zod';
import { defaultQualityThresholds, qualityThresholdsSchema } from './quality-thresholds.ts';
import { fileNameRuleSafety, MAX_RULE_PATTERN_LENGTH } from './filename-rule-safety.ts';

export const fileNameRuleSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().trim().min(1, 'Give the rule a name.'),
    pattern: z
      .string()
      .min(1, 'Enter a regular expression.')
      .max(MAX_RULE_PATTERN_LENGTH, `Keep the pattern under ${MAX_RULE_PATTERN_LENGTH} characters; file-name rules are short.`),
    flags: z.string().regex(/^[imsu]*$/, 'Only the flags i, m, s and u are allowed.').optional(),
  })
  .superRefine((rule, ctx) => {
    // A rule that can backtrack for minutes on one file name would stop the station (README: "File-name rules").
    const safety = fileNameRuleSafety(rule.pattern, rule.flags);
    if (!safety.safe && safety.reason !== 'too-long') ctx.addIssue({ code: 'custom', path: ['pattern'], message: `File-name rule "${rule.name}": ${safety.message}` });
  });

/** Station-wide settings that IT edits; each has a default so a fresh station works at once. */
export const stationSettingsSchema = z.object({
  stationName: z.string().trim().min(1).max(80).default('Capture Station'),
  siteId: z.string().trim().max(64).default(''),
  fileNameRules: z.array(fileNameRuleSchema).max(20).default([]),
  incompleteTimeoutSeconds: z.number().int().min(2).max(600).default(15),
  maxFileMegabytes: z.number().int().min(1).max(4096).default(512),
  /** Free space on the data folder's disk below this gives a warning (0: no warning). README.md ("Disk space"). */
  lowDiskSpaceMegabytes: z
    .number()
    .int('Give the low disk space warning in whole megabytes.')
    .min(0, 'The low disk space warning cannot be negative (0 turns it off).')
    .max(1_048_576, 'The low disk space warning can be at most 1048576 MB (1 TB).')
    .default(2048),
  /** The levels behind the quality hints; README.md ("Quality hints") explains each default. */
  qualityThresholds: qualityThresholdsSchema.default({ ...defaultQualityThresholds }),
});

export type StationSettings = z.output<typeof stationSettingsSchema>;
export const defaultStationSettings = (): StationSettings => stationSettingsSchema.parse({});
