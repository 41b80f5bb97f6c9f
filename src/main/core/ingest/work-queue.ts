// A bounded queue: at most `concurrency` ingests at once, so a folder of 4,000 files (or a camera
// card and a folder together) does not start 4,000 decodes. `idle()` resolves when everything
// submitted so far is done; `peak` is the most tasks that ever ran at once.
export class WorkQueue {
  private readonly concurrency: number;
  private running = 0;
  private mostRunning = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(concurrency: number) {
    this.concurrency = Math.max(1, concurrency);
  }

  get size(): number {
    return this.running + this.waiting.length;
  }

  get peak(): number {
    return this.mostRunning;
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
      this.mostRunning = Math.max(this.mostRunning, this.running);
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
