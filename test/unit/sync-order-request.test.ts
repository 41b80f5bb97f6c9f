import { describe, expect, it } from 'vitest';
import { decideOrder } from '../../scripts/order-intake-server.ts';
import {
  OrderBuildError,
  bestImageFor,
  buildOrderRequest,
  formatTaken,
  idempotencyKey,
  orderControlCodeFor,
  orderRequestSchema,
  splitPersonName,
  type OrderExam,
  type OrderExamImage,
} from '../../src/main/core/sync/order-request.ts';

const uuid = (n: number) => `0190f3a2-7c1e-7b3d-9a4b-${String(n).padStart(12, '0')}`;
const img = (n: number, laterality: 'OD' | 'OS', takenAt: string | null, qualityScore?: number): OrderExamImage => ({
  localId: uuid(n),
  blobName: `${uuid(n)}.jpg`,
  laterality,
  takenAt,
  takenOffset: '+01:00',
  ...(qualityScore !== undefined && { qualityScore }),
});

const exam: OrderExam = {
  examId: '0190f3a2-0000-7000-8000-00000000e001',
  revision: 1,
  siteId: 'PC1234',
  stationId: 'station-1',
  container: 'images',
  order: { localId: 'ORD1234', accessionNumber: 'ACC-9', scheduledTime: '2025-01-01T09:00:00+01:00' },
  patient: { localId: 'PAT-1', name: 'Doe, John', birthDate: '1960-02-03', sex: 'm' },
  camera: { localId: 'CAM-1', serialNumber: 'SN-42', manufacturer: 'Topcon', model: 'NW400' },
  images: [
    img(1, 'OD', '2025-01-01T08:01:00.000Z'),
    img(2, 'OD', '2025-01-01T08:02:00.000Z'),
    img(3, 'OS', '2025-01-01T08:03:00.000Z'),
  ],
  eyes: [{ laterality: 'OS', ungradableReason: 'Small pupil' }],
};

describe('buildOrderRequest', () => {
  it('follows the platform shape: Camera.LocalId, SerialNumber and Images with blob names and laterality', () => {
    const o = buildOrderRequest(exam);
    expect(o.Version).toBe('2.3.1');
    expect(o.OrderControlCode).toBe('NW');
    expect(o.Site).toEqual({ LocalId: 'PC1234' });
    expect(o.Camera).toMatchObject({ LocalId: 'CAM-1', SerialNumber: 'SN-42', Manufacturer: 'Topcon', Model: 'NW400' });
    expect(o.Camera.Images[0]).toEqual({
      LocalId: uuid(1),
      Taken: '2025-01-01T09:01:00.000+01:00',
      AzureBlobStorage: { Container: 'images', FileName: `${uuid(1)}.jpg` },
      Laterality: 'OD',
    });
    expect(o.Order).toMatchObject({ LocalId: 'ORD1234', EvaluationTypes: ['DR'] });
    expect(o.Patient).toEqual({
      LocalId: 'PAT-1',
      Name: { First: 'John', Last: 'Doe' },
      Dob: '1960-02-03',
      Genders: [{ Context: 'Unknown', Gender: 'M' }],
    });
    expect(o.CaptureStation).toMatchObject({ StationId: 'station-1', ExamId: exam.examId, Revision: 1, AccessionNumber: 'ACC-9' });
  });

  it('gives each eye its best image and at most one ungradable reason', () => {
    const o = buildOrderRequest(exam);
    expect(o.CaptureStation.Eyes).toEqual([
      { Laterality: 'OD', BestImageLocalId: uuid(2), UngradableReason: null }, // last taken
      { Laterality: 'OS', BestImageLocalId: uuid(3), UngradableReason: 'Small pupil' },
    ]);
  });

  it('lists an eye with no image only when the exam says something about it', () => {
    const o = buildOrderRequest({ ...exam, images: exam.images.filter((i) => i.laterality === 'OD'), eyes: [{ laterality: 'OS', ungradableReason: 'Eye absent' }] });
    expect(o.CaptureStation.Eyes).toEqual([
      { Laterality: 'OD', BestImageLocalId: uuid(2), UngradableReason: null },
      { Laterality: 'OS', BestImageLocalId: null, UngradableReason: 'Eye absent' },
    ]);
    const odOnly = buildOrderRequest({ ...exam, images: exam.images.slice(0, 1), eyes: [] });
    expect(odOnly.CaptureStation.Eyes.map((e) => e.Laterality)).toEqual(['OD']);
  });

  it('marks a later revision as a change (XO)', () => {
    expect(buildOrderRequest({ ...exam, revision: 2 }).OrderControlCode).toBe('XO');
  });

  it('sends a later revision as new (NW) when the platform accepted no earlier one', () => {
    expect(orderControlCodeFor(1, false)).toBe('NW');
    expect(orderControlCodeFor(1, true)).toBe('NW');
    expect(orderControlCodeFor(2, false)).toBe('NW');
    expect(orderControlCodeFor(2, true)).toBe('XO');
    const first = buildOrderRequest({ ...exam, revision: 2, controlCode: orderControlCodeFor(2, false) });
    expect(first).toMatchObject({ OrderControlCode: 'NW', CaptureStation: { Revision: 2 } });
    expect(orderRequestSchema.safeParse(first).success).toBe(true); // the intake server takes it
    expect(() => buildOrderRequest({ ...exam, revision: 1, controlCode: 'XO' })).toThrow(/OrderControlCode: must be NW for revision 1/);
  });

  it('refuses an exam it cannot express, with a reason and no patient values', () => {
    expect(() => buildOrderRequest({ ...exam, images: [] })).toThrow(OrderBuildError);
    expect(() => buildOrderRequest({ ...exam, images: [{ ...exam.images[0]!, blobName: 'PAT-1_OD.jpg' }] })).toThrow(/must be <uuid>.jpg/);
    try {
      buildOrderRequest({ ...exam, patient: { ...exam.patient, birthDate: '03/02/1960' } });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/Patient.Dob: must be YYYY-MM-DD/);
      expect((err as Error).message).not.toContain('03/02/1960');
    }
  });
});

describe('orderRequestSchema (shared with the intake server)', () => {
  const good = buildOrderRequest(exam);
  const issues = (o: unknown) => {
    const r = orderRequestSchema.safeParse(o);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts what the builder makes', () => {
    expect(issues(good)).toEqual([]);
  });

  it('catches inconsistent orders', () => {
    const dup = structuredClone(good);
    dup.Camera.Images[1]!.LocalId = dup.Camera.Images[0]!.LocalId;
    expect(issues(dup).join()).toMatch(/Camera.Images.1.LocalId: is named twice/);

    const wrongEye = structuredClone(good);
    wrongEye.CaptureStation.Eyes[0]!.BestImageLocalId = uuid(3); // an OS image as OD's best
    expect(issues(wrongEye).join()).toMatch(/is not one of the OD images/);

    const noBest = structuredClone(good);
    noBest.CaptureStation.Eyes[0]!.BestImageLocalId = null;
    expect(issues(noBest).join()).toMatch(/is required when the eye has images/);

    const code = structuredClone(good);
    code.OrderControlCode = 'XO';
    expect(issues(code).join()).toMatch(/OrderControlCode: must be NW for revision 1/);

    const noEye = structuredClone(good);
    noEye.CaptureStation.Eyes = noEye.CaptureStation.Eyes.slice(0, 1);
    expect(issues(noEye).join()).toMatch(/has no entry for OS/);

    const taken = structuredClone(good);
    taken.Camera.Images[0]!.Taken = '2025-01-01 09:01';
    expect(issues(taken).join()).toMatch(/Taken: must be ISO-8601 with an offset/);
  });
});

describe('bestImageFor', () => {
  const a = img(1, 'OD', '2025-01-01T08:01:00Z', 0.5);
  const b = img(2, 'OD', '2025-01-01T08:02:00Z', 0.9);
  const c = img(3, 'OD', '2025-01-01T08:03:00Z', 0.9);
  const d = img(4, 'OD', '2025-01-01T08:04:00Z');

  it("takes the operator's pick first", () => {
    expect(bestImageFor([a, b, c], a.localId)).toBe(a.localId);
  });
  it('then the highest quality score (a tie goes to the later image)', () => {
    expect(bestImageFor([a, b])).toBe(b.localId);
    expect(bestImageFor([c, b, a])).toBe(c.localId);
    expect(bestImageFor([a, b, d])).toBe(b.localId);
  });
  it('then the last one taken, whatever the input order', () => {
    const x = img(5, 'OD', '2025-01-01T08:05:00Z');
    const y = img(6, 'OD', '2025-01-01T08:06:00Z');
    expect(bestImageFor([y, x])).toBe(y.localId);
    expect(bestImageFor([img(7, 'OD', null), img(8, 'OD', null)])).toBe(uuid(8));
    expect(bestImageFor([])).toBeNull();
  });
  it('ignores a pick that is not among the images', () => {
    expect(bestImageFor([a, b], uuid(99))).toBe(b.localId);
  });
});

describe('small helpers', () => {
  it('formatTaken renders the camera offset, or +00:00 without one', () => {
    expect(formatTaken('2022-01-01T16:42:18.693Z', '+01:00')).toBe('2022-01-01T17:42:18.693+01:00');
    expect(formatTaken('2022-01-01T02:00:00.000Z', '-0500')).toBe('2021-12-31T21:00:00.000-05:00');
    expect(formatTaken('2022-01-01T16:42:18.693Z', null)).toBe('2022-01-01T16:42:18.693+00:00');
    expect(formatTaken(null, '+01:00')).toBeNull();
  });

  it('splitPersonName reads "Last, First" and DICOM "Last^First"', () => {
    expect(splitPersonName('Müller, Anna')).toEqual({ Last: 'Müller', First: 'Anna' });
    expect(splitPersonName('Doe^John')).toEqual({ Last: 'Doe', First: 'John' });
    expect(splitPersonName('Cher')).toEqual({ Last: 'Cher', First: null });
    expect(splitPersonName(null)).toEqual({ Last: null, First: null });
  });

  it('idempotencyKey is stable per exam and revision and differs between revisions', () => {
    expect(idempotencyKey(exam)).toBe(idempotencyKey({ ...exam }));
    expect(idempotencyKey(exam)).not.toBe(idempotencyKey({ ...exam, revision: 2 }));
    expect(idempotencyKey(exam)).not.toBe(idempotencyKey({ ...exam, examId: 'other' }));
  });
});

describe('decideOrder (reference intake server)', () => {
  it('creates, updates, ignores an older revision and refuses a changed same revision', () => {
    expect(decideOrder(undefined, { revision: 1, bodyHash: 'a' })).toEqual({ action: 'create', status: 201 });
    expect(decideOrder({ revision: 1, bodyHash: 'a' }, { revision: 2, bodyHash: 'b' })).toEqual({ action: 'update', status: 200 });
    expect(decideOrder({ revision: 2, bodyHash: 'b' }, { revision: 1, bodyHash: 'a' })).toEqual({ action: 'superseded', status: 200 });
    expect(decideOrder({ revision: 2, bodyHash: 'b' }, { revision: 2, bodyHash: 'b' })).toEqual({ action: 'unchanged', status: 200 });
    expect(decideOrder({ revision: 2, bodyHash: 'b' }, { revision: 2, bodyHash: 'c' })).toMatchObject({ action: 'conflict', status: 409 });
    // A change (XO) of an order never received is refused, as a platform applying XO would.
    expect(decideOrder(undefined, { revision: 2, bodyHash: 'a', controlCode: 'XO' })).toMatchObject({ action: 'unknown-order', status: 422 });
    expect(decideOrder({ revision: 1, bodyHash: 'a' }, { revision: 2, bodyHash: 'b', controlCode: 'XO' })).toEqual({ action: 'update', status: 200 });
  });
});
