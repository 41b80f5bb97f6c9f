// What the outbox's kinds and views read: the photo an upload sends, the exam an order is built
// from, and the queue as the UI lists it. Reads only; the writes are in outbox.ts. Row types match
// migrations 001-003 and 007 (images, orders, exam_eyes, sync_jobs, pacs_routes).
import type { Database, Statement } from 'better-sqlite3';
import { sendablePhotoSql, type ImageSyncColumns, type JobKind, type JobRow } from './outbox.ts';

type Eye = 'OD' | 'OS';

/** An image as its upload job sends it, with the order it is filed under (if any). */
export interface UploadSubjectRow extends Pick<ImageSyncColumns, 'md5' | 'blob_name'> {
  id: string;
  sha256: string | null;
  format: string | null;
  status: string;
  size_bytes: number | null;
  laterality: Eye | null;
  eye: Eye | null;
  taken_at: string | null;
  taken_offset: string | null;
  rejected_reason: string | null;
  order_id: string | null;
  patient_id: string | null;
  o_id: string | null;
  o_patient_id: string | null;
  o_external_order_id: string | null;
  o_accession_number: string | null;
}

/** The order (exam) fields an OrderRequest is built from. */
export interface ExamOrderRow {
  id: string;
  status: string;
  revision: number;
  external_order_id: string | null;
  accession_number: string | null;
  scheduled_at: string | null;
  patient_id: string | null;
  patient_name: string | null;
  birth_date: string | null;
  sex: string | null;
}

/** A photo the order names: ready, not rejected. */
export interface ExamImageRow extends Pick<ImageSyncColumns, 'blob_name'> {
  id: string;
  laterality: Eye | null;
  eye: Eye | null;
  taken_at: string | null;
  taken_offset: string | null;
  quality_score: number | null;
  facts: string | null;
}

export interface ExamEyeRow {
  eye: Eye;
  best_image_id: string | null;
  ungradable_reason: string | null;
}

/** A job as the Queue lists it: the row plus what names it (the photo's file, the patient). */
export interface JobListRow extends JobRow {
  file_name: string | null;
  eye: Eye | null;
  laterality: Eye | null;
  size_bytes: number | null;
  image_order_id: string | null;
  patient_name: string | null;
  order_patient_id: string | null;
  /** The PACS route's name (forward-pacs), null when removed or another kind. */
  route_name: string | null;
}

const LIST_FROM = `FROM sync_jobs j
        LEFT JOIN images i ON j.kind IN ('upload-image', 'forward-pacs') AND i.id = j.subject_id
        LEFT JOIN orders o ON o.id = CASE WHEN j.kind = 'submit-order' THEN j.subject_id ELSE i.order_id END
        LEFT JOIN pacs_routes r ON j.kind = 'forward-pacs' AND r.id = j.route_id`;
const LIST_COLUMNS = `j.*, i.file_name, i.eye, i.laterality, i.size_bytes, i.order_id AS image_order_id,
          o.patient_name, o.patient_id AS order_patient_id, r.name AS route_name`;

export class OutboxReads {
  private readonly s: Record<string, Statement>;

  constructor(db: Database) {
    this.s = {
      uploadSubject: db.prepare(`SELECT i.id, i.sha256, i.md5, i.format, i.status, i.blob_name, i.size_bytes,
          i.laterality, i.eye, i.taken_at, i.taken_offset, i.rejected_reason, i.order_id, i.patient_id,
          o.id AS o_id, o.patient_id AS o_patient_id, o.external_order_id AS o_external_order_id, o.accession_number AS o_accession_number
        FROM images i LEFT JOIN orders o ON o.id = i.order_id WHERE i.id = ?`),
      order: db.prepare(`SELECT id, status, revision, external_order_id, accession_number, scheduled_at, patient_id, patient_name, birth_date, sex
        FROM orders WHERE id = ?`),
      examImages: db.prepare(`SELECT id, blob_name, laterality, eye, taken_at, taken_offset, quality_score, facts
        FROM images WHERE order_id = ? AND ${sendablePhotoSql()}
        ORDER BY taken_at, ingested_at, id`),
      examEyes: db.prepare('SELECT eye, best_image_id, ungradable_reason FROM exam_eyes WHERE order_id = ?'),
      bytesWaiting: db.prepare(`SELECT sum(coalesce(j.bytes, i.size_bytes, 0)) AS b FROM sync_jobs j JOIN images i ON i.id = j.subject_id
        WHERE j.kind = 'upload-image' AND j.state IN ('waiting', 'running', 'retry-wait')`),
      blockedOrders: db.prepare(`SELECT count(*) AS n FROM sync_jobs j WHERE j.kind = 'submit-order' AND j.state IN ('waiting', 'retry-wait')
        AND j.payload IS NULL AND EXISTS (SELECT 1 FROM images i WHERE i.order_id = j.subject_id AND ${sendablePhotoSql('i.')} AND i.uploaded_at IS NULL)`),
      activeJobs: db.prepare(`SELECT ${LIST_COLUMNS} ${LIST_FROM}
        WHERE j.kind = ? AND j.state IN ('waiting', 'running', 'retry-wait', 'failed')
        ORDER BY CASE j.state WHEN 'running' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END, j.next_attempt_at, j.created_at LIMIT ?`),
      recentJobs: db.prepare(`SELECT ${LIST_COLUMNS} ${LIST_FROM}
        WHERE j.kind = ? AND j.state = 'done' ORDER BY j.done_at DESC LIMIT ?`),
      countActive: db.prepare(`SELECT count(*) AS n FROM sync_jobs WHERE kind = ? AND state IN ('waiting', 'running', 'retry-wait', 'failed')`),
    };
  }

  uploadSubject(imageId: string): UploadSubjectRow | undefined {
    return this.s.uploadSubject!.get(imageId) as UploadSubjectRow | undefined;
  }

  order(orderId: string): ExamOrderRow | undefined {
    return this.s.order!.get(orderId) as ExamOrderRow | undefined;
  }

  examImages(orderId: string): ExamImageRow[] {
    return this.s.examImages!.all(orderId) as ExamImageRow[];
  }

  examEyes(orderId: string): ExamEyeRow[] {
    return this.s.examEyes!.all(orderId) as ExamEyeRow[];
  }

  /** Bytes of the uploads not finished yet (the job's size once read, else the image's). */
  bytesWaiting(): number {
    return (this.s.bytesWaiting!.get() as { b: number | null }).b ?? 0;
  }

  /** Order jobs waiting for their photos to be confirmed in storage (a built body waits for none). */
  blockedOrders(): number {
    return (this.s.blockedOrders!.get() as { n: number }).n;
  }

  /** Unfinished jobs of a kind (running, failed, then by due time), then recent done ones up to `limit`. */
  listJobs(kind: JobKind, limit: number): { rows: JobListRow[]; more: number } {
    const active = this.s.activeJobs!.all(kind, limit) as JobListRow[];
    const recent = active.length < limit ? (this.s.recentJobs!.all(kind, Math.min(50, limit - active.length)) as JobListRow[]) : [];
    const total = (this.s.countActive!.get(kind) as { n: number }).n;
    return { rows: [...active, ...recent], more: Math.max(0, total - active.length) };
  }
}
