// A bounded queue: at most `concurrency` ingests at once, so a folder of 4,000 files does not
// start 4,000 decodes. `idle()` resolves when everything submitted so far is done.
export class WorkQueue {
  private readonly concurrency: number;
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(concurrency: number) {
    this.concurrency = Math.max(1, concurrency);
  }

  get size(): number {
    return this.running + this.waiting.length;
  }

  push(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.pump();
  }

  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.running += 1;
      task()
        .catch(() => undefined)
        .finally(() => {
          this.running -= 1;
          this.pump();
          if (this.size === 0) {
            const w = this.idleWaiters;
            this.idleWaiters = [];
            for (const r of w) r();
          }
        });
    }
  }
}
