// The IT lock through the real dispatch (the one both hosts use) on a real Station in a temp
// folder: with a PIN set and the session locked, every IT-only method is refused with the plain
// sentence and settings stay as they were, the operator's methods work; the PIN opens a session
// that locks again when idle or by hand; wrong PINs are counted across restarts and audited
// without the PIN. The station's clock for the lock is injected, so no test waits.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { dispatch } from '../../src/main/core/api/dispatch.ts';
import { LOCKED_MESSAGE, methods, type MethodInput, type MethodName, type MethodOutput } from '../../src/shared/contract/index.ts';
import { StationError } from '../../src/shared/errors.ts';
import { startHost, tempDir, type RunningHost } from '../fixtures/headless.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
const PIN = '482913';
const RULE = { id: 'site', name: 'Site rule', pattern: '^(?<patientId>\\d+)_(?<eye>OD|OS)_' };
const MINUTE = 60_000;

let clock = Date.parse('2025-03-01T09:00:00Z');
const open: Station[] = [];

async function openStation(dataDir = tempDir('itlock')): Promise<Station> {
  const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, logger: silentLogger(), quality: false, watchVolumes: false, itLock: { now: () => clock } });
  open.push(s);
  return s;
}

const call = <M extends MethodName>(s: Station, m: M, input?: MethodInput<M>) => dispatch(s.api, m, input ?? {}) as Promise<MethodOutput<M>>;
const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as StationError);

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('IT lock through dispatch', () => {
  it('a fresh station has no PIN and is unlocked: IT settings can be changed at once', async () => {
    const s = await openStation();
    expect(await call(s, 'itLock.status')).toMatchObject({ pinSet: false, locked: false, waitSeconds: 0 });
    expect((await call(s, 'settings.update', { fileNameRules: [RULE] })).fileNameRules).toHaveLength(1);
    expect(await call(s, 'itLock.lock')).toMatchObject({ locked: false }); // nothing to lock without a PIN
  });

  it('locked: refuses every IT-only method with the sentence, changes nothing, and lets the operator work', async () => {
    const s = await openStation();
    const watched = tempDir('watched');
    await call(s, 'sources.add', { path: watched });
    expect(await call(s, 'itLock.setPin', { newPin: PIN })).toMatchObject({ pinSet: true, locked: false });
    expect(await call(s, 'itLock.lock')).toMatchObject({ pinSet: true, locked: true, unlockedUntil: null });

    const itOnly = (Object.keys(methods) as MethodName[]).filter((m) => 'itOnly' in methods[m]);
    expect(itOnly).toContain('settings.update');
    for (const m of itOnly) {
      const e = await refusal(dispatch(s.api, m, {}));
      expect(e, m).toBeInstanceOf(StationError);
      expect(e!.code, m).toBe('locked');
      expect(e!.message, m).toBe(LOCKED_MESSAGE);
    }
    // A valid change is refused too, and nothing changed.
    expect((await refusal(call(s, 'settings.update', { fileNameRules: [RULE] })))?.code).toBe('locked');
    expect((await call(s, 'settings.get')).fileNameRules).toEqual([]);
    const other = path.join(tempDir('other'), 'x');
    mkdirSync(other);
    expect((await refusal(call(s, 'sources.add', { path: other })))?.code).toBe('locked');
    expect((await call(s, 'sources.list')).items.map((x) => x.path)).toEqual([watched]);

    // The operator's work goes on.
    await call(s, 'operators.add', { name: 'Ana' });
    const scheduledAt = new Date().toISOString();
    const created = await call(s, 'orders.create', { order: { patientId: 'P1', name: 'Walk-in, Test', birthDate: '1950-01-01', sex: 'F', scheduledAt } });
    expect(created.created).toBe(true);
    expect((await call(s, 'worklist.list', { allDays: true, allSites: true })).items).toHaveLength(1);
    await call(s, 'sync.pause');
    await call(s, 'sync.resume');
    expect(await call(s, 'sync.settings.get')).toBeTruthy();
    expect(await call(s, 'worklist.settings.get')).toBeTruthy();
  });

  it('the PIN opens a session (IT-only methods work), "Lock now" and idle time lock it again', async () => {
    const s = await openStation();
    await call(s, 'itLock.setPin', { newPin: PIN });
    await call(s, 'itLock.lock');
    const unlocked = await call(s, 'itLock.unlock', { pin: PIN });
    expect(unlocked).toMatchObject({ locked: false, idleMinutes: 10, unlockedUntil: new Date(clock + 10 * MINUTE).toISOString() });
    expect((await call(s, 'settings.update', { fileNameRules: [RULE] })).fileNameRules).toHaveLength(1);

    // Each IT change starts the idle time again...
    clock += 9 * MINUTE;
    await call(s, 'settings.update', { maxFileMegabytes: 300 });
    clock += 9 * MINUTE;
    expect((await call(s, 'itLock.status')).locked).toBe(false);
    // ...and ten minutes without one lock it.
    clock += 1 * MINUTE + 1;
    expect((await call(s, 'itLock.status')).locked).toBe(true);
    expect((await refusal(call(s, 'settings.update', { maxFileMegabytes: 200 })))?.message).toBe(LOCKED_MESSAGE);

    await call(s, 'itLock.unlock', { pin: PIN });
    expect((await call(s, 'itLock.lock')).locked).toBe(true);
    expect((await refusal(call(s, 'settings.update', { maxFileMegabytes: 200 })))?.code).toBe('locked');
    expect((await call(s, 'settings.get')).maxFileMegabytes).toBe(300);
  });

  it('wrong PINs: counted, five free, then a wait that a restart does not reset; audited without the PIN', async () => {
    const dataDir = tempDir('itlock-restart');
    let s = await openStation(dataDir);
    await call(s, 'itLock.setPin', { newPin: PIN });
    await call(s, 'itLock.lock');
    for (let i = 1; i <= 4; i++) {
      const e = await refusal(call(s, 'itLock.unlock', { pin: `00000${i}` }));
      expect(e?.code).toBe('locked');
      expect(e?.message).toBe(`That PIN is not right. ${5 - i} more ${5 - i === 1 ? 'try' : 'tries'} before a wait.`);
    }
    expect((await refusal(call(s, 'itLock.unlock', { pin: '000005' })))?.message).toBe('That PIN is not right. Wait 30 seconds before the next try.');
    await s.close();

    s = await openStation(dataDir);
    expect(await call(s, 'itLock.status')).toMatchObject({ pinSet: true, locked: true, waitSeconds: 30 });
    // Even the right PIN waits.
    expect((await refusal(call(s, 'itLock.unlock', { pin: PIN })))?.message).toBe('Too many wrong PINs. Wait 30 seconds, then try again.');
    clock += 30_000;
    expect(await call(s, 'itLock.unlock', { pin: PIN })).toMatchObject({ locked: false, waitSeconds: 0 });

    const audit = s.db.prepare('SELECT operator, action, before, after FROM audit ORDER BY seq').all() as Record<string, string | null>[];
    expect(audit.map((a) => a.action)).toEqual(['it-lock-pin-set', 'it-lock-lock', ...Array(5).fill('it-lock-pin-wrong'), 'it-lock-unlock']);
    expect(audit[2]).toMatchObject({ operator: 'IT lock (nobody signed in)', after: '{"wrongInARow":1}' });
    const everything = JSON.stringify(s.db.prepare('SELECT * FROM audit').all()) + JSON.stringify(s.db.prepare('SELECT * FROM settings').all());
    for (const typed of [PIN, '000001', '000005']) expect(everything).not.toContain(typed);
  });

  it('changing or removing the PIN needs the current one; without a PIN everything is open again', async () => {
    const s = await openStation();
    await call(s, 'itLock.setPin', { newPin: PIN });
    expect((await refusal(call(s, 'itLock.setPin', { newPin: '777777' })))?.message).toBe('Type the current PIN to change it.');
    expect((await refusal(call(s, 'itLock.setPin', { currentPin: '111111', newPin: '777777' })))?.code).toBe('locked');
    expect((await refusal(call(s, 'itLock.setPin', { currentPin: PIN, newPin: '123' })))?.message).toContain('at least 6 characters');
    await call(s, 'itLock.setPin', { currentPin: PIN, newPin: '777777' });
    await call(s, 'itLock.lock');
    expect((await refusal(call(s, 'itLock.unlock', { pin: PIN })))?.code).toBe('locked');
    await call(s, 'itLock.unlock', { pin: '777777' });
    expect((await refusal(call(s, 'itLock.removePin', { currentPin: PIN })))?.code).toBe('locked');
    expect(await call(s, 'itLock.removePin', { currentPin: '777777' })).toMatchObject({ pinSet: false, locked: false });
    await call(s, 'itLock.lock');
    expect((await call(s, 'settings.update', { fileNameRules: [RULE] })).fileNameRules).toHaveLength(1);
  });
});

describe('IT lock on the real headless host (HTTP)', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ watchDirs: [] });
  }, 40_000);
  afterAll(async () => {
    await host?.kill9();
  });

  it('a locked IT-only call is answered 403 with code "locked" and the sentence', async () => {
    await host.call('itLock.setPin', { newPin: PIN });
    await host.call('itLock.lock');
    const res = await host.callRaw('settings.update', { maxFileMegabytes: 100 });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'locked', message: LOCKED_MESSAGE } });
    await host.call('itLock.unlock', { pin: PIN });
    expect(await host.call<{ maxFileMegabytes: number }>('settings.update', { maxFileMegabytes: 100 })).toMatchObject({ maxFileMegabytes: 100 });
  });
});
