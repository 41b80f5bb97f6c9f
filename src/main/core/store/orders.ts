// Orders, per-eye exam state and worklist providers in SQLite (schema: migrations/002-worklist.ts).
// Statements only; the services decide and wrap them in transactions.
import type { Database, Statement } from 'better-sqlite3';
import { worklistIdentities } from '../../../shared/dicom-uid.ts';
import { localDateString, normalisePatientId, type OrderStatus } from '../../../shared/orders.ts';
import type { ImageRow } from './images.ts';

export interface OrderRow {
  id: string;
  patient_id: string;
  patient_id_norm: string;
  patient_name: string;
  birth_date: string | null;
  sex: string | null;
  scheduled_at: string;
  scheduled_day: string;
  site: string | null;
  external_order_id: string | null;
  accession_number: string | null;
  scheduled_step_id: string | null;
  source: 'walk-in' | 'http' | 'folder';
  source_key: string | null;
  status: OrderStatus;
  capturing_now: number;
  revision: number;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  /** Worklist identities (migration 006): made at creation, never changed. */
  study_instance_uid: string | null;
  mwl_accession_number: string | null;
  mwl_requested_procedure_id: string | null;
  mwl_step_id: string | null;
  scheduled_station_ae: string | null;
}

/** What matching at ingest reads of an order. */
export type MatchableOrderRow = Pick<
  OrderRow,
  | 'id'
  | 'patient_id'
  | 'accession_number'
  | 'external_order_id'
  | 'scheduled_step_id'
  | 'status'
  | 'scheduled_at'
  | 'study_instance_uid'
  | 'mwl_accession_number'
  | 'mwl_requested_procedure_id'
  | 'mwl_step_id'
>;

/** What a provider brought beyond the order's fields (DICOM items): kept when it fits DICOM. */
export interface OrderDicomGiven {
  studyInstanceUid?: string | null;
  stationAeTitle?: string | null;
}

export interface AuditRow {
  seq: number;
  at: string;
  operator: string;
  action: string;
  order_id: string | null;
  image_id: string | null;
  before: string | null;
  after: string | null;
  file_name: string | null;
}

/** The fields an order is made of (a walk-in form or a provider row), already checked. */
export interface OrderFields {
  patientId: string;
  name: string;
  birthDate: string | null;
  sex: string | null;
  scheduledAt: string; // UTC ISO
  site: string | null;
  externalOrderId: string | null;
  accessionNumber: string | null;
  scheduledStepId: string | null;
}

export interface ExamEyeRow {
  order_id: string;
  eye: 'OD' | 'OS';
  best_image_id: string | null;
  ungradable_reason: string | null;
}

/** Per order and eye: what the worklist shows without loading every image. */
export interface EyeStatsRow {
  order_id: string;
  eye: 'OD' | 'OS' | null;
  n: number;
  rejected: number;
  gradable: number;
  retake: number;
  weak: number;
}

export interface ProviderRow {
  id: 'http' | 'folder';
  last_attempt_at: string | null;
  last_ok_at: string | null;
  last_error: string | null;
  last_error_code: string | null;
  entry_count: number;
  rejected: string | null;
  file_errors: string | null;
}

export const orderDay = (scheduledAtIso: string): string => localDateString(new Date(scheduledAtIso));

export class OrdersRepo {
  readonly db: Database;
  private readonly s: Record<string, Statement>;

  constructor(db: Database) {
    this.db = db;
    this.s = {
      byId: db.prepare('SELECT * FROM orders WHERE id = ?'),
      bySourceKey: db.prepare('SELECT * FROM orders WHERE source = ? AND source_key = ?'),
      insert: db.prepare(`INSERT INTO orders (id, patient_id, patient_id_norm, patient_name, birth_date, sex, scheduled_at, scheduled_day,
          site, external_order_id, accession_number, scheduled_step_id, source, source_key, status, capturing_now, revision, created_at, updated_at,
          study_instance_uid, mwl_accession_number, mwl_requested_procedure_id, mwl_step_id, scheduled_station_ae)
        VALUES (@id, @patientId, @patientIdNorm, @name, @birthDate, @sex, @scheduledAt, @day, @site, @externalOrderId, @accessionNumber,
          @scheduledStepId, @source, @sourceKey, 'scheduled', 0, 0, @at, @at,
          @studyInstanceUid, @mwlAccession, @mwlProcedureId, @mwlStepId, @stationAe)`),
      updateFields: db.prepare(`UPDATE orders SET patient_id = @patientId, patient_id_norm = @patientIdNorm, patient_name = @name,
          birth_date = @birthDate, sex = @sex, scheduled_at = @scheduledAt, scheduled_day = @day, site = @site,
          external_order_id = @externalOrderId, accession_number = @accessionNumber, scheduled_step_id = @scheduledStepId, updated_at = @at
        WHERE id = @id`),
      sameDayPatient: db.prepare('SELECT * FROM orders WHERE patient_id_norm = ? AND scheduled_day = ? ORDER BY scheduled_at'),
      day: db.prepare('SELECT * FROM orders WHERE scheduled_day = ? ORDER BY scheduled_at, id'),
      dayStats: db.prepare(`SELECT i.order_id AS order_id, i.eye AS eye, count(*) AS n,
            sum(i.rejected_reason IS NOT NULL) AS rejected,
            sum(i.rejected_reason IS NULL AND i.quality_verdict = 'good') AS gradable,
            sum(i.rejected_reason IS NULL AND i.quality_verdict = 'retake') AS retake,
            sum(i.rejected_reason IS NULL AND i.match_confidence = 'weak') AS weak
          FROM orders o JOIN images i ON i.order_id = o.id
          WHERE o.scheduled_day = ? GROUP BY i.order_id, i.eye`),
      dayEyes: db.prepare('SELECT e.* FROM orders o JOIN exam_eyes e ON e.order_id = o.id WHERE o.scheduled_day = ?'),
      statsFor: db.prepare(`SELECT order_id, eye, count(*) AS n, sum(rejected_reason IS NOT NULL) AS rejected,
            sum(rejected_reason IS NULL AND quality_verdict = 'good') AS gradable,
            sum(rejected_reason IS NULL AND quality_verdict = 'retake') AS retake,
            sum(rejected_reason IS NULL AND match_confidence = 'weak') AS weak
          FROM images WHERE order_id = ? GROUP BY eye`),
      eyes: db.prepare('SELECT * FROM exam_eyes WHERE order_id = ?'),
      eye: db.prepare('SELECT * FROM exam_eyes WHERE order_id = ? AND eye = ?'),
      upsertEye: db.prepare(`INSERT INTO exam_eyes (order_id, eye, best_image_id, ungradable_reason) VALUES (@orderId, @eye, @best, @reason)
        ON CONFLICT(order_id, eye) DO UPDATE SET best_image_id = excluded.best_image_id, ungradable_reason = excluded.ungradable_reason`),
      clearBestFor: db.prepare('UPDATE exam_eyes SET best_image_id = NULL WHERE best_image_id = ?'),
      bestHolders: db.prepare('SELECT * FROM exam_eyes WHERE best_image_id = ?'),
      images: db.prepare('SELECT * FROM images WHERE order_id = ?'),
      matchable: db.prepare(`SELECT id, patient_id, accession_number, external_order_id, scheduled_step_id, status, scheduled_at,
            study_instance_uid, mwl_accession_number, mwl_requested_procedure_id, mwl_step_id
          FROM orders WHERE status IN ('scheduled', 'capturing') OR scheduled_day >= ?`),
      capturingNow: db.prepare('SELECT id FROM orders WHERE capturing_now = 1'),
      clearCapturingNow: db.prepare('UPDATE orders SET capturing_now = 0, updated_at = ? WHERE capturing_now = 1 AND id != ?'),
      setCapturingNow: db.prepare('UPDATE orders SET capturing_now = ?, updated_at = ? WHERE id = ?'),
      refreshStatus: db.prepare(`UPDATE orders SET status = CASE
            WHEN capturing_now = 1 OR EXISTS (SELECT 1 FROM images WHERE images.order_id = orders.id) THEN 'capturing' ELSE 'scheduled' END,
          updated_at = @at
        WHERE id = @id AND status IN ('scheduled', 'capturing')`),
      complete: db.prepare(`UPDATE orders SET status = 'complete', revision = revision + 1, completed_at = ?, capturing_now = 0, updated_at = ?
        WHERE id = ? AND status IN ('scheduled', 'capturing')`),
      reopen: db.prepare(`UPDATE orders SET status = 'capturing', updated_at = ? WHERE id = ? AND status IN ('complete', 'sent')`),
      provider: db.prepare('SELECT * FROM worklist_providers WHERE id = ?'),
      providerAttempt: db.prepare(`INSERT INTO worklist_providers (id, last_attempt_at, last_error, last_error_code) VALUES (@id, @at, @error, @code)
        ON CONFLICT(id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error, last_error_code = excluded.last_error_code`),
      providerOk: db.prepare(`INSERT INTO worklist_providers (id, last_attempt_at, last_ok_at, last_error, last_error_code, entry_count, rejected, file_errors)
          VALUES (@id, @at, @at, NULL, NULL, @count, @rejected, @fileErrors)
        ON CONFLICT(id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_ok_at = excluded.last_ok_at, last_error = NULL,
          last_error_code = NULL, entry_count = excluded.entry_count, rejected = excluded.rejected, file_errors = excluded.file_errors`),
    };
  }

  byId(id: string): OrderRow | undefined {
    return this.s.byId!.get(id) as OrderRow | undefined;
  }

  bySourceKey(source: string, key: string): OrderRow | undefined {
    return this.s.bySourceKey!.get(source, key) as OrderRow | undefined;
  }

  /**
   * A new order, with its worklist identities made here once (issue 13): the accession number,
   * order id and step id it brought when they fit DICOM, else new ones; the provider's Study
   * Instance UID when valid, else a new `2.25.` UID.
   */
  insert(o: OrderFields & OrderDicomGiven & { id: string; source: OrderRow['source']; sourceKey: string | null; at: string }): void {
    const ids = worklistIdentities({
      studyInstanceUid: o.studyInstanceUid,
      accessionNumber: o.accessionNumber,
      requestedProcedureId: o.externalOrderId,
      scheduledStepId: o.scheduledStepId,
    });
    const ae = o.stationAeTitle?.trim();
    this.s.insert!.run({
      ...this.params(o),
      id: o.id,
      source: o.source,
      sourceKey: o.sourceKey,
      at: o.at,
      studyInstanceUid: ids.studyInstanceUid,
      mwlAccession: ids.accessionNumber,
      mwlProcedureId: ids.requestedProcedureId,
      mwlStepId: ids.scheduledStepId,
      stationAe: ae && ae.length <= 16 ? ae : null,
    });
  }

  updateFields(id: string, o: OrderFields, at: string): void {
    this.s.updateFields!.run({ ...this.params(o), id, at });
  }

  private params(o: OrderFields) {
    return {
      patientId: o.patientId,
      patientIdNorm: normalisePatientId(o.patientId),
      name: o.name,
      birthDate: o.birthDate,
      sex: o.sex,
      scheduledAt: o.scheduledAt,
      day: orderDay(o.scheduledAt),
      site: o.site,
      externalOrderId: o.externalOrderId,
      accessionNumber: o.accessionNumber,
      scheduledStepId: o.scheduledStepId,
    };
  }

  sameDayPatient(patientId: string, day: string): OrderRow[] {
    return this.s.sameDayPatient!.all(normalisePatientId(patientId), day) as OrderRow[];
  }

  day(day: string): OrderRow[] {
    return this.s.day!.all(day) as OrderRow[];
  }

  dayStats(day: string): EyeStatsRow[] {
    return this.s.dayStats!.all(day) as EyeStatsRow[];
  }

  dayEyes(day: string): ExamEyeRow[] {
    return this.s.dayEyes!.all(day) as ExamEyeRow[];
  }

  statsFor(orderId: string): EyeStatsRow[] {
    return this.s.statsFor!.all(orderId) as EyeStatsRow[];
  }

  /** Orders by a search over every day: name, patient id, accession number or order id. */
  search(term: string, limit: number): OrderRow[] {
    const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const norm = `%${normalisePatientId(term).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .prepare(
        `SELECT * FROM orders WHERE patient_name LIKE @like ESCAPE '\\' OR patient_id_norm LIKE @norm ESCAPE '\\'
           OR accession_number LIKE @like ESCAPE '\\' OR external_order_id LIKE @like ESCAPE '\\'
         ORDER BY scheduled_at DESC, id LIMIT @limit`,
      )
      .all({ like, norm, limit }) as OrderRow[];
  }

  eyes(orderId: string): ExamEyeRow[] {
    return this.s.eyes!.all(orderId) as ExamEyeRow[];
  }

  eye(orderId: string, eye: 'OD' | 'OS'): ExamEyeRow | undefined {
    return this.s.eye!.get(orderId, eye) as ExamEyeRow | undefined;
  }

  setEye(orderId: string, eye: 'OD' | 'OS', best: string | null, reason: string | null): void {
    this.s.upsertEye!.run({ orderId, eye, best, reason });
  }

  /** Which eyes had this image as the operator's pick (before clearing them). */
  bestHolders(imageId: string): ExamEyeRow[] {
    return this.s.bestHolders!.all(imageId) as ExamEyeRow[];
  }

  clearBestFor(imageId: string): void {
    this.s.clearBestFor!.run(imageId);
  }

  images(orderId: string): ImageRow[] {
    return this.s.images!.all(orderId) as ImageRow[];
  }

  /** Photos on no exam yet (the Unassigned tray), newest first, and how many there are in all. */
  unassignedImages(limit: number): { rows: ImageRow[]; total: number } {
    const rows = this.db.prepare<[number], ImageRow>("SELECT * FROM images WHERE order_id IS NULL AND status = 'ready' ORDER BY ingested_at DESC LIMIT ?").all(limit);
    const total = this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM images WHERE order_id IS NULL AND status = 'ready'").get()!.n;
    return { rows, total };
  }

  /** An exam's audit trail: its own rows, and those of photos that left it, oldest first. */
  auditFor(orderId: string): AuditRow[] {
    return this.db
      .prepare<{ id: string }, AuditRow>(
        `SELECT a.*, i.file_name FROM audit a LEFT JOIN images i ON i.id = a.image_id
         WHERE a.order_id = @id
            OR (a.image_id IN (SELECT image_id FROM audit WHERE order_id = @id AND image_id IS NOT NULL)
                AND json_extract(a.before, '$.orderId') = @id)
         ORDER BY a.seq`,
      )
      .all({ id: orderId });
  }

  /** Open orders, and closed ones scheduled since `sinceDay` (so an image naming a finished exam is held back). */
  matchable(sinceDay: string): MatchableOrderRow[] {
    return this.s.matchable!.all(sinceDay) as OrderRow[];
  }

  /**
   * The orders the worklist server (MWL C-FIND) serves: open ones scheduled between two local days
   * (YYYY-MM-DD, inclusive; null: no bound), of one site (null: every site).
   */
  worklistItems(fromDay: string | null, toDay: string | null, site: string | null): OrderRow[] {
    return this.db
      .prepare<{ from: string; to: string; site: string | null }, OrderRow>(
        `SELECT * FROM orders WHERE scheduled_day BETWEEN @from AND @to AND status IN ('scheduled', 'capturing')
           AND (@site IS NULL OR site IS NULL OR site = @site COLLATE NOCASE)
         ORDER BY scheduled_at, id`,
      )
      .all({ from: fromDay ?? '0000-00-00', to: toDay ?? '9999-99-99', site });
  }

  capturingNowId(): string | null {
    return (this.s.capturingNow!.get() as { id: string } | undefined)?.id ?? null;
  }

  setCapturingNow(id: string, on: boolean, at: string): void {
    if (on) this.s.clearCapturingNow!.run(at, id);
    this.s.setCapturingNow!.run(on ? 1 : 0, at, id);
  }

  /** scheduled <-> capturing from whether the exam has photos or is being photographed now. */
  refreshStatus(id: string, at: string): void {
    this.s.refreshStatus!.run({ id, at });
  }

  complete(id: string, at: string): boolean {
    return this.s.complete!.run(at, at, id).changes === 1;
  }

  reopen(id: string, at: string): boolean {
    return this.s.reopen!.run(at, id).changes === 1;
  }

  provider(id: 'http' | 'folder'): ProviderRow | undefined {
    return this.s.provider!.get(id) as ProviderRow | undefined;
  }

  providerFailed(id: 'http' | 'folder', at: string, error: string, code: string): void {
    this.s.providerAttempt!.run({ id, at, error, code });
  }

  providerOk(id: 'http' | 'folder', at: string, count: number, rejected: unknown[], fileErrors: unknown[]): void {
    this.s.providerOk!.run({ id, at, count, rejected: JSON.stringify(rejected), fileErrors: JSON.stringify(fileErrors) });
  }
}
