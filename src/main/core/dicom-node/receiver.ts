// One C-STORE's data set, streamed from the network to a temp file in the spool: the Part 10
// header first, then every byte exactly as it came, hashed (SHA-256) on the way and followed by
// the structure scanner, then fsynced. dcmjs-dimse writes each PDV into this stream (its
// createStoreWritableStream hook), so the object is never whole in memory. dcmjs-dimse waits for
// 'drain' only once per object, so the stream pauses the socket itself when the disk falls behind.
//
// It never throws at the library: a structure that cannot be DICOM, a write that fails (a full
// disk) or an object over the size limit stop the writing, remove the temp file and are reported
// by `outcome()` once the data set has ended (or the association has gone).
import { createHash, type Hash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { PRIVATE_FILE_MODE } from '../kernel/data-dir.ts';
import { newId } from '../kernel/ids.ts';
import { DicomStructureError } from '../metadata/dicom-structure.ts';
import type { DicomSyntax } from '../dicom/vocabulary.ts';
import { DatasetScanner, type PixelPlan, type ScanResult } from './dataset-scanner.ts';

export type ReceiveOutcome =
  /** Durable in the temp file (fsynced); the structure is whole. */
  | { kind: 'stored'; tmpPath: string; sha256: string; size: number; scan: ScanResult }
  | { kind: 'malformed'; truncated: boolean; size: number }
  | { kind: 'write-failed'; error: unknown; size: number }
  | { kind: 'too-large'; size: number }
  /** The station could not take files when the object began (a full disk): nothing was written. */
  | { kind: 'not-accepting'; size: number }
  /** The association went away before the data set ended. */
  | { kind: 'aborted'; size: number };

export interface ReceiverOptions {
  tmpDir: string;
  /** Preamble + File Meta, written before the data set. */
  header: Buffer;
  syntax: DicomSyntax;
  maxBytes: number;
  /** false: the data folder cannot take files now; the bytes are read and dropped. */
  accepting: boolean;
  pixelPlan(head: Buffer): PixelPlan;
  /** The object passed the size limit: the adapter aborts the association. */
  onTooLarge(): void;
  /** Flow control on the socket while the disk catches up. */
  pause(): void;
  resume(): void;
}

/** Buffered bytes above which the socket is paused until the file catches up. */
const HIGH_WATER = 1024 * 1024;

export class SpoolReceiver extends Writable {
  readonly tmpPath: string;
  private readonly o: ReceiverOptions;
  private readonly hash: Hash = createHash('sha256');
  private readonly scanner: DatasetScanner;
  private fh: FileHandle | null = null;
  private size = 0;
  private problem: ReceiveOutcome | null;
  private paused = false;
  private settled: ReceiveOutcome | null = null;
  /** The temp file's removal, once a problem stopped the writing: awaited before the outcome is told. */
  private cleaning: Promise<void> = Promise.resolve();
  private readonly waiters: ((o: ReceiveOutcome) => void)[] = [];

  constructor(o: ReceiverOptions) {
    super({ highWaterMark: HIGH_WATER });
    this.o = o;
    this.tmpPath = path.join(o.tmpDir, `dicom-${newId()}`);
    this.scanner = new DatasetScanner({ syntax: o.syntax, pixelPlan: o.pixelPlan });
    this.problem = o.accepting ? null : { kind: 'not-accepting', size: 0 };
    this.hash.update(o.header);
  }

  /** Resolves once the data set has ended (or the association went away). Never rejects. */
  outcome(): Promise<ReceiveOutcome> {
    if (this.settled) return Promise.resolve(this.settled);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private settle(o: ReceiveOutcome): void {
    if (this.settled) return;
    this.settled = o;
    if (this.paused) this.o.resume();
    for (const w of this.waiters.splice(0)) w(o);
  }

  override _construct(callback: (err?: Error | null) => void): void {
    if (this.problem) return callback();
    open(this.tmpPath, 'wx', PRIVATE_FILE_MODE)
      .then(async (fh) => {
        this.fh = fh;
        await fh.write(this.o.header);
        callback();
      })
      .catch((err: unknown) => {
        this.fail({ kind: 'write-failed', error: err, size: 0 }).then(() => callback(), () => callback());
      });
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    const ok = (super.write as (...a: unknown[]) => boolean)(chunk, ...rest);
    if (!ok && !this.paused && !this.problem) {
      this.paused = true;
      this.o.pause();
      this.once('drain', () => {
        this.paused = false;
        this.o.resume();
      });
    }
    return ok;
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (err?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    for (const b of buffers) this.size += b.length;
    if (this.problem) return callback();
    if (this.size > this.o.maxBytes) {
      void this.fail({ kind: 'too-large', size: this.size }).then(() => {
        this.settle({ kind: 'too-large', size: this.size });
        this.o.onTooLarge();
      });
      return callback();
    }
    try {
      for (const b of buffers) {
        this.hash.update(b);
        this.scanner.push(b);
      }
    } catch (err) {
      if (!(err instanceof DicomStructureError)) throw err;
      void this.fail({ kind: 'malformed', truncated: err.truncated, size: this.size });
      return callback();
    }
    this.fh!.writev(buffers).then(
      () => callback(),
      (err: unknown) => {
        void this.fail({ kind: 'write-failed', error: err, size: this.size });
        callback();
      },
    );
  }

  override _final(callback: (err?: Error | null) => void): void {
    void this.finishUp().then(() => callback());
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // The association went away mid-object (or the station is closing): nothing half-written stays.
    if (this.settled) return callback(err);
    void this.fail({ kind: 'aborted', size: this.size }).then(() => {
      this.settle({ kind: 'aborted', size: this.size });
      callback(err);
    });
  }

  private async finishUp(): Promise<void> {
    if (!this.problem) {
      try {
        const scan = this.scanner.finish();
        await this.fh!.sync();
        await this.fh!.close();
        this.fh = null;
        return this.settle({ kind: 'stored', tmpPath: this.tmpPath, sha256: this.hash.digest('hex'), size: this.o.header.length + this.size, scan });
      } catch (err) {
        await this.fail(err instanceof DicomStructureError ? { kind: 'malformed', truncated: err.truncated, size: this.size } : { kind: 'write-failed', error: err, size: this.size });
      }
    }
    // A problem seen on the way (or just now): the temp file is gone; say which.
    await this.cleaning;
    this.settle({ ...this.problem!, size: this.size } as ReceiveOutcome);
  }

  /** Stops writing and removes the temp file; the first problem is the one reported. */
  private fail(o: ReceiveOutcome): Promise<void> {
    this.problem ??= o;
    const fh = this.fh;
    this.fh = null;
    const before = this.cleaning;
    this.cleaning = (async () => {
      await before;
      await fh?.close().catch(() => undefined);
      await rm(this.tmpPath, { force: true }).catch(() => undefined);
    })();
    return this.cleaning;
  }
}
