// The DICOM node's rows: the node settings (one settings row), the known cameras, and the SOP
// instances received over the network. The only SQL of the listener.
import type { Database, Statement } from 'better-sqlite3';
import { dicomCameraSchema, dicomNodeSettingsSchema, defaultDicomNodeSettings, type DicomCamera, type DicomNodeSettings } from '../../../shared/dicom-settings.ts';
import { nowIso } from '../kernel/ids.ts';

const DICOM_NODE_SETTINGS_KEY = 'dicom.node';

export type InstanceState = 'received' | 'image' | 'document';

export interface InstanceRow {
  sop_instance_uid: string;
  sop_class_uid: string;
  sha256: string;
  size_bytes: number;
  state: InstanceState;
  image_id: string | null;
  calling_ae: string;
  called_ae: string;
  transfer_syntax_uid: string;
  association_id: string;
  received_at: string;
  resends: number;
  last_resend_at: string | null;
}

export interface NewInstance {
  sopInstanceUid: string;
  sopClassUid: string;
  sha256: string;
  sizeBytes: number;
  state: InstanceState;
  callingAe: string;
  calledAe: string;
  transferSyntaxUid: string;
  associationId: string;
  receivedAt: string;
}

interface CameraRow {
  ae_title: string;
  name: string;
  host: string | null;
  charset: string;
  default_modality: string;
  worklist_station_ae: string | null;
}

/** Per calling AE title: objects received (ever) and the last one's time. */
export interface ReceivedByCamera {
  calling_ae: string;
  objects: number;
  resends: number;
  last_received_at: string;
}

export class DicomRepo {
  private readonly db: Database;
  private readonly stmts: Record<string, Statement>;

  constructor(db: Database) {
    this.db = db;
    this.stmts = {
      settings: db.prepare('SELECT value FROM settings WHERE key = ?'),
      saveSettings: db.prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ),
      cameras: db.prepare('SELECT * FROM dicom_cameras ORDER BY name COLLATE NOCASE, ae_title'),
      saveCamera: db.prepare(
        `INSERT INTO dicom_cameras (ae_title, name, host, charset, default_modality, worklist_station_ae, created_at, updated_at)
         VALUES (@aeTitle, @name, @host, @charset, @defaultModality, @worklistStationAeTitle, @at, @at)
         ON CONFLICT(ae_title) DO UPDATE SET name = excluded.name, host = excluded.host, charset = excluded.charset,
           default_modality = excluded.default_modality, worklist_station_ae = excluded.worklist_station_ae, updated_at = excluded.updated_at`,
      ),
      removeCamera: db.prepare('DELETE FROM dicom_cameras WHERE ae_title = ?'),
      instance: db.prepare('SELECT * FROM dicom_instances WHERE sop_instance_uid = ?'),
      insertInstance: db.prepare(
        `INSERT INTO dicom_instances (sop_instance_uid, sop_class_uid, sha256, size_bytes, state, calling_ae, called_ae,
           transfer_syntax_uid, association_id, received_at)
         VALUES (@sopInstanceUid, @sopClassUid, @sha256, @sizeBytes, @state, @callingAe, @calledAe, @transferSyntaxUid, @associationId, @receivedAt)`,
      ),
      resent: db.prepare('UPDATE dicom_instances SET resends = resends + 1, last_resend_at = ? WHERE sop_instance_uid = ?'),
      linkImage: db.prepare(`UPDATE dicom_instances SET state = 'image', image_id = ? WHERE sop_instance_uid = ?`),
      markDocument: db.prepare(`UPDATE dicom_instances SET state = 'document' WHERE sop_instance_uid = ?`),
      pending: db.prepare(`SELECT * FROM dicom_instances WHERE state = 'received' ORDER BY received_at`),
      byImage: db.prepare('SELECT * FROM dicom_instances WHERE image_id = ?'),
      receivedSince: db.prepare(
        `SELECT COUNT(*) AS objects, MAX(received_at) AS last_at FROM dicom_instances WHERE received_at >= ?`,
      ),
      // A refused object is a visible error row named dicom://<calling AE>/<SOP instance> (dicom-node/intake.ts).
      refusedSince: db.prepare(
        `SELECT COUNT(*) AS n FROM images WHERE status = 'error' AND source_path LIKE 'dicom://%' AND updated_at >= ?`,
      ),
      byCamera: db.prepare(
        `SELECT calling_ae, COUNT(*) AS objects, SUM(resends) AS resends, MAX(received_at) AS last_received_at
         FROM dicom_instances GROUP BY calling_ae`,
      ),
    };
  }

  settings(): DicomNodeSettings {
    const row = this.stmts.settings.get(DICOM_NODE_SETTINGS_KEY) as { value: string } | undefined;
    if (!row) return defaultDicomNodeSettings();
    const parsed = dicomNodeSettingsSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : defaultDicomNodeSettings();
  }

  saveSettings(s: DicomNodeSettings): void {
    this.stmts.saveSettings.run(DICOM_NODE_SETTINGS_KEY, JSON.stringify(dicomNodeSettingsSchema.parse(s)), nowIso());
  }

  cameras(): DicomCamera[] {
    return (this.stmts.cameras.all() as CameraRow[]).map((r) =>
      dicomCameraSchema.parse({
        aeTitle: r.ae_title,
        name: r.name,
        host: r.host,
        charset: r.charset,
        defaultModality: r.default_modality,
        worklistStationAeTitle: r.worklist_station_ae,
      }),
    );
  }

  /** Adds or replaces the camera with this AE title; `previousAeTitle` renames one. */
  saveCamera(c: DicomCamera, previousAeTitle: string | null = null): void {
    this.db.transaction(() => {
      if (previousAeTitle && previousAeTitle !== c.aeTitle) this.stmts.removeCamera.run(previousAeTitle);
      this.stmts.saveCamera.run({ ...c, at: nowIso() });
    })();
  }

  removeCamera(aeTitle: string): boolean {
    return this.stmts.removeCamera.run(aeTitle).changes > 0;
  }

  instance(sopInstanceUid: string): InstanceRow | undefined {
    return this.stmts.instance.get(sopInstanceUid) as InstanceRow | undefined;
  }

  insertInstance(i: NewInstance): void {
    this.stmts.insertInstance.run(i);
  }

  recordResend(sopInstanceUid: string, at: string): void {
    this.stmts.resent.run(at, sopInstanceUid);
  }

  /** In the transaction that stores the image (hooks.imageStored). */
  linkImage(sopInstanceUid: string, imageId: string): void {
    this.stmts.linkImage.run(imageId, sopInstanceUid);
  }

  markDocument(sopInstanceUid: string): void {
    this.stmts.markDocument.run(sopInstanceUid);
  }

  /** Acknowledged to a camera but not yet an image (a crash in between): taken in again at start. */
  pending(): InstanceRow[] {
    return this.stmts.pending.all() as InstanceRow[];
  }

  byImage(imageId: string): InstanceRow | undefined {
    return this.stmts.byImage.get(imageId) as InstanceRow | undefined;
  }

  /** Objects received and refused since `sinceIso` (the Sources screen's "today"), and the last one's time. */
  receivedSince(sinceIso: string): { objects: number; refused: number; lastObjectAt: string | null } {
    const r = this.stmts.receivedSince.get(sinceIso) as { objects: number; last_at: string | null };
    const refused = (this.stmts.refusedSince.get(sinceIso) as { n: number }).n;
    return { objects: r.objects, refused, lastObjectAt: r.last_at };
  }

  receivedByCamera(): ReceivedByCamera[] {
    return this.stmts.byCamera.all() as ReceivedByCamera[];
  }
}
