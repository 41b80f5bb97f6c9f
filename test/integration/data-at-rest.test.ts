// Data at rest (issue 12 item 8), on real temp folders, a real SQLite file, a real secrets file
// and a real HTTP worklist server on loopback:
// - the data folder and everything the station creates in it are private (0700 / 0600),
// - a folder an older version left readable (755 / 644) is tightened at start,
// - the worklist server's token is kept in the SecretStore, never in station.db or its WAL, also
//   when an older version had stored it in clear, and it still works for fetching.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Station, type StationConfig } from '../../src/main/core/station.ts';
import { headlessSecretStore, type SecretStore } from '../../src/main/core/sync/secrets.ts';
import { tempDir, waitFor } from '../fixtures/headless.ts';
import { syntheticFundusJpeg } from '../fixtures/fundus.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
const TOKEN = 'wl-bearer-7f3a9c2e51d84b06';
const posix = process.platform !== 'win32';

let server: Server;
let base = '';
let lastAuth: string | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    lastAuth = req.headers.authorization;
    if (lastAuth !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ orders: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/worklist`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

let open: Station[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function station(dataDir: string, secrets: SecretStore, extra: Partial<StationConfig> = {}) {
  // No logger passed: the station makes its own, so logs/ is part of what is checked.
  const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, watch: [], quality: false, secrets, ...extra });
  open.push(s);
  return s;
}

/** Every folder and file under root, with its permission bits. */
function walk(root: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  const visit = (p: string) => {
    const st = lstatSync(p);
    out.push({ path: path.relative(root, p) || '.', dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const n of readdirSync(p)) visit(path.join(p, n));
  };
  visit(root);
  return out;
}

const loose = (root: string) => walk(root).filter((e) => e.mode !== (e.dir ? 0o700 : 0o600)).map((e) => `${e.path} ${e.mode.toString(8)}`);
const contains = (file: string, text: string) => existsSync(file) && readFileSync(file).includes(Buffer.from(text, 'utf8'));

describe.skipIf(!posix)('the data folder is private', () => {
  it('a fresh station creates 0700 folders and 0600 files everywhere: database, WAL, logs, spool, thumbnails, secrets', async () => {
    const dataDir = path.join(tempDir('rest'), 'station-data'); // does not exist yet
    const watchDir = tempDir('watch');
    const s = await station(dataDir, headlessSecretStore(dataDir, {}), { watch: [watchDir] });
    await s.api['worklist.settings.update']({ http: { enabled: false, url: base, token: TOKEN } }); // writes secrets.json
    writeFileSync(path.join(watchDir, 'a.jpg'), await syntheticFundusJpeg({ width: 900, height: 600, seed: 11 }));
    const img = await waitFor(async () => (await s.api['images.list']({ limit: 500 })).items.find((i) => i.status === 'ready'), 15_000, 'a.jpg');
    expect(existsSync(s.spool.pathFor(img.sha256!))).toBe(true);
    expect(existsSync(s.spool.pathFor(img.sha256!, 'thumb'))).toBe(true);
    for (const f of ['station.db', 'station.db-wal', 'station.db-shm', 'secrets.json', path.join('logs', 'station.log')]) {
      expect(existsSync(path.join(dataDir, f)), f).toBe(true);
    }
    expect(loose(dataDir)).toEqual([]);
    await s.close();
    expect(loose(dataDir)).toEqual([]);
  });

  it('an existing folder left readable by others (755 / 644) is made private at start, and the log says so', async () => {
    const dataDir = tempDir('rest');
    const watchDir = tempDir('watch');
    const first = await station(dataDir, headlessSecretStore(dataDir, {}), { watch: [watchDir] });
    writeFileSync(path.join(watchDir, 'b.jpg'), await syntheticFundusJpeg({ width: 800, height: 600, seed: 12 }));
    await waitFor(async () => (await first.api['images.list']({ limit: 500 })).items.find((i) => i.status === 'ready'), 15_000, 'b.jpg');
    await first.close();
    // What an older version left behind: everything readable by every local account.
    for (const e of walk(dataDir)) chmodSync(path.join(dataDir, e.path), e.dir ? 0o755 : 0o644);
    expect(loose(dataDir).length).toBeGreaterThan(5);

    const again = await station(dataDir, headlessSecretStore(dataDir, {}));
    expect(loose(dataDir)).toEqual([]);
    await again.close();
    const log = readFileSync(path.join(dataDir, 'logs', 'station.log'), 'utf8');
    expect(log).toMatch(/"rootWasLoose":true.*data folder made private/);
  });
});

describe('the worklist server token lives in the secret store, not in station.db', () => {
  it('is saved to the store, shown only as a hint, absent from station.db and its WAL, and still sent', async () => {
    const dataDir = tempDir('rest');
    const secrets = headlessSecretStore(dataDir, {});
    const s = await station(dataDir, secrets);
    const view = await s.api['worklist.settings.update']({ http: { enabled: true, url: base, token: TOKEN, pollSeconds: 3600 } });
    expect(view.http).toMatchObject({ tokenSet: true, tokenHint: `…${TOKEN.slice(-4)}` });
    expect(JSON.stringify(view)).not.toContain(TOKEN);
    expect(JSON.stringify(await s.api['worklist.settings.get']({}))).not.toContain(TOKEN);
    expect(secrets.get('worklistHttpToken')).toBe(TOKEN);

    const [http] = (await s.api['worklist.refresh']({})).items;
    expect(http).toMatchObject({ state: 'ok' });
    expect(lastAuth).toBe(`Bearer ${TOKEN}`);
    for (const f of ['station.db', 'station.db-wal']) expect(contains(path.join(dataDir, f), TOKEN), f).toBe(false);

    // Left empty keeps the saved token; another setting changes meanwhile.
    await s.api['worklist.settings.update']({ http: { token: '', timeoutSeconds: 5 } });
    expect(secrets.get('worklistHttpToken')).toBe(TOKEN);
    await s.close();
    for (const f of ['station.db', 'station.db-wal']) expect(contains(path.join(dataDir, f), TOKEN), f).toBe(false);

    // After a restart the token comes from the store and still works; null removes it.
    const again = await station(dataDir, headlessSecretStore(dataDir, {}));
    lastAuth = undefined;
    expect((await again.api['worklist.refresh']({})).items[0]).toMatchObject({ state: 'ok' });
    expect(lastAuth).toBe(`Bearer ${TOKEN}`);
    const removed = await again.api['worklist.settings.update']({ http: { token: null } });
    expect(removed.http).toMatchObject({ tokenSet: false, tokenHint: '' });
    expect(headlessSecretStore(dataDir, {}).get('worklistHttpToken')).toBeNull();
  });

  it('a token from CAPTURE_WORKLIST_TOKEN is used and cannot be changed in the app', async () => {
    const dataDir = tempDir('rest');
    const s = await station(dataDir, headlessSecretStore(dataDir, { CAPTURE_WORKLIST_TOKEN: TOKEN }));
    const view = await s.api['worklist.settings.update']({ http: { enabled: true, url: base, pollSeconds: 3600 } });
    expect(view.http.tokenSet).toBe(true);
    lastAuth = undefined;
    expect((await s.api['worklist.refresh']({})).items[0]).toMatchObject({ state: 'ok' });
    expect(lastAuth).toBe(`Bearer ${TOKEN}`);
    expect(() => s.api['worklist.settings.update']({ http: { token: 'another-token-0000000' } })).toThrow(/CAPTURE_WORKLIST_TOKEN/);
  });

  it('a token an older version stored in clear is moved to the store at start and scrubbed from station.db and the WAL', async () => {
    const dataDir = tempDir('rest');
    const first = await station(dataDir, headlessSecretStore(dataDir, {}));
    await first.close();
    // The old way: the token inside the settings row, rewritten a few times; the first, longer
    // version spilled onto overflow pages that are free pages now (old copies in free space).
    const db = new Database(path.join(dataDir, 'station.db'));
    db.pragma('secure_delete = OFF');
    const row = (timeout: number) =>
      JSON.stringify({
        http: { enabled: true, url: base, token: TOKEN, timeoutSeconds: timeout, pollSeconds: 3600 },
        ...(timeout === 1 && { rejectReasons: Array.from({ length: 20 }, (_, i) => `${'x'.repeat(70)} ${i}`), note: TOKEN.repeat(300) }),
      });
    for (const t of [1, 2, 3]) {
      db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('worklist', ?, 'x') ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(row(t));
    }
    db.close();
    expect(contains(path.join(dataDir, 'station.db'), TOKEN)).toBe(true); // the state the fix must clean up

    const secrets = headlessSecretStore(dataDir, {});
    const s = await station(dataDir, secrets);
    expect(secrets.get('worklistHttpToken')).toBe(TOKEN);
    for (const f of ['station.db', 'station.db-wal']) expect(contains(path.join(dataDir, f), TOKEN), f).toBe(false);
    const view = await s.api['worklist.settings.get']({});
    expect(view.http).toMatchObject({ enabled: true, url: base, timeoutSeconds: 3, tokenSet: true });
    expect((await s.api['worklist.refresh']({})).items[0]).toMatchObject({ state: 'ok' });
    expect(lastAuth).toBe(`Bearer ${TOKEN}`);
    await s.close();
    for (const f of ['station.db', 'station.db-wal']) expect(contains(path.join(dataDir, f), TOKEN), f).toBe(false);
    expect(readFileSync(path.join(dataDir, 'logs', 'station.log'), 'utf8')).not.toContain(TOKEN);
  });
});
