// The job kind 'forward-pacs': one image received over DICOM, sent to one PACS route by C-STORE,
// from the spool copy, in the syntax it was stored in (dimse-client.ts), idempotently: a PACS
// keys on the SOP Instance UID, so a repeat after a lost answer is the same object again.
// Failures (dimse-status.ts): no answer or a refused association holds the route (route-health.ts)
// and retries with backoff; a refusal status or an unaccepted class/syntax waits for a person.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../kernel/logger.ts';
import type { JobFailure, JobResult, KindSpec } from '../jobs/types.ts';
import type { Outbox } from '../store/outbox.ts';
import type { PacsRouteRow, PacsStore } from '../store/pacs.ts';
import { cStore, type DimsePeer, type DimseTimeouts } from './dimse-client.ts';
import { forwardFailure, type PeerLabel } from './dimse-status.ts';
import type { RouteHealth } from './route-health.ts';

export interface ForwardPacsDeps {
  store: PacsStore;
  outbox: Outbox;
  health: RouteHealth;
  spoolPath: (sha256: string) => string;
  log: Logger;
  timeouts: DimseTimeouts;
  concurrency: number;
}

export const peerOf = (r: PacsRouteRow): DimsePeer => ({ host: r.host, port: r.port, calledAe: r.called_ae_title, callingAe: r.calling_ae_title });
export const labelOf = (r: PacsRouteRow): PeerLabel => ({ name: r.name, host: r.host, port: r.port, aeTitle: r.called_ae_title, callingAeTitle: r.calling_ae_title });

const fatal = (code: string, message: string): JobResult => ({ status: 'failed', error: { kind: 'fatal', code, message } satisfies JobFailure });

export function forwardPacsKind(d: ForwardPacsDeps): KindSpec {
  return {
    kind: 'forward-pacs',
    service: 'pacs',
    concurrency: () => d.concurrency,
    claim: (limit, now) => d.outbox.claimSelected(() => d.store.dueForwards(limit, now, d.health.skipped()), now),
    async run(job, ctx) {
      const route = job.route_id ? d.store.route(job.route_id) : undefined;
      if (!route) {
        // Removed while the job was claimed: nothing to send it to.
        d.outbox.markCancelled(job);
        return { status: 'skipped' };
      }
      const image = d.store.subject(job.subject_id);
      if (!image?.sha256) return fatal('ImageMissing', 'The station no longer has this image, so it cannot be forwarded.');
      let bytes: Buffer;
      try {
        bytes = await readFile(d.spoolPath(image.sha256));
      } catch {
        return fatal('SpoolMissing', "The station's copy of this image cannot be read, so it was not forwarded. Call IT.");
      }
      if (createHash('sha256').update(bytes).digest('hex') !== image.sha256) {
        return fatal('SpoolDamaged', "The station's copy of this image is damaged, so it was not forwarded. Call IT.");
      }
      ctx.setTotal(bytes.length);
      const outcome = await cStore(peerOf(route), bytes, d.timeouts, ctx.signal);
      if (outcome.kind === 'unreadable') return fatal('NotPart10', "The station's copy of this image is not a DICOM file it can send.");
      const failed = forwardFailure(outcome, labelOf(route));
      if (failed) {
        if (failed.route) d.health.markDown(route.id, failed.route, failed.failure.message);
        else if (outcome.kind !== 'aborted') d.health.markUp(route.id); // it answered
        return { status: 'failed', error: failed.failure };
      }
      if (outcome.kind !== 'status') throw new Error('unreachable');
      ctx.progress(bytes.length);
      const outcomeWord = outcome.transcoded ? 'stored-converted' : outcome.status === 0 ? 'stored' : 'stored-with-warning';
      d.outbox.markDone(job, outcomeWord, { status: outcome.status, syntax: outcome.syntax });
      d.health.markUp(route.id);
      d.log.info({ job: job.id, route: route.id, status: outcome.status, transcoded: outcome.transcoded }, 'pacs: image forwarded');
      return { status: 'done' };
    },
  };
}
