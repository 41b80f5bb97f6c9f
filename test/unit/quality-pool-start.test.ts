// A quality worker that cannot start (its file missing from a broken install) must not be
// replaced forever: the pool gives up after a few failed starts and photos are kept without a hint.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { createQualityAssessor } from '../../src/main/core/imaging/quality-pool.ts';

describe('quality pool start failures', () => {
  it('stops replacing a worker that dies before it ever answers, and answers "no hint"', async () => {
    let spawned = 0;
    const pool = createQualityAssessor({ workerFile: path.join(tmpdir(), 'no-such-quality-worker.js'), onSpawn: () => spawned++ });
    const raw = { data: new Uint8Array(16 * 16 * 3), width: 16, height: 16, channels: 3 } as unknown as Parameters<typeof pool.assess>[0];
    for (let i = 0; i < 5; i++) expect(await pool.assess(raw)).toBeNull();
    // Give a runaway loop time to show itself.
    await new Promise((r) => setTimeout(r, 500));
    expect(spawned).toBe(3);
    expect(await pool.assess(raw)).toBeNull();
    await pool.close();
  });
});
