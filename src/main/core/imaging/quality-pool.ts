// A small pool of worker threads for the quality metrics, so a burst of photos never stalls the
// UI's requests. The worker file is the .ts source under plain Node 24 (type stripping) and the
// bundled .js next to the main bundle in the Electron build.
// The pixels travel through shared memory: each worker has a few slots (SharedArrayBuffers, sent
// to it once), and a photo is copied into a free slot and named by its index. Sending the pixels in
// the message would allocate a new half-megabyte buffer on the worker for every photo, and that
// external memory is what drives V8 to full garbage collections.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { QualityResult } from '../../../shared/domain.ts';
import { ANALYSIS_MAX_SIDE, type RawImage } from './decode.ts';
import type { QualityThresholds } from './quality/thresholds.ts';

export interface QualityAssessorHandle {
  assess(raw: RawImage): Promise<QualityResult | null>;
  close(): Promise<void>;
}

/** Messages to the worker: a new slot, or a photo in a slot. */
export type ToWorker =
  | { kind: 'slot'; slot: number; memory: SharedArrayBuffer }
  | { kind: 'assess'; id: number; slot: number; width: number; height: number; thresholds?: QualityThresholds };

export interface FromWorker {
  id: number;
  result?: QualityResult;
  error?: string;
}

// Room for the largest reduced decode: ANALYSIS_MAX_SIDE on both sides, RGB.
const SLOT_BYTES = ANALYSIS_MAX_SIDE * ANALYSIS_MAX_SIDE * 3;

interface Slot {
  view: Uint8Array;
  busy: boolean;
}

interface Lane {
  worker: Worker;
  slots: Slot[];
  /** The worker has answered at least once (it started). */
  answered: boolean;
}

/** A worker that dies this many times in a row before answering once is not started again. */
const MAX_FAILED_STARTS = 3;

export function resolveWorkerFile(): string {
  const candidates = ['./quality-worker.ts', './quality-worker.js', '../quality-worker.js'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((f) => existsSync(f)) ?? candidates[0]!;
}

export function createQualityAssessor(
  opts: { workers?: number; thresholds?: () => QualityThresholds | undefined; workerFile?: string; /** Test seam: told of each worker started. */ onSpawn?: () => void } = {},
): QualityAssessorHandle {
  const file = opts.workerFile ?? resolveWorkerFile();
  const size = Math.max(1, opts.workers ?? 1);
  const lanes: Lane[] = [];
  const waiting = new Map<number, { resolve: (r: QualityResult | null) => void; slot: Slot }>();
  let nextId = 1;
  let turn = 0;
  let closed = false;
  // Consecutive workers that died before answering (a missing or broken worker file): after
  // MAX_FAILED_STARTS the pool stops replacing them, and photos are kept without a hint, instead of
  // spawning a new worker forever.
  let failedStarts = 0;

  const send = (lane: Lane, msg: ToWorker): void => lane.worker.postMessage(msg);

  const spawn = (): Lane => {
    opts.onSpawn?.();
    const lane: Lane = { worker: new Worker(file), slots: [], answered: false };
    const w = lane.worker;
    w.unref();
    w.on('message', (msg: FromWorker) => {
      lane.answered = true;
      failedStarts = 0;
      const job = waiting.get(msg.id);
      if (!job) return;
      waiting.delete(msg.id);
      job.slot.busy = false;
      // A failed measurement must not fail the ingest: the image is kept without a hint.
      job.resolve(msg.result ?? null);
    });
    w.on('error', () => {
      // Everything in flight on a crashed worker resolves without a hint; a fresh worker (with
      // fresh slots) replaces it.
      for (const [id, job] of waiting) {
        if (!lane.slots.includes(job.slot)) continue;
        waiting.delete(id);
        job.resolve(null);
      }
      const i = lanes.indexOf(lane);
      if (!lane.answered) failedStarts++;
      if (i >= 0 && !closed && failedStarts < MAX_FAILED_STARTS) lanes[i] = spawn();
      else if (i >= 0) lanes.splice(i, 1);
    });
    return lane;
  };
  for (let i = 0; i < size; i++) lanes.push(spawn());

  /** A free slot that fits `bytes`, made (and sent to the worker) when there is none. */
  const slotFor = (lane: Lane, bytes: number): [Slot, number] => {
    const free = lane.slots.findIndex((s) => !s.busy && s.view.byteLength >= bytes);
    if (free >= 0) return [lane.slots[free]!, free];
    const memory = new SharedArrayBuffer(Math.max(SLOT_BYTES, bytes));
    const slot: Slot = { view: new Uint8Array(memory), busy: false };
    lane.slots.push(slot);
    send(lane, { kind: 'slot', slot: lane.slots.length - 1, memory });
    return [slot, lane.slots.length - 1];
  };

  return {
    assess: (raw) =>
      new Promise((resolve) => {
        if (closed || lanes.length === 0) return resolve(null);
        const id = nextId++;
        const lane = lanes[turn++ % lanes.length]!;
        const [slot, index] = slotFor(lane, raw.data.byteLength);
        slot.busy = true;
        slot.view.set(raw.data);
        waiting.set(id, { resolve, slot });
        send(lane, { kind: 'assess', id, slot: index, width: raw.width, height: raw.height, thresholds: opts.thresholds?.() });
      }),
    close: async () => {
      closed = true;
      await Promise.all(lanes.map((l) => l.worker.terminate()));
      for (const job of waiting.values()) job.resolve(null);
      waiting.clear();
    },
  };
}
