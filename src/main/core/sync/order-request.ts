// The OrderRequest the image-first workflow POSTs once every image of an exam is in storage.
// Pure: the shape (orderRequestSchema, shared with the reference order-intake server), the
// builder, the best-image rule and the idempotency key. Sending lives in order-submit.ts.
//
// The shape follows the platform's OrderRequest 2.3.1 (Site, Camera with Images[], Order,
// Patient; PascalCase). Per-eye best image and ungradable reason have no field there, so they
// travel in a `CaptureStation` extension object together with the exam id and revision.
import { z } from 'zod';
import type { Laterality } from '../../../shared/domain.ts';

export const ORDER_REQUEST_VERSION = '2.3.1';

const laterality = z.enum(['OD', 'OS']);
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
// "2022-01-01T17:42:18.6936779+00:00": the platform's own example has 7 fraction digits.
const isoWithOffset = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/, { error: 'must be ISO-8601 with an offset' });

export const orderImageSchema = z.object({
  /** The station's id for the image; the platform reports image events by it. */
  LocalId: text(128),
  Taken: isoWithOffset.nullable(),
  AzureBlobStorage: z.object({
    Container: z.string().regex(/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/, { error: 'is not a valid container name' }),
    FileName: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(jpg|dcm)$/i, { error: 'must be <uuid>.jpg or <uuid>.dcm' }),
  }),
  Laterality: laterality,
});

export const orderEyeSchema = z.object({
  Laterality: laterality,
  /** The image for the results report; required when the eye has images. */
  BestImageLocalId: text(128).nullable(),
  /** One reason per eye (not per image) when the operator marked it ungradable. */
  UngradableReason: optionalText(200).transform((v) => v || null),
});

export const orderRequestSchema = z
  .object({
    Version: z.literal(ORDER_REQUEST_VERSION),
    /** NW: new order; XO: change of an order already sent (a later revision of the exam). */
    OrderControlCode: z.enum(['NW', 'XO']),
    Site: z.object({ LocalId: text(64) }),
    Camera: z.object({
      LocalId: text(64),
      SerialNumber: optionalText(64),
      Manufacturer: optionalText(64),
      Model: optionalText(64),
      Images: z.array(orderImageSchema).min(1, { error: 'an order names at least one image' }),
    }),
    Order: z.object({
      LocalId: text(64),
      EvaluationTypes: z.array(text(32)).min(1),
      ScheduledTime: optionalText(40),
      DepartmentId: optionalText(64),
    }),
    Patient: z.object({
      LocalId: text(64),
      Name: z.object({ First: optionalText(100), Last: optionalText(100) }).optional(),
      Dob: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be YYYY-MM-DD' })
        .nullable()
        .optional(),
      Genders: z.array(z.object({ Context: z.enum(['Unknown', 'IdentityGender', 'BirthGender']), Gender: text(4) })).optional(),
    }),
    CaptureStation: z.object({
      StationId: text(64),
      ExamId: text(64),
      /** 1 for the first submission; +1 for every change after that. */
      Revision: z.number().int().min(1),
      AccessionNumber: optionalText(64),
      Eyes: z.array(orderEyeSchema).max(2),
    }),
  })
  .superRefine((o, ctx) => {
    const ids = new Set<string>();
    const files = new Set<string>();
    o.Camera.Images.forEach((img, i) => {
      if (ids.has(img.LocalId)) ctx.addIssue({ code: 'custom', path: ['Camera', 'Images', i, 'LocalId'], message: 'is named twice' });
      ids.add(img.LocalId);
      const f = `${img.AzureBlobStorage.Container}/${img.AzureBlobStorage.FileName.toLowerCase()}`;
      if (files.has(f)) ctx.addIssue({ code: 'custom', path: ['Camera', 'Images', i, 'AzureBlobStorage'], message: 'names the same blob as another image' });
      files.add(f);
    });
    const seen = new Set<string>();
    o.CaptureStation.Eyes.forEach((eye, i) => {
      const path = ['CaptureStation', 'Eyes', i];
      if (seen.has(eye.Laterality)) ctx.addIssue({ code: 'custom', path, message: `${eye.Laterality} is listed twice` });
      seen.add(eye.Laterality);
      const eyeImages = o.Camera.Images.filter((img) => img.Laterality === eye.Laterality);
      if (eye.BestImageLocalId === null) {
        if (eyeImages.length > 0) ctx.addIssue({ code: 'custom', path: [...path, 'BestImageLocalId'], message: 'is required when the eye has images' });
      } else if (!eyeImages.some((img) => img.LocalId === eye.BestImageLocalId)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'BestImageLocalId'], message: `is not one of the ${eye.Laterality} images` });
      }
    });
    for (const lat of new Set(o.Camera.Images.map((img) => img.Laterality))) {
      if (!seen.has(lat)) ctx.addIssue({ code: 'custom', path: ['CaptureStation', 'Eyes'], message: `has no entry for ${lat}, which has images` });
    }
    // Revision 1 is always new. A later revision is XO when the platform accepted an earlier one,
    // and NW when none reached it (an exam reopened before its order went out): orderControlCodeFor.
    if (o.CaptureStation.Revision === 1 && o.OrderControlCode !== 'NW') {
      ctx.addIssue({ code: 'custom', path: ['OrderControlCode'], message: 'must be NW for revision 1' });
    }
  });

export type OrderRequest = z.output<typeof orderRequestSchema>;

// ---------------------------------------------------------------------------------------------
// What the station knows about an exam, and the builder
// ---------------------------------------------------------------------------------------------

export interface OrderExamImage {
  /** The image's station id (a UUID): also the blob's base name. */
  localId: string;
  blobName: string;
  laterality: Laterality;
  /** UTC ISO-8601, or null when the camera gave no time. */
  takenAt: string | null;
  /** The camera's own offset ("+02:00"), when it gave one. */
  takenOffset: string | null;
  /** 0..1 from the quality check, for the best-image rule. */
  qualityScore?: number | null;
}

export interface OrderExamEye {
  laterality: Laterality;
  /** The operator's explicit pick, which beats every other rule. */
  bestImageLocalId?: string | null;
  ungradableReason?: string | null;
}

export type OrderControlCode = 'NW' | 'XO';

/**
 * NW (new) unless the platform has accepted (a 2xx) an earlier revision of this exam's order;
 * then XO (change). Decided once, when the job's body is first built; the engine sends no
 * revision while an earlier one may still be on its way (see docs/SYNC.md).
 */
export function orderControlCodeFor(revision: number, earlierRevisionAccepted: boolean): OrderControlCode {
  return revision > 1 && earlierRevisionAccepted ? 'XO' : 'NW';
}

export interface OrderExam {
  examId: string;
  /** 1 for the first submission; the caller bumps it whenever the exam changes after that. */
  revision: number;
  /** Default: NW for revision 1, XO after. The engine passes orderControlCodeFor(...). */
  controlCode?: OrderControlCode;
  siteId: string;
  stationId: string;
  container: string;
  order: {
    localId: string;
    accessionNumber?: string | null;
    evaluationTypes?: string[];
    scheduledTime?: string | null;
    departmentId?: string | null;
  };
  patient: {
    localId: string;
    firstName?: string | null;
    lastName?: string | null;
    /** Used when first/last are not given: "Last, First" or DICOM "Last^First". */
    name?: string | null;
    birthDate?: string | null; // YYYY-MM-DD
    sex?: string | null; // M, F, O
  };
  camera: { localId: string; serialNumber?: string | null; manufacturer?: string | null; model?: string | null };
  /** Only the images to send: rejected ones left out by the caller. */
  images: OrderExamImage[];
  eyes?: OrderExamEye[];
}

/** UTC instant + the camera's offset -> local time with that offset ("...T17:42:18.693+01:00"). */
export function formatTaken(takenAtUtc: string | null, offset: string | null): string | null {
  if (!takenAtUtc) return null;
  const t = Date.parse(takenAtUtc);
  if (Number.isNaN(t)) return null;
  const m = offset ? /^([+-])(\d{2}):?(\d{2})$/.exec(offset) : null;
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const suffix = m ? `${m[1]}${m[2]}:${m[3]}` : '+00:00';
  return new Date(t + minutes * 60_000).toISOString().replace('Z', suffix);
}

/**
 * The report's image for one eye: the operator's pick; else the highest quality score; else the
 * last one taken (the operator stopped when they had a good one); else the last one given.
 */
export function bestImageFor(images: OrderExamImage[], explicitPick?: string | null): string | null {
  if (images.length === 0) return null;
  if (explicitPick && images.some((i) => i.localId === explicitPick)) return explicitPick;
  const takenMs = (i: OrderExamImage): number => (i.takenAt ? Date.parse(i.takenAt) : Number.NEGATIVE_INFINITY);
  const byTime = images
    .map((img, index) => ({ img, index }))
    .sort((a, b) => takenMs(a.img) - takenMs(b.img) || a.index - b.index)
    .map((x) => x.img);
  const scored = byTime.filter((i) => typeof i.qualityScore === 'number');
  if (scored.length > 0) {
    // Latest among the best-scored, so a tie goes to the later image.
    const top = Math.max(...scored.map((i) => i.qualityScore as number));
    return scored.filter((i) => i.qualityScore === top).at(-1)!.localId;
  }
  return byTime.at(-1)!.localId;
}

const GENDERS = new Set(['M', 'F', 'O', 'U']);

/** "Müller, Anna" or DICOM "Müller^Anna" -> { Last: "Müller", First: "Anna" }; one word is a last name. */
export function splitPersonName(name: string | null | undefined): { First: string | null; Last: string | null } {
  const n = (name ?? '').trim();
  if (!n) return { First: null, Last: null };
  const [last, first] = n.includes('^') ? n.split('^') : n.includes(',') ? n.split(',') : [n, ''];
  return { Last: last?.trim() || null, First: first?.trim() || null };
}

export function buildOrderRequest(exam: OrderExam): OrderRequest {
  const lateralities = new Set<Laterality>([...exam.images.map((i) => i.laterality), ...(exam.eyes ?? []).map((e) => e.laterality)]);
  const eyes = (['OD', 'OS'] as const)
    .filter((lat) => lateralities.has(lat))
    .map((lat) => {
      const info = exam.eyes?.find((e) => e.laterality === lat);
      return {
        Laterality: lat,
        BestImageLocalId: bestImageFor(
          exam.images.filter((i) => i.laterality === lat),
          info?.bestImageLocalId,
        ),
        UngradableReason: info?.ungradableReason || null,
      };
    });
  const sex = exam.patient.sex?.toUpperCase() ?? null;
  const request = {
    Version: ORDER_REQUEST_VERSION,
    OrderControlCode: exam.controlCode ?? orderControlCodeFor(exam.revision, true),
    Site: { LocalId: exam.siteId },
    Camera: {
      LocalId: exam.camera.localId,
      SerialNumber: exam.camera.serialNumber ?? null,
      Manufacturer: exam.camera.manufacturer ?? null,
      Model: exam.camera.model ?? null,
      Images: exam.images.map((img) => ({
        LocalId: img.localId,
        Taken: formatTaken(img.takenAt, img.takenOffset),
        AzureBlobStorage: { Container: exam.container, FileName: img.blobName },
        Laterality: img.laterality,
      })),
    },
    Order: {
      LocalId: exam.order.localId,
      EvaluationTypes: exam.order.evaluationTypes?.length ? exam.order.evaluationTypes : ['DR'],
      ScheduledTime: exam.order.scheduledTime ?? null,
      DepartmentId: exam.order.departmentId ?? null,
    },
    Patient: {
      LocalId: exam.patient.localId,
      Name:
        exam.patient.firstName || exam.patient.lastName
          ? { First: exam.patient.firstName ?? null, Last: exam.patient.lastName ?? null }
          : splitPersonName(exam.patient.name),
      Dob: exam.patient.birthDate ?? null,
      // DICOM's Patient's Sex does not say which context it is, so it goes as 'Unknown'.
      ...(sex && GENDERS.has(sex) && { Genders: [{ Context: 'Unknown' as const, Gender: sex }] }),
    },
    CaptureStation: {
      StationId: exam.stationId,
      ExamId: exam.examId,
      Revision: exam.revision,
      AccessionNumber: exam.order.accessionNumber ?? null,
      Eyes: eyes,
    },
  };
  // Parsing here means the station never sends what the intake server would refuse as malformed.
  const parsed = orderRequestSchema.safeParse(request);
  if (!parsed.success) throw new OrderBuildError(`The order for this exam cannot be built: ${describeIssues(parsed.error).join('; ')}.`);
  return parsed.data;
}

/** The exam lacks something the order needs (a bug or missing data, not a network problem). */
export class OrderBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderBuildError';
  }
}

/** Stable per exam and revision: a repeat of the same submission is harmless; a change is new. */
export function idempotencyKey(exam: Pick<OrderExam, 'examId' | 'revision'>): string {
  return `capture-station.${exam.examId}.r${exam.revision}`;
}

/** Zod issues as "Camera.Images.0.Taken: must be ISO-8601 with an offset" lines. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
}
