// The worklist and the per-eye exam: orders, matching results, the operator's actions on an exam,
// the Unassigned tray, operators and the audit trail. Every mutating method is attributed to the
// operator signed in for the shift and written to the audit trail in the same transaction.
import { z } from 'zod';
import { method } from './define.ts';
import { imageSummarySchema, lateralitySchema } from './images.ts';
import { capturingNowSchema } from './volumes.ts';
import { orderInputSchema, orderStatuses, sexes } from '../orders.ts';
import { worklistSettingsPatchSchema, worklistSettingsViewSchema } from '../worklist-settings.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const daySchema = z.string().regex(DAY, 'A day is written as YYYY-MM-DD.');
const ok = z.object({ ok: z.literal(true) });
const idInput = (what: string) => z.string().min(1, `Say which ${what}.`);

export const orderStatusSchema = z.enum(orderStatuses);
export const orderSourceSchema = z.enum(['walk-in', 'http', 'folder']);

/** How the best image of an eye was chosen: the operator's pick, the highest quality score, or the last one taken. */
export const bestRuleSchema = z.enum(['operator', 'quality', 'last-taken']);

/**
 * yes: at least one photo of the eye is good enough; no: every scored photo says retake;
 * unknown: no quality hint yet; ungradable: the operator said so (with a reason); none: no photo.
 */
export const eyeGradableSchema = z.enum(['yes', 'no', 'unknown', 'ungradable', 'none']);

export const eyeSummarySchema = z.object({
  /** Photos of this eye that count (not rejected). */
  imageCount: z.number(),
  rejectedCount: z.number(),
  /** picked: the operator chose one; auto: the station will use its automatic choice; none: nothing to choose. */
  best: z.enum(['picked', 'auto', 'none']),
  gradable: eyeGradableSchema,
  ungradableReason: z.string().nullable(),
});

export const orderSummarySchema = z.object({
  id: z.string(),
  patientId: z.string(),
  name: z.string(),
  birthDate: z.string().nullable(),
  sex: z.enum(sexes).nullable(),
  scheduledAt: z.string(),
  day: z.string(),
  site: z.string().nullable(),
  externalOrderId: z.string().nullable(),
  accessionNumber: z.string().nullable(),
  scheduledStepId: z.string().nullable(),
  source: orderSourceSchema,
  status: orderStatusSchema,
  capturingNow: z.boolean(),
  revision: z.number(),
  completedAt: z.string().nullable(),
  eyes: z.object({ OD: eyeSummarySchema, OS: eyeSummarySchema }),
  /** Photos linked to this exam whose eye is not known yet (the operator is asked). */
  unknownEyeCount: z.number(),
  /** Photos linked by a weak rule (file name, "capturing now") that nobody has confirmed. */
  weakCount: z.number(),
});

export const examImageSchema = imageSummarySchema.extend({
  rejectedReason: z.string().nullable(),
  matchConfidence: z.string().nullable(),
  isBest: z.boolean(),
  /**
   * The photo came over the network from a DICOM camera (C-STORE): the camera's AE title and its
   * name in the camera list (null when it is not in the list); null for a photo from a folder or USB.
   */
  dicom: z.object({ callingAe: z.string(), cameraName: z.string().nullable() }).nullable(),
});

export const examEyeSchema = z.object({
  eye: lateralitySchema,
  /** Every photo of the eye in the order taken, rejected ones included (marked). */
  images: z.array(examImageSchema),
  best: z.object({ imageId: z.string(), rule: bestRuleSchema }).nullable(),
  gradable: eyeGradableSchema,
  ungradableReason: z.string().nullable(),
});

export const examSchema = z.object({
  order: orderSummarySchema.extend({ createdAt: z.string(), updatedAt: z.string(), editable: z.boolean() }),
  eyes: z.object({ OD: examEyeSchema, OS: examEyeSchema }),
  /** Photos of this exam that need "Which eye?" answered. */
  unknownEye: z.array(examImageSchema),
  /** Why the exam cannot be completed yet, in the operator's words; empty when it can. */
  blockers: z.array(z.string()),
});

export const providerStatusSchema = z.object({
  id: z.enum(['http', 'folder']),
  label: z.string(),
  enabled: z.boolean(),
  /** off: not configured; waiting: not asked yet; ok: last answer was good; failing: the last answer was not (the last good list is kept). */
  state: z.enum(['off', 'waiting', 'ok', 'failing']),
  lastAttemptAt: z.string().nullable(),
  lastOkAt: z.string().nullable(),
  lastError: z.string().nullable(),
  entryCount: z.number(),
  rejected: z.array(z.object({ row: z.union([z.string(), z.number()]), reason: z.string() })),
  fileErrors: z.array(z.object({ file: z.string(), reason: z.string() })),
});

export const operatorSchema = z.object({ id: z.string(), name: z.string() });

export const auditEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  operator: z.string(),
  action: z.string(),
  orderId: z.string().nullable(),
  imageId: z.string().nullable(),
  fileName: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

export const burstSchema = z.object({
  key: z.string(),
  start: z.string(),
  end: z.string(),
  images: z.array(examImageSchema.extend({ matchNote: z.string().nullable() })),
});

const eyeTarget = z.union([lateralitySchema, z.literal('as-file'), z.null()]);

export const worklistMethods = {
  'worklist.list': method(
    "The day's orders for this station's site (or every site), with per-eye progress. Search matches name, patient ID, accession number or order ID.",
    z
      .object({
        day: daySchema.optional(),
        search: z.string().trim().max(100).optional(),
        allDays: z.boolean().optional(),
        allSites: z.boolean().optional(),
      })
      .default({}),
    z.object({ day: z.string(), site: z.string(), items: z.array(orderSummarySchema), total: z.number(), limited: z.boolean() }),
  ),
  'worklist.providers': method(
    'Where orders come from (worklist server, worklist folder) and how the last attempt went.',
    z.object({}).default({}),
    z.object({ items: z.array(providerStatusSchema) }),
  ),
  'worklist.refresh': method(
    'Ask the worklist server and read the worklist folder now instead of waiting for the next poll.',
    z.object({}).default({}),
    z.object({ items: z.array(providerStatusSchema) }),
  ),
  'worklist.settings.get': method('Worklist settings (the token is only said to be set).', z.object({}).default({}), worklistSettingsViewSchema),
  'worklist.settings.update': method(
    'Change worklist settings (validated). Leave http.token out to keep it, send "" to remove it.',
    worklistSettingsPatchSchema,
    worklistSettingsViewSchema,
    { itOnly: true },
  ),

  'orders.create': method(
    'Create a walk-in order. If the same patient already has an order that day, nothing is created unless allowDuplicate is true; the existing orders are returned instead.',
    z.object({ order: orderInputSchema, allowDuplicate: z.boolean().default(false) }),
    z.union([
      z.object({ created: z.literal(true), order: orderSummarySchema }),
      z.object({ created: z.literal(false), duplicates: z.array(orderSummarySchema) }),
    ]),
  ),
  'orders.update': method(
    "Correct a walk-in order's details (orders from the worklist are corrected in the EHR).",
    z.object({ id: idInput('order'), order: orderInputSchema }),
    orderSummarySchema,
  ),
  'orders.capturingNow': method(
    'The exam marked "capturing now" (its order id, name and patient ID), or null: the status strip shows it on every screen.',
    z.object({}).default({}),
    capturingNowSchema.nullable(),
  ),
  'orders.setCapturingNow': method(
    'Mark the exam being photographed now: photos that name no patient go to it (a weak link, shown as such). Only one exam at a time.',
    z.object({ id: idInput('order'), on: z.boolean() }),
    ok,
  ),

  'exam.get': method('One exam: the patient, and every photo per eye with the best image and gradability.', z.object({ orderId: idInput('order') }), examSchema),
  'exam.pickBest': method(
    "Choose the best image of an eye (the one on the report); imageId null goes back to the station's automatic choice.",
    z.object({ orderId: idInput('order'), eye: lateralitySchema, imageId: z.string().nullable() }),
    ok,
  ),
  'exam.setUngradable': method(
    'Mark an eye ungradable with exactly one reason from the configured list; reason null takes the mark away.',
    z.object({ orderId: idInput('order'), eye: lateralitySchema, reason: z.string().trim().min(1).nullable() }),
    ok,
  ),
  'exam.complete': method(
    'Mark the exam complete: it is then what sync sends. Refused, with the reason, while an eye has no usable photo and no ungradable mark, or a photo has no eye.',
    z.object({ orderId: idInput('order') }),
    z.object({ ok: z.literal(true), revision: z.number() }),
  ),
  'exam.reopen': method('Reopen a completed exam to change it (it is sent again when completed again).', z.object({ orderId: idInput('order') }), ok),

  'images.assign': method(
    'Link photos to an order and eye, move them to the other eye or another order, or send them back to Unassigned (orderId null). eye "as-file" keeps the eye the file says.',
    z.object({ imageIds: z.array(z.string()).min(1, 'Choose at least one photo.').max(500), orderId: z.string().nullable(), eye: eyeTarget }),
    ok,
  ),
  'images.confirmMatch': method(
    'Confirm weak automatic links (file name, "capturing now") as correct.',
    z.object({ imageIds: z.array(z.string()).min(1, 'Choose at least one photo.').max(500) }),
    ok,
  ),
  'images.reject': method(
    'Reject a photo with a reason: it stays in the spool and the record, but is never sent or chosen as best.',
    z.object({ imageId: idInput('photo'), reason: z.string().trim().min(1, 'Say why the photo is rejected.').max(200) }),
    ok,
  ),
  'images.unreject': method('Take back a rejection.', z.object({ imageId: idInput('photo') }), ok),

  'unassigned.list': method(
    'Photos not linked to any order, grouped in capture bursts (close in time), newest burst first.',
    z.object({ limit: z.number().int().min(1).max(5000).default(1000) }).default({ limit: 1000 }),
    z.object({ bursts: z.array(burstSchema), total: z.number() }),
  ),
  'audit.list': method(
    'Everything that was done to one exam and its photos, oldest first. labels: "Name · patient ID" of every order the entries name.',
    z.object({ orderId: idInput('order') }),
    z.object({ items: z.array(auditEntrySchema), labels: z.record(z.string(), z.string()) }),
  ),

  'operators.list': method('The people who can sign in for a shift, and who is signed in now.', z.object({}).default({}), z.object({ items: z.array(operatorSchema), current: operatorSchema.nullable() })),
  'operators.add': method(
    'Add a name to the list and start the shift under it.',
    z.object({ name: z.string().trim().min(1, 'Type your name.').max(80, 'A name can be at most 80 characters.') }),
    operatorSchema,
  ),
  'operators.signIn': method('Start a shift: changes from now on are recorded under this name.', z.object({ id: idInput('name') }), operatorSchema),
  'operators.signOut': method('End the shift.', z.object({}).default({}), ok),
};

export type OrderSummary = z.output<typeof orderSummarySchema>;
export type ExamImage = z.output<typeof examImageSchema>;
export type Exam = z.output<typeof examSchema>;
export type ProviderStatus = z.output<typeof providerStatusSchema>;
export type AuditEntry = z.output<typeof auditEntrySchema>;
export type EyeGradable = z.output<typeof eyeGradableSchema>;
export type BestRule = z.output<typeof bestRuleSchema>;
