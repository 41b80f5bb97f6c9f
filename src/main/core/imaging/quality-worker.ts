// Runs the quality metrics off the main event loop. One message in (a reduced RGB decode), one out.
import { parentPort } from 'node:worker_threads';
import { assessQuality } from './quality/index.ts';
import type { RawImage } from './decode.ts';
import type { QualityThresholds } from './quality/thresholds.ts';

interface Job {
  id: number;
  image: { data: Uint8Array; width: number; height: number; channels: 3 };
  thresholds?: QualityThresholds;
}

parentPort?.on('message', (job: Job) => {
  try {
    const image: RawImage = { ...job.image, data: Buffer.from(job.image.data.buffer, job.image.data.byteOffset, job.image.data.byteLength) };
    parentPort!.postMessage({ id: job.id, result: assessQuality(image, job.thresholds) });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message });
  }
});
