// A small pool of worker threads for the quality metrics, so a burst of photos never stalls the
// UI's requests. The worker file is the .ts source under plain Node 24 (type stripping) and the
// bundled .js next to the main bundle in the Electron build.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { QualityResult } from '../../../shared/domain.ts';
import type { RawImage } from './decode.ts';
import type { QualityThresholds } from './quality/thresholds.ts';

export interface QualityAssessorHandle {
  assess(raw: RawImage): Promise<QualityResult | null>;
  close(): Promise<void>;
}

export function resolveWorkerFile(): string {
  const candidates = ['./quality-worker.ts', './quality-worker.js', '../quality-worker.js'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((f) => existsSync(f)) ?? candidates[0]!;
}

export function createQualityAssessor(opts: { workers?: number; thresholds?: () => QualityThresholds | undefined; workerFile?: string } = {}): QualityAssessorHandle {
  const file = opts.workerFile ?? resolveWorkerFile();
  const size = Math.max(1, opts.workers ?? 1);
  const workers: Worker[] = [];
  const waiting = new Map<number, { resolve: (r: QualityResult | null) => void }>();
  let nextId = 1;
  let turn = 0;
  let closed = false;

  const spawn = (): Worker => {
    const w = new Worker(file);
    w.unref();
    w.on('message', (msg: { id: number; result?: QualityResult; error?: string }) => {
      const job = waiting.get(msg.id);
      waiting.delete(msg.id);
      // A failed measurement must not fail the ingest: the image is kept without a hint.
      job?.resolve(msg.result ?? null);
    });
    w.on('error', () => {
      // Everything in flight on a crashed worker resolves without a hint; a fresh worker replaces it.
      for (const [id, job] of waiting) {
        waiting.delete(id);
        job.resolve(null);
      }
      const i = workers.indexOf(w);
      if (i >= 0 && !closed) workers[i] = spawn();
    });
    return w;
  };
  for (let i = 0; i < size; i++) workers.push(spawn());

  return {
    assess: (raw) =>
      new Promise((resolve) => {
        if (closed) return resolve(null);
        const id = nextId++;
        waiting.set(id, { resolve });
        const w = workers[turn++ % workers.length]!;
        w.postMessage({ id, image: { data: raw.data, width: raw.width, height: raw.height, channels: raw.channels }, thresholds: opts.thresholds?.() });
      }),
    close: async () => {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
      for (const job of waiting.values()) job.resolve(null);
      waiting.clear();
    },
  };
}
