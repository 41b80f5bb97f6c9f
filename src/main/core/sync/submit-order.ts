// Job kind 'submit-order': an exam's OrderRequest to the platform's order endpoint (lane 'orders'),
// image first. What only it knows: it is claimed only when every photo it names is in storage and
// no earlier revision of the exam is still on its way (Outbox.claimOrder); NW unless the platform
// accepted an earlier revision, else XO, decided when the body is first built and kept with it (the
// job's payload), so every attempt sends the same bytes under the same Idempotency-Key; a job never
// attempted whose exam changed since is dropped; order first, nothing is posted (the photos are
// the delivery). Success marks the exam sent (only at this revision) with an audit entry.
import type { Database } from 'better-sqlite3';
import type { KindSpec } from '../jobs/types.ts';
import type { JobRow, Outbox } from '../store/outbox.ts';
import type { OutboxReads } from '../store/outbox-reads.ts';
import { writeAudit } from '../store/audit.ts';
import type { Logger } from '../kernel/logger.ts';
import type { ResolvedCloudSettings } from './cloud-settings.ts';
import { buildOrderRequest, idempotencyKey, orderControlCodeFor, type OrderExam, type OrderRequest } from './order-request.ts';
import { submitOrder } from './order-submit.ts';
import { isSyncError, safeCode, SyncError, toSyncError } from './sync-error.ts';

/** Who the audit trail names when an order is accepted. */
export const SYNC_OPERATOR = 'Station (cloud sync)';

export interface SubmitOrderDeps {
  db: Database;
  outbox: Outbox;
  reads: OutboxReads;
  log: Logger;
  settings: () => ResolvedCloudSettings | null;
  /** Whole POST, answer included. */
  orderTimeoutMs: number;
  /** After commit: the exam's status changed. */
  ordersChanged: (orderId: string) => void;
}

const fatal = (code: string, message: string) => new SyncError({ kind: 'fatal', service: 'orders', code, message });

/** What the OrderRequest is built from: the exam as it is now (complete, so it does not change). */
function examFor(reads: OutboxReads, orderId: string, revision: number, cfg: ResolvedCloudSettings): OrderExam {
  const o = reads.order(orderId);
  if (!o) throw fatal('NoOrder', 'This order is no longer on the station.');
  const rows = reads.examImages(orderId);
  const facts = rows.map((r) => (r.facts ? (JSON.parse(r.facts) as { make?: string | null; model?: string | null; serial?: string | null }) : {}));
  const camera = facts.find((f) => f.serial || f.model || f.make) ?? {};
  return {
    examId: orderId,
    revision,
    siteId: cfg.settings.siteId,
    stationId: cfg.settings.stationId,
    container: cfg.settings.container,
    order: { localId: o.external_order_id ?? orderId, accessionNumber: o.accession_number ?? null, scheduledTime: o.scheduled_at ?? null },
    patient: { localId: o.patient_id ?? '', name: o.patient_name ?? null, birthDate: o.birth_date ?? null, sex: o.sex ?? null },
    camera: {
      localId: camera.serial ?? cfg.settings.stationId,
      serialNumber: camera.serial ?? null,
      manufacturer: camera.make ?? null,
      model: camera.model ?? null,
    },
    images: rows.map((r) => ({
      localId: r.id,
      blobName: r.blob_name ?? '',
      laterality: (r.eye ?? r.laterality) as 'OD' | 'OS',
      takenAt: r.taken_at,
      takenOffset: r.taken_offset,
      qualityScore: r.quality_score,
    })),
    eyes: reads.examEyes(orderId).map((e) => ({ laterality: e.eye, bestImageLocalId: e.best_image_id, ungradableReason: e.ungradable_reason })),
  };
}

export function submitOrderKind(d: SubmitOrderDeps): KindSpec {
  const finish = (job: JobRow, outcome: string, result: { platformOrderId: string | null; httpStatus?: number; replayed?: boolean }): void => {
    const { sent } = d.db.transaction(() => {
      const done = d.outbox.markOrderDone(job, outcome, result);
      if (done.sent) {
        writeAudit(d.db, {
          operator: SYNC_OPERATOR,
          action: 'sent',
          orderId: job.subject_id,
          after: { revision: job.revision, outcome, platformOrderId: result.platformOrderId },
        });
      }
      return done;
    })();
    // The outcome is the order service's word ("created"): logged only when it is a code token.
    d.log.info(
      { job: job.id, order: job.subject_id, revision: job.revision, outcome: safeCode(outcome) ?? null, status: result.httpStatus ?? null, sent },
      'sync: order accepted',
    );
    d.ordersChanged(job.subject_id);
  };

  return {
    kind: 'submit-order',
    service: 'orders',
    concurrency: () => 1,
    claim: (limit, now) => {
      const job = limit > 0 ? d.outbox.claimOrder(now) : null;
      return job ? [job] : [];
    },
    classify: (err) => toSyncError(err, 'orders'),
    // A body already built waits for no photo (it names only photos that were in storage).
    describe: (job) => (job.payload == null ? { waitingFor: d.outbox.imagesLeft(job.subject_id) } : null),

    async run(job, ctx) {
      const cfg = d.settings();
      if (!cfg) throw new SyncError({ kind: 'retry', service: 'orders', code: 'ABORTED', message: 'Stopped before it started.' });
      const o = d.reads.order(job.subject_id);
      // A body already built may have reached the platform: it is sent to the end whatever the exam does now.
      const attempted = job.payload !== null;
      if (!attempted && (!o || o.revision !== job.revision || (o.status !== 'complete' && o.status !== 'sent'))) {
        // Reopened (and perhaps completed again) since this was queued: the newer revision is what counts.
        d.outbox.markCancelled(job);
        d.log.info({ job: job.id }, 'sync: order job dropped, the exam changed since');
        return { status: 'skipped' };
      }
      if (cfg.settings.workflow === 'order-first') {
        // The platform already has the order; the photos in storage are the delivery.
        finish(job, 'delivered', { platformOrderId: null });
        return { status: 'skipped' };
      }
      let body = job.payload ? (JSON.parse(job.payload) as OrderRequest) : null;
      if (!body) {
        try {
          // NW unless the platform accepted an earlier revision (none can still be on its way: claimOrder).
          const controlCode = orderControlCodeFor(job.revision, d.outbox.orderAcceptedBefore(job.subject_id, job.revision));
          body = buildOrderRequest({ ...examFor(d.reads, job.subject_id, job.revision, cfg), controlCode });
        } catch (err) {
          if (isSyncError(err)) throw err;
          throw fatal('OrderBuild', err instanceof Error ? err.message : 'The order cannot be built.');
        }
        // The same body for every attempt: the Idempotency-Key promises the same request.
        d.outbox.setPayload(job.id, body);
      }
      const receipt = await submitOrder({
        url: cfg.settings.orderEndpointUrl ?? '',
        token: cfg.settings.orderEndpointToken ?? '',
        body,
        idempotencyKey: idempotencyKey({ examId: job.subject_id, revision: job.revision }),
        timeoutMs: d.orderTimeoutMs,
        signal: ctx.signal,
      });
      const answer = (receipt.body && typeof receipt.body === 'object' ? receipt.body : {}) as { orderId?: unknown; status?: unknown };
      const outcome = typeof answer.status === 'string' ? answer.status.slice(0, 40) : `accepted (HTTP ${receipt.status})`;
      finish(job, outcome, {
        platformOrderId: typeof answer.orderId === 'string' ? answer.orderId.slice(0, 100) : null,
        httpStatus: receipt.status,
        replayed: receipt.replayed,
      });
      return { status: 'done', serverDate: receipt.serverDate };
    },
  };
}
