import { defaultStationSettings, fileNameRuleSchema, stationSettingsSchema, type StationSettings } from '../../../shared/settings.ts';
import { StationError } from '../../../shared/errors.ts';
import type { SettingsRepo } from '../store/settings.ts';
import type { Logger } from '../kernel/logger.ts';
import { validateFileNameRule } from '../metadata/filename-rules.ts';

const KEY = 'station';

export interface SettingsServiceHooks {
  log?: Logger;
  /** Tells the operator/IT something they must act on (a stored rule that was turned off). */
  notice?(level: 'warning', message: string): void;
}

/**
 * A stored file-name rule that today's checks refuse (one saved by an older version that did not
 * look for slow patterns): it is left out, so it never runs, and the rest of the settings stay.
 */
function withoutRefusedRules(stored: unknown, turnedOff: (rule: { id: string; name: string }, problem: string) => void): unknown {
  if (!stored || typeof stored !== 'object' || !Array.isArray((stored as { fileNameRules?: unknown }).fileNameRules)) return stored;
  const rules = (stored as { fileNameRules: unknown[] }).fileNameRules.filter((rule) => {
    const parsed = fileNameRuleSchema.safeParse(rule);
    if (parsed.success) return true;
    const r = (rule ?? {}) as { id?: unknown; name?: unknown };
    turnedOff({ id: String(r.id ?? '?'), name: String(r.name ?? 'unnamed') }, parsed.error.issues[0]?.message ?? 'it is not valid');
    return false;
  });
  return { ...stored, fileNameRules: rules };
}

/** Station settings: validated on the way in, defaults filled on the way out, cached in memory. */
export class SettingsService {
  private readonly repo: SettingsRepo;
  private readonly hooks: SettingsServiceHooks;
  private cached: StationSettings | null = null;

  constructor(repo: SettingsRepo, hooks: SettingsServiceHooks = {}) {
    this.repo = repo;
    this.hooks = hooks;
  }

  get(): StationSettings {
    if (!this.cached) {
      const stored = withoutRefusedRules(this.repo.get(KEY) ?? {}, (rule, problem) => {
        this.hooks.log?.warn({ ruleId: rule.id }, 'file-name rule turned off: refused by the current checks');
        const detail = problem.startsWith('File-name rule') ? problem : `File-name rule "${rule.name}": ${problem}`;
        this.hooks.notice?.('warning', `${detail} The rule was turned off and is not used; fix it in the settings to use it again.`);
      });
      const parsed = stationSettingsSchema.safeParse(stored);
      this.cached = parsed.success ? parsed.data : defaultStationSettings();
    }
    return this.cached;
  }

  update(patch: Partial<StationSettings>): StationSettings {
    const next = stationSettingsSchema.parse({ ...this.get(), ...patch });
    for (const rule of next.fileNameRules) {
      const problem = validateFileNameRule(rule.pattern, rule.flags);
      if (problem) throw new StationError('bad-input', `File-name rule "${rule.name}": ${problem}`);
    }
    this.repo.set(KEY, next);
    this.cached = next;
    return next;
  }
}
