// `npm start`: build, then run the desktop app. Electron 45 downloads its binary lazily (the
// first time `require('electron')` runs), and `electron-vite preview` stops with "Electron
// uninstall" before that can happen. So fetch the binary here with electron's own installer;
// when it cannot be had (no internet, a blocked GitHub), say so in one sentence and start the
// same UI in the headless host instead, on loopback, with its address printed.
//
// Environment: CAPTURE_STATION_DATA (the headless fallback's data folder), CAPTURE_STATION_PORT
// (its port, default 4780; 0 picks a free one), and electron's own ELECTRON_MIRROR & co.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageBin } from './package-bin.ts';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(path.join(root, 'package.json'));
const nodeArgs = ['--disable-warning=ExperimentalWarning'];

/** Where the headless fallback keeps its data when CAPTURE_STATION_DATA is not set. Not the
 * desktop app's userData: that folder's secrets.json is encrypted with the OS key store, which
 * the headless host cannot read. */
export function headlessDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = os.homedir()): string {
  if (env.CAPTURE_STATION_DATA) return path.resolve(env.CAPTURE_STATION_DATA);
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Capture Station', 'headless');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Capture Station Headless');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'capture-station-headless');
}

// Every child is `node <script>`: no shell, so a checkout path with spaces works on Windows too.
const electronVite = packageBin('electron-vite');

function run(args: string[], quiet = false): number {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  return r.status ?? 1;
}

function electronBinaryReady(): boolean {
  // install.js exits 0 at once when the right binary is already in node_modules/electron/dist,
  // and otherwise downloads it (from ELECTRON_MIRROR if set) and exits non-zero when it cannot.
  const installer = require.resolve('electron/install.js');
  return run([installer], true) === 0;
}

/** Hand the terminal to a child and leave with its exit code; Ctrl-C reaches it as well. */
function becomes(args: string[]): void {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function main(): void {
  if (run([electronVite, 'build']) !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(1);
  }
  if (electronBinaryReady()) {
    becomes([electronVite, 'preview']);
    return;
  }
  const data = headlessDataDir();
  console.log(
    `The Electron desktop binary could not be downloaded (no internet access?), so Capture Station starts in the headless host instead: open the address below in a browser (data in ${data}).`,
  );
  becomes([
    ...nodeArgs,
    path.join(root, 'src', 'main', 'headless', 'cli.ts'),
    '--data',
    data,
    '--port',
    process.env.CAPTURE_STATION_PORT ?? '4780',
  ]);
}

if (import.meta.main) main();
