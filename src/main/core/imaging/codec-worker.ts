// The codec worker: decodes one compressed DICOM frame per message (frame-codecs.ts) and hands the
// 8-bit pixels back (transferred, not copied). Its counterpart on the main thread is codec-pool.ts.
import { parentPort } from 'node:worker_threads';
import type { FrameReply, FrameRequest } from './codec-pool.ts';
import { decodeFrameHere, FrameDecodeError } from './frame-codecs.ts';

parentPort?.on('message', (msg: FrameRequest) => {
  void (async () => {
    let reply: FrameReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const f = await decodeFrameHere({ syntax: msg.syntax, bytes: Buffer.from(msg.bytes), pixel: msg.pixel }, msg.maxSide);
      // The pixels in a buffer of their own, so they can be handed over whole.
      const data = f.data.byteOffset === 0 && f.data.byteLength === f.data.buffer.byteLength ? (f.data.buffer as ArrayBuffer) : new Uint8Array(f.data).buffer;
      reply = { id: msg.id, ok: true, data, width: f.width, height: f.height, channels: f.channels, invert: f.invert };
      transfer = [data];
    } catch (err) {
      reply = { id: msg.id, ok: false, code: err instanceof FrameDecodeError ? err.code : 'codec-error' };
    }
    parentPort!.postMessage(reply, transfer);
  })();
});
