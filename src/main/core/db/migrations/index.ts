import type { Database } from 'better-sqlite3';
import * as m001 from './001-foundation.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** Append only: a released migration is never edited, a new one is added with the next number. */
export const migrations: Migration[] = [{ version: 1, name: 'foundation', up: m001.up }];
