import { defaultStationSettings, stationSettingsSchema, type StationSettings } from '../../shared/settings.ts';
import { StationError } from '../../shared/errors.ts';
import type { SettingsRepo } from './db/settings-repo.ts';
import { validateFileNameRule } from './metadata/filename-rules.ts';

const KEY = 'station';

/** Station settings: validated on the way in, defaults filled on the way out, cached in memory. */
export class SettingsService {
  private readonly repo: SettingsRepo;
  private cached: StationSettings | null = null;

  constructor(repo: SettingsRepo) {
    this.repo = repo;
  }

  get(): StationSettings {
    if (!this.cached) {
      const parsed = stationSettingsSchema.safeParse(this.repo.get(KEY) ?? {});
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
