// The worklist feature, as the Station composes it: orders, matching at ingest, the exam actions,
// operators, the audit trail and the providers polled in the background.
//   constructor: builds the services (and registers the ingest store hook)
//   start():     builds the matching index, starts polling
//   stop():      stops polling (before the database closes)
import type { Database } from 'better-sqlite3';
import type { FileNameRule } from '../../../shared/domain.ts';
import {
  defaultWorklistSettings,
  toWorklistSettingsView,
  worklistSettingsSchema,
  type WorklistSettings,
  type WorklistSettingsPatch,
  type WorklistSettingsView,
} from '../../../shared/worklist-settings.ts';
import type { SettingsRepo } from '../store/settings.ts';
import type { EventBus } from '../kernel/events.ts';
import type { Hooks } from '../kernel/hooks.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import type { Logger } from '../kernel/logger.ts';
import { writeAudit } from '../store/audit.ts';
import { ExamService } from './exam-service.ts';
import { IngestMatcher } from './ingest-match.ts';
import { Operators } from './operators.ts';
import { OrdersRepo } from '../store/orders.ts';
import { WorklistSync } from './worklist-sync.ts';
import type { SecretStore } from '../sync/secrets.ts';
import { moveClearToken, nextToken, saveToken, storedForm, WORKLIST_TOKEN_SECRET } from './worklist-token.ts';

const SETTINGS_KEY = 'worklist';

export interface WorklistFeatureDeps {
  db: Database;
  settingsRepo: SettingsRepo;
  events: EventBus;
  hooks: Hooks;
  pipeline: IngestPipeline;
  log: Logger;
  /** From the station settings. */
  siteId(): string;
  fileNameRules(): readonly FileNameRule[];
  /** Keeps the HTTP provider's token (worklist-token.ts); station.db never holds it. */
  secrets: SecretStore;
}

export class WorklistFeature {
  readonly repo: OrdersRepo;
  readonly operators: Operators;
  readonly matcher: IngestMatcher;
  readonly exams: ExamService;
  readonly sync: WorklistSync;
  private readonly d: WorklistFeatureDeps;
  private cached: WorklistSettings | null = null;

  constructor(deps: WorklistFeatureDeps) {
    this.d = deps;
    moveClearToken({ db: deps.db, settingsRepo: deps.settingsRepo, secrets: deps.secrets, log: deps.log, key: SETTINGS_KEY });
    this.repo = new OrdersRepo(deps.db);
    this.operators = new Operators(deps.db, deps.settingsRepo);
    this.matcher = new IngestMatcher(deps.db, this.repo, deps.fileNameRules, deps.log);
    this.exams = new ExamService({
      db: deps.db,
      repo: this.repo,
      operators: this.operators,
      matcher: this.matcher,
      events: deps.events,
      hooks: deps.hooks,
      log: deps.log,
      siteId: deps.siteId,
      ungradableReasons: () => this.settings().ungradableReasons,
    });
    this.sync = new WorklistSync({
      db: deps.db,
      repo: this.repo,
      log: deps.log,
      settings: () => this.settings(),
      onOrdersChanged: (ids) => this.exams.afterCommit(ids),
      onStateChanged: () => deps.events.emit('providers.changed', {}),
    });
    deps.hooks.imageStored.push(this.matcher.storeHook);
  }

  settings(): WorklistSettings {
    if (!this.cached) {
      const parsed = worklistSettingsSchema.safeParse(this.d.settingsRepo.get(SETTINGS_KEY) ?? {});
      const s = parsed.success ? parsed.data : defaultWorklistSettings();
      this.cached = { ...s, http: { ...s.http, token: this.d.secrets.get(WORKLIST_TOKEN_SECRET) ?? '' } };
    }
    return this.cached;
  }

  updateSettings(patch: WorklistSettingsPatch): WorklistSettingsView {
    const current = this.settings();
    const token = nextToken(patch.http?.token, current.http.token);
    const next = worklistSettingsSchema.parse({
      ...current,
      ...patch,
      http: { ...current.http, ...patch.http, token },
      folder: { ...current.folder, ...patch.folder },
    });
    // Clinic IT may set this up before anyone has started a shift.
    const operator = this.operators.current()?.name ?? 'Settings (nobody signed in)';
    saveToken(this.d.secrets, next.http.token, current.http.token);
    this.d.db.transaction(() => {
      this.d.settingsRepo.set(SETTINGS_KEY, storedForm(next));
      // The audit trail says what changed, never the token itself.
      const view = (s: WorklistSettings) => toWorklistSettingsView(s);
      writeAudit(this.d.db, { operator, action: 'worklist-settings', before: view(current), after: view(next) });
    })();
    this.cached = next;
    this.d.log.info({ http: next.http.enabled, folder: next.folder.enabled }, 'worklist settings changed');
    this.sync.reschedule();
    this.d.events.emit('providers.changed', {});
    return toWorklistSettingsView(next);
  }

  operatorsChanged(): void {
    this.d.events.emit('operators.changed', {});
  }

  start(): void {
    this.matcher.rebuild();
    this.d.log.info({ orders: this.matcher.size }, 'matching index built');
    this.sync.start();
  }

  async stop(): Promise<void> {
    await this.sync.stop();
  }
}
