// From a received object to an acknowledged, durable spool file, then to an image: the steps
// after the last byte of a C-STORE has arrived. The camera hears Success only once the object
// is fsynced, renamed into the spool under its hash and recorded (dicom_instances, state
// 'received'); the image row follows through the ingest pipeline (metadata, laterality, thumbnail,
// quality hint, matching, events, audit), after the ingest gate (ingest-gate.ts) has let it: while
// cameras are sending, receiving comes first. An object acknowledged but not yet an image when the
// station stopped is taken in again at the next start.
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DicomOrigin } from '../kernel/hooks.ts';
import { nowIso } from '../kernel/ids.ts';
import type { Logger } from '../kernel/logger.ts';
import { PRIVATE_DIR_MODE } from '../kernel/data-dir.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { wrapInPart10 } from '../dicom/part10.ts';
import { syntaxOfTransfer, type DicomSyntax } from '../dicom/vocabulary.ts';
import { parseDicom, type ParsedDicom } from '../metadata/dicom.ts';
import { readDicomValues } from '../metadata/dicom-values.ts';
import { UnreadableFileError } from '../metadata/errors.ts';
import type { DicomRepo, InstanceRow } from '../store/dicom.ts';
import type { ImagesRepo } from '../store/images.ts';
import type { Spool } from '../store/spool.ts';
import { writeFailureKind, type WriteFailureKind } from '../storage/storage-state.ts';
import { DatasetScanner, type PixelPlan, type ScanResult } from './dataset-scanner.ts';
import { representativeFrameIndex } from '../imaging/frame.ts';
import type { ReceiveOutcome } from './receiver.ts';
import { IngestGate, type GatePolicy } from './ingest-gate.ts';
import { storeVerdict, type StoreEnd, type StoreVerdict } from './store-status.ts';

/**
 * Which frame a received object keeps for its preview (the one the preview shows: the middle one
 * of a multi-frame object) and the size of an uncompressed frame, from the attributes before the
 * Pixel Data. Unreadable attributes: frame 0 of 1 (the structure check decides the rest).
 */
export function pixelPlan(head: Buffer, syntax: DicomSyntax): PixelPlan {
  try {
    const ds = readDicomValues({ dataset: head, syntax, pixelDataStart: null, characterSet: null }, { lenient: true });
    const frames = Math.max(1, Math.floor(ds.num('00280008') ?? 1));
    const bytes = (ds.num('00280010') ?? 0) * (ds.num('00280011') ?? 0) * (ds.num('00280002') ?? 1) * ((ds.num('00280100') ?? 8) / 8);
    return { frames, keepFrame: representativeFrameIndex(frames), frameBytes: Number.isFinite(bytes) && bytes > 0 ? Math.ceil(bytes) : 0 };
  } catch {
    return { frames: 1, keepFrame: 0, frameBytes: 0 };
  }
}

/**
 * The parse of a compact data set (attributes + the kept frame): its facts are the object's own;
 * its pixels are one frame, so the preview (dicomPreview) draws exactly the frame that was kept.
 */
export function parseCompact(compact: Buffer): ParsedDicom {
  const parsed = parseDicom(compact);
  return { ...parsed, pixel: { ...parsed.pixel, numberOfFrames: 1 } };
}

/**
 * The compact data set as a Part 10 buffer, in one copy: the kept frame's bytes are views of what
 * was received until here (wrapInPart10 of DatasetScanner.compact would copy them twice more).
 */
export function compactPart10(scan: ScanResult, transferSyntaxUid: string): Buffer {
  const parts = DatasetScanner.compactParts(scan, syntaxOfTransfer(transferSyntaxUid));
  return Buffer.concat([wrapInPart10(Buffer.alloc(0), transferSyntaxUid), ...parts]);
}

/** Where a network object is said to come from: the camera and the SOP instance, never patient data. */
export const networkSourcePath = (callingAe: string, sopInstanceUid: string): string => `dicom://${callingAe || 'unknown'}/${sopInstanceUid || 'unknown'}`;

export interface IntakeDeps {
  repo: DicomRepo;
  images: ImagesRepo;
  spool: Spool;
  pipeline: IngestPipeline;
  log: Logger;
  writeFailed(err: unknown, kind: WriteFailureKind): void;
  /** True while a C-STORE data set is arriving on any association: images wait (the ingest gate). */
  receiving?(): boolean;
  gatePolicy?: GatePolicy;
}

/** The C-STORE request's UIDs, already without their padding (scp.ts storeCommand). */
export interface StoreCommand {
  sopClassUid: string;
  sopInstanceUid: string;
}

export interface AssociationInfo {
  associationId: string;
  callingAe: string;
  calledAe: string;
  transferSyntaxUid: string;
  maxBytes: number;
}

/** What taking an instance in reads of its dicom_instances row (written by keep, or read at recover). */
type IntakeRow = Pick<
  InstanceRow,
  'sop_instance_uid' | 'sop_class_uid' | 'sha256' | 'size_bytes' | 'calling_ae' | 'called_ae' | 'transfer_syntax_uid' | 'association_id' | 'received_at'
>;

export interface IntakeResult {
  end: StoreEnd;
  verdict: StoreVerdict;
  sopInstanceUid: string;
}

export class DicomIntake {
  private readonly d: IntakeDeps;
  /** SOP instances being decided now (the same one on two associations at once is one image). */
  private readonly deciding = new Map<string, Promise<unknown>>();
  private readonly ingests = new Set<Promise<void>>();
  /** Spool folders known to exist (the spool never removes one), so a receive does not mkdir each time. */
  private readonly made = new Set<string>();
  private readonly gate: IngestGate;

  constructor(deps: IntakeDeps) {
    this.d = deps;
    this.gate = new IngestGate({ receiving: () => deps.receiving?.() ?? false, ...(deps.gatePolicy && { policy: deps.gatePolicy }) });
  }

  /** Images of acknowledged objects waiting for the cameras to pause. */
  get waitingImages(): number {
    return this.gate.waiting;
  }

  /** Decides what the camera is told about one received object, and queues its image. */
  async complete(outcome: ReceiveOutcome, cmd: StoreCommand, a: AssociationInfo): Promise<IntakeResult> {
    // The object's bytes have all arrived: the quiet gap starts now (its own image waits for it too).
    this.gate.objectEnded();
    const result = await this.decide(outcome, cmd, a);
    if (result.verdict.refusal) {
      const sourcePath = networkSourcePath(a.callingAe, result.sopInstanceUid);
      try {
        this.d.pipeline.refuse(sourcePath, null, result.verdict.refusal, outcome.size);
      } catch (err) {
        this.d.log.error({ code: (err as Error).name, associationId: a.associationId }, 'dicom refusal row could not be written');
      }
    }
    return result;
  }

  private async decide(outcome: ReceiveOutcome, cmd: StoreCommand, a: AssociationInfo): Promise<IntakeResult> {
    const done = (end: StoreEnd, uid = cmd.sopInstanceUid): IntakeResult => ({ end, verdict: storeVerdict(end, a.callingAe), sopInstanceUid: uid });
    switch (outcome.kind) {
      case 'not-accepting':
        return done({ kind: 'disk' });
      case 'write-failed': {
        const kind = writeFailureKind(outcome.error);
        if (kind) this.d.writeFailed(outcome.error, kind);
        return done(kind === 'full' ? { kind: 'disk' } : { kind: 'failed' });
      }
      case 'too-large':
        return done({ kind: 'too-large', limitBytes: a.maxBytes });
      case 'malformed':
        return done({ kind: 'malformed', truncated: outcome.truncated });
      case 'aborted':
        return done({ kind: 'failed' });
      case 'stored':
        break;
    }
    let compact: Buffer;
    let parsed: ParsedDicom;
    try {
      compact = compactPart10(outcome.scan, a.transferSyntaxUid);
      parsed = parseCompact(compact);
    } catch (err) {
      await rm(outcome.tmpPath, { force: true });
      if (!(err instanceof UnreadableFileError)) throw err;
      return done({ kind: 'malformed', truncated: err.truncated });
    }
    const sopClass = parsed.facts.sopClassUid;
    if (sopClass && cmd.sopClassUid && sopClass !== cmd.sopClassUid) {
      await rm(outcome.tmpPath, { force: true });
      return done({ kind: 'sop-class-mismatch' });
    }
    const uid = parsed.facts.sopUid ?? cmd.sopInstanceUid;
    for (let first = this.deciding.get(uid); first; first = this.deciding.get(uid)) await first;
    const work = this.keep(outcome, uid, sopClass ?? cmd.sopClassUid, a, parsed);
    this.deciding.set(uid, work.catch(() => undefined));
    try {
      const { end, row } = await work;
      if (row && parsed.layout.pixelData) this.ingest(row, compact, parsed);
      return done(end, uid);
    } finally {
      this.deciding.delete(uid);
    }
  }

  /**
   * The same instance again: nothing new. Else into the spool under its hash and recorded; the
   * row as written comes back with 'stored', so its image needs no read of it.
   */
  private async keep(outcome: Extract<ReceiveOutcome, { kind: 'stored' }>, uid: string, sopClassUid: string, a: AssociationInfo, parsed: ParsedDicom): Promise<{ end: StoreEnd; row?: IntakeRow }> {
    const { repo, spool, images, log } = this.d;
    if (repo.instance(uid)) {
      await rm(outcome.tmpPath, { force: true });
      repo.recordResend(uid, nowIso());
      log.info({ associationId: a.associationId, callingAe: a.callingAe, sha: outcome.sha256.slice(0, 12) }, 'dicom instance sent again: kept the first');
      return { end: { kind: 'resend' } };
    }
    const final = spool.pathFor(outcome.sha256);
    let renamed = false;
    try {
      const folder = path.dirname(final);
      if (!this.made.has(folder)) {
        await mkdir(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
        this.made.add(folder);
      }
      if (spool.has(outcome.sha256)) await rm(outcome.tmpPath, { force: true });
      else {
        await rename(outcome.tmpPath, final);
        renamed = true;
      }
      const receivedAt = nowIso();
      repo.insertInstance({
        sopInstanceUid: uid,
        sopClassUid,
        sha256: outcome.sha256,
        sizeBytes: outcome.size,
        state: parsed.layout.pixelData ? 'received' : 'document',
        callingAe: a.callingAe,
        calledAe: a.calledAe,
        transferSyntaxUid: a.transferSyntaxUid,
        associationId: a.associationId,
        receivedAt,
      });
      const row: IntakeRow = {
        sop_instance_uid: uid,
        sop_class_uid: sopClassUid,
        sha256: outcome.sha256,
        size_bytes: outcome.size,
        calling_ae: a.callingAe,
        called_ae: a.calledAe,
        transfer_syntax_uid: a.transferSyntaxUid,
        association_id: a.associationId,
        received_at: receivedAt,
      };
      return { end: { kind: 'stored' }, row };
    } catch (err) {
      await rm(outcome.tmpPath, { force: true });
      if (renamed && !images.bySha(outcome.sha256)) await rm(final, { force: true });
      const kind = writeFailureKind(err);
      if (kind) this.d.writeFailed(err, kind);
      log.error({ associationId: a.associationId, code: (err as { code?: string }).code ?? (err as Error).name }, 'dicom object could not be kept');
      return { end: kind === 'full' ? { kind: 'disk' } : { kind: 'failed' } };
    }
  }

  /** The image follows the acknowledgement; a failure leaves the instance 'received' for the next start. */
  private ingest(row: IntakeRow, compact: Buffer, parsed: ParsedDicom): void {
    // Held through a burst, the compact data set may be let go and read again from the spool.
    let kept: { compact: Buffer; parsed: ParsedDicom } | null = { compact, parsed };
    const run = async (): Promise<void> => {
      const c = kept ?? (await this.reload(row).catch((err: unknown) => this.unreadable(row, err)));
      kept = null;
      if (c) await this.takeIn(row, c.compact, c.parsed);
    };
    const task = this.gate.pass(run, compact.length, () => (kept = null)).finally(() => this.ingests.delete(task));
    this.ingests.add(task);
  }

  /** The compact data set of an object in the spool, read and scanned again. */
  private async reload(row: IntakeRow): Promise<{ compact: Buffer; parsed: ParsedDicom }> {
    const scan = await scanSpoolFile(this.d.spool.pathFor(row.sha256), syntaxOfTransfer(row.transfer_syntax_uid));
    const compact = compactPart10(scan, row.transfer_syntax_uid);
    return { compact, parsed: parseCompact(compact) };
  }

  private unreadable(row: IntakeRow, err: unknown): null {
    this.d.log.error({ associationId: row.association_id, code: (err as { code?: string }).code ?? (err as Error).name }, 'dicom object in the spool could not be read again');
    return null;
  }

  private async takeIn(row: IntakeRow, compact: Buffer, parsed: ParsedDicom): Promise<void> {
    const origin: DicomOrigin = {
      callingAe: row.calling_ae,
      calledAe: row.called_ae,
      sopClassUid: row.sop_class_uid,
      sopInstanceUid: row.sop_instance_uid,
      transferSyntaxUid: row.transfer_syntax_uid,
      associationId: row.association_id,
    };
    try {
      const r = await this.d.pipeline.takeReceived({
        sha256: row.sha256,
        sizeBytes: row.size_bytes,
        sourcePath: networkSourcePath(row.calling_ae, row.sop_instance_uid),
        fileName: `${row.sop_instance_uid}.dcm`,
        compact,
        parsed,
        completeAt: Date.parse(row.received_at) || Date.now(),
        dicom: origin,
      });
      // The same bytes were already an image (the camera also wrote the file to a watched folder).
      if (r.kind === 'known') this.d.repo.linkImage(row.sop_instance_uid, r.imageId);
    } catch (err) {
      const kind = writeFailureKind(err);
      if (kind) this.d.writeFailed(err, kind);
      this.d.log.error({ associationId: row.association_id, code: (err as { code?: string }).code ?? (err as Error).name }, 'dicom object kept but not yet an image; retried at the next start');
    }
  }

  /** Objects acknowledged but not yet images (the station stopped in between): taken in again. */
  async recover(): Promise<number> {
    let n = 0;
    for (const row of this.d.repo.pending()) {
      try {
        const { compact, parsed } = await this.reload(row);
        const task = this.gate.pass(() => this.takeIn(row, compact, parsed), compact.length).finally(() => this.ingests.delete(task));
        this.ingests.add(task);
        n++;
      } catch (err) {
        this.unreadable(row, err);
      }
    }
    return n;
  }

  /** Every queued image has been taken in (or has failed). */
  async idle(): Promise<void> {
    while (this.ingests.size) await Promise.allSettled([...this.ingests]);
  }
}

/** Scans a spool file written by the listener (Part 10 header + data set) without reading it whole. */
export async function scanSpoolFile(file: string, syntax: DicomSyntax): Promise<ScanResult> {
  const fh = await open(file, 'r');
  let datasetStart: number;
  try {
    const head = Buffer.alloc(144);
    await fh.read(head, 0, 144, 0);
    // 128 preamble + "DICM" + (0002,0000) UL: 8-byte header, 4-byte value = the rest of the group.
    datasetStart = 144 + head.readUInt32LE(140);
  } finally {
    await fh.close();
  }
  const scanner = new DatasetScanner({ syntax, pixelPlan: (head) => pixelPlan(head, syntax) });
  for await (const chunk of createReadStream(file, { start: datasetStart, highWaterMark: 1024 * 1024 })) scanner.push(chunk as Buffer);
  return scanner.finish();
}
