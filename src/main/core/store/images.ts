// Image rows: one per distinct content (sha256), plus one per refused file path.
import type { Database } from 'better-sqlite3';
import type { ImageFacts, QualityResult } from '../../../shared/domain.ts';
import type { ImageSyncColumns } from './outbox.ts';

/** An image row; its sync columns (migration 003) are written by store/outbox.ts alone. */
export interface ImageRow extends Partial<ImageSyncColumns> {
  id: string;
  sha256: string | null;
  status: 'waiting' | 'ready' | 'error';
  error: string | null;
  source_id: string | null;
  source_path: string;
  file_name: string;
  size_bytes: number | null;
  format: string | null;
  facts: string | null;
  patient_id: string | null;
  laterality: 'OD' | 'OS' | null;
  laterality_source: string | null;
  taken_at: string | null;
  taken_offset: string | null;
  width: number | null;
  height: number | null;
  preview: 'ok' | 'none' | null;
  preview_note: string | null;
  quality_score: number | null;
  quality_verdict: string | null;
  quality_reasons: string | null;
  quality_metrics: string | null;
  ingested_at: string;
  complete_at: string | null;
  updated_at: string;
  // Worklist (migration 002): the order and eye the photo is filed under, and how it got there.
  order_id?: string | null;
  eye?: 'OD' | 'OS' | null;
  match_rule?: string | null;
  match_confidence?: string | null;
  match_note?: string | null;
  rejected_reason?: string | null;
}

export interface NewReadyImage {
  id: string;
  sha256: string;
  sourceId: string | null;
  sourcePath: string;
  fileName: string;
  sizeBytes: number;
  facts: ImageFacts;
  preview: 'ok' | 'none';
  previewNote: string | null;
  quality: QualityResult | null;
  ingestedAt: string;
  completeAt: string | null;
}

export class ImagesRepo {
  private readonly db: Database;
  private readonly stmts;

  constructor(db: Database) {
    this.db = db;
    this.stmts = {
      bySha: db.prepare<[string], ImageRow>('SELECT * FROM images WHERE sha256 = ?'),
      byId: db.prepare<[string], ImageRow>('SELECT * FROM images WHERE id = ?'),
      list: db.prepare<[number], ImageRow>('SELECT * FROM images ORDER BY ingested_at DESC, id DESC LIMIT ?'),
      listByStatus: db.prepare<[string, number], ImageRow>(
        'SELECT * FROM images WHERE status = ? ORDER BY ingested_at DESC, id DESC LIMIT ?',
      ),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM images'),
      countByStatus: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM images WHERE status = ?'),
      insertReady: db.prepare(`INSERT INTO images (id, sha256, status, error, source_id, source_path, file_name, size_bytes,
          format, facts, patient_id, laterality, laterality_source, taken_at, taken_offset, width, height, preview,
          preview_note, quality_score, quality_verdict, quality_reasons, quality_metrics, ingested_at, complete_at, updated_at)
        VALUES (@id, @sha256, 'ready', NULL, @sourceId, @sourcePath, @fileName, @sizeBytes, @format, @facts, @patientId,
          @laterality, @lateralitySource, @takenAt, @takenOffset, @width, @height, @preview, @previewNote, @qualityScore,
          @qualityVerdict, @qualityReasons, @qualityMetrics, @ingestedAt, @completeAt, @ingestedAt)`),
      errorForPath: db.prepare<[string], ImageRow>('SELECT * FROM images WHERE source_path = ? AND sha256 IS NULL'),
      insertError: db.prepare(`INSERT INTO images (id, status, error, source_id, source_path, file_name, size_bytes, ingested_at, updated_at)
        VALUES (@id, 'error', @error, @sourceId, @sourcePath, @fileName, @sizeBytes, @at, @at)`),
      updateError: db.prepare(
        `UPDATE images SET error = @error, size_bytes = @sizeBytes, updated_at = @at WHERE id = @id`,
      ),
      deleteErrorForPath: db.prepare<[string]>('DELETE FROM images WHERE source_path = ? AND sha256 IS NULL'),
      sighting: db.prepare<[string], { path: string; size_bytes: number; mtime_ms: number; sha256: string | null; image_id: string | null }>(
        'SELECT * FROM sightings WHERE path = ?',
      ),
      upsertSighting: db.prepare(`INSERT INTO sightings (path, size_bytes, mtime_ms, sha256, image_id, seen_at)
        VALUES (@path, @sizeBytes, @mtimeMs, @sha256, @imageId, @at)
        ON CONFLICT(path) DO UPDATE SET size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms,
          sha256 = excluded.sha256, image_id = excluded.image_id, seen_at = excluded.seen_at`),
      countBySource: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM images WHERE source_id = ? AND status = 'ready'"),
    };
  }

  bySha(hash: string): ImageRow | undefined {
    return this.stmts.bySha.get(hash);
  }

  byId(id: string): ImageRow | undefined {
    return this.stmts.byId.get(id);
  }

  list(limit: number, status?: string): { rows: ImageRow[]; total: number } {
    const rows = status ? this.stmts.listByStatus.all(status, limit) : this.stmts.list.all(limit);
    const total = status ? this.stmts.countByStatus.get(status)!.n : this.stmts.count.get()!.n;
    return { rows, total };
  }

  countForSource(sourceId: string): number {
    return this.stmts.countBySource.get(sourceId)!.n;
  }

  insertReady(img: NewReadyImage): void {
    const f = img.facts;
    this.stmts.insertReady.run({
      id: img.id,
      sha256: img.sha256,
      sourceId: img.sourceId,
      sourcePath: img.sourcePath,
      fileName: img.fileName,
      sizeBytes: img.sizeBytes,
      format: f.format,
      facts: JSON.stringify(f),
      patientId: f.patientId,
      laterality: f.laterality,
      lateralitySource: f.lateralitySource,
      takenAt: f.takenAt,
      takenOffset: f.takenOffset,
      width: f.width,
      height: f.height,
      preview: img.preview,
      previewNote: img.previewNote,
      qualityScore: img.quality?.score ?? null,
      qualityVerdict: img.quality?.verdict ?? null,
      qualityReasons: img.quality ? JSON.stringify(img.quality.reasons) : null,
      qualityMetrics: img.quality ? JSON.stringify(img.quality.metrics) : null,
      ingestedAt: img.ingestedAt,
      completeAt: img.completeAt,
    });
  }

  /** One visible error row per refused path; a later success for the same path removes it. */
  recordError(e: { id: string; sourceId: string | null; sourcePath: string; fileName: string; sizeBytes: number | null; error: string; at: string }): string {
    const existing = this.stmts.errorForPath.get(e.sourcePath);
    if (existing) {
      this.stmts.updateError.run({ id: existing.id, error: e.error, sizeBytes: e.sizeBytes, at: e.at });
      return existing.id;
    }
    this.stmts.insertError.run(e);
    return e.id;
  }

  errorForPath(p: string): ImageRow | undefined {
    return this.stmts.errorForPath.get(p);
  }

  clearErrorForPath(p: string): void {
    this.stmts.deleteErrorForPath.run(p);
  }

  sighting(p: string) {
    return this.stmts.sighting.get(p);
  }

  recordSighting(s: { path: string; sizeBytes: number; mtimeMs: number; sha256: string | null; imageId: string | null; at: string }): void {
    this.stmts.upsertSighting.run(s);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
