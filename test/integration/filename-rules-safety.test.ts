// Issue 12 item 7 end to end: a file-name rule that backtracks for ever is refused by
// settings.update (400, naming the rule), and one stored by an older version is turned off on load,
// so a hostile file name in the watched folder is taken in without stalling the station.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Station } from '../../src/main/core/station.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { startHost, tempDir, waitFor, type RunningHost } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
const BAD = { id: 'bad', name: 'Old camera rule', pattern: '^(?<patientId>(a+)+)_OD$' };
const GOOD = { id: 'site', name: 'Site rule', pattern: '^(?<patientId>\\d+)_(?<eye>OD|OS)_' };

describe('settings.update on the real headless host', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ watchDirs: [] });
  }, 40_000);
  afterAll(async () => {
    await host?.kill9();
  });

  it('refuses a rule with catastrophic backtracking with a 400 naming the rule, and keeps the good ones', async () => {
    await host.call('settings.update', { fileNameRules: [GOOD] });
    const res = await host.callRaw('settings.update', { fileNameRules: [GOOD, BAD] });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toContain('File-name rule "Old camera rule"');
    expect(res.body.error?.message).toMatch(/would stop the station/);
    const now = await host.call<{ fileNameRules: { id: string }[] }>('settings.get');
    expect(now.fileNameRules.map((r) => r.id)).toEqual(['site']);
  });
});

describe('a rule stored by an older version', () => {
  let open: Station[] = [];
  afterEach(async () => {
    await Promise.all(open.map((s) => s.close()));
    open = [];
  });

  it('is turned off with a notice, and a hostile file name is taken in without stalling', async () => {
    const dataDir = tempDir('data');
    const watchDir = tempDir('watch');
    const first = await Station.open({ dataDir, host: 'headless', version: 'test', urls, logger: silentLogger(), quality: false, watchVolumes: false });
    await first.close();
    // What an older version could store: no safety check then.
    const db = new Database(path.join(dataDir, 'station.db'));
    db.prepare('INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run(
      'station',
      JSON.stringify({ stationName: 'Clinic 4', fileNameRules: [BAD, GOOD] }),
      new Date().toISOString(),
    );
    db.close();

    const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, watch: [watchDir], logger: silentLogger(), quality: false, watchVolumes: false });
    open.push(s);
    const settings = s.settings.get();
    expect(settings.stationName).toBe('Clinic 4'); // the other settings stay
    expect(settings.fileNameRules.map((r) => r.id)).toEqual(['site']);
    expect(s.notices.some((n) => n.level === 'warning' && n.message.includes('"Old camera rule"') && /turned off/.test(n.message))).toBe(true);

    // 40 a's: the old rule would take 2^40 steps on this name; the image arrives with the site rule unused.
    const jpeg = await syntheticFundusJpeg({ width: 500, height: 400, seed: 12 });
    writeFileSync(path.join(watchDir, `${'a'.repeat(40)}!.jpg`), jpeg);
    writeFileSync(path.join(watchDir, '12345_OD_1.jpg'), await syntheticFundusJpeg({ width: 500, height: 400, seed: 13 }));
    const items = await waitFor(async () => {
      const list = (await s.api['images.list']({ limit: 50 })).items;
      return list.filter((i) => i.status === 'ready').length === 2 ? list : undefined;
    }, 20_000, 'both images');
    const byName = (n: string) => items.find((i) => i.fileName === n)!;
    expect(byName('12345_OD_1.jpg').patientId).toBe('12345');
    expect(byName(`${'a'.repeat(40)}!.jpg`).patientId).toBeNull();
  });
});
