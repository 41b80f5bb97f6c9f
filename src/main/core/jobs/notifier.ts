// Change notifications, throttled: at most one per `throttleMs`, carrying the subjects (per topic)
// that changed since the last one. The runner calls changed() as often as it likes (progress too).
export type Notify = (subjects: Map<string, string[]>) => void;

export class ChangeNotifier {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastAt = 0;
  private readonly subjects = new Map<string, Set<string>>();
  private readonly throttleMs: number;
  private readonly notify: Notify;

  constructor(throttleMs: number, notify: Notify) {
    this.throttleMs = throttleMs;
    this.notify = notify;
  }

  /** Something changed; `topic` and `id` name a subject to announce with it. */
  changed(topic?: string, id?: string): void {
    if (topic && id) {
      let ids = this.subjects.get(topic);
      if (!ids) this.subjects.set(topic, (ids = new Set()));
      ids.add(id);
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastAt + this.throttleMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastAt = Date.now();
      const batch = new Map<string, string[]>();
      for (const [t, ids] of this.subjects) if (ids.size) batch.set(t, [...ids]);
      this.subjects.clear();
      this.notify(batch);
    }, wait);
    this.timer.unref?.();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
