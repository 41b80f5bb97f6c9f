// Cloud sync as one feature of the station: the outbox, the engine, the cloud settings and their
// secrets, wired to the exam hooks. The station creates it in its constructor, spreads `api` into
// its own, calls start() once the station is up and close() before the database closes.
import type { Database } from 'better-sqlite3';
import type { EventBus } from '../events.ts';
import type { Hooks } from '../hooks.ts';
import type { Logger } from '../logger.ts';
import type { SettingsRepo } from '../db/settings-repo.ts';
import { newId } from '../ids.ts';
import { writeAudit } from '../worklist/audit.ts';
import { Outbox } from './outbox.ts';
import { SyncEngine, type PauseState, type PauseStore, type SyncTiming } from './engine.ts';
import { CloudSettingsStore, type CloudSettingsPatch, type UpdateResult } from './cloud-settings.ts';
import { memorySecretStore, type SecretStore } from './secrets.ts';
import { probeConnection, type BlobUploader, type BlobUploaderOptions } from './blob-uploader.ts';
import type { ProbeResult } from '../../../shared/sync.ts';

/** Who the audit trail names when the station itself marks an exam sent. */
export const SYNC_OPERATOR = 'Station (cloud sync)';

export interface SyncFeatureDeps {
  db: Database;
  spoolPath: (sha256: string) => string;
  log: Logger;
  events: EventBus;
  hooks: Hooks;
  settingsRepo: SettingsRepo;
  /** Injected by the host (safeStorage, a 0600 file, environment variables); memory-only if absent. */
  secrets?: SecretStore;
  /** Registers a hook that runs when ingest stores a new image (the pipeline's store hook). */
  onImageStored?: (hook: (image: { id: string }) => void) => void;
  timing?: Partial<SyncTiming>;
  createUploader?: (options: BlobUploaderOptions) => BlobUploader;
  reachable?: (url: string) => Promise<boolean>;
}

export interface TestConnectionResult {
  problems: Record<string, string> | null;
  storage: ProbeResult | null;
  orders: { ok: boolean; message: string } | null;
}

export interface SyncFeature {
  outbox: Outbox;
  engine: SyncEngine;
  cloud: CloudSettingsStore;
  /** Queue an exam's work: what the examCompleted hook does (inside the completing transaction). */
  enqueueExam(orderId: string, revision: number): void;
  updateSettings(patch: CloudSettingsPatch): UpdateResult;
  testConnection(patch: CloudSettingsPatch): Promise<TestConnectionResult>;
  start(): void;
  close(): Promise<{ uploads: number; orders: number }>;
  pending(): { uploads: number; orders: number };
}

const PAUSE_KEY = 'sync.pause';

/**
 * Checks the order endpoint and its token without creating anything: a POST of `{}` with the
 * token and no Idempotency-Key, which a conforming endpoint refuses with 400 (after checking the
 * token, which gives 401/403 when wrong).
 */
export async function checkOrderEndpoint(url: string, token: string): Promise<{ ok: boolean; message: string }> {
  let host = 'the order service';
  try {
    host = new URL(url).host;
  } catch {
    return { ok: false, message: 'The order endpoint address is not valid.' };
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    if (res.status === 401 || res.status === 403) {
      return { ok: false, message: `The order service at ${host} refused the token (HTTP ${res.status}). Check the order endpoint token.` };
    }
    if (res.status === 404 || res.status === 405) {
      return { ok: false, message: `There is no order endpoint at this address on ${host} (HTTP ${res.status}). Check the address.` };
    }
    if (res.status >= 500) return { ok: false, message: `The order service at ${host} answered with an error (HTTP ${res.status}). Try again later.` };
    return { ok: true, message: `The order service at ${host} answered and accepted the token.` };
  } catch {
    return { ok: false, message: `Cannot reach the order service at ${host}. Check the address and the network.` };
  }
}

export function createSyncFeature(d: SyncFeatureDeps): SyncFeature {
  const outbox = new Outbox(d.db, newId);
  const cloud = new CloudSettingsStore(d.settingsRepo, d.secrets ?? memorySecretStore());
  const pauses: PauseStore = {
    load: () => ({ operator: false, storage: null, orders: null, ...(d.settingsRepo.get<Partial<PauseState>>(PAUSE_KEY) ?? {}) }),
    save: (state) => d.settingsRepo.set(PAUSE_KEY, state),
  };
  const engine = new SyncEngine({
    db: d.db,
    outbox,
    spoolPath: d.spoolPath,
    log: d.log,
    settings: () => cloud.current(),
    pauses,
    emit: (event, payload) => {
      if (event === 'sync.changed') d.events.emit('sync.changed', {});
      else d.events.emit(event, { ids: payload.ids ?? [] });
    },
    ...(d.timing && { timing: d.timing }),
    ...(d.createUploader && { createUploader: d.createUploader }),
    ...(d.reachable && { reachable: d.reachable }),
    onOrderSent: (db, info) => {
      writeAudit(db, {
        operator: SYNC_OPERATOR,
        action: 'sent',
        orderId: info.orderId,
        after: { revision: info.revision, outcome: info.outcome, platformOrderId: info.platformOrderId },
      });
    },
  });

  const enqueueExam = (orderId: string, revision: number): void => {
    const r = outbox.enqueueExam(orderId, revision);
    d.log.info({ order: orderId, revision, uploads: r.imageIds.length, alreadyUploaded: r.alreadyUploaded }, 'sync: exam queued');
    engine.kick(); // runs after the completing transaction commits (setImmediate)
  };

  // A new photo's MD5 is computed in the background soon after ingest, so its upload needs no hashing pass.
  d.onImageStored?.((image) => engine.prehash([image.id]));

  // In the transactions that complete and reopen an exam: the work is queued (or withdrawn)
  // atomically with the change itself.
  d.hooks.examCompleted.push((_db, e) => enqueueExam(e.orderId, e.revision));
  d.hooks.examReopened.push((_db, e) => {
    const r = outbox.cancelExam(e.orderId);
    if (r.imageIds.length || r.orders) d.log.info({ order: e.orderId, uploads: r.imageIds.length, orders: r.orders }, 'sync: reopened exam withdrawn from the queue');
    engine.kick();
  });

  return {
    outbox,
    engine,
    cloud,
    enqueueExam,
    updateSettings(patch) {
      const result = cloud.update(patch);
      if (result.ok) {
        d.log.info({ workflow: result.state.view?.workflow, concurrency: result.state.view?.concurrency }, 'sync: cloud settings saved');
        engine.settingsChanged();
      }
      return result;
    },
    async testConnection(patch) {
      const candidate = cloud.candidate(patch);
      if (!candidate.ok) return { problems: candidate.problems, storage: null, orders: null };
      const s = candidate.settings;
      const [storage, orders] = await Promise.all([
        probeConnection({ connectionString: s.connectionString, container: s.container, stationId: s.stationId }),
        s.workflow === 'image-first' && s.orderEndpointUrl && s.orderEndpointToken
          ? checkOrderEndpoint(s.orderEndpointUrl, s.orderEndpointToken)
          : Promise.resolve(null),
      ]);
      d.log.info({ storageOk: storage.ok, storageKind: storage.ok ? null : storage.kind, ordersOk: orders?.ok ?? null }, 'sync: connection tested');
      return { problems: null, storage, orders };
    },
    start: () => engine.start(),
    close: () => engine.close(),
    pending: () => engine.pendingCounts(),
  };
}
