// TEST SEAM, not a product feature: a stand-in for electron-updater in the headless host, so the
// end-to-end tests (test/e2e/updates.spec.ts) can see the update UI's states in Chromium, where
// the Electron binary cannot run. It is attached only when the environment variable
// CAPTURE_STATION_STANDIN_UPDATER names a script file (cli.ts); without it the headless host has
// no updater and says so (phase "unsupported"). The real electron-updater (NsisUpdater,
// AppImageUpdater, GenericProvider) is tested under plain Node by test/integration/updates-*.
//
// It plays what electron-updater emits, read from the script at each checkForUpdates():
//   { "version": "1.5.0", "releaseNotes": "...", "progress": [12, 42], "then": "downloaded" }
// "then": "downloaded" | "stall" (the download waits until the script's "then" changes) |
// "error" (with "error": { "code": "ERR_CHECKSUM_MISMATCH", "message": "..." }); no "version":
// nothing new. Like the real one it asks isUserWithinRollout and isUpdateSupported first.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { UpdaterLike, UpdateInfoLike, Verify } from '../core/updates/service.ts';

export const STANDIN_UPDATER_ENV = 'CAPTURE_STATION_STANDIN_UPDATER';

interface Script {
  version?: string;
  releaseNotes?: string | null;
  releaseDate?: string;
  stagingPercentage?: number;
  progress?: number[];
  then?: 'downloaded' | 'stall' | 'error';
  error?: { code?: string; message?: string };
}

const TOTAL = 84_000_000; // a plausible installer size, for the progress figures

export class StandInUpdater implements UpdaterLike {
  private readonly events = new EventEmitter();
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowDowngrade = false;
  channel: string | null = null;
  requestHeaders: Record<string, string> | null = null;
  isUserWithinRollout: Verify = () => true;
  isUpdateSupported: Verify = () => true;
  private readonly scriptPath: string;

  constructor(scriptPath: string) {
    this.scriptPath = scriptPath;
  }

  on(event: string, listener: (...args: never[]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeListener(event: string, listener: (...args: never[]) => void): this {
    this.events.removeListener(event, listener as (...args: unknown[]) => void);
    return this;
  }

  private emit(event: string, ...args: unknown[]): void {
    this.events.emit(event, ...args);
  }

  private read(): Script {
    try {
      return JSON.parse(readFileSync(this.scriptPath, 'utf8')) as Script;
    } catch {
      return {};
    }
  }

  async checkForUpdates(): Promise<{ downloadPromise: Promise<unknown> | null } | null> {
    this.emit('checking-for-update');
    const s = this.read();
    const info: UpdateInfoLike = { version: s.version ?? '', releaseNotes: s.releaseNotes ?? null, releaseDate: s.releaseDate, stagingPercentage: s.stagingPercentage };
    if (!s.version || !(await this.isUserWithinRollout(info)) || !(await this.isUpdateSupported(info))) {
      this.emit('update-not-available', info);
      return null;
    }
    this.emit('update-available', info);
    if (!this.autoDownload) return { downloadPromise: null };
    return { downloadPromise: this.download(info, s) };
  }

  private async download(info: UpdateInfoLike, s: Script): Promise<void> {
    for (const percent of s.progress ?? []) {
      this.emit('download-progress', { percent, transferred: Math.round((TOTAL * percent) / 100), total: TOTAL, bytesPerSecond: 500_000 });
    }
    let then = s.then ?? 'downloaded';
    while (then === 'stall') {
      await new Promise((r) => setTimeout(r, 100).unref());
      then = this.read().then ?? 'downloaded';
    }
    if (then === 'error') {
      const e = this.read().error ?? s.error ?? {};
      const err = Object.assign(new Error(e.message ?? 'download failed'), { code: e.code ?? 'ERR_UPDATER_DOWNLOAD' });
      this.emit('error', err);
      throw err;
    }
    this.emit('update-downloaded', info);
  }

  quitAndInstall(): void {
    // The real one quits the app and runs the installer; the stand-in only says it was asked.
    console.log(`stand-in updater: quitAndInstall (would restart into ${this.read().version ?? '?'})`);
  }

  setFeedURL(): void {
    // The script is the feed; the address the settings give is not used.
  }
}
