// Job kind 'upload-image': one photo to the platform's blob container (lane 'storage'). What only
// it knows: the blob name and metadata fixed at the first attempt (the job's payload), the MD5
// sent as Content-MD5 (from the row, written by ingest; after an Md5Mismatch it is dropped and the
// next attempt hashes the spool copy again, checking its SHA-256), and the uploader per settings
// version (a connection string, a bandwidth cap).
import type { KindSpec } from '../jobs/types.ts';
import type { Outbox } from '../store/outbox.ts';
import type { OutboxReads } from '../store/outbox-reads.ts';
import type { Logger } from '../kernel/logger.ts';
import { blobExtensionFor, contentTypeFor } from '../../../shared/blob-names.ts';
import { createBlobUploader, type BlobUploader, type BlobUploaderOptions } from './blob-uploader.ts';
import { buildBlobMetadata } from './blob-metadata.ts';
import type { ResolvedCloudSettings } from './cloud-settings.ts';
import { digestFile } from './file-digest.ts';
import { formatTaken } from './order-request.ts';
import { storageFailure, SyncError, toSyncError } from './sync-error.ts';

export interface UploadPayload {
  blobName: string;
  contentType: string;
  metadata: Record<string, string>;
}

export interface UploadBlobDeps {
  outbox: Outbox;
  reads: OutboxReads;
  spoolPath: (sha256: string) => string;
  log: Logger;
  settings: () => ResolvedCloudSettings | null;
  /** An upload without progress for this long is aborted and retried. */
  stallTimeoutMs: number;
  createUploader?: (options: BlobUploaderOptions) => BlobUploader;
}

const fatal = (code: string, message: string) => new SyncError({ kind: 'fatal', service: 'storage', code, message });

export function uploadBlobKind(d: UploadBlobDeps): KindSpec {
  let uploader: { version: number; value: BlobUploader } | null = null;
  const uploaderFor = (cfg: ResolvedCloudSettings): BlobUploader => {
    if (uploader?.version !== cfg.version) {
      const create = d.createUploader ?? createBlobUploader;
      uploader = {
        version: cfg.version,
        value: create({
          connectionString: cfg.settings.connectionString,
          container: cfg.settings.container,
          stationId: cfg.settings.stationId,
          bandwidthCapKbps: cfg.settings.bandwidthCapKbps,
          stallTimeoutMs: d.stallTimeoutMs,
        }),
      };
    }
    return uploader.value;
  };

  return {
    kind: 'upload-image',
    service: 'storage',
    subjectTopic: 'images.changed',
    concurrency: () => d.settings()?.settings.concurrency ?? 0,
    classify: (err) => toSyncError(err, 'storage'),
    onFailed(job, failure) {
      // The service got other bytes than the MD5 says: check the spool copy again before any retry.
      if (failure.code === 'Md5Mismatch') d.outbox.clearMd5(job.subject_id);
    },

    async run(job, ctx) {
      const cfg = d.settings();
      if (!cfg) throw new SyncError({ kind: 'retry', service: 'storage', code: 'ABORTED', message: 'Stopped before it started.' });
      const img = d.reads.uploadSubject(job.subject_id);
      if (!img || img.status !== 'ready' || !img.sha256) throw fatal('NoImage', 'This photo is no longer on the station.');
      if (!blobExtensionFor(img.format) || !img.blob_name) {
        throw fatal(
          'UnsupportedFormat',
          `The platform takes JPEG and DICOM photos; this one is ${(img.format ?? 'of an unknown format').toUpperCase()}. Reject it in the exam (and take it again as JPEG), then complete the exam again.`,
        );
      }
      const up = uploaderFor(cfg);
      const filePath = d.spoolPath(img.sha256);
      // The MD5 ingest stored, or (after an Md5Mismatch) one pass over the spool copy, checking its SHA-256.
      let md5: Buffer;
      let size: number;
      if (img.md5) {
        md5 = Buffer.from(img.md5, 'hex');
        size = img.size_bytes ?? 0;
      } else {
        let digest;
        try {
          digest = await digestFile(filePath);
        } catch (err) {
          throw storageFailure(err, { where: up.where, container: up.container, expiresOn: null, startsOn: null });
        }
        if (digest.sha256 !== img.sha256) {
          throw fatal(
            'SpoolDamaged',
            "The station's copy of this photo is damaged (its checksum changed since it was taken in). Copy it again from the camera if it is still there.",
          );
        }
        d.outbox.setMd5(img.id, img.sha256, digest.md5.toString('hex'));
        md5 = digest.md5;
        size = digest.size;
      }
      ctx.setTotal(size);
      let payload = job.payload ? (JSON.parse(job.payload) as UploadPayload) : null;
      if (!payload) {
        payload = {
          blobName: img.blob_name,
          contentType: contentTypeFor(img.blob_name),
          metadata: buildBlobMetadata({
            workflow: cfg.settings.workflow,
            localId: img.id,
            stationId: cfg.settings.stationId,
            sha256: img.sha256,
            laterality: img.eye ?? img.laterality,
            taken: formatTaken(img.taken_at, img.taken_offset),
            orderId: img.o_id ? (img.o_external_order_id ?? img.o_id) : null,
            accessionNumber: img.o_accession_number,
            siteId: cfg.settings.siteId,
            patientId: img.o_patient_id ?? img.patient_id,
          }),
        };
        // Fixed from now on: a later attempt (after a crash, a day later) sends the same name and metadata.
        d.outbox.setPayload(job.id, payload, size);
      }
      if (ctx.signal.aborted) throw new SyncError({ kind: 'retry', service: 'storage', code: 'ABORTED', message: 'Stopped before it started.' });
      const res = await up.upload({
        filePath,
        blobName: payload.blobName,
        contentType: payload.contentType,
        md5,
        metadata: payload.metadata,
        signal: ctx.signal,
        onProgress: (sent) => ctx.progress(sent),
      });
      d.outbox.markUploaded(job, res.outcome, res.bytes);
      d.log.info({ job: job.id, image: img.id, outcome: res.outcome, bytes: res.bytes }, 'sync: photo in storage');
      return { status: 'done', serverDate: res.serverDate };
    },
  };
}
