// Where the measurements get their working arrays. Every photo needs the same dozen arrays (about
// 1.5 MB for a 512 px picture); allocating them afresh for each photo is external memory that makes
// V8 run full garbage collections on the worker. The arena hands out the same buffers again, in
// the order they are asked for, zero-filled like a new array; they are valid until the next reset.

export interface Scratch {
  f32(n: number): Float32Array;
  f64(n: number): Float64Array;
  u8(n: number): Uint8Array;
  u32(n: number): Uint32Array;
  i32(n: number): Int32Array;
}

/** New arrays every time: for callers that keep the results (tests, one-off use). */
export const freshArrays: Scratch = {
  f32: (n) => new Float32Array(n),
  f64: (n) => new Float64Array(n),
  u8: (n) => new Uint8Array(n),
  u32: (n) => new Uint32Array(n),
  i32: (n) => new Int32Array(n),
};

type Typed = Float32Array | Float64Array | Uint8Array | Uint32Array | Int32Array;

class Pool<T extends Typed> {
  private readonly buffers: T[] = [];
  private next = 0;
  private readonly make: (n: number) => T;
  constructor(make: (n: number) => T) {
    this.make = make;
  }

  take(n: number): T {
    let buf = this.buffers[this.next];
    if (!buf || buf.length < n) {
      buf = this.make(n);
      this.buffers[this.next] = buf;
    } else {
      buf.fill(0, 0, n);
    }
    this.next++;
    return (buf.length === n ? buf : buf.subarray(0, n)) as T;
  }

  reset(): void {
    this.next = 0;
  }
}

export class Arena implements Scratch {
  private readonly pools = {
    f32: new Pool(freshArrays.f32),
    f64: new Pool(freshArrays.f64),
    u8: new Pool(freshArrays.u8),
    u32: new Pool(freshArrays.u32),
    i32: new Pool(freshArrays.i32),
  };

  f32 = (n: number): Float32Array => this.pools.f32.take(n);
  f64 = (n: number): Float64Array => this.pools.f64.take(n);
  u8 = (n: number): Uint8Array => this.pools.u8.take(n);
  u32 = (n: number): Uint32Array => this.pools.u32.take(n);
  i32 = (n: number): Int32Array => this.pools.i32.take(n);

  /** Every array handed out so far may be handed out again. */
  reset(): void {
    for (const p of Object.values(this.pools)) p.reset();
  }
}
