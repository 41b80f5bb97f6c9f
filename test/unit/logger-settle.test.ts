// The station's last log lines must be in the file when close() resolves: an update's restart
// ends the process right after. pino's flush(cb) calls back at once while sonic-boom's
// asynchronous write is still in flight; settleLog waits for it.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, settleLog } from '../../src/main/core/kernel/logger.ts';

describe('settleLog', () => {
  it('resolves only once the lines logged so far are in the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-log-'));
    const log = createLogger(dir);
    for (let i = 0; i < 200; i++) log.info({ i }, 'a line');
    log.info('station stopped');
    await settleLog(log);
    const text = readFileSync(path.join(dir, 'logs', 'station.log'), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(201);
    expect(text).toMatch(/"msg":"station stopped"\}\n$/);
  });

  it('returns at once when nothing is being written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-log-'));
    const log = createLogger(dir);
    log.info('one');
    await settleLog(log);
    const t = Date.now();
    await settleLog(log, 10_000);
    expect(Date.now() - t).toBeLessThan(5_000); // not the limit: nothing was in flight
  });
});
