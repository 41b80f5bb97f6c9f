// The content-addressed spool: once a file's bytes are here, the camera folder or USB volume can
// disappear without loss. Written to a temp name, fsynced, then renamed, so a crash never leaves
// a half file under a final name.
import { createHash } from 'node:crypto';
import { mkdirSync, existsSync } from 'node:fs';
import { open, rename, rm, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { newId } from './ids.ts';

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
export const md5Hex = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

export class Spool {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = root;
    this.tmpDir = path.join(root, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
  }

  pathFor(hash: string, kind: 'original' | 'thumb' = 'original'): string {
    const sub = kind === 'thumb' ? 'thumbs' : 'files';
    return path.join(this.root, sub, hash.slice(0, 2), kind === 'thumb' ? `${hash}.jpg` : hash);
  }

  has(hash: string, kind: 'original' | 'thumb' = 'original'): boolean {
    return existsSync(this.pathFor(hash, kind));
  }

  /**
   * Stores bytes under their hash. Idempotent: a second put of the same bytes is a no-op.
   * Originals are fsynced before the rename; thumbnails are not (they can always be made again).
   */
  async put(hash: string, bytes: Buffer, kind: 'original' | 'thumb' = 'original'): Promise<string> {
    const final = this.pathFor(hash, kind);
    if (existsSync(final)) return final;
    await mkdir(path.dirname(final), { recursive: true });
    const tmp = path.join(this.tmpDir, newId());
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      if (kind === 'original') await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return final;
  }

  /** Temp files left by a crash are never trusted: remove them at start. */
  async clearTemp(): Promise<number> {
    const names = await readdir(this.tmpDir);
    await Promise.all(names.map((n) => rm(path.join(this.tmpDir, n), { force: true })));
    return names.length;
  }
}
