// Matching at ingest: runs inside the transaction that stores a new image (IngestPipeline store
// hook), against an in-memory index of the orders, so a match costs a few Map lookups however many
// orders there are. The index is refreshed after every committed order change.
import type { Database } from 'better-sqlite3';
import type { FileNameRule, ImageFacts } from '../../../shared/domain.ts';
import { localDateString, normalisePatientId } from '../../../shared/orders.ts';
import type { Logger } from '../kernel/logger.ts';
import { applyFileNameRules } from '../metadata/filename-rules.ts';
import { writeAudit } from '../store/audit.ts';
import { ImageLinks } from '../store/image-links.ts';
import { buildMatchIndex, indexOrder, matchImage, unindexOrder, type MatchCandidates, type MatchFacts, type MatchOrder, type MatchResult } from './matching.ts';
import type { MatchableOrderRow, OrdersRepo } from '../store/orders.ts';

/** The name automatic links are audited under. */
export const STATION_OPERATOR = 'Station (automatic)';

/** Closed exams stay in the index this long, so an image naming one is held back, not matched elsewhere. */
const CLOSED_DAYS = 30;

const same = (a: string | null, b: string | null): boolean => a !== null && b !== null && normalisePatientId(a) === normalisePatientId(b);

/**
 * What matching needs from facts that do not say where their ids came from: the site's file-name
 * rule is applied again; an id equal to what the rule gives is taken as coming from the file name
 * (weak: the safe side), any other id as the file's own metadata (strong).
 */
export function matchFactsFor(facts: ImageFacts, fileName: string, rules: readonly FileNameRule[]): MatchFacts {
  const rule = applyFileNameRules(fileName, rules);
  if (!rule) return { ...facts, fileNameRuleMatched: false, patientIdSource: 'metadata', accessionSource: 'metadata' };
  return {
    ...facts,
    fileNameRuleMatched: true,
    patientIdSource: same(facts.patientId, rule.patientId) ? 'filename' : 'metadata',
    accessionSource: same(facts.accessionNumber, rule.accessionNumber) ? 'filename' : 'metadata',
  };
}

/** The metadata stage ran the rules once and recorded where each id came from. */
const carriesIdSources = (f: ImageFacts): boolean =>
  (f.patientId === null || f.patientIdSource !== null) && (f.accessionNumber === null || f.accessionSource !== null);

/** What matching needs from an image's facts: the rule's result as the metadata stage recorded it. */
export function matchFactsOf(facts: ImageFacts, fileName: string, rules: () => readonly FileNameRule[]): MatchFacts {
  if (!carriesIdSources(facts)) return matchFactsFor(facts, fileName, rules());
  return { ...facts, fileNameRuleMatched: facts.fileNameRuleId !== null };
}

const toMatchOrder = (o: MatchableOrderRow): MatchOrder => ({
  id: o.id,
  patientId: o.patient_id,
  accessionNumber: o.accession_number,
  externalOrderId: o.external_order_id,
  scheduledStepId: o.scheduled_step_id,
  status: o.status,
  scheduledAt: o.scheduled_at,
  studyInstanceUid: o.study_instance_uid,
  mwlAccessionNumber: o.mwl_accession_number,
  mwlRequestedProcedureId: o.mwl_requested_procedure_id,
  mwlStepId: o.mwl_step_id,
});

export interface StoredImage {
  id: string;
  facts: ImageFacts;
  fileName: string;
}

export class IngestMatcher {
  private readonly db: Database;
  private readonly repo: OrdersRepo;
  private readonly rules: () => readonly FileNameRule[];
  private readonly log: Logger;
  private readonly links: ImageLinks;
  private index: MatchCandidates = buildMatchIndex([]);

  constructor(db: Database, repo: OrdersRepo, rules: () => readonly FileNameRule[], log: Logger) {
    this.db = db;
    this.repo = repo;
    this.rules = rules;
    this.log = log;
    this.links = new ImageLinks(db);
  }

  get size(): number {
    return this.index.orders.size;
  }

  rebuild(now = new Date()): void {
    const since = localDateString(new Date(now.getTime() - CLOSED_DAYS * 86_400_000));
    this.index = buildMatchIndex(this.repo.matchable(since).map(toMatchOrder), this.repo.capturingNowId());
  }

  /** After a commit that changed these orders (or "capturing now"). */
  refresh(orderIds: Iterable<string>): void {
    for (const id of orderIds) {
      const row = this.repo.byId(id);
      if (row) indexOrder(this.index, toMatchOrder(row));
      else unindexOrder(this.index, id);
    }
    this.index.capturingNowOrderId = this.repo.capturingNowId();
  }

  decide(image: StoredImage): MatchResult {
    return matchImage(matchFactsOf(image.facts, image.fileName, this.rules), this.index);
  }

  /**
   * The store hook: decides and writes the link inside the caller's transaction. Its own writes
   * run in a savepoint, so a failure here leaves the image stored and unassigned, never lost.
   */
  readonly storeHook = (image: StoredImage): void => {
    try {
      this.db.transaction(() => {
        const r = this.decide(image);
        this.links.link({ id: image.id, orderId: r.orderId, eye: r.eye, rule: r.rule, confidence: r.confidence, note: r.note, at: new Date().toISOString() });
        if (r.orderId) {
          this.repo.refreshStatus(r.orderId, new Date().toISOString());
          writeAudit(this.db, {
            operator: STATION_OPERATOR,
            action: 'auto-assign',
            orderId: r.orderId,
            imageId: image.id,
            after: { orderId: r.orderId, eye: r.eye, rule: r.rule, confidence: r.confidence, note: r.note },
          });
        }
      })();
    } catch (err) {
      this.log.error({ imageId: image.id, err: (err as Error).message }, 'matching failed; the image stays unassigned');
    }
  };
}
