// Watches over files that are being written and hands each one on exactly when it is complete.
// A file that never completes is reported once (not taken in half) and picked up again if it
// changes later.
import { readFile, stat } from 'node:fs/promises';
import type { ParsedDicom } from '../metadata/dicom.ts';
import { judgeCompleteness } from './completeness.ts';

export interface SettledFile {
  path: string;
  bytes: Buffer;
  size: number;
  mtimeMs: number;
  completeAt: number; // epoch ms when completeness was established
  /**
   * A DICOM's parse from the completion check, made from exactly `bytes` (the buffer read and
   * judged is the one handed on), so the metadata stage reads it instead of parsing again.
   */
  dicom?: ParsedDicom;
}

export interface SettleLimits {
  /** Re-stat after this long to be sure the size did not move (the "short stability check"). */
  stabilityMs: number;
  /** For formats without an end marker: the size must hold still this long. */
  quietMs: number;
  /** A file that stays incomplete and unchanged this long is reported. */
  incompleteTimeoutMs: number;
  /** Files above this size are refused rather than read into memory. */
  maxBytes: number;
}

export interface SettlerOptions {
  /** Read at every check, so a changed setting applies at once. */
  limits(): SettleLimits;
  onComplete(file: SettledFile): void;
  onIncomplete(path: string, size: number, reason: string): void;
  onUnreadable(path: string, reason: string): void;
}

interface Pending {
  timer: NodeJS.Timeout | null;
  lastSize: number;
  lastChangeAt: number;
  attempt: number;
  reported: boolean;
  checking: boolean;
  again: boolean;
}

const RE_READ_WHILE_GROWING_MAX = 8 * 1024 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FileSettler {
  private readonly pending = new Map<string, Pending>();
  private readonly opts: SettlerOptions;
  private closed = false;

  constructor(opts: SettlerOptions) {
    this.opts = opts;
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Called on every fs event for the path (add/change), and by polling sources. */
  touch(path: string): void {
    if (this.closed) return;
    let p = this.pending.get(path);
    if (!p) {
      p = { timer: null, lastSize: -1, lastChangeAt: Date.now(), attempt: 0, reported: false, checking: false, again: false };
      this.pending.set(path, p);
    }
    p.attempt = 0;
    p.reported = false;
    if (p.checking) {
      p.again = true;
      return;
    }
    this.schedule(path, p, 0);
  }

  forget(path: string): void {
    const p = this.pending.get(path);
    if (p?.timer) clearTimeout(p.timer);
    this.pending.delete(path);
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
  }

  private schedule(path: string, p: Pending, delay: number): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = setTimeout(() => void this.check(path, p), delay);
  }

  private async check(path: string, p: Pending): Promise<void> {
    p.timer = null;
    p.checking = true;
    p.again = false;
    try {
      const verdict = await this.inspect(path, p);
      if (this.closed || this.pending.get(path) !== p) return;
      if (verdict.kind === 'done') {
        this.pending.delete(path);
        this.opts.onComplete(verdict.file);
        return;
      }
      if (verdict.kind === 'gone') {
        this.pending.delete(path);
        return;
      }
      if (verdict.kind === 'unreadable') {
        this.pending.delete(path);
        this.opts.onUnreadable(path, verdict.reason);
        return;
      }
      // Still being written: look again soon, backing off; report once if it stalls.
      const idle = Date.now() - p.lastChangeAt;
      if (idle >= this.opts.limits().incompleteTimeoutMs && !p.reported) {
        p.reported = true;
        this.opts.onIncomplete(path, p.lastSize, verdict.reason);
      }
      if (p.reported) {
        // Keep a slow watch: a camera that resumes writing will trigger touch() anyway.
        this.schedule(path, p, 5_000);
        return;
      }
      p.attempt += 1;
      this.schedule(path, p, p.again ? 0 : Math.min(25 * 2 ** p.attempt, 1_000));
    } finally {
      p.checking = false;
    }
  }

  private async inspect(
    path: string,
    p: Pending,
  ): Promise<{ kind: 'done'; file: SettledFile } | { kind: 'wait'; reason: string } | { kind: 'gone' } | { kind: 'unreadable'; reason: string }> {
    let before;
    try {
      before = await stat(path);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'gone' } : { kind: 'unreadable', reason: describeFsError(err) };
    }
    const growing = p.lastSize >= 0 && before.size !== p.lastSize;
    if (before.size !== p.lastSize) {
      p.lastSize = before.size;
      p.lastChangeAt = Date.now();
    }
    // A large file still growing since the last look is not read again (a big multi-frame DICOM
    // copied slowly over the network would be read whole at every check). Photos are small and
    // are read at once, so their hint is not delayed by a check interval.
    if (growing && before.size > RE_READ_WHILE_GROWING_MAX) return { kind: 'wait', reason: 'The file is still being written.' };
    const limits = this.opts.limits();
    if (before.size === 0) return { kind: 'wait', reason: 'The file is empty (0 bytes).' };
    if (before.size > limits.maxBytes) {
      return {
        kind: 'unreadable',
        reason: `The file is too large (${Math.round(before.size / 1e6)} MB; the limit is ${Math.round(limits.maxBytes / 1e6)} MB). It is not a camera photo the station can take.`,
      };
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'gone' } : { kind: 'unreadable', reason: describeFsError(err) };
    }
    const judged = judgeCompleteness(bytes);
    if (judged.state === 'incomplete') return { kind: 'wait', reason: incompleteReason(bytes) };
    const quiet = judged.state === 'needs-stability' ? Math.max(0, limits.quietMs - (Date.now() - p.lastChangeAt)) : 0;
    await sleep(Math.max(limits.stabilityMs, quiet));
    let after;
    try {
      after = await stat(path);
    } catch {
      return { kind: 'gone' };
    }
    if (after.size !== bytes.length || after.mtimeMs !== before.mtimeMs) {
      p.lastSize = after.size;
      p.lastChangeAt = Date.now();
      return { kind: 'wait', reason: 'The file is still being written.' };
    }
    // A file rewritten since it was read (a new size or time) waited above; the parse handed on is
    // always of `bytes`, whatever the file on disk holds by now.
    const file: SettledFile = { path, bytes, size: after.size, mtimeMs: after.mtimeMs, completeAt: Date.now() };
    if (judged.dicom) file.dicom = judged.dicom;
    return { kind: 'done', file };
  }
}

function incompleteReason(bytes: Buffer): string {
  const dicom = bytes.length > 132 && bytes.toString('latin1', 128, 132) === 'DICM';
  return dicom
    ? 'The DICOM file cannot be read to its end: it was cut short or is damaged.'
    : 'The file stops before its end: the camera did not finish writing it, or the copy was cut short.';
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'The station is not allowed to read this file. Ask IT to give it read access.';
  if (code === 'EISDIR') return 'This is a folder, not a file.';
  return `The file could not be read (${code ?? 'unknown error'}).`;
}
