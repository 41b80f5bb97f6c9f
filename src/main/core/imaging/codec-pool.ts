// The codec worker, seen from the main thread: compressed DICOM frames (JPEG 2000, JPEG-LS, RLE,
// lossless JPEG) are decoded in one worker thread, never on the event loop. The worker starts on
// the first compressed frame (most sites never send one), decodes one frame at a time (2 cores:
// the other is for the quality worker and the UI), and is ended after a quiet minute so the
// WebAssembly heaps it grew go back to the system. A crash or a frame that takes unreasonably long
// fails only the frames in flight; the next frame gets a fresh worker.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DecodedFrame, EncodedFrame, PixelDescription } from './frame.ts';

/** Messages to the worker: one frame (its bytes transferred, not copied twice). */
export interface FrameRequest {
  id: number;
  syntax: string;
  bytes: ArrayBuffer;
  pixel: PixelDescription;
  maxSide: number;
}

export type FrameReply =
  | { id: number; ok: true; data: ArrayBuffer; width: number; height: number; channels: 1 | 3; invert?: boolean }
  | { id: number; ok: false; code: string };

export class FrameDecodeFailed extends Error {
  readonly code: string;
  constructor(code: string) {
    super(`frame decode failed: ${code}`);
    this.name = 'FrameDecodeFailed';
    this.code = code;
  }
}

const IDLE_MS = 60_000;
/** Far beyond any real frame (a 4000x3000 JPEG 2000 decodes in about 2 s on one core). */
const DEFAULT_TIMEOUT_MS = 60_000;

export function resolveCodecWorkerFile(): string {
  const candidates = ['./codec-worker.ts', './codec-worker.js', '../codec-worker.js'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((f) => existsSync(f)) ?? candidates[0]!;
}

interface Pending {
  resolve: (f: DecodedFrame) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class FrameDecoder {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;
  private readonly file: string;
  private readonly timeoutMs: number;

  constructor(opts: { workerFile?: string; timeoutMs?: number } = {}) {
    this.file = opts.workerFile ?? resolveCodecWorkerFile();
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** One frame -> 8-bit pixels; rejects with FrameDecodeFailed when the frame cannot be drawn. */
  decode(frame: EncodedFrame, maxSide: number): Promise<DecodedFrame> {
    return new Promise((resolve, reject) => {
      const worker = this.ensureWorker();
      const id = this.nextId++;
      const timer = setTimeout(() => this.fail(new FrameDecodeFailed('timeout'), true), this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      // A copy of just this frame, handed over (a subarray would clone the whole file's buffer).
      const bytes = new Uint8Array(frame.bytes).buffer;
      const msg: FrameRequest = { id, syntax: frame.syntax, bytes, pixel: frame.pixel, maxSide };
      worker.postMessage(msg, [bytes]);
    });
  }

  /** Ends the worker; frames in flight are rejected. */
  async close(): Promise<void> {
    const w = this.worker;
    this.fail(new FrameDecodeFailed('closed'), false);
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (this.worker) return this.worker;
    const w = new Worker(this.file);
    w.unref();
    w.on('message', (msg: FrameReply) => this.settle(msg));
    w.on('error', () => this.worker === w && this.fail(new FrameDecodeFailed('worker-crashed'), true));
    w.on('exit', () => this.worker === w && this.fail(new FrameDecodeFailed('worker-exited'), false));
    this.worker = w;
    return w;
  }

  private settle(msg: FrameReply): void {
    const job = this.pending.get(msg.id);
    if (!job) return;
    this.pending.delete(msg.id);
    clearTimeout(job.timer);
    if (msg.ok) job.resolve({ data: Buffer.from(msg.data), width: msg.width, height: msg.height, channels: msg.channels, invert: msg.invert });
    else job.reject(new FrameDecodeFailed(msg.code));
    if (this.pending.size === 0) {
      this.idle = setTimeout(() => void this.retire(), IDLE_MS);
      this.idle.unref();
    }
  }

  /** Rejects every frame in flight and forgets the worker (terminating it when asked). */
  private fail(err: Error, terminate: boolean): void {
    const w = this.worker;
    this.worker = null;
    for (const job of this.pending.values()) {
      clearTimeout(job.timer);
      job.reject(err);
    }
    this.pending.clear();
    if (terminate && w) void w.terminate();
  }

  private async retire(): Promise<void> {
    if (this.pending.size > 0 || !this.worker) return;
    const w = this.worker;
    this.worker = null;
    await w.terminate();
  }
}

let shared: FrameDecoder | null = null;

/**
 * THE decode entry point for one compressed DICOM frame: its encoded bytes plus the pixel
 * description (rows, columns, samples, photometric, bits, syntax), decoded in the codec worker to
 * 8-bit grey or RGB, reduced towards `maxSide` where the codec can (JPEG 2000). It needs nothing
 * else from the object, so a large multi-frame object can be previewed by reading just one frame
 * from its spool file. Most callers want `renderPreview({ kind: 'frame', frame }, assess)`
 * (render.ts), which calls this and makes the thumbnail and the quality hint.
 */
export function decodeFrame(frame: EncodedFrame, maxSide: number): Promise<DecodedFrame> {
  shared ??= new FrameDecoder();
  return shared.decode(frame, maxSide);
}
