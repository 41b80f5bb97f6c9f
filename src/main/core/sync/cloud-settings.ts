// The cloud settings as stored: the plain fields in the settings table (key 'cloud'), the two
// secrets in the host's SecretStore. Validated with the shared cloudSettingsSchema on the way in
// and on the way out; the UI only ever gets the view (secrets replaced by hints).
import os from 'node:os';
import {
  cloudSettingsSchema,
  settingsProblems,
  toCloudSettingsView,
  type CloudSettings,
  type CloudSettingsInput,
} from '../../../shared/sync.ts';
import type { SettingsRepo } from '../store/settings.ts';
import type { SecretStore } from './secrets.ts';
import type { CloudSettingsPatch, CloudSettingsState } from '../../../shared/contract/sync.ts';

export type { CloudSettingsPatch, CloudSettingsState };

const KEY = 'cloud';

type PlainFields = Omit<CloudSettingsInput, 'connectionString' | 'orderEndpointToken'>;
interface StoredCloud extends Partial<PlainFields> {
  version?: number;
}

export type UpdateResult = { ok: true; state: CloudSettingsState } | { ok: false; problems: Record<string, string> };

export interface ResolvedCloudSettings {
  settings: CloudSettings;
  /** Bumped at every save: an uploader or a pause belongs to one version. */
  version: number;
}

const plainKeys = ['container', 'workflow', 'orderEndpointUrl', 'siteId', 'stationId', 'concurrency', 'bandwidthCapKbps'] as const;

function suggestStationId(): string {
  const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  return host || 'station-1';
}

export class CloudSettingsStore {
  private readonly repo: SettingsRepo;
  private readonly secrets: SecretStore;
  private cache: { resolved: ResolvedCloudSettings | null; problems: Record<string, string> } | null = null;

  constructor(repo: SettingsRepo, secrets: SecretStore) {
    this.repo = repo;
    this.secrets = secrets;
  }

  private stored(): StoredCloud {
    return this.repo.get<StoredCloud>(KEY) ?? {};
  }

  /** Stored fields plus secrets, as input for the schema. */
  private merged(patch: CloudSettingsPatch = {}): Record<string, unknown> {
    const stored = this.stored();
    const out: Record<string, unknown> = {};
    for (const k of plainKeys) {
      const v = k in patch ? patch[k] : stored[k];
      if (v !== undefined) out[k] = v;
    }
    out.connectionString = this.secretFrom(patch.connectionString, this.secrets.get('connectionString'));
    out.orderEndpointToken = this.secretFrom(patch.orderEndpointToken, this.secrets.get('orderEndpointToken'));
    return out;
  }

  private secretFrom(given: string | null | undefined, stored: string | null): string | null | undefined {
    if (given === null) return null;
    if (given === undefined || given.trim() === '') return stored ?? undefined;
    return given;
  }

  /** The usable settings, or null when not configured or not valid. */
  current(): ResolvedCloudSettings | null {
    return this.load().resolved;
  }

  private load(): { resolved: ResolvedCloudSettings | null; problems: Record<string, string> } {
    if (this.cache) return this.cache;
    const stored = this.stored();
    const parsed = cloudSettingsSchema.safeParse(this.merged());
    this.cache =
      Object.keys(stored).length === 0
        ? { resolved: null, problems: {} }
        : parsed.success
          ? { resolved: { settings: parsed.data, version: stored.version ?? 1 }, problems: {} }
          : { resolved: null, problems: settingsProblems(parsed.error) as Record<string, string> };
    return this.cache;
  }

  state(): CloudSettingsState {
    const { resolved, problems } = this.load();
    const stored = this.stored();
    const draft: Partial<PlainFields> = {};
    for (const k of plainKeys) if (stored[k] !== undefined) (draft as Record<string, unknown>)[k] = stored[k];
    return {
      configured: resolved !== null,
      view: resolved ? toCloudSettingsView(resolved.settings) : null,
      problems,
      draft,
      secrets: { connectionString: this.secrets.origin('connectionString'), orderEndpointToken: this.secrets.origin('orderEndpointToken') },
      secretStorage: this.secrets.description,
      suggestedStationId: suggestStationId(),
    };
  }

  /** Settings to test without saving: the patch over what is stored. */
  candidate(patch: CloudSettingsPatch = {}): { ok: true; settings: CloudSettings } | { ok: false; problems: Record<string, string> } {
    const parsed = cloudSettingsSchema.safeParse(this.merged(patch));
    return parsed.success ? { ok: true, settings: parsed.data } : { ok: false, problems: settingsProblems(parsed.error) as Record<string, string> };
  }

  update(patch: CloudSettingsPatch): UpdateResult {
    const candidate = this.candidate(patch);
    if (!candidate.ok) return candidate;
    const s = candidate.settings;
    for (const name of ['connectionString', 'orderEndpointToken'] as const) {
      if (this.secrets.origin(name) === 'environment') {
        if (typeof patch[name] === 'string' && patch[name]!.trim() !== '' && patch[name] !== this.secrets.get(name)) {
          return { ok: false, problems: { [name]: `This value is set by the environment variable on this computer and cannot be changed here.` } };
        }
        continue;
      }
      const value = name === 'connectionString' ? s.connectionString : s.orderEndpointToken;
      if (value !== this.secrets.get(name)) this.secrets.set(name, value);
    }
    const previous = this.stored();
    const plain: StoredCloud = {
      container: s.container,
      workflow: s.workflow,
      orderEndpointUrl: s.orderEndpointUrl,
      siteId: s.siteId,
      stationId: s.stationId,
      concurrency: s.concurrency,
      bandwidthCapKbps: s.bandwidthCapKbps,
      version: (previous.version ?? 0) + 1,
    };
    this.repo.set(KEY, plain);
    this.cache = null;
    return { ok: true, state: this.state() };
  }
}
