// Orders and exams: what the operator does on the Worklist, Exam, Unassigned and Audit screens.
// Every change runs in one transaction with its audit row (who, what, when, before, after), the
// matching index is refreshed after the commit, and only then are the events emitted.
import type { Database } from 'better-sqlite3';
import { StationError } from '../../../shared/errors.ts';
import { isOpenOrderStatus, type OrderInput } from '../../../shared/orders.ts';
import type { ImageRow } from '../store/images.ts';
import type { EventBus } from '../kernel/events.ts';
import type { Hooks } from '../kernel/hooks.ts';
import { newId, nowIso } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import { assignImages } from './assign.ts';
import { EYE_WORDS, examState, type Eye } from './exam-state.ts';
import { writeAudit } from '../store/audit.ts';
import { ImageLinks } from '../store/image-links.ts';
import type { IngestMatcher } from './ingest-match.ts';
import type { Operators } from './operators.ts';
import { orderDay, type OrderFields, type OrderRow, type OrdersRepo } from '../store/orders.ts';


export interface ExamServiceDeps {
  db: Database;
  repo: OrdersRepo;
  operators: Operators;
  matcher: IngestMatcher;
  events: EventBus;
  hooks: Hooks;
  log: Logger;
  /** The station's site (settings.siteId); '' = one site, show everything. */
  siteId(): string;
  ungradableReasons(): readonly string[];
}

interface Ctx {
  operator: string;
  at: string;
  orders: Set<string>;
  images: Set<string>;
}

const orderFieldsOf = (o: OrderInput, site: string | null): OrderFields => ({
  patientId: o.patientId,
  name: o.name,
  birthDate: o.birthDate,
  sex: o.sex,
  scheduledAt: o.scheduledAt,
  site: o.site ?? site,
  externalOrderId: o.externalOrderId,
  accessionNumber: o.accessionNumber,
  scheduledStepId: null,
});

const fieldsOfRow = (r: OrderRow): OrderFields => ({
  patientId: r.patient_id,
  name: r.patient_name,
  birthDate: r.birth_date,
  sex: r.sex,
  scheduledAt: r.scheduled_at,
  site: r.site,
  externalOrderId: r.external_order_id,
  accessionNumber: r.accession_number,
  scheduledStepId: r.scheduled_step_id,
});

/** Only the fields that differ, for an audit row that says what changed. */
export function changedFields(before: OrderFields, after: OrderFields): { before: Partial<OrderFields>; after: Partial<OrderFields> } | null {
  const b: Partial<OrderFields> = {};
  const a: Partial<OrderFields> = {};
  for (const k of Object.keys(after) as (keyof OrderFields)[]) {
    if ((before[k] ?? null) !== (after[k] ?? null)) {
      (b as Record<string, unknown>)[k] = before[k] ?? null;
      (a as Record<string, unknown>)[k] = after[k] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}

export class ExamService {
  private readonly d: ExamServiceDeps;
  private readonly links: ImageLinks;

  constructor(deps: ExamServiceDeps) {
    this.d = deps;
    this.links = new ImageLinks(deps.db);
  }

  // ----------------------------------------------------------------------------------------------
  // Changing
  // ----------------------------------------------------------------------------------------------

  /** One operator action: a transaction with its audit rows, then the index refresh, then events. */
  private change<T>(fn: (c: Ctx) => T): T {
    const operator = this.d.operators.requireName();
    const c: Ctx = { operator, at: nowIso(), orders: new Set(), images: new Set() };
    const result = this.d.db.transaction(() => fn(c))();
    this.afterCommit(c.orders, c.images);
    return result;
  }

  afterCommit(orders: Iterable<string>, images: Iterable<string> = []): void {
    const orderIds = [...orders];
    const imageIds = [...images];
    this.d.matcher.refresh(orderIds);
    if (orderIds.length) this.d.events.emit('orders.changed', { ids: orderIds });
    if (imageIds.length) this.d.events.emit('images.changed', { ids: imageIds });
  }

  private openOrder(orderId: string, doing: string): OrderRow {
    const row = this.d.repo.byId(orderId);
    if (!row) throw new StationError('not-found', 'This exam is no longer on the worklist.');
    if (!isOpenOrderStatus(row.status)) throw new StationError('conflict', `This exam is marked complete. Reopen it before ${doing}.`);
    return row;
  }

  private image(imageId: string): ImageRow {
    const row = this.links.image(imageId);
    if (!row || row.status !== 'ready') throw new StationError('not-found', 'That photo is no longer here.');
    return row;
  }

  /** The operator's best pick of an eye no longer holds once its image moved or was rejected. */
  private dropBestPicks(c: Ctx, image: ImageRow, unlessOrder: string | null, unlessEye: Eye | null): void {
    for (const holder of this.d.repo.bestHolders(image.id)) {
      if (holder.order_id === unlessOrder && holder.eye === unlessEye) continue;
      this.d.repo.setEye(holder.order_id, holder.eye, null, holder.ungradable_reason);
      writeAudit(this.d.db, {
        operator: c.operator,
        action: 'best-cleared',
        orderId: holder.order_id,
        imageId: image.id,
        before: { eye: holder.eye, imageId: image.id, fileName: image.file_name },
        after: { eye: holder.eye, imageId: null },
      });
      c.orders.add(holder.order_id);
    }
  }

  /** A walk-in order; unless allowed, a same-day order of the same patient comes back instead. */
  createOrder(input: OrderInput, allowDuplicate: boolean): { created: true; id: string } | { created: false; duplicates: OrderRow[] } {
    const day = orderDay(input.scheduledAt);
    if (!allowDuplicate) {
      const same = this.d.repo.sameDayPatient(input.patientId, day);
      if (same.length) return { created: false, duplicates: same };
    }
    const site = this.d.siteId() || null;
    const id = newId();
    this.change((c) => {
      const fields = orderFieldsOf(input, site);
      this.d.repo.insert({ ...fields, id, source: 'walk-in', sourceKey: null, at: c.at });
      writeAudit(this.d.db, { operator: c.operator, action: 'order-create', orderId: id, after: { ...fields, duplicateAllowed: allowDuplicate || undefined } });
      c.orders.add(id);
    });
    this.d.log.info({ orderId: id }, 'walk-in order created');
    return { created: true, id };
  }

  updateOrder(id: string, input: OrderInput): void {
    this.change((c) => {
      const row = this.d.repo.byId(id);
      if (!row) throw new StationError('not-found', 'This exam is no longer on the worklist.');
      if (row.source !== 'walk-in') {
        throw new StationError('conflict', 'This order comes from the clinic worklist. Correct it in the clinic system (EHR); the station takes the change at the next update.');
      }
      const before = fieldsOfRow(row);
      const after = { ...orderFieldsOf(input, row.site), scheduledStepId: row.scheduled_step_id };
      const diff = changedFields(before, after);
      if (!diff) return;
      this.d.repo.updateFields(id, after, c.at);
      writeAudit(this.d.db, { operator: c.operator, action: 'order-edit', orderId: id, before: diff.before, after: diff.after });
      c.orders.add(id);
    });
  }

  setCapturingNow(id: string, on: boolean): void {
    this.change((c) => {
      const row = on ? this.openOrder(id, 'marking it as being photographed') : this.d.repo.byId(id);
      if (!row) throw new StationError('not-found', 'This exam is no longer on the worklist.');
      if ((row.capturing_now === 1) === on) return;
      const previous = this.d.repo.capturingNowId();
      this.d.repo.setCapturingNow(id, on, c.at);
      if (on && previous && previous !== id) {
        writeAudit(this.d.db, { operator: c.operator, action: 'capturing-now', orderId: previous, before: { capturingNow: true }, after: { capturingNow: false } });
        this.d.repo.refreshStatus(previous, c.at);
        c.orders.add(previous);
      }
      this.d.repo.refreshStatus(id, c.at);
      writeAudit(this.d.db, { operator: c.operator, action: 'capturing-now', orderId: id, before: { capturingNow: !on }, after: { capturingNow: on } });
      c.orders.add(id);
    });
  }

  pickBest(orderId: string, eye: Eye, imageId: string | null): void {
    this.change((c) => {
      this.openOrder(orderId, 'choosing a best image');
      const state = this.d.repo.eye(orderId, eye);
      let fileName: string | null = null;
      if (imageId !== null) {
        const img = this.image(imageId);
        if (img.order_id !== orderId || img.eye !== eye) throw new StationError('conflict', `That photo is not a photo of the ${EYE_WORDS[eye]} of this exam.`);
        if (img.rejected_reason) throw new StationError('conflict', 'A rejected photo cannot be the best image. Take back the rejection first.');
        fileName = img.file_name;
      }
      const previous = state?.best_image_id ?? null;
      if (previous === imageId) return;
      const prevName = previous ? (this.links.image(previous)?.file_name ?? null) : null;
      this.d.repo.setEye(orderId, eye, imageId, state?.ungradable_reason ?? null);
      writeAudit(this.d.db, {
        operator: c.operator,
        action: imageId ? 'best-pick' : 'best-auto',
        orderId,
        imageId,
        before: { eye, imageId: previous, fileName: prevName },
        after: { eye, imageId, fileName },
      });
      c.orders.add(orderId);
    });
  }

  setUngradable(orderId: string, eye: Eye, reason: string | null): void {
    this.change((c) => {
      this.openOrder(orderId, 'changing it');
      let canonical: string | null = null;
      if (reason !== null) {
        canonical = this.d.ungradableReasons().find((r) => r.toLowerCase() === reason.trim().toLowerCase()) ?? null;
        if (!canonical) throw new StationError('bad-input', `Choose one of the reasons on the list: ${this.d.ungradableReasons().join(', ')}.`);
      }
      const state = this.d.repo.eye(orderId, eye);
      const previous = state?.ungradable_reason ?? null;
      if (previous === canonical) return;
      this.d.repo.setEye(orderId, eye, state?.best_image_id ?? null, canonical);
      writeAudit(this.d.db, {
        operator: c.operator,
        action: canonical ? 'ungradable' : 'ungradable-cleared',
        orderId,
        before: { eye, reason: previous },
        after: { eye, reason: canonical },
      });
      c.orders.add(orderId);
    });
  }

  complete(orderId: string): number {
    const revision = this.change((c) => {
      this.openOrder(orderId, 'completing it again');
      const before = this.d.repo.byId(orderId)!;
      const exam = examState(this.d.repo.images(orderId), this.d.repo.eyes(orderId));
      if (exam.blockers.length) throw new StationError('conflict', `The exam cannot be completed yet. ${exam.blockers.join(' ')}`);
      if (!this.d.repo.complete(orderId, c.at)) throw new StationError('conflict', 'This exam changed meanwhile. Look at it again and then complete it.');
      const row = this.d.repo.byId(orderId)!;
      const eyeState = (eye: Eye) => ({
        images: exam.eyes[eye].images.filter((i) => (i.rejected_reason ?? null) === null).length,
        best: exam.eyes[eye].best,
        ungradableReason: exam.eyes[eye].ungradableReason,
      });
      writeAudit(this.d.db, {
        operator: c.operator,
        action: 'complete',
        orderId,
        before: { status: before.status },
        after: { status: 'complete', revision: row.revision, OD: eyeState('OD'), OS: eyeState('OS') },
      });
      for (const h of this.d.hooks.examCompleted) h(this.d.db, { orderId, revision: row.revision, operator: c.operator });
      c.orders.add(orderId);
      return row.revision;
    });
    this.d.log.info({ orderId, revision }, 'exam completed');
    return revision;
  }

  reopen(orderId: string): void {
    this.change((c) => {
      const row = this.d.repo.byId(orderId);
      if (!row) throw new StationError('not-found', 'This exam is no longer on the worklist.');
      if (isOpenOrderStatus(row.status)) return;
      if (!this.d.repo.reopen(orderId, c.at)) throw new StationError('conflict', 'This exam changed meanwhile. Look at it again.');
      writeAudit(this.d.db, { operator: c.operator, action: 'reopen', orderId, before: { status: row.status, revision: row.revision }, after: { status: 'capturing' } });
      for (const h of this.d.hooks.examReopened) h(this.d.db, { orderId, operator: c.operator });
      c.orders.add(orderId);
    });
    this.d.log.info({ orderId }, 'exam reopened');
  }

  assign(imageIds: string[], orderId: string | null, eye: Eye | 'as-file' | null): void {
    this.change((c) => {
      if (orderId) this.openOrder(orderId, 'adding or moving photos');
      for (const id of new Set(imageIds)) {
        const img = this.image(id);
        const target: Eye | null = orderId === null ? null : eye === 'as-file' ? img.laterality : eye;
        // Back to Unassigned keeps the eye the file says, so a later assignment "as the file says" still works.
        const eyeAfter = orderId === null ? img.laterality : target;
        if ((img.order_id ?? null) === orderId && (img.eye ?? null) === eyeAfter) continue;
        assignImages(this.d.db, { imageIds: [id], orderId, eye: eyeAfter, operator: c.operator });
        this.dropBestPicks(c, img, orderId, eyeAfter);
        for (const o of [img.order_id, orderId]) {
          if (!o) continue;
          this.d.repo.refreshStatus(o, c.at);
          c.orders.add(o);
        }
        c.images.add(id);
      }
    });
  }

  confirmMatch(imageIds: string[]): void {
    this.change((c) => {
      for (const imageId of new Set(imageIds)) this.confirmOne(c, imageId);
    });
  }

  private confirmOne(c: Ctx, imageId: string): void {
    const img = this.image(imageId);
    if (!img.order_id || img.match_confidence !== 'weak') return;
    this.openOrder(img.order_id, 'changing it');
    this.links.confirm(imageId, c.at);
    writeAudit(this.d.db, {
      operator: c.operator,
      action: 'confirm-link',
      orderId: img.order_id,
      imageId,
      before: { orderId: img.order_id, rule: img.match_rule, confidence: 'weak' },
      after: { orderId: img.order_id, rule: img.match_rule, confidence: 'confirmed' },
    });
    c.orders.add(img.order_id);
    c.images.add(imageId);
  }

  reject(imageId: string, reason: string): void {
    this.change((c) => {
      const img = this.image(imageId);
      if (img.order_id) this.openOrder(img.order_id, 'rejecting a photo');
      const clean = reason.trim();
      if ((img.rejected_reason ?? null) === clean) return;
      this.links.setRejected(imageId, clean, c.at);
      this.dropBestPicks(c, img, null, null);
      writeAudit(this.d.db, { operator: c.operator, action: 'reject', orderId: img.order_id ?? null, imageId, before: { rejected: img.rejected_reason ?? null }, after: { rejected: clean } });
      if (img.order_id) c.orders.add(img.order_id);
      c.images.add(imageId);
    });
  }

  unreject(imageId: string): void {
    this.change((c) => {
      const img = this.image(imageId);
      if (!img.rejected_reason) return;
      if (img.order_id) this.openOrder(img.order_id, 'changing it');
      this.links.setRejected(imageId, null, c.at);
      writeAudit(this.d.db, { operator: c.operator, action: 'unreject', orderId: img.order_id ?? null, imageId, before: { rejected: img.rejected_reason }, after: { rejected: null } });
      if (img.order_id) c.orders.add(img.order_id);
      c.images.add(imageId);
    });
  }
}
