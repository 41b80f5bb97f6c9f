// The desktop host's half of the updater: it builds the real electron-updater (`autoUpdater`:
// NsisUpdater on Windows, MacUpdater, AppImageUpdater, or Deb/Rpm by package type) and hands it
// to the core's facade (core/updates/service.ts), which applies the policy: background download
// under the bandwidth cap, install at quit, stable/beta with allowDowngrade reset, rollout per
// workstation, and a restart only while nothing is captured, imported or sent.
// Called once from index.ts after the station is open:  startUpdater(station)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { app } from 'electron';
import electronUpdater from 'electron-updater';
import type { Station } from '../core/station.ts';
import { managedInstall } from '../core/updates/policy.ts';
import type { UpdaterLike } from '../core/updates/service.ts';

function packageType(): string | null {
  try {
    return readFileSync(path.join(process.resourcesPath, 'package-type'), 'utf8').trim() || null;
  } catch {
    return null; // not a Linux package (Windows, macOS, AppImage)
  }
}

/**
 * Attaches electron-updater to the station's updater facade. A development run (not packaged)
 * attaches nothing: the About box then says the station does not update itself.
 */
export function startUpdater(station: Station): void {
  if (!app.isPackaged) return;
  const { autoUpdater } = electronUpdater;
  // electron-updater's own log lines can quote a server's answer; the facade logs codes and versions.
  autoUpdater.logger = null;
  station.updates.attach(autoUpdater as unknown as UpdaterLike, {
    managed: managedInstall({ platform: process.platform, exePath: app.getPath('exe'), env: process.env, packageType: packageType() }),
    // Only the updater's own session: the station's other traffic keeps the system's proxy.
    applyProxy: (proxy) => void autoUpdater.netSession.setProxy(proxy ? { proxyRules: proxy } : { mode: 'system' }),
    // Close the station cleanly first (sources stopped, in-flight files finished, database closed),
    // then hand over to the installer: silent, and the station starts again afterwards.
    restart: async () => {
      await station.close();
      autoUpdater.quitAndInstall(true, true);
    },
  });
}
