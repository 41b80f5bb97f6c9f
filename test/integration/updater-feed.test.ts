// The real electron-updater under plain Node, driven by the station's updater facade, against a
// loopback feed that electron-builder itself wrote (test/fixtures/update-feed.ts: our
// electron-builder.yml, a stand-in Electron binary and placeholder installers with real
// blockmaps). What stands in for what (test/fixtures/update-client.ts): an AppAdapter object for
// Electron's `app`, the core's NodeHttpExecutor for Electron's net executor, a signature hook for
// Windows' Authenticode check; everything else (AppImageUpdater, NsisUpdater, GenericProvider,
// the differential downloader, sha512 checks, the facade, SQLite) is the real code.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppUpdater } from 'electron-updater';
import { openDatabase } from '../../src/main/core/store/connection.ts';
import { SettingsRepo } from '../../src/main/core/store/settings.ts';
import { UpdatesRepo } from '../../src/main/core/store/updates.ts';
import { silentLogger } from '../../src/main/core/kernel/logger.ts';
import { UpdateService, type UpdaterLike } from '../../src/main/core/updates/service.ts';
import type { UpdateSettingsPatch } from '../../src/shared/updates.ts';
import { builtVersion, feedFiles, installerBytes, type BuiltVersion } from '../fixtures/update-feed.ts';
import { appImageUpdater, appUpdateYml, cacheInstaller, nsisUpdater, startFeedServer, testApp, type FeedServer, type TestApp } from '../fixtures/update-client.ts';
import { tempDir } from '../fixtures/headless.ts';
import { repoRoot } from '../fixtures/headless.ts';

let feed: FeedServer;
let linux123: BuiltVersion;
let win122: BuiltVersion;
let win123: BuiltVersion;
let beta: BuiltVersion;
const services: UpdateService[] = [];

function serveBuild(b: BuiltVersion): void {
  for (const f of feedFiles(b)) feed.put(f, path.join(b.outDir, f));
}

beforeAll(async () => {
  feed = await startFeedServer();
  [linux123, win122, win123, beta] = await Promise.all([
    builtVersion('linux', '1.2.3'),
    builtVersion('win', '1.2.2'),
    builtVersion('win', '1.2.3'),
    builtVersion('linux', '1.3.0-beta.1'),
  ]);
}, 120_000);

afterAll(async () => {
  await feed.close();
});

afterEach(() => {
  for (const s of services.splice(0)) s.close();
  feed.reset();
});

/** The station's facade over a real SQLite store; `workstationId` fixes the rollout bucket. */
function facade(version: string, opts: { workstationId?: string; settings?: UpdateSettingsPatch } = {}): { service: UpdateService; changes: number[] } {
  const { db } = openDatabase(path.join(tempDir('updates-db'), 'station.db'));
  if (opts.workstationId) new SettingsRepo(db).set('updates.workstationId', opts.workstationId);
  const changes: number[] = [];
  const service = new UpdateService({ repo: new UpdatesRepo(db), log: silentLogger(), version, changed: () => changes.push(1) });
  // No cap unless a test sets one: the default (4000 kbit/s) would make each 2 MB download take 4 s.
  service.updateSettings({ bandwidthCapKbps: null, ...opts.settings });
  services.push(service);
  return { service, changes };
}

type Outcome = { event: 'downloaded' | 'not-available'; version: string } | { event: 'error'; code: string };

/** The first of: downloaded, not available, error. */
function outcome(u: AppUpdater): Promise<Outcome> {
  return new Promise((resolve) => {
    u.once('update-downloaded', (e) => resolve({ event: 'downloaded', version: e.version }));
    u.once('update-not-available', (i) => resolve({ event: 'not-available', version: i.version }));
    u.once('error', (e) => resolve({ event: 'error', code: String((e as { code?: string }).code) }));
  });
}

const asPort = (u: AppUpdater) => u as unknown as UpdaterLike;

describe('electron-builder writes the feed (our electron-builder.yml, offline)', () => {
  it('names artifacts by version and arch, writes blockmaps, and puts a beta only into beta*.yml', () => {
    expect(feedFiles(win123).sort()).toEqual(['alpha.yml', 'beta.yml', 'capture-station-1.2.3-x64.exe', 'capture-station-1.2.3-x64.exe.blockmap', 'latest.yml']);
    expect(feedFiles(linux123)).toContain('latest-linux.yml');
    expect(readFileSync(path.join(linux123.outDir, 'latest-linux.yml'), 'utf8')).toMatch(/blockMapSize: \d+/);
    // No hard-coded channel: a prerelease never lands in latest*.yml.
    expect(feedFiles(beta)).toContain('beta-linux.yml');
    expect(feedFiles(beta)).not.toContain('latest-linux.yml');
    // The packaged app's own app-update.yml: the generic provider, no fixed channel beyond the default.
    expect(linux123.appUpdateYml).toMatch(/provider: generic/);
    expect(linux123.appUpdateYml).toMatch(/url: https:\/\/updates\.example\.invalid\/capture-station/);
  });
});

describe('the real AppImageUpdater through the facade', () => {
  it('finds 1.2.3, downloads it in the background with progress through the bandwidth cap, and is ready', async () => {
    serveBuild(linux123);
    const app = testApp('1.0.0', appUpdateYml('https://updates.example.invalid/never-used/'));
    const updater = appImageUpdater(app);
    // The feed override (an IT setting) replaces the url baked into app-update.yml.
    const { service } = facade('1.0.0', { settings: { feedUrl: feed.url, bandwidthCapKbps: 100_000 } });
    const progress: number[] = [];
    updater.on('download-progress', (p) => progress.push(p.percent));
    const done = outcome(updater);
    service.attach(asPort(updater));
    expect(service.status().phase).toBe('idle');
    await service.check();
    expect(await done).toEqual({ event: 'downloaded', version: '1.2.3' });
    const s = service.status();
    expect(s.phase).toBe('ready');
    expect(s.available?.version).toBe('1.2.3');
    expect(s.restart).toEqual({ allowed: true, waitingFor: [], armed: false });
    expect(progress.at(-1)).toBe(100);
    // The yml, then the AppImage (the updater may first try a differential range against the running file).
    expect(feed.served[0]!.path).toBe('latest-linux.yml');
    expect(new Set(feed.served.slice(1).map((r) => r.path))).toEqual(new Set(['capture-station-1.2.3-x64.AppImage']));
    // The rollout header carries this workstation's id, not the OS user's .updaterId.
    expect(feed.served[0]!.headers['x-user-staging-id']).toBe(service.workstationId);
    // The policy the facade applied: background download, install at quit, no downgrade.
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(updater.allowDowngrade).toBe(false);
    expect(app.quits).toBe(0);

    // Restarted (a new updater on the same cache): only the yml is fetched; the download is reused.
    feed.reset();
    const again = appImageUpdater(app);
    const { service: s2 } = facade('1.0.0', { settings: { feedUrl: feed.url } });
    const done2 = outcome(again);
    s2.attach(asPort(again));
    await s2.check();
    expect(await done2).toEqual({ event: 'downloaded', version: '1.2.3' });
    expect(feed.served.map((r) => r.path)).toEqual(['latest-linux.yml']);
  });

  it('rejects a download whose sha512 does not match: the old version keeps running, with a clear message', async () => {
    serveBuild(linux123);
    const yml = readFileSync(path.join(linux123.outDir, 'latest-linux.yml'), 'utf8');
    const wrong = 'A'.repeat(86) + '==';
    feed.put('latest-linux.yml', Buffer.from(yml.replace(/sha512: .+/g, `sha512: ${wrong}`)));
    const app = testApp('1.0.0', appUpdateYml(feed.url));
    const updater = appImageUpdater(app);
    const { service } = facade('1.0.0');
    const done = outcome(updater);
    service.attach(asPort(updater));
    await service.check();
    expect(await done).toEqual({ event: 'error', code: 'ERR_CHECKSUM_MISMATCH' });
    const s = service.status();
    expect(s.phase).toBe('error');
    expect(s.currentVersion).toBe('1.0.0');
    expect(s.message).toMatch(/did not match its published checksum.*This version keeps running and nothing was installed/);
    expect(s.restart.allowed).toBe(false);
    const pending = path.join(app.cache, 'capture-station-updater', 'pending');
    expect(readdirSync(pending).filter((f) => f.endsWith('.AppImage'))).toEqual([]);
    expect(app.quits).toBe(0);
  });

  // Workstation ids whose bucket (electron-updater's rule: the UUID's last 4 bytes) is 0.25 and 0.75.
  const LOW = '00000000-0000-4000-8000-000040000000';
  const HIGH = '00000000-0000-4000-8000-0000c0000000';
  it.each([
    [0, LOW, 'not-available'],
    [0, HIGH, 'not-available'],
    [50, LOW, 'downloaded'],
    [50, HIGH, 'not-available'],
    [100, LOW, 'downloaded'],
    [100, HIGH, 'downloaded'],
  ])('staged rollout at %i %% with workstation %s: %s', async (pct, id, expected) => {
    serveBuild(linux123);
    const yml = readFileSync(path.join(linux123.outDir, 'latest-linux.yml'), 'utf8');
    feed.put('latest-linux.yml', Buffer.from(`${yml}stagingPercentage: ${pct}\n`));
    const updater = appImageUpdater(testApp('1.0.0', appUpdateYml(feed.url)));
    const { service } = facade('1.0.0', { workstationId: id });
    const done = outcome(updater);
    service.attach(asPort(updater));
    await service.check();
    expect((await done).event).toBe(expected);
    expect(feed.served[0]!.headers['x-user-staging-id']).toBe(id);
  });

  it('never offers a prerelease to a stable workstation, even when one lands in latest-linux.yml; beta takes it', async () => {
    // The trap: a beta published into latest-linux.yml (what a hard-coded `channel: latest` does).
    feed.put('latest-linux.yml', path.join(beta.outDir, 'beta-linux.yml'));
    feed.put('beta-linux.yml', path.join(beta.outDir, 'beta-linux.yml'));
    for (const f of feedFiles(beta)) if (f.endsWith('.AppImage')) feed.put(f, path.join(beta.outDir, f));
    const stable = appImageUpdater(testApp('1.0.0', appUpdateYml(feed.url)));
    const { service } = facade('1.0.0');
    const done = outcome(stable);
    service.attach(asPort(stable));
    await service.check();
    expect(await done).toEqual({ event: 'not-available', version: '1.3.0-beta.1' });
    expect(service.status().phase).toBe('up-to-date');

    feed.reset();
    const betaUpdater = appImageUpdater(testApp('1.0.0', appUpdateYml(feed.url)));
    const { service: betaService } = facade('1.0.0', { settings: { channel: 'beta' } });
    const done2 = outcome(betaUpdater);
    betaService.attach(asPort(betaUpdater));
    // Setting the channel turned allowDowngrade on inside electron-updater; the facade turned it off again.
    expect(betaUpdater.channel).toBe('beta');
    expect(betaUpdater.allowDowngrade).toBe(false);
    await betaService.check();
    expect(await done2).toEqual({ event: 'downloaded', version: '1.3.0-beta.1' });
    expect(feed.served[0]!.path).toBe('beta-linux.yml');
  });

  it('downloads through the proxy setting (Node executor)', async () => {
    serveBuild(linux123);
    const proxied: string[] = [];
    // A forwarding HTTP proxy on loopback (absolute-form request targets).
    const proxy = createServer((req, res) => {
      proxied.push(req.url ?? '');
      const up = httpRequest(req.url!, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const { service } = facade('1.0.0', { settings: { proxy: proxyUrl } });
      const updater = appImageUpdater(testApp('1.0.0', appUpdateYml(feed.url)), () => service.proxy());
      const done = outcome(updater);
      service.attach(asPort(updater));
      await service.check();
      expect(await done).toMatchObject({ event: 'downloaded' });
      // Every request went through the proxy (the AppImage updater may first try a differential range).
      expect(proxied.length).toBe(feed.served.length);
      expect(new Set(proxied.map((u) => new URL(u).pathname))).toEqual(new Set(['/latest-linux.yml', '/capture-station-1.2.3-x64.AppImage']));
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

describe('the real NsisUpdater (told it runs on Windows) through the facade', () => {
  /** The publisher names our electron-builder.yml declares (what a Windows build puts into app-update.yml). */
  const publisherNames = (): string[] => {
    const text = readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8');
    const block = /publisherName:\n((?:\s+- .+\n)+)/.exec(text)![1]!;
    return block.trim().split('\n').map((l) => l.replace(/^\s*-\s*/, '').trim());
  };

  it('refuses an installer the signature check rejects: clear message, old version keeps running', async () => {
    serveBuild(win123);
    const app: TestApp = testApp('1.0.0', appUpdateYml(feed.url, { publisherName: publisherNames() }));
    const updater = nsisUpdater(app);
    const asked: { names: string[]; file: string }[] = [];
    // Stands in for Windows' Get-AuthenticodeSignature (PowerShell): says the signer is someone else.
    updater.verifyUpdateCodeSignature = async (names, file) => {
      asked.push({ names, file });
      return 'publisherNames: Example Clinic Software GmbH, raw info: {"SignerCertificate": "CN=Somebody Else"}';
    };
    const { service } = facade('1.0.0');
    const done = outcome(updater);
    service.attach(asPort(updater));
    await service.check();
    expect(await done).toEqual({ event: 'error', code: 'ERR_UPDATER_INVALID_SIGNATURE' });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.names).toEqual(publisherNames());
    const s = service.status();
    expect(s.phase).toBe('error');
    expect(s.message).toMatch(/not signed by the publisher this station trusts.*This version keeps running/);
    expect(app.quits).toBe(0);
  });

  it('downloads only the changed blocks from 1.2.2 to 1.2.3 (differential, single ranges)', async () => {
    serveBuild(win122);
    serveBuild(win123);
    const app = testApp('1.2.2', appUpdateYml(feed.url, { useMultipleRangeRequest: false, publisherName: publisherNames() }));
    // The installer of the running version, as the previous update left it in the cache.
    cacheInstaller(app, installerBytes('1.2.2'));
    const updater = nsisUpdater(app, { differential: true });
    updater.verifyUpdateCodeSignature = async () => null; // stands in for a valid Authenticode signature
    const { service } = facade('1.2.2', { settings: { bandwidthCapKbps: null } });
    const done = outcome(updater);
    service.attach(asPort(updater));
    await service.check();
    expect(await done).toEqual({ event: 'downloaded', version: '1.2.3' });
    const exe = 'capture-station-1.2.3-x64.exe';
    const size = installerBytes('1.2.3').length;
    const ranged = feed.served.filter((r) => r.path === exe);
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged.every((r) => r.status === 206 && r.range !== null && !r.range.includes(','))).toBe(true);
    expect(feed.bytesFor(exe)).toBeLessThan(size / 10);
    expect(feed.served.map((r) => r.path)).toEqual(expect.arrayContaining(['latest.yml', 'capture-station-1.2.2-x64.exe.blockmap', `${exe}.blockmap`]));
    expect(service.status().phase).toBe('ready');
  });
});
