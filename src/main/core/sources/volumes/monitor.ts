// Notices volumes appearing and disappearing by looking at the listing every second or so.
// Polling, because it works the same on every platform and a second is fast enough for a person
// plugging in a cable; the platform part stays a plain list function, which keeps each look cheap
// (on Windows PowerShell is started only when the drive roots change: see windows.ts).
import { volumeKey } from './volume.ts';
import type { Volume } from './volume.ts';

export interface VolumeDiff {
  mounted: Volume[];
  unmounted: Volume[];
}

function uniqueByKey(list: readonly Volume[]): Map<string, Volume> {
  const m = new Map<string, Volume>();
  for (const v of list) if (!m.has(volumeKey(v))) m.set(volumeKey(v), v);
  return m;
}

/**
 * What changed between two listings, comparing id and mount path. A volume whose label changed
 * but kept both is the same volume; one re-mounted at another path is an unmount plus a mount.
 */
export function diffVolumes(prev: readonly Volume[], next: readonly Volume[]): VolumeDiff {
  const before = uniqueByKey(prev);
  const after = uniqueByKey(next);
  return {
    mounted: [...after].filter(([k]) => !before.has(k)).map(([, v]) => v),
    unmounted: [...before].filter(([k]) => !after.has(k)).map(([, v]) => v),
  };
}

export interface VolumeMonitorOptions {
  /** Lists the volumes mounted now (see createVolumeLister). May throw; the monitor carries on. */
  list: () => Promise<Volume[]>;
  /** Pause between the end of one look and the start of the next. */
  intervalMs?: number;
  /** Called for each new volume, and at start for those already mounted. Not awaited. */
  onMounted: (v: Volume) => void | Promise<void>;
  /** Called for each volume that went away. Not awaited. */
  onUnmounted: (v: Volume) => void | Promise<void>;
  /**
   * A listing failed, or a callback threw or rejected. Repeats of the same listing failure are
   * reported once, until a listing succeeds again, so a missing tool does not flood the log.
   */
  onError?: (err: unknown) => void;
}

export interface VolumeMonitor {
  /** Start looking; the first look is immediate. Calling it again while running does nothing. */
  start(): void;
  /** Stop looking. Resolves once a look in progress has finished; it emits nothing after stop. */
  stop(): Promise<void>;
  /** Look now, queued behind any look in progress (looks never overlap). */
  poll(): Promise<void>;
  /** The volumes as of the last successful look. */
  current(): Volume[];
}

export function createVolumeMonitor(opts: VolumeMonitorOptions): VolumeMonitor {
  const intervalMs = opts.intervalMs ?? 1000;
  let known: Volume[] = [];
  let chain: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let loop = 0; // the running timer loop's number; 0 when stopped
  let generation = 0; // bumped by stop(), so a look begun before it emits nothing
  let lastListError: string | null = null;

  const report = (err: unknown): void => {
    try {
      opts.onError?.(err);
    } catch {
      // a failing error handler must not stop the monitor
    }
  };

  const emit = (fn: (v: Volume) => void | Promise<void>, v: Volume): void => {
    try {
      const r = fn(v);
      if (r && typeof r.then === 'function') r.then(undefined, report);
    } catch (err) {
      report(err);
    }
  };

  async function look(gen: number): Promise<void> {
    let next: Volume[];
    try {
      next = await opts.list();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastListError) report(err);
      lastListError = message;
      return; // keep what we knew: a failed look is not an unplug
    }
    lastListError = null;
    if (gen !== generation) return;
    const diff = diffVolumes(known, next);
    known = [...uniqueByKey(next).values()];
    for (const v of diff.unmounted) emit(opts.onUnmounted, v);
    for (const v of diff.mounted) emit(opts.onMounted, v);
  }

  function poll(): Promise<void> {
    const gen = generation;
    chain = chain.then(() => look(gen)).catch(report);
    return chain;
  }

  async function tick(myLoop: number): Promise<void> {
    timer = null;
    await poll();
    if (loop === myLoop) timer = setTimeout(() => void tick(myLoop), intervalMs);
  }

  let loops = 0;
  return {
    start() {
      if (loop !== 0) return;
      loop = ++loops;
      void tick(loop);
    },
    stop() {
      loop = 0;
      generation++;
      if (timer) clearTimeout(timer);
      timer = null;
      return chain;
    },
    poll,
    current: () => [...known],
  };
}
