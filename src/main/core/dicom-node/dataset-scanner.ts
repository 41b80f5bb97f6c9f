// Follows a data set's element structure as its bytes stream in over the network, so a received
// object never has to be held whole in memory: it keeps the attributes before the Pixel Data (the
// "head"), the representative frame of the pixels (the middle one, imaging/frame.ts
// representativeFrameIndex, as the preview shows a multi-frame object), and whatever follows the
// pixels, and lets the rest go by (it is already on its way to the spool file). At the end,
// `compact()` gives a small data set with the same attributes and just that frame, which the
// ingest pipeline parses and draws like a one-frame DICOM file. A structure that cannot be DICOM is reported as soon as it is seen; one
// that stops in the middle of an element is reported by `finish()`.
//
// The pixels it keeps are views of the chunks it was given, never copies (a received photo's
// frame is most of its bytes, and each copy is garbage the collector must mark the whole heap
// for): `compactParts()` hands them on and the caller copies them once, into the compact data set.
// The chunks must therefore not be reused by whoever pushes them (network and file reads are not).
//
// Only little endian syntaxes reach here (negotiation accepts no big endian or deflated syntax).
import { DicomStructureError } from '../metadata/dicom-structure.ts';
import { endsWithEoi } from '../metadata/dicom-preview.ts';
import { IMPLICIT_LE_SYNTAX, LONG_VRS, UNDEFINED_LENGTH, isVrLetters, type DicomSyntax } from '../dicom/vocabulary.ts';

const MAX_DEPTH = 32;

export interface ScannerOptions {
  syntax: DicomSyntax;
  /**
   * Called once when the top-level Pixel Data starts, with the head: the number of frames, the
   * frame to keep (0-based) and, for uncompressed pixels, the bytes of one frame (0: unknown).
   */
  pixelPlan(head: Buffer): PixelPlan;
}

/** The most bytes of compressed frame kept (a frame without an end marker stops here). */
const MAX_KEPT_FRAGMENT_BYTES = 128 * 1024 * 1024;
/** The most head or tail bytes kept; more is treated as a malformed object. */
const MAX_HEAD_BYTES = 64 * 1024 * 1024;

export interface PixelPlan {
  frames: number;
  keepFrame: number;
  frameBytes: number;
}

export type ScannedPixels =
  /** `pieces`: the kept frame as views of the pushed chunks; `kept`: the same bytes in one buffer (a copy, made when read). */
  | { encapsulated: false; vr: string; declaredLength: number; pieces: Buffer[]; readonly kept: Buffer }
  /** `pieces`: the fragments of the kept frame, each as views of the pushed chunks; `kept`: each fragment in one buffer (copies, made when read). */
  | { encapsulated: true; fragmentCount: number; pieces: Buffer[][]; readonly kept: Buffer[] };

export interface ScanResult {
  head: Buffer;
  pixels: ScannedPixels | null;
  tail: Buffer;
  /** Data set bytes seen. */
  total: number;
}

type Ctx =
  | { kind: 'elements'; syntax: DicomSyntax; inItem: boolean }
  | { kind: 'items'; syntax: DicomSyntax }
  | { kind: 'fragments' };

type Sink = 'keep' | 'drop' | 'native' | 'offset-table' | 'fragment';

const malformed = (what: string): DicomStructureError => new DicomStructureError(what, false);
const truncated = (): DicomStructureError => new DicomStructureError('the object ends before its data does', true);

export class DatasetScanner {
  private readonly opts: ScannerOptions;
  private readonly stack: Ctx[];
  private leftover: Buffer = Buffer.alloc(0);
  private skip = 0;
  private sink: Sink = 'keep';
  private region: 'head' | 'pixels' | 'tail' = 'head';
  private readonly head: Buffer[] = [];
  private readonly tail: Buffer[] = [];
  private kept = 0;
  private total = 0;
  private pixels: ScannedPixels | null = null;
  private plan: PixelPlan = { frames: 1, keepFrame: 0, frameBytes: 0 };
  /** Uncompressed: bytes of the pixel value seen so far, and the kept frame's bytes. */
  private nativeSeen = 0;
  private nativeKept: Buffer[] = [];
  private offsetTable: number[] | null = null;
  private offsetTableBytes: Buffer[] = [];
  private fragmentStart = -1;
  /** The fragment being read, when some rule may keep it (views). */
  private fragmentBytes: Buffer[] = [];
  private fragmentIndex = -1;
  private fragmentItemOffset = 0;
  /** Frames counted by end markers (JPEG, JPEG-LS and J2K codestreams end with FFD9). */
  private eoiFrame = 0;
  /** Candidates for the kept frame (fragments as views): by the offset table, by end markers, by position (one fragment per frame). */
  private byTable: Buffer[][] = [];
  private byEoi: Buffer[][] = [];
  private byPosition: Buffer[][] = [];
  private keptFragmentBytes = 0;
  /** This fragment did not fit the budget: it is not kept (its last bytes still count its frame). */
  private overBudget = false;
  private fragmentTail: Buffer = Buffer.alloc(0);
  private failed: DicomStructureError | null = null;
  /** Absolute data set offset of the current buffer's first byte. */
  private base = 0;

  constructor(opts: ScannerOptions) {
    this.opts = opts;
    this.stack = [{ kind: 'elements', syntax: opts.syntax, inItem: false }];
  }

  /** Feeds the next bytes; throws DicomStructureError when the structure cannot be DICOM. */
  push(chunk: Buffer): void {
    if (this.failed) throw this.failed;
    this.base = this.total - this.leftover.length;
    this.total += chunk.length;
    let buf = this.leftover.length ? Buffer.concat([this.leftover, chunk]) : chunk;
    let pos = 0;
    try {
      for (;;) {
        if (this.skip > 0) {
          const take = Math.min(this.skip, buf.length - pos);
          if (take === 0) break;
          this.consume(buf.subarray(pos, pos + take));
          pos += take;
          this.skip -= take;
          if (this.skip > 0) break;
          this.valueDone();
          continue;
        }
        const used = this.step(buf, pos);
        if (used === 0) break;
        pos += used;
      }
    } catch (err) {
      this.failed = err as DicomStructureError;
      throw err;
    }
    buf = buf.subarray(pos);
    this.leftover = Buffer.from(buf); // at most one partial header
  }

  /** The stream has ended: the structure must be closed exactly here. */
  finish(): ScanResult {
    if (this.failed) throw this.failed;
    const top = this.stack.length === 1 && this.stack[0].kind === 'elements';
    if (this.skip > 0 || this.leftover.length > 0 || !top) throw truncated();
    if (this.pixels?.encapsulated) this.pixels.pieces = this.chosenFragments(this.pixels.fragmentCount);
    return { head: Buffer.concat(this.head), pixels: this.pixels, tail: Buffer.concat(this.tail), total: this.total };
  }

  /**
   * A small data set with the same attributes and only the kept frame: the head, a Pixel Data
   * element holding frame 1, and the tail. Parsed by the ingest pipeline like a file's data set.
   */
  static compact(r: ScanResult, syntax: DicomSyntax): Buffer {
    return Buffer.concat(DatasetScanner.compactParts(r, syntax));
  }

  /** The compact data set as the parts to concatenate (the kept pixels are views: nothing copied yet). */
  static compactParts(r: ScanResult, syntax: DicomSyntax): Buffer[] {
    if (!r.pixels) return [r.head, r.tail];
    const parts: Buffer[] = [r.head];
    if (r.pixels.encapsulated) {
      parts.push(header(0x7fe0, 0x0010, 'OB', UNDEFINED_LENGTH, syntax), itemHeader(0xe000, 0));
      for (const f of r.pixels.pieces) parts.push(itemHeader(0xe000, byteLength(f)), ...f);
      parts.push(itemHeader(0xe0dd, 0));
    } else {
      const length = byteLength(r.pixels.pieces);
      parts.push(header(0x7fe0, 0x0010, r.pixels.vr, length + (length % 2), syntax), ...r.pixels.pieces);
      if (length % 2) parts.push(Buffer.alloc(1));
    }
    parts.push(r.tail);
    return parts;
  }

  private consume(bytes: Buffer): void {
    switch (this.sink) {
      case 'keep': {
        this.kept += bytes.length;
        if (this.kept > MAX_HEAD_BYTES) throw malformed('the attributes outside the pixel data are too large');
        (this.region === 'tail' ? this.tail : this.head).push(Buffer.from(bytes));
        return;
      }
      case 'native': {
        // Keep [keepFrame * frameBytes, (keepFrame + 1) * frameBytes) of the pixel value.
        const from = this.plan.keepFrame * this.plan.frameBytes;
        const to = from + this.plan.frameBytes;
        const start = Math.max(from, this.nativeSeen);
        const end = Math.min(to, this.nativeSeen + bytes.length);
        if (end > start) this.nativeKept.push(bytes.subarray(start - this.nativeSeen, end - this.nativeSeen));
        this.nativeSeen += bytes.length;
        return;
      }
      case 'offset-table':
        this.offsetTableBytes.push(Buffer.from(bytes));
        return;
      case 'fragment':
        this.keptFragmentBytes += bytes.length;
        if (this.keptFragmentBytes > MAX_KEPT_FRAGMENT_BYTES) this.overBudget = true;
        if (!this.overBudget) this.fragmentBytes.push(bytes);
        this.fragmentTail = Buffer.concat([this.fragmentTail, bytes.subarray(-8)]).subarray(-8);
        return;
      case 'drop':
        return;
    }
  }

  /** A value consumed through `skip` has ended. */
  private valueDone(): void {
    if (this.sink === 'native') {
      const px = this.pixels as Extract<ScannedPixels, { encapsulated: false }>;
      px.pieces = this.nativeKept;
      this.nativeKept = [];
      this.enterTail();
    } else if (this.sink === 'offset-table') {
      const table = Buffer.concat(this.offsetTableBytes);
      this.offsetTable = [];
      for (let i = 0; i + 4 <= table.length; i += 4) this.offsetTable.push(table.readUInt32LE(i));
      this.offsetTableBytes = [];
    } else if (this.sink === 'fragment') {
      this.fragmentDone();
    }
    this.sink = this.region === 'pixels' ? 'drop' : 'keep';
  }

  private enterTail(): void {
    this.region = 'tail';
    this.sink = 'keep';
    this.kept = 0;
  }

  /**
   * One fragment has ended: it goes to each candidate that wants it (see frameAt in
   * metadata/dicom-preview.ts for the rules; `finish` picks the candidate that applies).
   */
  private fragmentDone(): void {
    const { frames, keepFrame } = this.plan;
    const bytes = this.overBudget ? [] : this.fragmentBytes;
    const eoi = endsWithEoi(this.fragmentTail);
    this.fragmentBytes = [];
    this.fragmentTail = Buffer.alloc(0);
    this.overBudget = false;
    const table = this.offsetTable ?? [];
    if (frames <= 1) this.byTable.push(bytes);
    else if (table.length >= 2 && keepFrame < table.length) {
      const start = table[keepFrame];
      const end = table[keepFrame + 1] ?? Infinity;
      if (this.fragmentItemOffset >= start && this.fragmentItemOffset < end) this.byTable.push(bytes);
    } else {
      if (this.fragmentIndex === keepFrame) this.byPosition.push(bytes);
      if (this.eoiFrame === keepFrame) this.byEoi.push(bytes);
      if (eoi) this.eoiFrame++;
    }
    this.keptFragmentBytes = this.byTable.concat(this.byEoi, this.byPosition).reduce((n, f) => n + byteLength(f), 0);
  }

  /** The kept frame's fragments, by the rule that applies to what was received. */
  private chosenFragments(fragmentCount: number): Buffer[][] {
    const { frames, keepFrame } = this.plan;
    const table = this.offsetTable ?? [];
    if (frames <= 1 || (table.length >= 2 && keepFrame < table.length)) return this.byTable;
    return fragmentCount === frames ? this.byPosition : this.byEoi;
  }

  /** Parses one header at `pos` (and acts on it); returns the bytes used, 0 when more are needed. */
  private step(buf: Buffer, pos: number): number {
    const ctx = this.stack[this.stack.length - 1];
    const avail = buf.length - pos;
    if (ctx.kind === 'items' || ctx.kind === 'fragments') {
      if (avail < 8) return 0;
      const group = buf.readUInt16LE(pos);
      const element = buf.readUInt16LE(pos + 2);
      const length = buf.readUInt32LE(pos + 4);
      if (group !== 0xfffe) throw malformed(ctx.kind === 'fragments' ? 'the compressed image data holds something other than fragments' : 'a sequence holds something other than items');
      this.consume(buf.subarray(pos, pos + 8));
      if (element === 0xe0dd) {
        this.stack.pop();
        if (ctx.kind === 'fragments') this.enterTail();
        return 8;
      }
      if (element !== 0xe000) throw malformed('a sequence holds an unknown marker');
      if (ctx.kind === 'items') {
        if (length === UNDEFINED_LENGTH) this.enter({ kind: 'elements', syntax: ctx.syntax, inItem: true });
        else this.skip = length;
        return 8;
      }
      if (length === UNDEFINED_LENGTH) throw malformed('the compressed image data has a bad fragment');
      if (this.offsetTable === null) {
        this.sink = 'offset-table';
        this.skip = length;
        if (length === 0) this.valueDone();
        return 8;
      }
      // Basic Offset Table units: bytes from the first fragment's item tag.
      if (this.fragmentStart < 0) this.fragmentStart = this.base + pos;
      const itemOffset = this.base + pos - this.fragmentStart;
      const px = this.pixels as Extract<ScannedPixels, { encapsulated: true }>;
      this.fragmentIndex = px.fragmentCount++;
      this.fragmentItemOffset = itemOffset;
      this.sink = 'fragment';
      this.skip = length;
      if (length === 0) this.valueDone();
      return 8;
    }

    // A data set's (or an item's) elements.
    if (avail < 8) return 0;
    const group = buf.readUInt16LE(pos);
    const element = buf.readUInt16LE(pos + 2);
    if (group === 0xfffe) {
      if (ctx.inItem && element === 0xe00d) {
        this.consume(buf.subarray(pos, pos + 8));
        this.stack.pop();
        return 8;
      }
      throw malformed('an item marker appears outside a sequence');
    }
    let vr: string | null = null;
    let length: number;
    let size: number;
    if (ctx.syntax.explicit) {
      if (!isVrLetters(buf[pos + 4], buf[pos + 5])) throw malformed('an element has no valid value representation');
      vr = buf.toString('latin1', pos + 4, pos + 6);
      if (LONG_VRS.has(vr)) {
        if (avail < 12) return 0;
        length = buf.readUInt32LE(pos + 8);
        size = 12;
      } else {
        length = buf.readUInt16LE(pos + 6);
        size = 8;
      }
    } else {
      length = buf.readUInt32LE(pos + 4);
      size = 8;
    }
    const topLevel = this.stack.length === 1;
    const pixelData = topLevel && group === 0x7fe0 && element === 0x0010 && this.region === 'head';
    if (pixelData) {
      // The header is not kept: compact() writes its own for the kept frame.
      const head = Buffer.concat(this.head);
      this.head.length = 0;
      this.head.push(head);
      this.region = 'pixels';
      this.plan = this.opts.pixelPlan(head);
      if (length === UNDEFINED_LENGTH) {
        this.pixels = encapsulatedPixels();
        this.sink = 'drop';
        this.enter({ kind: 'fragments' });
        return size;
      }
      this.pixels = nativePixels(vr ?? 'OW', length);
      this.sink = 'native';
      this.skip = length;
      if (length === 0) this.valueDone();
      return size;
    }
    this.consume(buf.subarray(pos, pos + size));
    if (length === UNDEFINED_LENGTH) {
      // An undefined-length UN holds implicit VR little endian data (DICOM CP-246).
      this.enter({ kind: 'items', syntax: vr === 'UN' ? IMPLICIT_LE_SYNTAX : ctx.syntax });
    } else {
      this.skip = length;
    }
    return size;
  }

  private enter(ctx: Ctx): void {
    if (this.stack.length > MAX_DEPTH) throw malformed('sequences are nested too deeply');
    this.stack.push(ctx);
  }
}

const byteLength = (pieces: Buffer[]): number => pieces.reduce((n, b) => n + b.length, 0);

function encapsulatedPixels(): Extract<ScannedPixels, { encapsulated: true }> {
  return {
    encapsulated: true,
    fragmentCount: 0,
    pieces: [],
    get kept() {
      return this.pieces.map((f) => (f.length === 1 ? f[0] : Buffer.concat(f)));
    },
  };
}

function nativePixels(vr: string, declaredLength: number): Extract<ScannedPixels, { encapsulated: false }> {
  return {
    encapsulated: false,
    vr,
    declaredLength,
    pieces: [],
    get kept() {
      return Buffer.concat(this.pieces);
    },
  };
}

function header(group: number, element: number, vr: string, length: number, syntax: DicomSyntax): Buffer {
  if (!syntax.explicit) {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(group, 0);
    b.writeUInt16LE(element, 2);
    b.writeUInt32LE(length, 4);
    return b;
  }
  const b = Buffer.alloc(12);
  b.writeUInt16LE(group, 0);
  b.writeUInt16LE(element, 2);
  b.write(vr, 4, 'latin1');
  b.writeUInt32LE(length, 8);
  return b;
}

function itemHeader(element: number, length: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(0xfffe, 0);
  b.writeUInt16LE(element, 2);
  b.writeUInt32LE(length, 4);
  return b;
}
