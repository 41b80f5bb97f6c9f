// The ingest gate (dicom-node/ingest-gate.ts): images of acknowledged objects wait while a camera
// is sending and go on once the connection is quiet; what they hold in memory meanwhile is bounded
// (the oldest let their bytes go), and one that has waited too long goes on, one at a time.
// The clock is the test's own; nothing here waits on real time.
import { describe, expect, it } from 'vitest';
import { gateDecision, IngestGate, toSpill, type GatePolicy, type GateState } from '../../src/main/core/dicom-node/ingest-gate.ts';

const policy: GatePolicy = { quietMs: 50, heldBudgetBytes: 1000, maxHoldMs: 2000, busyInFlight: 1 };
const state = (s: Partial<GateState>): GateState => ({ receiving: false, sinceLastObjectMs: Infinity, held: 1, oldestHeldMs: 0, inFlight: 0, ...s });

describe('gateDecision', () => {
  it('releases everything once nothing is arriving and the quiet gap has passed', () => {
    expect(gateDecision(state({}), policy)).toEqual({ kind: 'release-all' });
    expect(gateDecision(state({ sinceLastObjectMs: 50 }), policy)).toEqual({ kind: 'release-all' });
  });

  it('holds while an object is arriving, and just after one ended (rechecks when the gap will have passed)', () => {
    expect(gateDecision(state({ receiving: true, sinceLastObjectMs: 500 }), policy)).toEqual({ kind: 'hold', recheckInMs: 2000 });
    expect(gateDecision(state({ receiving: true, inFlight: 1 }), policy)).toEqual({ kind: 'hold', recheckInMs: null });
    expect(gateDecision(state({ sinceLastObjectMs: 20 }), policy)).toEqual({ kind: 'hold', recheckInMs: 30 });
  });

  it('mid-burst, lets one go at a time once one has waited too long', () => {
    expect(gateDecision(state({ receiving: true, oldestHeldMs: 2000 }), policy)).toEqual({ kind: 'release-one' });
    expect(gateDecision(state({ receiving: true, oldestHeldMs: 2000, inFlight: 1 }), policy)).toEqual({ kind: 'hold', recheckInMs: null });
  });

  it('spills the oldest held bytes until the rest fit the budget', () => {
    expect(toSpill([600, 600, 600], 1000)).toBe(2);
    expect(toSpill([600, 300], 1000)).toBe(0);
    expect(toSpill([2000], 1000)).toBe(1);
  });

  it('has nothing to do when nothing is held', () => {
    expect(gateDecision(state({ held: 0 }), policy)).toEqual({ kind: 'hold', recheckInMs: null });
  });
});

describe('IngestGate', () => {
  function setup() {
    let now = 0;
    let receiving = true;
    const ran: number[] = [];
    const finish: (() => void)[] = [];
    const gate = new IngestGate({ receiving: () => receiving, policy, now: () => now });
    const add = (i: number, bytes = 10) =>
      gate.pass(
        () =>
          new Promise<void>((resolve) => {
            ran.push(i);
            finish.push(resolve);
          }),
        bytes,
      );
    return { gate, ran, finish, add, set: (t: number, r: boolean) => ((now = t), (receiving = r)) };
  }

  /** The gate's own bookkeeping after a task ends runs in a later microtask. */
  const settled = (): Promise<void> => new Promise((r) => setImmediate(r));
  const recheck = (gate: IngestGate): void => (gate as unknown as { pump(): void }).pump();

  it('runs nothing while a camera is sending, and everything once it has been quiet', async () => {
    const { gate, ran, add, set, finish } = setup();
    const done = [add(1), add(2), add(3)];
    gate.objectEnded();
    expect(ran).toEqual([]);
    expect(gate.waiting).toBe(3);
    set(100, false);
    gate.objectEnded(); // the last object of the burst ended at 100: the quiet gap starts
    expect(ran).toEqual([]);
    set(149, false);
    recheck(gate);
    expect(ran).toEqual([]);
    set(150, false);
    recheck(gate);
    expect(ran).toEqual([1, 2, 3]);
    expect(gate.waiting).toBe(0);
    for (const f of finish) f();
    await Promise.all(done);
  });

  it('over the byte budget mid-burst, the oldest held let their bytes go; none runs until the burst ends', async () => {
    const { gate, ran, finish, set } = setup();
    const spilled: number[] = [];
    const done = [1, 2, 3].map((i) =>
      gate.pass(
        () =>
          new Promise<void>((resolve) => {
            ran.push(i);
            finish.push(resolve);
          }),
        600,
        () => spilled.push(i),
      ),
    );
    expect(ran).toEqual([]);
    expect(spilled).toEqual([1, 2]); // 1800 bytes held: the two oldest let theirs go
    set(5000, false);
    recheck(gate);
    expect(ran).toEqual([1, 2, 3]);
    expect(spilled).toEqual([1, 2]);
    for (const f of finish) f();
    await Promise.all(done);
  });

  it('a burst that goes on lets the longest-waiting image go, one at a time', async () => {
    const { gate, ran, add, finish, set } = setup();
    const done = [add(1), add(2)];
    set(2000, true);
    recheck(gate);
    expect(ran).toEqual([1]);
    finish[0]();
    await done[0];
    await settled();
    expect(ran).toEqual([1, 2]); // it too has waited 2000 ms
    finish[1]();
    await Promise.all(done);
  });
});
