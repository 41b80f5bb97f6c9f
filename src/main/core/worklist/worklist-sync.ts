// Worklist providers polled in the background: the HTTP JSON endpoint and the worklist folder.
// A good answer is upserted into the orders table by (source, source_key) in one transaction; the
// orders table *is* the last good copy, so a provider that is unreachable or sends garbage changes
// nothing but its own state row, which the UI shows ("showing the list from 08:55").
import type { Database } from 'better-sqlite3';
import type { ProviderStatus } from '../../../shared/contract/worklist.ts';
import { normalisePatientId, type WorklistEntry } from '../../../shared/orders.ts';
import type { WorklistSettings } from '../../../shared/worklist-settings.ts';
import { newId, nowIso } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import { writeAudit } from '../store/audit.ts';
import { changedFields } from './exam-service.ts';
import { readWorklistFolder } from './providers/folder.ts';
import { fetchHttpWorklist } from './providers/http-json.ts';
import { WorklistProviderError, type RejectedRow } from './providers/result.ts';
import type { OrderFields, OrdersRepo } from '../store/orders.ts';

export type ProviderId = 'http' | 'folder';

const LABELS: Record<ProviderId, string> = { http: 'Worklist server', folder: 'Worklist folder' };
const AUDIT_NAME: Record<ProviderId, string> = { http: 'Worklist server (automatic)', folder: 'Worklist folder (automatic)' };

/** The provider's own identity for an entry, so the next poll updates the same order instead of adding one. */
export function sourceKeyOf(e: Pick<WorklistEntry, 'externalOrderId' | 'accessionNumber' | 'scheduledStepId' | 'patientId' | 'scheduledAt'>): string {
  if (e.externalOrderId) return `order:${e.externalOrderId}`;
  if (e.accessionNumber) return `acc:${e.accessionNumber}`;
  if (e.scheduledStepId) return `step:${e.scheduledStepId}`;
  return `patient:${normalisePatientId(e.patientId)}@${e.scheduledAt}`;
}

const fieldsOf = (e: WorklistEntry): OrderFields => ({
  patientId: e.patientId,
  name: e.name,
  birthDate: e.birthDate,
  sex: e.sex,
  scheduledAt: e.scheduledAt,
  site: e.site,
  externalOrderId: e.externalOrderId,
  accessionNumber: e.accessionNumber,
  scheduledStepId: e.scheduledStepId,
});

export interface UpsertResult {
  created: string[];
  updated: string[];
}

/** Inserts new entries and updates changed ones; unchanged orders are not touched (no audit noise). */
export function upsertEntries(db: Database, repo: OrdersRepo, provider: ProviderId, entries: readonly WorklistEntry[]): UpsertResult {
  const result: UpsertResult = { created: [], updated: [] };
  const at = nowIso();
  db.transaction(() => {
    const seen = new Set<string>();
    for (const e of entries) {
      const key = sourceKeyOf(e);
      if (seen.has(key)) continue; // the same order twice in one answer: the first wins
      seen.add(key);
      const fields = fieldsOf(e);
      const existing = repo.bySourceKey(provider, key);
      if (!existing) {
        const id = newId();
        repo.insert({ ...fields, id, source: provider, sourceKey: key, at, studyInstanceUid: e.studyInstanceUid, stationAeTitle: e.scheduledStationAeTitle });
        writeAudit(db, { operator: AUDIT_NAME[provider], action: 'order-import', orderId: id, after: fields });
        result.created.push(id);
        continue;
      }
      const diff = changedFields(
        {
          patientId: existing.patient_id,
          name: existing.patient_name,
          birthDate: existing.birth_date,
          sex: existing.sex,
          scheduledAt: existing.scheduled_at,
          site: existing.site,
          externalOrderId: existing.external_order_id,
          accessionNumber: existing.accession_number,
          scheduledStepId: existing.scheduled_step_id,
        },
        fields,
      );
      if (!diff) continue;
      repo.updateFields(existing.id, fields, at);
      writeAudit(db, { operator: AUDIT_NAME[provider], action: 'order-update', orderId: existing.id, before: diff.before, after: diff.after });
      result.updated.push(existing.id);
    }
  })();
  return result;
}

export interface WorklistSyncDeps {
  db: Database;
  repo: OrdersRepo;
  log: Logger;
  settings(): WorklistSettings;
  /** After orders were created or changed (committed). */
  onOrdersChanged(ids: string[]): void;
  /** After a provider's state row changed. */
  onStateChanged(): void;
}

export class WorklistSync {
  private readonly d: WorklistSyncDeps;
  private readonly timers = new Map<ProviderId, NodeJS.Timeout>();
  private readonly running = new Map<ProviderId, Promise<void>>();
  private abort = new AbortController();
  private started = false;

  constructor(deps: WorklistSyncDeps) {
    this.d = deps;
  }

  start(): void {
    this.started = true;
    this.abort = new AbortController();
    this.reschedule();
  }

  /** Settings changed: poll the enabled providers now and on their new interval. */
  reschedule(): void {
    if (!this.started) return;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const id of ['http', 'folder'] as const) if (this.enabled(id)) this.schedule(id, 0);
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.abort.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Polls every enabled provider now and waits for the answers. */
  async pollAll(): Promise<void> {
    await Promise.allSettled((['http', 'folder'] as const).filter((id) => this.enabled(id)).map((id) => this.poll(id)));
  }

  private enabled(id: ProviderId): boolean {
    const s = this.d.settings();
    return id === 'http' ? s.http.enabled && s.http.url !== '' : s.folder.enabled && s.folder.path !== '';
  }

  private schedule(id: ProviderId, delayMs: number): void {
    if (!this.started) return;
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(() => {
      void this.poll(id).finally(() => {
        const s = this.d.settings();
        if (this.enabled(id)) this.schedule(id, (id === 'http' ? s.http.pollSeconds : s.folder.pollSeconds) * 1000);
      });
    }, delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  /** One poll; concurrent calls for the same provider share it. Never throws. */
  poll(id: ProviderId): Promise<void> {
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight;
    const p = this.pollOnce(id).finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }

  private async pollOnce(id: ProviderId): Promise<void> {
    const s = this.d.settings();
    const at = nowIso();
    try {
      let entries: WorklistEntry[];
      let rejected: RejectedRow[];
      let fileErrors: { file: string; reason: string }[] = [];
      if (id === 'http') {
        ({ entries, rejected } = await fetchHttpWorklist({ url: s.http.url, token: s.http.token, timeoutMs: s.http.timeoutSeconds * 1000, signal: this.abort.signal }));
      } else {
        ({ entries, rejected, fileErrors } = await readWorklistFolder(s.folder.path));
      }
      if (this.abort.signal.aborted) return;
      const changed = upsertEntries(this.d.db, this.d.repo, id, entries);
      this.d.repo.providerOk(id, at, entries.length, rejected.slice(0, 50), fileErrors.slice(0, 50));
      this.d.log.info(
        { provider: id, entries: entries.length, rejected: rejected.length, fileErrors: fileErrors.length, created: changed.created.length, updated: changed.updated.length },
        'worklist updated',
      );
      const ids = [...changed.created, ...changed.updated];
      if (ids.length) this.d.onOrdersChanged(ids);
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const known = err instanceof WorklistProviderError;
      const message = known ? err.message : 'The worklist could not be read because of an unexpected error; see the log.';
      const code = known ? err.code : 'internal';
      try {
        this.d.repo.providerFailed(id, at, message, code);
      } catch {
        return; // the database is closing
      }
      // The provider's message is written for people and never holds patient data or the token.
      this.d.log.warn({ provider: id, code, ...(known ? {} : { err: (err as Error).name }) }, 'worklist provider failed; keeping the last good worklist');
    }
    this.d.onStateChanged();
  }

  status(): ProviderStatus[] {
    const s = this.d.settings();
    return (['http', 'folder'] as const).map((id) => {
      const row = this.d.repo.provider(id);
      const enabled = this.enabled(id);
      const failing = !!row?.last_error && (!row.last_ok_at || (row.last_attempt_at ?? '') >= row.last_ok_at);
      return {
        id,
        label: LABELS[id],
        enabled: id === 'http' ? s.http.enabled : s.folder.enabled,
        state: !enabled ? 'off' : !row?.last_attempt_at ? 'waiting' : failing ? 'failing' : 'ok',
        lastAttemptAt: row?.last_attempt_at ?? null,
        lastOkAt: row?.last_ok_at ?? null,
        lastError: failing ? (row?.last_error ?? null) : null,
        entryCount: row?.entry_count ?? 0,
        rejected: row?.rejected ? (JSON.parse(row.rejected) as RejectedRow[]) : [],
        fileErrors: row?.file_errors ? (JSON.parse(row.file_errors) as { file: string; reason: string }[]) : [],
      };
    });
  }
}
