// The content-addressed spool: once a file's bytes are here, the camera folder or USB volume can
// disappear without loss. Written to a temp name, fsynced, then renamed, so a crash never leaves
// a half file under a final name; a write that fails (a full disk) removes its temp file at once.
// Folders are 0700 and files 0600, like the rest of the data folder (data-dir.ts).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, rm, mkdir, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../kernel/data-dir.ts';
import { newId } from '../kernel/ids.ts';

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Writes the bytes into an open temp file. A test seam: tests replace it to fail like a full disk. */
export type SpoolWrite = (fh: FileHandle, bytes: Buffer) => Promise<void>;
const writeAll: SpoolWrite = (fh, bytes) => fh.writeFile(bytes);

export class Spool {
  readonly root: string;
  readonly tmpDir: string;
  private readonly write: SpoolWrite;
  /** Folders known to exist (made once; the spool never removes one), so a put does not mkdir each time. */
  private readonly made = new Set<string>();

  constructor(root: string, opts: { write?: SpoolWrite } = {}) {
    this.root = root;
    this.tmpDir = path.join(root, 'tmp');
    this.write = opts.write ?? writeAll;
    ensurePrivateDir(this.tmpDir);
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
   * On any failure nothing is left behind: the temp file is removed and the error thrown.
   */
  async put(hash: string, bytes: Buffer, kind: 'original' | 'thumb' = 'original'): Promise<string> {
    const final = this.pathFor(hash, kind);
    if (existsSync(final)) return final;
    const dir = path.dirname(final);
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      this.made.add(dir);
    }
    const tmp = path.join(this.tmpDir, newId());
    const fh = await open(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      try {
        await this.write(fh, bytes);
        if (kind === 'original') await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return final;
  }

  /** Removes both copies of a hash (an ingest that failed before its row was committed). */
  async remove(hash: string): Promise<void> {
    await Promise.all([rm(this.pathFor(hash), { force: true }), rm(this.pathFor(hash, 'thumb'), { force: true })]);
  }

  /** Temp files left by a crash are never trusted: remove them at start. */
  async clearTemp(): Promise<number> {
    const names = await readdir(this.tmpDir);
    await Promise.all(names.map((n) => rm(path.join(this.tmpDir, n), { force: true })));
    return names.length;
  }
}
