import { describe, expect, it } from 'vitest';
import { createVolumeMonitor, diffVolumes } from '../../src/main/core/sources/volumes/monitor.ts';
import type { Volume } from '../../src/main/core/sources/volumes/volume.ts';

const vol = (id: string, mountPath = `/media/u/${id}`, label: string | null = id): Volume => ({
  id,
  label,
  uuid: null,
  mountPath,
  fsType: 'vfat',
});

describe('diffVolumes', () => {
  it('reports new and gone volumes', () => {
    const d = diffVolumes([vol('A'), vol('B')], [vol('B'), vol('C')]);
    expect(d.mounted.map((v) => v.id)).toEqual(['C']);
    expect(d.unmounted.map((v) => v.id)).toEqual(['A']);
  });

  it('sees no change when only the label changed', () => {
    expect(diffVolumes([vol('A', '/m/A', 'old')], [vol('A', '/m/A', 'new')])).toEqual({ mounted: [], unmounted: [] });
  });

  it('treats the same id at another mount path as an unmount and a mount', () => {
    const d = diffVolumes([vol('A', '/media/u/CAM')], [vol('A', '/media/u/CAM1')]);
    expect(d.unmounted.map((v) => v.mountPath)).toEqual(['/media/u/CAM']);
    expect(d.mounted.map((v) => v.mountPath)).toEqual(['/media/u/CAM1']);
  });

  it('treats another volume at the same mount path as an unmount and a mount', () => {
    const d = diffVolumes([vol('A', '/media/u/NO NAME')], [vol('B', '/media/u/NO NAME')]);
    expect(d.unmounted.map((v) => v.id)).toEqual(['A']);
    expect(d.mounted.map((v) => v.id)).toEqual(['B']);
  });

  it('reports a volume listed twice once', () => {
    expect(diffVolumes([], [vol('A'), vol('A')]).mounted).toHaveLength(1);
  });
});

/** A list function the test answers by hand, one call at a time. */
function manualList() {
  const calls: { resolve: (v: Volume[]) => void; reject: (e: unknown) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  const list = () =>
    new Promise<Volume[]>((resolve, reject) => {
      active++;
      maxActive = Math.max(maxActive, active);
      calls.push({
        resolve: (v) => {
          active--;
          resolve(v);
        },
        reject: (e) => {
          active--;
          reject(e);
        },
      });
    });
  return { list, calls, maxActive: () => maxActive };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('createVolumeMonitor', () => {
  it('emits mounts and unmounts between looks, and volumes present at the first look', async () => {
    const events: string[] = [];
    let listing: Volume[] = [vol('A')];
    const m = createVolumeMonitor({
      list: async () => listing,
      onMounted: (v) => void events.push(`+${v.id}`),
      onUnmounted: (v) => void events.push(`-${v.id}`),
    });
    await m.poll();
    listing = [vol('B')];
    await m.poll();
    await m.poll();
    listing = [];
    await m.poll();
    expect(events).toEqual(['+A', '-A', '+B', '-B']);
    expect(m.current()).toEqual([]);
  });

  it('never runs two looks at once', async () => {
    const l = manualList();
    const m = createVolumeMonitor({ list: l.list, onMounted: () => {}, onUnmounted: () => {} });
    const p1 = m.poll();
    const p2 = m.poll();
    await settle();
    expect(l.calls).toHaveLength(1);
    l.calls[0]!.resolve([]);
    await p1;
    await settle();
    expect(l.calls).toHaveLength(2);
    l.calls[1]!.resolve([]);
    await p2;
    expect(l.maxActive()).toBe(1);
  });

  it('survives a listing that throws, keeps what it knew, and reports a repeated failure once', async () => {
    const events: string[] = [];
    const errors: unknown[] = [];
    const answers: (Volume[] | Error)[] = [[vol('A')], new Error('EIO'), new Error('EIO'), [vol('A'), vol('B')], new Error('EIO')];
    const m = createVolumeMonitor({
      list: async () => {
        const a = answers.shift()!;
        if (a instanceof Error) throw a;
        return a;
      },
      onMounted: (v) => void events.push(`+${v.id}`),
      onUnmounted: (v) => void events.push(`-${v.id}`),
      onError: (e) => void errors.push(e),
    });
    for (let i = 0; i < 5; i++) await m.poll();
    expect(events).toEqual(['+A', '+B']); // the failed looks did not unplug A
    expect(errors).toHaveLength(2); // once for the first run of failures, once after a success
    expect(m.current().map((v) => v.id)).toEqual(['A', 'B']);
  });

  it('reports a callback that throws or rejects, and carries on', async () => {
    const errors: string[] = [];
    let listing: Volume[] = [vol('A')];
    const m = createVolumeMonitor({
      list: async () => listing,
      onMounted: () => {
        throw new Error('sync boom');
      },
      onUnmounted: async () => {
        throw new Error('async boom');
      },
      onError: (e) => void errors.push((e as Error).message),
    });
    await m.poll();
    listing = [];
    await m.poll();
    await settle();
    expect(errors).toEqual(['sync boom', 'async boom']);
  });

  it('polls on its own once started, and emits nothing after stop', async () => {
    let listing: Volume[] = [];
    let mounted!: (v: Volume) => void;
    const firstMount = new Promise<Volume>((r) => (mounted = r));
    const seen: string[] = [];
    const m = createVolumeMonitor({
      list: async () => listing,
      intervalMs: 5,
      onMounted: (v) => {
        seen.push(v.id);
        mounted(v);
      },
      onUnmounted: () => {},
    });
    m.start();
    m.start(); // a second start does not start a second loop
    listing = [vol('CAM')];
    expect((await firstMount).id).toBe('CAM');
    await m.stop();
    listing = [vol('CAM'), vol('OTHER')];
    // several would-be intervals pass: a timer left running would have seen OTHER
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['CAM']);
  });

  it('drops the result of a look that was running when stop was called', async () => {
    const l = manualList();
    const seen: string[] = [];
    const m = createVolumeMonitor({ list: l.list, onMounted: (v) => void seen.push(v.id), onUnmounted: () => {} });
    m.start();
    await settle();
    const stopped = m.stop();
    l.calls[0]!.resolve([vol('LATE')]);
    await stopped;
    expect(seen).toEqual([]);
    expect(l.calls).toHaveLength(1);
  });
});
