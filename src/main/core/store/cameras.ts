// The camera tables (migration 004): device profiles, devices, the per-device ledger, and one
// session row per plug-in with its counters and the new images it brought.
import type { Database, Statement } from 'better-sqlite3';
import { deviceProfileSchema, type DeviceProfile } from '../../../shared/devices.ts';
import type { ImageRow } from './images.ts';
import { newId, nowIso } from '../kernel/ids.ts';

export interface DeviceRow {
  id: string;
  identity_key: string;
  name: string;
  make: string | null;
  model: string | null;
  serial: string | null;
  volume_label: string | null;
  volume_uuid: string | null;
  profile_id: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export type SessionState = 'importing' | 'done' | 'interrupted' | 'failed';

export interface SessionRow {
  id: string;
  device_id: string;
  device_name: string;
  device_profile_id: string | null;
  volume_label: string | null;
  state: SessionState;
  started_at: string;
  finished_at: string | null;
  files_on_camera: number;
  files_to_import: number;
  bytes_to_import: number;
  files_done: number;
  bytes_done: number;
  new_images: number;
  already_known: number;
  refused: number;
  deleted_from_camera: number;
  message: string | null;
  dismissed_at: string | null;
}

export interface LedgerRow {
  relPath: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** An image a session brought in, with its place on the camera. */
export interface SessionPhotoRow extends ImageRow {
  file_mtime_ms: number;
  rel_path: string;
  seq: number;
}

export interface DeviceIdentityRecord {
  identityKey: string;
  name: string;
  make: string | null;
  model: string | null;
  serial: string | null;
  volumeLabel: string | null;
  volumeUuid: string | null;
  profileId: string | null;
}

/** What happened to one file of a session. */
export type FileOutcome =
  | { kind: 'new'; imageId: string; sha256: string }
  | { kind: 'known'; imageId: string; sha256: string }
  | { kind: 'refused' };

const SESSION_SELECT = `SELECT s.*, d.name AS device_name, d.profile_id AS device_profile_id
  FROM camera_sessions s JOIN camera_devices d ON d.id = s.device_id`;

export class CamerasRepo {
  readonly db: Database;
  private readonly s: Record<string, Statement>;

  constructor(db: Database) {
    this.db = db;
    this.s = {
      profiles: db.prepare('SELECT id, profile FROM device_profiles ORDER BY position, id'),
      profileById: db.prepare('SELECT id FROM device_profiles WHERE id = ?'),
      maxPosition: db.prepare('SELECT coalesce(max(position), -1) AS p FROM device_profiles'),
      insertProfile: db.prepare('INSERT INTO device_profiles (id, position, profile, updated_at) VALUES (?, ?, ?, ?)'),
      updateProfile: db.prepare('UPDATE device_profiles SET profile = ?, updated_at = ? WHERE id = ?'),
      deleteProfile: db.prepare('DELETE FROM device_profiles WHERE id = ?'),
      deviceByKey: db.prepare('SELECT * FROM camera_devices WHERE identity_key = ?'),
      deviceById: db.prepare('SELECT * FROM camera_devices WHERE id = ?'),
      insertDevice: db.prepare(`INSERT INTO camera_devices (id, identity_key, name, make, model, serial, volume_label, volume_uuid,
          profile_id, first_seen_at, last_seen_at)
        VALUES (@id, @identityKey, @name, @make, @model, @serial, @volumeLabel, @volumeUuid, @profileId, @at, @at)`),
      updateDevice: db.prepare(`UPDATE camera_devices SET name = @name, make = coalesce(@make, make), model = coalesce(@model, model),
          serial = coalesce(@serial, serial), volume_label = @volumeLabel, volume_uuid = coalesce(@volumeUuid, volume_uuid),
          profile_id = @profileId, last_seen_at = @at WHERE id = @id`),
      ledger: db.prepare('SELECT rel_path AS relPath, size_bytes AS size, mtime_ms AS mtimeMs, sha256 FROM camera_ledger WHERE device_id = ?'),
      insertLedger: db.prepare(`INSERT INTO camera_ledger (device_id, rel_path, size_bytes, mtime_ms, sha256, image_id, session_id, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET sha256 = excluded.sha256, image_id = excluded.image_id,
          session_id = excluded.session_id, recorded_at = excluded.recorded_at`),
      insertImport: db.prepare(
        'INSERT OR IGNORE INTO camera_imports (session_id, image_id, seq, rel_path, file_mtime_ms) VALUES (?, ?, ?, ?, ?)',
      ),
      insertSession: db.prepare(`INSERT INTO camera_sessions (id, device_id, volume_label, state, started_at, files_on_camera,
          files_to_import, bytes_to_import) VALUES (@id, @deviceId, @volumeLabel, 'importing', @at, @filesOnCamera, @filesToImport, @bytesToImport)`),
      countFile: db.prepare(`UPDATE camera_sessions SET files_done = files_done + 1, bytes_done = bytes_done + @bytes,
          new_images = new_images + @isNew, already_known = already_known + @isKnown, refused = refused + @isRefused WHERE id = @id`),
      finishSession: db.prepare(`UPDATE camera_sessions SET state = @state, finished_at = @at, message = @message,
          deleted_from_camera = @deleted WHERE id = @id`),
      staleSessions: db.prepare(`UPDATE camera_sessions SET state = 'interrupted', finished_at = @at, message = @message
        WHERE state = 'importing'`),
      session: db.prepare(`${SESSION_SELECT} WHERE s.id = ?`),
      recentSessions: db.prepare(`${SESSION_SELECT} ORDER BY s.started_at DESC, s.id DESC LIMIT ?`),
      latestWithPhotos: db.prepare(`${SESSION_SELECT} WHERE EXISTS (SELECT 1 FROM camera_imports ci WHERE ci.session_id = s.id)
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1`),
      sessionPhotos: db.prepare(`SELECT i.*, ci.file_mtime_ms, ci.rel_path, ci.seq FROM camera_imports ci
        JOIN images i ON i.id = ci.image_id WHERE ci.session_id = ? AND i.status = 'ready' ORDER BY ci.seq DESC LIMIT ?`),
      sessionPhotoCount: db.prepare(`SELECT count(*) AS n FROM camera_imports ci JOIN images i ON i.id = ci.image_id
        WHERE ci.session_id = ? AND i.status = 'ready'`),
      dismiss: db.prepare('UPDATE camera_sessions SET dismissed_at = ? WHERE id = ? AND dismissed_at IS NULL'),
      capturingNow: db.prepare('SELECT id, patient_name, patient_id FROM orders WHERE capturing_now = 1 LIMIT 1'),
      imageOrders: db.prepare("SELECT id, order_id FROM images WHERE id IN (SELECT value FROM json_each(?)) AND status = 'ready'"),
    };
  }

  // ---- device profiles

  /** Profiles in the order they are tried; a stored profile that no longer validates is skipped. */
  profiles(): DeviceProfile[] {
    const out: DeviceProfile[] = [];
    for (const row of this.s.profiles.all() as { id: string; profile: string }[]) {
      try {
        const parsed = deviceProfileSchema.safeParse(JSON.parse(row.profile));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // unreadable JSON: skip it rather than stop every camera import
      }
    }
    return out;
  }

  saveProfile(profile: DeviceProfile): void {
    const at = nowIso();
    const body = JSON.stringify(profile);
    this.db.transaction(() => {
      if (this.s.profileById.get(profile.id)) this.s.updateProfile.run(body, at, profile.id);
      else this.s.insertProfile.run(profile.id, (this.s.maxPosition.get() as { p: number }).p + 1, body, at);
    })();
  }

  removeProfile(id: string): boolean {
    return this.s.deleteProfile.run(id).changes > 0;
  }

  // ---- devices and their ledger

  upsertDevice(d: DeviceIdentityRecord): DeviceRow {
    const at = nowIso();
    const existing = this.s.deviceByKey.get(d.identityKey) as DeviceRow | undefined;
    if (existing) this.s.updateDevice.run({ ...d, id: existing.id, at });
    else this.s.insertDevice.run({ ...d, id: newId(), at });
    return this.s.deviceByKey.get(d.identityKey) as DeviceRow;
  }

  device(id: string): DeviceRow | undefined {
    return this.s.deviceById.get(id) as DeviceRow | undefined;
  }

  ledgerFor(deviceId: string): LedgerRow[] {
    return this.s.ledger.all(deviceId) as LedgerRow[];
  }

  // ---- sessions

  createSession(s: { deviceId: string; volumeLabel: string | null; filesOnCamera: number; filesToImport: number; bytesToImport: number }): string {
    const id = newId();
    this.s.insertSession.run({ ...s, id, at: nowIso() });
    return id;
  }

  /**
   * One file of a session is settled: counters, and for a file now safely in the station its
   * ledger row (and, when it was new, its place among the session's photos), in one transaction.
   */
  recordFile(
    sessionId: string,
    deviceId: string,
    file: { relPath: string; size: number; mtimeMs: number },
    seq: number,
    outcome: FileOutcome,
  ): void {
    const mtime = Math.floor(file.mtimeMs);
    this.db.transaction(() => {
      if (outcome.kind !== 'refused') {
        this.s.insertLedger.run(deviceId, file.relPath, file.size, mtime, outcome.sha256, outcome.imageId, sessionId, nowIso());
      }
      if (outcome.kind === 'new') this.s.insertImport.run(sessionId, outcome.imageId, seq, file.relPath, mtime);
      this.s.countFile.run({
        id: sessionId,
        bytes: file.size,
        isNew: outcome.kind === 'new' ? 1 : 0,
        isKnown: outcome.kind === 'known' ? 1 : 0,
        isRefused: outcome.kind === 'refused' ? 1 : 0,
      });
    })();
  }

  finishSession(id: string, state: Exclude<SessionState, 'importing'>, message: string, deleted = 0): void {
    this.s.finishSession.run({ id, state, message, deleted, at: nowIso() });
  }

  /** Sessions left 'importing' by a crash or a power cut: they were interrupted. */
  closeStaleSessions(message: string): number {
    return this.s.staleSessions.run({ at: nowIso(), message }).changes;
  }

  session(id: string): SessionRow | undefined {
    return this.s.session.get(id) as SessionRow | undefined;
  }

  recentSessions(limit: number): SessionRow[] {
    return this.s.recentSessions.all(limit) as SessionRow[];
  }

  latestSessionWithPhotos(): SessionRow | undefined {
    return this.s.latestWithPhotos.get() as SessionRow | undefined;
  }

  /** The last `limit` photos of a session in the order taken, and how many it has in all. */
  sessionPhotos(sessionId: string, limit: number): { rows: SessionPhotoRow[]; total: number } {
    const rows = (this.s.sessionPhotos.all(sessionId, limit) as SessionPhotoRow[]).reverse();
    return { rows, total: (this.s.sessionPhotoCount.get(sessionId) as { n: number }).n };
  }

  dismiss(sessionId: string): boolean {
    return this.s.dismiss.run(nowIso(), sessionId).changes > 0;
  }

  // ---- what the camera screen needs from the worklist tables (migration 002)

  capturingNow(): { orderId: string; patientName: string; patientId: string } | null {
    const row = this.s.capturingNow.get() as { id: string; patient_name: string; patient_id: string } | undefined;
    return row ? { orderId: row.id, patientName: row.patient_name, patientId: row.patient_id } : null;
  }

  /** The current exam of each image (ready images only). */
  ordersOf(imageIds: readonly string[]): Map<string, string | null> {
    const rows = this.s.imageOrders.all(JSON.stringify(imageIds)) as { id: string; order_id: string | null }[];
    return new Map(rows.map((r) => [r.id, r.order_id]));
  }
}
