// dispatch, shared by both hosts, logs an unexpected failure once (stack and a reference, never the
// input or the error's message) and answers with that reference; expected failures are not logged.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/api/dispatch.ts';
import type { StationApi } from '../../src/main/core/api/types.ts';
import { StationError } from '../../src/shared/errors.ts';

function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ base: undefined }, sink), lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** An api whose station.info fails the way a real handler can: a file it reads is missing. */
const apiThrowing = (err: unknown) =>
  ({
    'station.info': () => {
      throw err;
    },
  }) as unknown as StationApi;

const missingFile = () => Object.assign(new Error("ENOENT: no such file or directory, open '/exports/Doe_Jane_1970/IMG_1.jpg'"), { code: 'ENOENT' });

describe('dispatch and unexpected errors', () => {
  it('logs one line with a reference, the stack frames and the code, and answers with the same reference', async () => {
    const { log, lines } = capturedLogger();
    const err = await dispatch(apiThrowing(missingFile()), 'station.info', { note: 'Jane Doe' }, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StationError);
    const e = err as StationError;
    expect(e.code).toBe('internal');
    expect(e.ref).toMatch(/^[0-9a-f]{10}$/);
    expect(e.message).toContain(e.ref);
    const logged = lines();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, ref: e.ref, method: 'station.info', name: 'Error', code: 'ENOENT', msg: 'unexpected error' });
    expect(logged[0]!.stack).toMatch(/\n\s+at /);
    // Neither the error's message (it names a file) nor the input reaches the log.
    expect(JSON.stringify(logged[0])).not.toMatch(/Doe|Jane|IMG_1/);
  });

  it('a thrown non-Error is logged too', async () => {
    const { log, lines } = capturedLogger();
    const e = (await dispatch(apiThrowing('boom'), 'station.info', {}, log).catch((x: unknown) => x)) as StationError;
    expect(e.code).toBe('internal');
    expect(lines()).toMatchObject([{ ref: e.ref, name: 'string' }]);
  });

  it('does not log what it expects: a StationError, bad input, an unknown method', async () => {
    const { log, lines } = capturedLogger();
    const conflict = await dispatch(apiThrowing(new StationError('conflict', 'Already done.')), 'station.info', {}, log).catch((x: unknown) => x);
    expect(conflict).toMatchObject({ code: 'conflict', ref: undefined });
    expect(await dispatch(apiThrowing(new Error('x')), 'no.such', {}, log).catch((x: unknown) => x)).toMatchObject({ code: 'not-found' });
    expect(lines()).toHaveLength(0);
  });
});
