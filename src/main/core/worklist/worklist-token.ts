// The HTTP worklist provider's bearer token lives in the host's SecretStore (safeStorage, a 0600
// file, or the environment), never in station.db. The other worklist settings stay in the
// settings table; this file joins the two and moves a token an older version left in clear.
import type { Database } from 'better-sqlite3';
import { StationError } from '../../../shared/errors.ts';
import type { WorklistSettings } from '../../../shared/worklist-settings.ts';
import { scrubFreedSpace } from '../store/connection.ts';
import type { SettingsRepo } from '../store/settings.ts';
import type { Logger } from '../kernel/logger.ts';
import { SECRET_ENV, type SecretStore } from '../sync/secrets.ts';

export const WORKLIST_TOKEN_SECRET = 'worklistHttpToken' as const;

/** The token after a change: absent or "" (the field left empty) keeps it, null removes it. */
export function nextToken(given: string | null | undefined, current: string): string {
  if (given === null) return '';
  if (given === undefined || given.trim() === '') return current;
  return given.trim();
}

/** The settings as they are written to station.db: everything but the token. */
export function storedForm(s: WorklistSettings): Omit<WorklistSettings, 'http'> & { http: Omit<WorklistSettings['http'], 'token'> } {
  const { token, ...http } = s.http;
  void token;
  return { ...s, http };
}

/** Saves a changed token in the store; refuses to change one that an environment variable sets. */
export function saveToken(secrets: SecretStore, token: string, current: string): void {
  if (token === current) return;
  if (secrets.origin(WORKLIST_TOKEN_SECRET) === 'environment') {
    throw new StationError(
      'bad-input',
      `The worklist token is set by the environment variable ${SECRET_ENV[WORKLIST_TOKEN_SECRET]} on this computer and cannot be changed here.`,
    );
  }
  secrets.set(WORKLIST_TOKEN_SECRET, token === '' ? null : token);
}

/**
 * One-time move at start: a token stored in clear in the settings row (older versions) goes to the
 * SecretStore and is wiped from the database, whose free space and WAL are then scrubbed so the
 * old text lingers in neither station.db nor station.db-wal. Returns whether a token was moved.
 */
export function moveClearToken(d: { db: Database; settingsRepo: SettingsRepo; secrets: SecretStore; log: Logger; key: string }): boolean {
  const raw = d.settingsRepo.get<Record<string, unknown>>(d.key);
  const http = raw?.http;
  if (!raw || typeof http !== 'object' || http === null || !('token' in http)) return false;
  const { token, ...rest } = http as Record<string, unknown>;
  const clear = typeof token === 'string' ? token.trim() : '';
  if (clear !== '' && d.secrets.get(WORKLIST_TOKEN_SECRET) === null) {
    try {
      d.secrets.set(WORKLIST_TOKEN_SECRET, clear);
    } catch (err) {
      // Nowhere safe to keep it: leave it where it is rather than lose it.
      d.log.warn({ code: (err as Error).name }, 'worklist token could not be moved to the secret store; left in the database');
      return false;
    }
  }
  d.settingsRepo.set(d.key, { ...raw, http: rest });
  if (clear !== '') {
    scrubFreedSpace(d.db);
    d.log.info({ moved: 1 }, 'worklist token moved from the database to the secret store');
  }
  return clear !== '';
}
