// `npm start` on a checkout whose Electron binary is missing and cannot be downloaded (the
// state of every fresh machine without internet, and of this one). Before the fix it stopped
// with "Error: Electron uninstall". Electron's installer is made to fail for sure, even on a
// machine that has the binary or internet: ELECTRON_OVERRIDE_DIST_PATH points at an empty
// folder (so the binary counts as missing), the download cache is empty, and ELECTRON_MIRROR is
// a closed loopback port.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../fixtures/headless.ts';
import { headlessDataDir } from '../../scripts/start.ts';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('npm start without the Electron binary', () => {
  it('says why in one sentence and serves the UI from the headless host', async () => {
    const data = path.join(tempDir('start'), 'data');
    const env = {
      ...process.env,
      CAPTURE_STATION_DATA: data,
      CAPTURE_STATION_PORT: '0',
      ELECTRON_OVERRIDE_DIST_PATH: tempDir('no-electron'),
      electron_config_cache: tempDir('electron-cache'),
      ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/`,
    };
    const child = spawn('npm', ['start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed:\n${out}`)), 60_000);
        child.stdout.on('data', () => {
          const m = /Capture Station listening on (\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`npm start exited (${code}):\n${out}`));
        });
      });
      expect(out).not.toMatch(/Electron uninstall/);
      const sentence = out.split('\n').filter((l) => l.includes('Electron desktop binary could not be downloaded'));
      expect(sentence).toHaveLength(1);
      expect(sentence[0]).toContain(data);
      const u = new URL(url);
      expect(u.hostname).toBe('127.0.0.1');
      const health = await fetch(`${u.origin}/api/health`, { headers: { authorization: `Bearer ${u.searchParams.get('token')}` } });
      expect(health.status).toBe(200);
      // The page itself, with the token, is the built renderer.
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="root">/);
      expect(existsSync(path.join(data, 'station.db'))).toBe(true);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 90_000);

  it('keeps the headless data apart from the desktop app, per platform', () => {
    expect(headlessDataDir({ CAPTURE_STATION_DATA: 'x' }, 'linux', '/home/a')).toBe(path.resolve('x'));
    expect(headlessDataDir({}, 'linux', '/home/a')).toBe('/home/a/.local/share/capture-station-headless');
    expect(headlessDataDir({ XDG_DATA_HOME: '/d' }, 'linux', '/home/a')).toBe('/d/capture-station-headless');
    expect(headlessDataDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Application Support/Capture Station Headless');
  });
});
