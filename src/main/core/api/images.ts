import { StationError } from '../../../shared/errors.ts';
import { unsendableMessage } from '../../../shared/blob-names.ts';
import { photoTime } from '../../../shared/photo-time.ts';
import type { MethodOutput } from '../../../shared/contract/index.ts';
import type { ImageRow, ImagesRepo } from '../store/images.ts';
import type { Handlers, MediaUrls } from './types.ts';

type Summary = MethodOutput<'images.list'>['items'][number];

export function toSummary(row: ImageRow, urls: MediaUrls, orderLabel: string | null = null): Summary {
  const hasPreview = row.preview === 'ok';
  return {
    id: row.id,
    status: row.status,
    error: row.error,
    laterality: row.laterality,
    lateralitySource: row.laterality_source,
    patientId: row.patient_id,
    takenAt: row.taken_at,
    ingestedAt: row.ingested_at,
    sha256: row.sha256,
    sourcePath: row.source_path,
    sourceId: row.source_id,
    fileName: row.file_name,
    format: row.format,
    sizeBytes: row.size_bytes,
    width: row.width,
    height: row.height,
    preview: row.preview,
    previewNote: row.preview_note,
    thumbnailUrl: hasPreview ? urls.thumb(row.id) : null,
    fullUrl: hasPreview ? urls.full(row.id) : null,
    quality:
      row.quality_verdict && row.quality_score !== null
        ? { score: row.quality_score, verdict: row.quality_verdict as 'good' | 'borderline' | 'retake', reasons: JSON.parse(row.quality_reasons ?? '[]') }
        : null,
    orderId: row.order_id ?? null,
    orderLabel: row.order_id ? orderLabel : null,
    eye: row.eye ?? null,
    matchRule: row.match_rule ?? null,
    matchConfidence: row.match_confidence ?? null,
    rejected: (row.rejected_reason ?? null) !== null,
    // Cloud sync (migration 003): waiting, uploading, retry-wait, uploaded, failed; null when not queued.
    syncState: row.sync_state ?? null,
    time: photoTime(row.taken_at, row.ingested_at),
    // A refused file has no format: its error says what happened instead.
    unsendable: row.status === 'ready' ? unsendableMessage(row.format) : null,
  };
}

export interface ImagesApiDeps {
  images: ImagesRepo;
  urls: MediaUrls;
  retry(id: string): Promise<void>;
  /** "Name · patient ID" of an order, for the Inbox (worklist feature). */
  orderLabel?(orderId: string): string | null;
}

export function imagesApi({ images, urls, retry, orderLabel }: ImagesApiDeps): Handlers<'images.list' | 'images.get' | 'images.retry'> {
  return {
    'images.list': ({ limit, status }) => {
      const { rows, total } = images.list(limit, status);
      const labels = new Map<string, string | null>();
      const labelOf = (orderId: string | null | undefined): string | null => {
        if (!orderId || !orderLabel) return null;
        if (!labels.has(orderId)) labels.set(orderId, orderLabel(orderId));
        return labels.get(orderId) ?? null;
      };
      return { items: rows.map((r) => toSummary(r, urls, labelOf(r.order_id))), total };
    },
    'images.get': ({ id }) => {
      const row = images.byId(id);
      if (!row) throw new StationError('not-found', 'That image is no longer here.');
      return {
        ...toSummary(row, urls, row.order_id && orderLabel ? orderLabel(row.order_id) : null),
        facts: row.facts ? JSON.parse(row.facts) : {},
        qualityMetrics: row.quality_metrics ? JSON.parse(row.quality_metrics) : null,
      };
    },
    'images.retry': async ({ id }) => {
      await retry(id);
      return { ok: true as const };
    },
  };
}
