// Worklist providers polled by a real Station: a node:http server on 127.0.0.1 that answers well,
// then with garbage, a 500, nothing at all (timeout), and slowly; a real folder of CSV and .wl
// files. A failure keeps the last good worklist and says so; a good answer upserts by
// (source, source_key). The log file must hold neither patient data nor the token.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Station } from '../../src/main/core/station.ts';
import { createLogger } from '../../src/main/core/kernel/logger.ts';
import { tempDir } from '../fixtures/headless.ts';
import { hasSharedData, sharedPath } from '../fixtures/shared-data.ts';

const urls = { thumb: (id: string) => `/t/${id}`, full: (id: string) => `/f/${id}` };
const TOKEN = 'sekret-token-123';
const today = (h: number, m = 0) => {
  const d = new Date();
  d.setHours(h, m, 0, 0);
  return d.toISOString();
};

type Mode = 'good' | 'renamed' | 'bad-json' | '500' | 'hang' | 'slow' | 'wrong-shape';
let mode: Mode = 'good';
let lastAuth: string | undefined;
let server: Server;
let base = '';
const hanging: ServerResponse[] = [];

const orders = (name: string) => ({
  orders: [
    { orderId: 'ORD-1', accessionNumber: 'ACC-1', patient: { id: 'H-1', name, birthDate: '1950-01-02', sex: 'F' }, scheduledAt: today(9, 30) },
    { orderId: 'ORD-2', patient: { id: 'H-2', name: 'Zweite, Person', sex: 'M' }, scheduledAt: today(10) },
    { orderId: 'ORD-3', patient: { name: 'No id' }, scheduledAt: today(11) },
  ],
});

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    lastAuth = req.headers.authorization;
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (mode === 'good') return json(orders('Müller, Anna'));
    if (mode === 'renamed') return json(orders('Müller-Berg, Anna'));
    if (mode === 'wrong-shape') return json({ items: [] });
    if (mode === 'bad-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"orders": [ {"patient": ');
    }
    if (mode === '500') {
      res.writeHead(500);
      return res.end('oops');
    }
    if (mode === 'slow') {
      setTimeout(() => json(orders('Müller, Anna')), 400);
      return;
    }
    hanging.push(res); // 'hang': never answers
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/worklist`;
});

afterAll(async () => {
  for (const r of hanging) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

let open: Station[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function station(dataDir = tempDir('data')) {
  const s = await Station.open({ dataDir, host: 'headless', version: 'test', urls, watch: [], logger: createLogger(dataDir, 'debug') });
  open.push(s);
  return { s, dataDir };
}

const refresh = async (s: Station) => (await s.api['worklist.refresh']({})).items;
const names = async (s: Station) => (await s.api['worklist.list']({})).items.map((o) => o.name).sort();

describe('HTTP worklist provider, polled by the station', () => {
  it('imports, updates in place, and keeps the last good list through garbage, a 500, a timeout and a slow answer', async () => {
    const { s, dataDir } = await station();
    await expect(Promise.resolve().then(() => s.api['worklist.settings.update']({ http: { enabled: true, url: 'ftp://x' } }))).rejects.toThrow(/https:\/\//);

    mode = 'good';
    const view = await s.api['worklist.settings.update']({ http: { enabled: true, url: base, token: TOKEN, timeoutSeconds: 1 } });
    expect(view.http).toMatchObject({ enabled: true, url: base, tokenSet: true });
    expect(JSON.stringify(view)).not.toContain(TOKEN);

    let [http] = await refresh(s);
    expect(lastAuth).toBe(`Bearer ${TOKEN}`);
    expect(http).toMatchObject({ id: 'http', state: 'ok', entryCount: 2, lastError: null });
    expect(http!.rejected).toEqual([{ row: 'orders[2]', reason: expect.stringMatching(/Patient ID/) }]);
    expect(await names(s)).toEqual(['Müller, Anna', 'Zweite, Person']);
    const firstIds = (await s.api['worklist.list']({})).items.map((o) => o.id).sort();

    // The same orders again, one renamed: updated in place, no duplicates, audited.
    mode = 'renamed';
    await refresh(s);
    const after = (await s.api['worklist.list']({})).items;
    expect(after.map((o) => o.id).sort()).toEqual(firstIds);
    const renamed = after.find((o) => o.patientId === 'H-1')!;
    expect(renamed.name).toBe('Müller-Berg, Anna');
    expect(renamed.source).toBe('http');
    const audit = (await s.api['audit.list']({ orderId: renamed.id })).items.map((a) => [a.operator, a.action]);
    expect(audit).toEqual([
      ['Worklist server (automatic)', 'order-import'],
      ['Worklist server (automatic)', 'order-update'],
    ]);
    const okAt = (await s.api['worklist.providers']({})).items[0]!.lastOkAt;

    for (const [bad, message] of [
      ['bad-json', /not JSON/],
      ['wrong-shape', /not with a worklist/],
      ['500', /HTTP 500/],
      ['hang', /did not answer within 1 s/],
    ] as const) {
      mode = bad;
      [http] = await refresh(s);
      expect(http, bad).toMatchObject({ state: 'failing', lastOkAt: okAt, entryCount: 2 });
      expect(http!.lastError, bad).toMatch(message);
      expect(await names(s), bad).toEqual(['Müller-Berg, Anna', 'Zweite, Person']);
    }

    mode = 'slow'; // 0.4 s, within the 1 s timeout
    [http] = await refresh(s);
    expect(http).toMatchObject({ state: 'ok', lastError: null });
    expect(await names(s)).toEqual(['Müller, Anna', 'Zweite, Person']);

    await s.close();
    const log = readFileSync(path.join(dataDir, 'logs', 'station.log'), 'utf8');
    expect(log).toContain('worklist updated');
    for (const secret of [TOKEN, 'Müller', 'Zweite', 'H-1', 'ACC-1']) expect(log, secret).not.toContain(secret);
  });
});

describe('worklist folder provider, polled by the station', () => {
  it('reads CSV and .wl files, skips bad rows with the reason, and keeps the list when the folder goes away', async () => {
    const { s } = await station();
    const dir = tempDir('wl');
    const d = new Date();
    const ymd = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    writeFileSync(
      path.join(dir, 'today.csv'),
      `PatientID;Name;DOB;Sex;Date;Time;Accession\r\nF-1;"Smith; John";1960-05-06;M;${ymd};08:15;A-1\r\nF-2;Bad Date;1960-13-45;F;${ymd};09:00;A-2\r\n`,
    );
    if (hasSharedData) copyFileSync(sharedPath('dicom', 'worklist', 'orthanc_issue49-latin1.wl'), path.join(dir, 'sample.wl'));
    const view = await s.api['worklist.settings.update']({ folder: { enabled: true, path: dir } });
    expect(view.folder.enabled).toBe(true);
    const [, folder] = await refresh(s);
    expect(folder).toMatchObject({ id: 'folder', state: 'ok' });
    expect(folder!.rejected).toEqual([{ row: 'today.csv row 3', reason: expect.stringMatching(/Birth date/) }]);
    const all = (await s.api['worklist.list']({ allSites: true })).items;
    expect(all.map((o) => o.name)).toContain('Smith; John');
    expect(all.find((o) => o.patientId === 'F-1')).toMatchObject({ source: 'folder', accessionNumber: 'A-1' });
    if (hasSharedData) expect(folder!.entryCount).toBe(2);

    await s.api['worklist.settings.update']({ folder: { path: path.join(dir, 'missing') } });
    const [, gone] = await refresh(s);
    expect(gone).toMatchObject({ state: 'failing', lastError: expect.stringMatching(/could not be opened/) });
    expect((await s.api['worklist.list']({ allSites: true })).items.map((o) => o.patientId)).toContain('F-1');
  });
});
