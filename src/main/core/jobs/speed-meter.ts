// Bytes per second over a sliding window, from progress reports (100 ms buckets: O(1) per report).
export class SpeedMeter {
  private readonly buckets: { t: number; bytes: number }[] = [];
  private readonly windowMs: number;

  constructor(windowMs = 5_000) {
    this.windowMs = windowMs;
  }

  add(bytes: number, t = Date.now()): void {
    if (bytes <= 0) return;
    const slot = t - (t % 100);
    const last = this.buckets.at(-1);
    if (last && last.t === slot) last.bytes += bytes;
    else {
      this.buckets.push({ t: slot, bytes });
      this.trim(t);
    }
  }

  private trim(t: number): void {
    while (this.buckets.length && this.buckets[0]!.t < t - this.windowMs) this.buckets.shift();
  }

  rate(t = Date.now()): number | null {
    this.trim(t);
    if (!this.buckets.length) return null;
    const total = this.buckets.reduce((n, s) => n + s.bytes, 0);
    const span = Math.max(1_000, t - this.buckets[0]!.t);
    return Math.round((total * 1000) / span);
  }
}
