// The one "down until a check answers" mechanism of the runner's lanes and the PACS routes
// (jobs/rechecks.ts): checks repeat until one answers, then onBack once; a stop ends the watch, and
// an answer that arrives after a stop (even when the key is watched again) is ignored.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Rechecks } from '../../src/main/core/jobs/rechecks.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A check whose answers the test gives one by one. */
function pendingChecks() {
  const answers: ((ok: boolean) => void)[] = [];
  const check = vi.fn((_key: string) => new Promise<boolean>((resolve) => answers.push(resolve)));
  return { check, answer: (i: number, ok: boolean) => answers[i]!(ok) };
}

describe('Rechecks', () => {
  it('checks every interval until one answers, then calls onBack once and stops', async () => {
    const { check, answer } = pendingChecks();
    const back: string[] = [];
    const r = new Rechecks({ intervalMs: 1_000, check, onBack: (k) => back.push(k) });
    r.watch('a');
    r.watch('a'); // already watched: still one check per interval
    await vi.advanceTimersByTimeAsync(1_000);
    expect(check).toHaveBeenCalledTimes(1);
    answer(0, false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(check).toHaveBeenCalledTimes(2);
    answer(1, true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(back).toEqual(['a']);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('a rejected check counts as no answer', async () => {
    const check = vi.fn(async () => {
      throw new Error('no route');
    });
    const back: string[] = [];
    const r = new Rechecks({ intervalMs: 1_000, check, onBack: (k) => back.push(k) });
    r.watch('a');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(check).toHaveBeenCalledTimes(3);
    expect(back).toEqual([]);
    r.close();
  });

  it('an answer that arrives after a stop is ignored, even when the key is watched again', async () => {
    const { check, answer } = pendingChecks();
    const back: string[] = [];
    const r = new Rechecks({ intervalMs: 1_000, check, onBack: (k) => back.push(k) });
    r.watch('a');
    await vi.advanceTimersByTimeAsync(1_000); // check 0 runs
    r.stop('a');
    r.watch('a');
    answer(0, false); // the old watch's answer: it must not start a second timer
    await vi.advanceTimersByTimeAsync(1_000);
    expect(check).toHaveBeenCalledTimes(2); // the new watch's one check, not two
    answer(1, true);
    await vi.advanceTimersByTimeAsync(0);
    expect(back).toEqual(['a']);
  });

  it('close stops every watch and refuses new ones', async () => {
    const { check } = pendingChecks();
    const r = new Rechecks({ intervalMs: 1_000, check, onBack: () => undefined });
    r.watch('a');
    r.close();
    r.watch('b');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(check).not.toHaveBeenCalled();
  });
});
