// The worklist's views: the day's orders with per-eye counts, one exam with its photos per eye,
// the Unassigned tray and an exam's audit trail, built from the store's rows. Reading only;
// what the operator changes goes through worklist/exam-service.ts.
import type { OrderSummary, Exam, ExamImage, AuditEntry } from '../../../shared/contract/worklist.ts';
import type { MethodOutput } from '../../../shared/contract/index.ts';
import { StationError } from '../../../shared/errors.ts';
import { localDateString, type Sex } from '../../../shared/orders.ts';
import { makeSearch } from '../../../shared/search.ts';
import type { ImageRow } from '../store/images.ts';
import { groupBursts } from '../worklist/bursts.ts';
import { examState, type Eye } from '../worklist/exam-state.ts';
import type { EyeStatsRow, ExamEyeRow, OrderRow, OrdersRepo } from '../store/orders.ts';
import { OrderSearch } from '../store/order-search.ts';
import { DicomRepo } from '../store/dicom.ts';
import { normaliseAe } from '../dicom-node/association-policy.ts';
import { toSummary } from './images.ts';
import type { MediaUrls } from './types.ts';

export interface ExamViewsDeps {
  repo: OrdersRepo;
  urls: MediaUrls;
  /** The station's site (settings.siteId); '' = one site, show everything. */
  siteId(): string;
  burstGapSeconds(): number;
}

type CameraNames = () => Map<string, string>;

const emptyStats = () => ({ n: 0, rejected: 0, gradable: 0, retake: 0, weak: 0 });

export class ExamViews {
  private readonly d: ExamViewsDeps;
  private readonly everyDay: OrderSearch;
  private readonly dicom: DicomRepo;

  constructor(deps: ExamViewsDeps) {
    this.d = deps;
    this.everyDay = new OrderSearch(deps.repo.db);
    this.dicom = new DicomRepo(deps.repo.db);
  }

  today(): string {
    return localDateString(new Date());
  }

  orderLabel(orderId: string): string | null {
    const o = this.d.repo.byId(orderId);
    return o ? `${o.patient_name} · ${o.patient_id}` : null;
  }

  summary(row: OrderRow, stats: readonly EyeStatsRow[], eyes: readonly ExamEyeRow[]): OrderSummary {
    const per = { OD: emptyStats(), OS: emptyStats(), none: emptyStats() };
    for (const s of stats) {
      const t = per[s.eye ?? 'none'];
      t.n += s.n;
      t.rejected += s.rejected ?? 0;
      t.gradable += s.gradable ?? 0;
      t.retake += s.retake ?? 0;
      t.weak += s.weak ?? 0;
    }
    const eyeOut = (eye: Eye): OrderSummary['eyes'][Eye] => {
      const t = per[eye];
      const state = eyes.find((e) => e.eye === eye);
      const usable = t.n - t.rejected;
      const reason = state?.ungradable_reason ?? null;
      const gradable = reason !== null ? 'ungradable' : usable === 0 ? 'none' : t.gradable > 0 ? 'yes' : t.retake === usable ? 'no' : 'unknown';
      return {
        imageCount: usable,
        rejectedCount: t.rejected,
        best: usable === 0 ? 'none' : state?.best_image_id ? 'picked' : 'auto',
        gradable,
        ungradableReason: reason,
      };
    };
    return {
      id: row.id,
      patientId: row.patient_id,
      name: row.patient_name,
      birthDate: row.birth_date,
      sex: (['M', 'F', 'O', 'U'].includes(row.sex ?? '') ? row.sex : null) as Sex | null,
      scheduledAt: row.scheduled_at,
      day: row.scheduled_day,
      site: row.site,
      externalOrderId: row.external_order_id,
      accessionNumber: row.accession_number,
      scheduledStepId: row.scheduled_step_id,
      source: row.source,
      status: row.status,
      capturingNow: row.capturing_now === 1,
      revision: row.revision,
      completedAt: row.completed_at,
      eyes: { OD: eyeOut('OD'), OS: eyeOut('OS') },
      unknownEyeCount: per.none.n - per.none.rejected,
      weakCount: per.OD.weak + per.OS.weak + per.none.weak,
    };
  }

  summaryOf(row: OrderRow): OrderSummary {
    return this.summary(row, this.d.repo.statsFor(row.id), this.d.repo.eyes(row.id));
  }

  private inSite(row: OrderRow, site: string): boolean {
    return site === '' || row.site === null || row.site.toLowerCase() === site.toLowerCase();
  }

  worklist(input: { day?: string; search?: string; allDays?: boolean; allSites?: boolean }): MethodOutput<'worklist.list'> {
    const day = input.day ?? this.today();
    const site = this.d.siteId();
    const search = input.search?.trim() ?? '';
    const siteFilter = (r: OrderRow) => input.allSites || this.inSite(r, site);
    if (search && input.allDays) {
      const LIMIT = 500;
      const rows = this.everyDay.search(search, LIMIT + 1).filter(siteFilter);
      const items = rows.slice(0, LIMIT).map((r) => this.summaryOf(r));
      return { day, site, items, total: items.length, limited: rows.length > LIMIT };
    }
    const rows = this.d.repo.day(day).filter(siteFilter);
    const stats = new Map<string, EyeStatsRow[]>();
    for (const s of this.d.repo.dayStats(day)) {
      const list = stats.get(s.order_id);
      if (list) list.push(s);
      else stats.set(s.order_id, [s]);
    }
    const eyes = new Map<string, ExamEyeRow[]>();
    for (const e of this.d.repo.dayEyes(day)) {
      const list = eyes.get(e.order_id);
      if (list) list.push(e);
      else eyes.set(e.order_id, [e]);
    }
    let items = rows.map((r) => this.summary(r, stats.get(r.id) ?? [], eyes.get(r.id) ?? []));
    if (search) {
      // The station's one search rule (shared/search.ts), as in the all-days search above.
      const matches = makeSearch(search);
      items = items.filter((o) => matches([o.name, o.patientId, o.accessionNumber, o.externalOrderId]));
    }
    return { day, site, items, total: items.length, limited: false };
  }

  private examImage(r: ImageRow, best: string | null, cameraNames: CameraNames): ExamImage {
    return {
      ...toSummary(r, this.d.urls, null),
      rejectedReason: r.rejected_reason ?? null,
      matchConfidence: r.match_confidence ?? null,
      isBest: best === r.id,
      dicom: this.dicomOrigin(r.id, cameraNames),
    };
  }

  /** The DICOM camera a photo came from (its SOP instance row), with the camera's name when it is in the list. */
  private dicomOrigin(imageId: string, cameraNames: CameraNames): ExamImage['dicom'] {
    const instance = this.dicom.byImage(imageId);
    if (!instance) return null;
    return { callingAe: instance.calling_ae, cameraName: cameraNames().get(normaliseAe(instance.calling_ae)) ?? null };
  }

  /** The camera list once per view, read only when a photo came by DICOM. */
  private cameraNames(): CameraNames {
    let names: Map<string, string> | null = null;
    return () => (names ??= new Map(this.dicom.cameras().map((c) => [normaliseAe(c.aeTitle), c.name])));
  }

  exam(orderId: string): Exam {
    const row = this.d.repo.byId(orderId);
    if (!row) throw new StationError('not-found', 'This exam is no longer on the worklist.');
    const eyeRows = this.d.repo.eyes(orderId);
    const state = examState(this.d.repo.images(orderId), eyeRows);
    const names = this.cameraNames();
    const eyeOut = (eye: Eye): Exam['eyes'][Eye] => {
      const e = state.eyes[eye];
      return { ...e, images: e.images.map((r) => this.examImage(r, e.best?.imageId ?? null, names)) };
    };
    return {
      order: {
        ...this.summary(row, this.d.repo.statsFor(orderId), eyeRows),
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        editable: row.source === 'walk-in',
      },
      eyes: { OD: eyeOut('OD'), OS: eyeOut('OS') },
      unknownEye: state.unknownEye.map((r) => this.examImage(r, null, names)),
      blockers: state.blockers,
    };
  }

  unassigned(limit: number): MethodOutput<'unassigned.list'> {
    const { rows, total } = this.d.repo.unassignedImages(limit);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const names = this.cameraNames();
    const bursts = groupBursts(
      rows.map((r) => ({ id: r.id, takenAt: r.taken_at, ingestedAt: r.ingested_at })),
      this.d.burstGapSeconds(),
    );
    return {
      total,
      bursts: bursts.reverse().map((b) => ({
        key: b.key,
        start: b.start,
        end: b.end,
        images: b.imageIds.map((id) => {
          const r = byId.get(id)!;
          return { ...this.examImage(r, null, names), matchNote: r.match_note ?? null };
        }),
      })),
    };
  }

  audit(orderId: string): AuditEntry[] {
    const rows = this.d.repo.auditFor(orderId);
    const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v));
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      operator: r.operator,
      action: r.action,
      orderId: r.order_id,
      imageId: r.image_id,
      fileName: r.file_name,
      before: parse(r.before),
      after: parse(r.after),
    }));
  }
}
