// Orders (worklist items): the shape an order has when the operator types it in or a worklist
// provider delivers it, and the rules it must follow. Pure TypeScript + zod: the renderer uses it
// for the walk-in form and the core uses it to check provider rows, so both say the same thing.
// Messages are plain language and never repeat the value (it may be patient data).
import { z } from 'zod';
import { isRealDate, localDateString, toUtcIso } from './dates.ts';

/** scheduled: waiting; capturing: the operator is photographing; complete: ready to send; sent: delivered. */
export const orderStatuses = ['scheduled', 'capturing', 'complete', 'sent'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Orders that can still receive images. */
export const isOpenOrderStatus = (status: OrderStatus): boolean => status === 'scheduled' || status === 'capturing';

/** DICOM's codes: male, female, other, unknown. */
export const sexes = ['M', 'F', 'O', 'U'] as const;
export type Sex = (typeof sexes)[number];

/** The one way patient ids are compared everywhere: trimmed, upper case, no white space. */
export const normalisePatientId = (id: string): string => id.replace(/\s+/g, '').toUpperCase();

// Dates live in dates.ts; these are re-exported because orders are where most callers meet them.
export { isRealDate, localDateString, toUtcIso } from './dates.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const messages = {
  patientIdMissing: 'Patient ID is required.',
  patientIdTooLong: 'Patient ID can be at most 64 characters.',
  nameMissing: 'Name is required.',
  nameTooLong: 'Name can be at most 200 characters.',
  birthDateFormat: 'Birth date must be a date written as YYYY-MM-DD.',
  birthDateNotReal: 'Birth date is not a real calendar date.',
  birthDateFuture: 'Birth date cannot be in the future.',
  birthDateTooOld: 'Birth date is before 1900; check the year.',
  sex: 'Sex must be M (male), F (female), O (other) or U (unknown).',
  scheduledAt: 'Scheduled time must be a date and time with a time zone, for example 2025-03-01T09:30+01:00.',
  tooLong: (label: string, max: number) => `${label} can be at most ${max} characters.`,
} as const;

const requiredText = (missing: string, max: number, tooLong: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, tooLong);

// Optional free text: blank, null and absent all become null, so forms can send "".
const optionalText = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text.` })
    .trim()
    .max(max, messages.tooLong(label, max))
    .nullish()
    .transform((v) => (v ? v : null));

const birthDateProblem = (v: string, now: Date): string | null => {
  const m = ISO_DATE.exec(v);
  if (!m) return messages.birthDateFormat;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) return messages.birthDateNotReal;
  if (v > localDateString(now)) return messages.birthDateFuture;
  if (y < 1900) return messages.birthDateTooOld;
  return null;
};

const birthDateSchema = (now: () => Date) =>
  z
    .string({ error: messages.birthDateFormat })
    .trim()
    .superRefine((v, ctx) => {
      const problem = birthDateProblem(v, now());
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const scheduledAtSchema = z
  .string({ error: messages.scheduledAt })
  .transform((v, ctx) => {
    const iso = toUtcIso(v);
    if (iso === null) {
      ctx.addIssue({ code: 'custom', message: messages.scheduledAt });
      return z.NEVER;
    }
    return iso;
  });

const orderFields = (now: () => Date) => ({
  patientId: requiredText(messages.patientIdMissing, 64, messages.patientIdTooLong),
  name: requiredText(messages.nameMissing, 200, messages.nameTooLong),
  birthDate: birthDateSchema(now),
  sex: z.enum(sexes, { error: messages.sex }),
  scheduledAt: scheduledAtSchema,
  site: optionalText('Site', 64),
  externalOrderId: optionalText('Order ID', 64),
  accessionNumber: optionalText('Accession number', 64),
});

/**
 * A walk-in or edited order. `now` is injectable so "not in the future" can be tested; the
 * default schema reads the clock at validation time. Output: trimmed text, scheduledAt in UTC,
 * blank optional fields as null.
 */
export const makeOrderInputSchema = (now: () => Date = () => new Date()) => z.object(orderFields(now));
export const orderInputSchema = makeOrderInputSchema();

/** What the form sends (optional fields may be absent or ""). */
export type OrderInputDraft = z.input<typeof orderInputSchema>;
/** A checked order. */
export type OrderInput = z.output<typeof orderInputSchema>;

/**
 * One row a worklist provider delivered, checked by the same rules as a walk-in order, except
 * that the birth date may be unknown (real Modality Worklist items often leave it empty).
 * `source` says which provider (and file) it came from.
 */
export const makeWorklistEntrySchema = (now: () => Date = () => new Date()) =>
  z.object({
    ...orderFields(now),
    birthDate: birthDateSchema(now).nullable(),
    source: z.string().min(1),
    scheduledStepId: optionalText('Scheduled procedure step ID', 64),
    // DICOM identities a provider may bring (issue 13): kept when they fit DICOM, else the order
    // gets its own (never a reason to reject the row). Absent, not null, when not given.
    studyInstanceUid: z.string().trim().optional(),
    scheduledStationAeTitle: z.string().trim().optional(),
  });
export const worklistEntrySchema = makeWorklistEntrySchema();

export type WorklistEntry = Omit<OrderInput, 'birthDate'> & {
  birthDate: string | null;
  source: string;
  externalOrderId: string | null;
  accessionNumber: string | null;
  scheduledStepId: string | null;
  /** The item's Study Instance UID, when the provider gave one. */
  studyInstanceUid?: string;
  /** The item's Scheduled Station AE Title (the camera it is scheduled on), when given. */
  scheduledStationAeTitle?: string;
};

/** The first problem with a value, in the schema's plain words, e.g. for a rejected worklist row. */
export const firstIssueMessage = (error: z.ZodError): string => {
  const issue = error.issues[0];
  return issue ? issue.message : 'The order is not valid.';
};
