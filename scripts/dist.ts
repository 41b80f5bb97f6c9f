// `npm run dist`: build the installers this machine can build, and say in one sentence per target
// what it cannot build here and why. electron-builder reads electron-builder.yml; the update feed
// address comes from CAPTURE_STATION_UPDATE_URL (else the placeholder under updates.example.invalid).
//
// What each target needs:
// - every target: Electron's binary in node_modules/electron/dist (npm start fetches it; or
//   `node node_modules/electron/install.js`), or ELECTRON_OVERRIDE_DIST_PATH; and the network:
//   the native modules are rebuilt for Electron with headers and prebuilds downloaded for it;
// - NSIS, AppImage, deb: electron-builder downloads its toolsets (makensis, appimagetool, fpm) from
//   GitHub unless ELECTRON_BUILDER_NSIS_DIR / APPIMAGE_TOOLS_PATH / CUSTOM_FPM_PATH point at them;
// - dmg + zip: macOS (hdiutil, codesign, notarisation); NSIS is built on Windows, where signtool
//   signs the installer and the app with the clinic's certificate.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageBin } from './package-bin.ts';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface DistFacts {
  platform: NodeJS.Platform;
  /** Electron's binary is there to package. */
  hasElectron: boolean;
  /** github.com and electronjs.org answer: toolsets, and Electron's headers for rebuilding native modules, can be downloaded. */
  online: boolean;
}

export interface DistPlan {
  /** electron-builder targets to build on this platform (may be empty). */
  targets: string[];
  /** One sentence per target that cannot be built here. */
  cannot: string[];
}

/** Which targets this machine can build, and why not the others. Pure. */
export function planDist(f: DistFacts): DistPlan {
  const cannot: string[] = [];
  const targets: string[] = [];
  const noElectron = 'the Electron binary is not in node_modules/electron/dist (run `npm start` or `node node_modules/electron/install.js` where GitHub can be reached, or set ELECTRON_OVERRIDE_DIST_PATH)';
  const own: Record<string, { targets: string[]; toolset: (t: string) => string | null }> = {
    linux: {
      targets: ['AppImage', 'deb'],
      toolset: (t) => (t === 'AppImage' ? 'appimagetool' : 'fpm'),
    },
    win32: { targets: ['nsis'], toolset: () => 'NSIS' },
    darwin: { targets: ['dmg', 'zip'], toolset: () => null },
  };
  const here = own[f.platform];
  if (f.platform !== 'win32') cannot.push('Windows NSIS installer: not built here; build it on Windows, where signtool signs the installer and the app with the clinic\'s certificate.');
  if (f.platform !== 'darwin') cannot.push('macOS dmg and zip: not built here; they need macOS (hdiutil, codesign and notarisation).');
  if (f.platform !== 'linux') cannot.push('Linux AppImage and deb: not built here; build them on Linux.');
  if (!here) return { targets, cannot };
  const rebuild = 'the native module better-sqlite3 must be rebuilt for Electron, and electron-builder downloads Electron\'s headers (electronjs.org) or a prebuilt binary (GitHub) for that, which cannot be reached from here';
  for (const t of here.targets) {
    const tool = here.toolset(t);
    if (!f.hasElectron) cannot.push(`${t}: not built, because ${noElectron}.`);
    else if (!f.online) cannot.push(`${t}: not built, because ${rebuild}${tool ? ` (and it downloads ${tool} from GitHub)` : ''}.`);
    else targets.push(t);
  }
  return { targets, cannot };
}

const require = createRequire(path.join(root, 'package.json'));

/** Electron's unpacked binary, where electron's installer puts it (electron-builder would otherwise download its zip from GitHub again). */
const electronDist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(path.dirname(require.resolve('electron/package.json')), 'dist');

function electronPresent(): boolean {
  return existsSync(path.join(electronDist, process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app' : 'electron'));
}

function reachable(host: string, port: number, ms = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function main(): Promise<number> {
  const online = (await reachable('github.com', 443)) && (await reachable('artifacts.electronjs.org', 443));
  const plan = planDist({ platform: process.platform, hasElectron: electronPresent(), online });
  for (const line of plan.cannot) console.log(line);
  if (plan.targets.length === 0) {
    console.log('Nothing could be built on this machine.');
    return 1;
  }
  const vite = spawnSync(process.execPath, [packageBin('electron-vite'), 'build'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) return vite.status ?? 1;
  const { build, Platform } = require('electron-builder') as typeof import('electron-builder');
  const url = process.env.CAPTURE_STATION_UPDATE_URL;
  console.log(`Building ${plan.targets.join(', ')}; update feed: ${url ?? 'the placeholder in electron-builder.yml (set CAPTURE_STATION_UPDATE_URL)'}.`);
  await build({
    projectDir: root,
    publish: 'never',
    targets: Platform.current().createTarget(plan.targets),
    config: { electronDist, ...(url && { publish: { provider: 'generic' as const, url } }) },
  });
  console.log(`Done: the files for the update feed (installers, .blockmap, latest*.yml) are in ${path.join(root, 'dist')}.`);
  return 0;
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`Packaging failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
