// MD5 (for Content-MD5) and SHA-256 (to check the spool copy) of each file before it is uploaded,
// on a worker thread, so hashing a backlog of multi-MB photos never takes the main thread's time
// from the uploads in flight and the UI's requests. The worker is a few lines of plain JavaScript
// evaluated in place (no separate file to bundle for the desktop build). If a worker cannot run,
// the digests are computed on the main thread instead (digestFile).
import { Worker } from 'node:worker_threads';
import { digestFile, type FileDigests } from './file-digest.ts';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
parentPort.on('message', ({ id, path }) => {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  let size = 0;
  createReadStream(path, { highWaterMark: 1 << 20 })
    .on('data', (b) => { md5.update(b); sha.update(b); size += b.length; })
    .on('error', (e) => parentPort.postMessage({ id, error: { code: e.code, name: e.name } }))
    .on('end', () => {
      const m = md5.digest();
      parentPort.postMessage({ id, md5: m.buffer.slice(m.byteOffset, m.byteOffset + m.length), sha256: sha.digest('hex'), size });
    });
});
`;

export interface Digester {
  digest(path: string): Promise<FileDigests>;
  close(): Promise<void>;
}

interface Pending {
  resolve(d: FileDigests): void;
  reject(e: unknown): void;
  path: string;
}

/** A file error as the uploader's classifier knows it (ENOENT etc.), without a message that names the path. */
class DigestFileError extends Error {
  readonly code: string | undefined;
  constructor(code: string | undefined, name: string | undefined) {
    super(`file could not be read (${code ?? name ?? 'error'})`);
    this.name = name ?? 'Error';
    this.code = code;
  }
}

export function createDigester(): Digester {
  let worker: Worker | null = null;
  let broken = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const start = (): Worker | null => {
    if (worker || broken) return worker;
    try {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      w.on('message', (msg: { id: number; md5?: ArrayBuffer; sha256?: string; size?: number; error?: { code?: string; name?: string } }) => {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.error) p.reject(new DigestFileError(msg.error.code, msg.error.name));
        else p.resolve({ md5: Buffer.from(msg.md5!), sha256: msg.sha256!, size: msg.size! });
      });
      w.on('error', () => {
        // The worker died: what it had is done here instead, and so is everything after.
        broken = true;
        worker = null;
        for (const [id, p] of pending) {
          pending.delete(id);
          digestFile(p.path).then(p.resolve, p.reject);
        }
      });
      worker = w;
    } catch {
      broken = true;
    }
    return worker;
  };

  return {
    digest(path) {
      const w = start();
      if (!w) return digestFile(path);
      return new Promise<FileDigests>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject, path });
        w.postMessage({ id, path });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      broken = true;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new DigestFileError('ABORTED', 'AbortError'));
      }
      if (w) await w.terminate();
    },
  };
}
