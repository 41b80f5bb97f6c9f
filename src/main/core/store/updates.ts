// What the updater reads from the store: its settings and this workstation's id (key/value
// settings rows), and the exams that may be being captured (orders + images, read only).
import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { SettingsRepo } from './settings.ts';

export interface ExamActivityRow {
  capturing_now: number;
  status: string;
  last_activity_at: string | null;
}

const SETTINGS_KEY = 'updates';
const WORKSTATION_KEY = 'updates.workstationId';

export class UpdatesRepo {
  private readonly settings: SettingsRepo;
  private readonly exams: Statement<[], ExamActivityRow>;

  constructor(db: Database) {
    this.settings = new SettingsRepo(db);
    // Unfinished exams only (few); each one's latest photo through the images_order index.
    this.exams = db.prepare(`
      SELECT o.capturing_now, o.status,
             MAX(o.updated_at, COALESCE((SELECT MAX(i.ingested_at) FROM images i WHERE i.order_id = o.id), '')) AS last_activity_at
        FROM orders o
       WHERE o.status = 'capturing' OR o.capturing_now = 1`);
  }

  rawSettings(): unknown {
    return this.settings.get(SETTINGS_KEY) ?? {};
  }

  saveSettings(value: unknown): void {
    this.settings.set(SETTINGS_KEY, value);
  }

  /** This workstation's id for staged rollouts: made once, kept with the station's data. */
  workstationId(): string {
    const stored = this.settings.get<string>(WORKSTATION_KEY);
    if (typeof stored === 'string' && stored.length > 0) return stored;
    const id = randomUUID();
    this.settings.set(WORKSTATION_KEY, id);
    return id;
  }

  examActivity(): ExamActivityRow[] {
    return this.exams.all();
  }
}
