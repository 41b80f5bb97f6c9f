import type { Database } from 'better-sqlite3';

// The station as a DICOM node (issue 13): the cameras it knows by AE title, and every SOP instance
// received over the network (so a re-send is one image, and an object acknowledged to a camera
// but not yet turned into an image is taken in again after a crash). The node's own settings are
// one row of the settings table (key 'dicom.node').
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE dicom_cameras (
      ae_title TEXT PRIMARY KEY,            -- as entered; matched without case and padding
      name TEXT NOT NULL,
      host TEXT,
      charset TEXT NOT NULL CHECK (charset IN ('utf8', 'latin1', 'ascii')),
      default_modality TEXT NOT NULL,
      worklist_station_ae TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );

    CREATE TABLE dicom_instances (
      sop_instance_uid TEXT PRIMARY KEY,
      sop_class_uid TEXT NOT NULL,
      sha256 TEXT NOT NULL,                 -- the spool file (Part 10 header + the data set as received)
      size_bytes INTEGER NOT NULL,
      -- 'received': durable in the spool and acknowledged, not yet an image; 'image': image_id set;
      -- 'document': kept without an image (no pixels: a PDF report).
      state TEXT NOT NULL CHECK (state IN ('received', 'image', 'document')),
      image_id TEXT REFERENCES images(id),
      calling_ae TEXT NOT NULL,
      called_ae TEXT NOT NULL,
      transfer_syntax_uid TEXT NOT NULL,
      association_id TEXT NOT NULL,
      received_at TEXT NOT NULL,
      resends INTEGER NOT NULL DEFAULT 0,
      last_resend_at TEXT
    ) WITHOUT ROWID;
    CREATE INDEX dicom_instances_camera ON dicom_instances(calling_ae, received_at);
    CREATE INDEX dicom_instances_pending ON dicom_instances(state) WHERE state = 'received';
    CREATE INDEX dicom_instances_image ON dicom_instances(image_id);
  `);
}
