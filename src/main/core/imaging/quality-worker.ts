// Runs the quality metrics off the main event loop. The pixels arrive in shared slots
// (quality-pool.ts); one message per photo names the slot, one message back carries the result.
import { parentPort } from 'node:worker_threads';
import { assessQuality } from './quality/index.ts';
import type { FromWorker, ToWorker } from './quality-pool.ts';

const slots: Buffer[] = [];

parentPort?.on('message', (msg: ToWorker) => {
  if (msg.kind === 'slot') {
    slots[msg.slot] = Buffer.from(msg.memory);
    return;
  }
  let reply: FromWorker;
  try {
    const memory = slots[msg.slot];
    if (!memory) throw new Error(`no slot ${msg.slot}`);
    const data = memory.subarray(0, msg.width * msg.height * 3);
    reply = { id: msg.id, result: assessQuality({ data, width: msg.width, height: msg.height, channels: 3 }, msg.thresholds) };
  } catch (err) {
    reply = { id: msg.id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
