// The worklist benchmark's camera, on a thread of its own so that its work never waits for the
// station's event loop (nor the station's for it): one C-FIND per message, on its own association,
// with rawFind (test/fixtures/dicom-raw-find.ts), timed from connect to the A-RELEASE-RP.
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { rawFind, type RawFindResult } from '../test/fixtures/dicom-raw-find.ts';

export interface ScuJob {
  port: number;
  callingAe: string;
  calledAe: string;
  sopClass: string;
  /** The query identifier, encoded in each transfer syntax the station may accept. */
  identifiers: Record<string, Uint8Array>;
}

export type ScuResult = { ms: number } & RawFindResult;
export type ScuAnswer = ScuResult | { error: string };

parentPort?.on('message', (job: ScuJob) => {
  const t0 = performance.now();
  rawFind({ ...job, identifier: (ts) => Buffer.from(job.identifiers[ts] ?? new Uint8Array()) }).then(
    (r) => parentPort!.postMessage({ ms: performance.now() - t0, ...r } satisfies ScuAnswer),
    (err: unknown) => parentPort!.postMessage({ error: (err as Error).message } satisfies ScuAnswer),
  );
});
