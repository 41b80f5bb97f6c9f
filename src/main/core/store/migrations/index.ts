import type { Database } from 'better-sqlite3';
import * as m001 from './001-foundation.ts';
import * as m002 from './002-worklist.ts';
import * as m003 from './003-sync.ts';
import * as m004 from './004-volumes.ts';
import * as m005 from './005-dicom.ts';
import * as m006 from './006-worklist-uids.ts';
import * as m007 from './007-pacs.ts';
import * as m009 from './009-it-lock.ts';
import * as m010 from './010-images-status.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** Append only: a released migration is never edited, a new one is added with the next number. */
export const migrations: Migration[] = [
  { version: 1, name: 'foundation', up: m001.up },
  { version: 2, name: 'worklist', up: m002.up },
  { version: 3, name: 'sync', up: m003.up },
  { version: 4, name: 'volumes', up: m004.up },
  { version: 5, name: 'dicom', up: m005.up },
  { version: 6, name: 'worklist-uids', up: m006.up },
  { version: 7, name: 'pacs', up: m007.up },
  { version: 9, name: 'it-lock', up: m009.up },
  { version: 10, name: 'images-status', up: m010.up },
];
