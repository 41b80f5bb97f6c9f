// The updater's decisions (core/updates/policy.ts) as pure functions, and the bandwidth cap on
// the responses electron-updater reads (core/updates/throttle.ts) with a recording limiter.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  examCapturing,
  FIRST_CHECK_DELAY_MS,
  managedInstall,
  nextCheckAt,
  restartDecision,
  rolloutBucket,
  updateFailure,
  versionAllowedOnChannel,
  withinRollout,
} from '../../src/main/core/updates/policy.ts';
import { throttleResponses } from '../../src/main/core/updates/throttle.ts';
import { updateSettingsSchema, updateUrlProblem } from '../../src/shared/updates.ts';

describe('when to check', () => {
  it('a minute after start, then every interval after the last check', () => {
    expect(nextCheckAt(null, 1_000, 4)).toBe(1_000 + FIRST_CHECK_DELAY_MS);
    expect(nextCheckAt(10_000, 1_000, 4)).toBe(10_000 + 4 * 3_600_000);
  });
});

describe('channels', () => {
  it('stable never takes a prerelease; beta takes both; nonsense is refused', () => {
    expect(versionAllowedOnChannel('1.2.3', 'stable')).toBe(true);
    expect(versionAllowedOnChannel('1.3.0-beta.1', 'stable')).toBe(false);
    expect(versionAllowedOnChannel('1.3.0-beta.1', 'beta')).toBe(true);
    expect(versionAllowedOnChannel('1.2.3', 'beta')).toBe(true);
    expect(versionAllowedOnChannel('latest', 'beta')).toBe(false);
  });
});

describe('staged rollout per workstation', () => {
  it("buckets a UUID by electron-updater's rule and anything else by hash, stably", () => {
    expect(rolloutBucket('00000000-0000-4000-8000-000040000000')).toBeCloseTo(0.25, 5);
    expect(rolloutBucket('00000000-0000-4000-8000-0000c0000000')).toBeCloseTo(0.75, 5);
    expect(rolloutBucket('workstation-7')).toBe(rolloutBucket('workstation-7'));
  });
  it('0 % reaches nobody, 100 % and no percentage everybody, 50 % the lower half', () => {
    const low = '00000000-0000-4000-8000-000040000000';
    const high = '00000000-0000-4000-8000-0000c0000000';
    expect([withinRollout(0, low), withinRollout(50, low), withinRollout(50, high), withinRollout(100, high), withinRollout(undefined, high)]).toEqual([
      false,
      true,
      false,
      true,
      true,
    ]);
    expect(withinRollout('50', low)).toBe(true);
  });
});

describe('the restart gate', () => {
  it('allows a restart only when no source is busy, and names what it waits for; a failing source counts as busy', () => {
    const src = (name: string, busy: boolean | 'throws') => ({
      name,
      label: `${name} busy`,
      busy: () => {
        if (busy === 'throws') throw new Error('x');
        return busy;
      },
    });
    expect(restartDecision([src('exam', false), src('sync-upload', false)])).toEqual({ allowed: true, waitingFor: [], busyNames: [] });
    expect(restartDecision([src('exam', true), src('camera-import', false), src('dicom', 'throws')])).toEqual({
      allowed: false,
      waitingFor: ['exam busy', 'dicom busy'],
      busyNames: ['exam', 'dicom'],
    });
  });

  it('an exam is capturing when marked "capturing now", or unfinished with a photo in the last 20 minutes', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    expect(examCapturing([], now)).toBe(false);
    expect(examCapturing([{ capturingNow: true, status: 'scheduled', lastActivityAt: null }], now)).toBe(true);
    expect(examCapturing([{ capturingNow: false, status: 'capturing', lastActivityAt: at(5) }], now)).toBe(true);
    expect(examCapturing([{ capturingNow: false, status: 'capturing', lastActivityAt: at(25) }], now)).toBe(false);
    expect(examCapturing([{ capturingNow: false, status: 'complete', lastActivityAt: at(1) }], now)).toBe(false);
  });
});

describe('failures in words', () => {
  it('checksum, signature, network: says the old version keeps running; logs only a code', () => {
    const sum = updateFailure(Object.assign(new Error('sha512 checksum mismatch, expected X, got Y'), { code: 'ERR_CHECKSUM_MISMATCH' }));
    expect(sum.code).toBe('ERR_CHECKSUM_MISMATCH');
    expect(sum.message).toMatch(/checksum.*keeps running/);
    expect(updateFailure(Object.assign(new Error('x'), { code: 'ERR_UPDATER_INVALID_SIGNATURE' })).message).toMatch(/not signed/);
    expect(updateFailure(Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' })).message).toMatch(/cannot be reached/);
    expect(updateFailure('weird').code).toBe('UNKNOWN');
  });
});

describe('installs IT manages', () => {
  it('Program Files on Windows and deb/rpm on Linux are managed; a per-user install and an AppImage update themselves', () => {
    const env = { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)' };
    expect(managedInstall({ platform: 'win32', exePath: 'C:\\Program Files\\Capture Station\\Capture Station.exe', env, packageType: null })).toMatch(/all users/);
    expect(managedInstall({ platform: 'win32', exePath: 'C:\\Users\\a\\AppData\\Local\\Programs\\capture-station\\Capture Station.exe', env, packageType: null })).toBeNull();
    expect(managedInstall({ platform: 'linux', exePath: '/opt/Capture Station/capture-station', env: {}, packageType: 'deb' })).toMatch(/deb/);
    expect(managedInstall({ platform: 'linux', exePath: '/tmp/.mount/capture-station', env: {}, packageType: 'AppImage' })).toBeNull();
  });
});

describe('update settings', () => {
  it('defaults: self-update on, stable, every 4 hours, a 4 Mbit/s cap, system proxy, built-in feed', () => {
    expect(updateSettingsSchema.parse({})).toEqual({ enabled: true, channel: 'stable', checkIntervalHours: 4, bandwidthCapKbps: 4000, proxy: null, feedUrl: null });
  });
  it('a feed must be https (http only on loopback); a proxy must be a web address', () => {
    expect(updateUrlProblem('https://updates.example.org/cs/', 'feed')).toBeNull();
    expect(updateUrlProblem('http://updates.example.org/cs/', 'feed')).toMatch(/https/);
    expect(updateUrlProblem('http://127.0.0.1:8080/', 'feed')).toBeNull();
    expect(updateSettingsSchema.safeParse({ proxy: 'proxy:3128' }).success).toBe(false);
    expect(updateSettingsSchema.safeParse({ proxy: 'http://proxy.clinic.local:3128' }).success).toBe(true);
  });
});

describe('the bandwidth cap on downloads', () => {
  it('every byte electron-updater reads went through the limiter at the current cap; no cap passes the response through', async () => {
    const taken: { kbps: number; bytes: number }[] = [];
    let cap: number | null = 800;
    const executor = {
      createRequest(_o: unknown, cb: (r: IncomingMessage) => void) {
        const res = Object.assign(new PassThrough(), { statusCode: 206, statusMessage: 'Partial Content', headers: { 'content-length': '6' } });
        queueMicrotask(() => {
          cb(res as unknown as IncomingMessage);
          res.end(Buffer.from('abcdef'));
        });
        return new EventEmitter();
      },
    };
    throttleResponses(executor, () => cap, (kbps) => ({ take: async (bytes) => void taken.push({ kbps, bytes }) }));
    const read = () =>
      new Promise<{ status: number | undefined; body: string; same: boolean; res: IncomingMessage }>((resolve) => {
        executor.createRequest({}, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode, body, same: false, res }));
        });
      });
    const first = await read();
    expect(first).toMatchObject({ status: 206, body: 'abcdef' });
    expect(taken).toEqual([{ kbps: 800, bytes: 6 }]);
    cap = null;
    taken.length = 0;
    expect((await read()).body).toBe('abcdef');
    expect(taken).toEqual([]);
  });
});
