// The updater facade. The core owns the policy (policy.ts) and the state the UI sees; the host
// injects the real electron-updater (`attach`): Electron's autoUpdater in the desktop app, an
// NsisUpdater/AppImageUpdater with a Node executor in tests. Without one (the headless service,
// a development run) the state says "unsupported". It never installs on its own: the update
// installs when the station quits (autoInstallOnAppQuit), or at "restart" and only while nothing
// is being captured, imported or sent (restartDecision over the named busy sources).
import { StationError } from '../../../shared/errors.ts';
import { updateSettingsSchema, type UpdateSettings, type UpdateSettingsPatch, type UpdateStatus } from '../../../shared/updates.ts';
import type { Logger } from '../kernel/logger.ts';
import type { UpdatesRepo } from '../store/updates.ts';
import { throttleResponses, type ExecutorLike } from './throttle.ts';
import { feedChannel, nextCheckAt, restartDecision, updateFailure, versionAllowedOnChannel, withinRollout, type BusySource } from './policy.ts';

/** What electron-updater publishes about a version (UpdateInfo), as far as the station reads it. */
export interface UpdateInfoLike {
  version: string;
  releaseDate?: string;
  releaseName?: string | null;
  releaseNotes?: string | { version: string; note: string | null }[] | null;
  stagingPercentage?: number;
}

/** electron-updater's isUserWithinRollout / isUpdateSupported. */
export type Verify = (info: UpdateInfoLike) => boolean | Promise<boolean>;

/** The part of electron-updater's AppUpdater the facade drives (its NsisUpdater, AppImageUpdater, MacUpdater). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  get channel(): string | null;
  set channel(value: string | null);
  requestHeaders: Record<string, string> | null;
  get isUserWithinRollout(): Verify;
  set isUserWithinRollout(value: Verify);
  get isUpdateSupported(): Verify;
  set isUpdateSupported(value: Verify);
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

export interface AttachOptions {
  /** Why IT installs each version here (per-machine install, system package); null: self-update. */
  managed?: string | null;
  /** Host-specific proxy (Electron: the updater's net session); the Node executor reads `proxy()` itself. */
  applyProxy?: (proxy: string | null) => void;
  /** Close the station cleanly, then quit and install (Electron: station.close(), then quitAndInstall). */
  restart?: () => Promise<void> | void;
}

export interface UpdateServiceDeps {
  repo: UpdatesRepo;
  log: Logger;
  version: string;
  /** Something changed: emit updates.changed. */
  changed: () => void;
}

/** How often the busy gate is re-read while an update is ready. */
const GATE_POLL_MS = 5_000;

interface Attached {
  updater: UpdaterLike;
  opts: AttachOptions;
  off: (() => void)[];
}

export class UpdateService {
  private readonly d: UpdateServiceDeps;
  private readonly sources: BusySource[] = [];
  private readonly startedMs: number;
  readonly workstationId: string;
  private cached: UpdateSettings | null = null;
  private host: Attached | null = null;
  private phase: UpdateStatus['phase'] = 'unsupported';
  private available: UpdateStatus['available'] = null;
  private progress: UpdateStatus['progress'] = null;
  private message: string | null = null;
  private lastCheckMs: number | null = null;
  private deferred = false;
  private armed = false;
  private lastAllowed: boolean | null = null;
  private checkTimer: ReturnType<typeof setTimeout> | null = null;
  private gateTimer: ReturnType<typeof setInterval> | null = null;
  private restarting = false;
  private closed = false;

  constructor(deps: UpdateServiceDeps) {
    this.d = deps;
    this.startedMs = Date.now();
    this.workstationId = deps.repo.workstationId();
  }

  /** A source the restart must wait for (exam, camera import, sync, DICOM association, ...). */
  addBusySource(source: BusySource): void {
    this.sources.push(source);
  }

  settings(): UpdateSettings {
    if (!this.cached) {
      const parsed = updateSettingsSchema.safeParse(this.d.repo.rawSettings());
      this.cached = parsed.success ? parsed.data : updateSettingsSchema.parse({});
    }
    return this.cached;
  }

  /** The proxy for update downloads (the Node executor asks it per request). */
  proxy(): string | null {
    return this.settings().proxy;
  }

  updateSettings(patch: UpdateSettingsPatch): UpdateSettings {
    const next = updateSettingsSchema.parse({ ...this.settings(), ...patch });
    this.d.repo.saveSettings(next);
    this.cached = next;
    this.d.log.info({ enabled: next.enabled, channel: next.channel, hours: next.checkIntervalHours, cap: next.bandwidthCapKbps, proxy: next.proxy !== null, feed: next.feedUrl !== null }, 'update settings changed');
    if (this.host) this.configure();
    this.changed();
    return next;
  }

  /** The host hands over the real updater; the policy is applied to it here. */
  attach(updater: UpdaterLike, opts: AttachOptions = {}): void {
    if (this.host) throw new Error('an updater is already attached');
    const on = (event: string, fn: (...args: never[]) => void) => {
      updater.on(event, fn);
      return () => updater.removeListener(event, fn);
    };
    this.host = {
      updater,
      opts,
      off: [
        // A check while an update is ready (the periodic one) leaves it ready: the prompt and the gate stay.
        on('checking-for-update', () => (this.phase === 'ready' ? undefined : this.set('checking'))),
        on('update-available', (info: UpdateInfoLike) => {
          // The periodic re-check finds the version already downloaded: electron-updater re-validates
          // its cache and says 'update-downloaded' again. Nothing to show: still ready, "later" kept.
          if (this.phase === 'ready' && this.available?.version === info.version) return;
          this.available = toAvailable(info);
          this.progress = null;
          this.message = null;
          this.set('downloading');
          this.d.log.info({ version: info.version }, 'update found; downloading in the background');
        }),
        on('update-not-available', () => {
          if (this.phase !== 'ready') this.set('up-to-date');
        }),
        on('download-progress', (p: { percent: number; transferred: number; total: number; bytesPerSecond: number }) => {
          this.progress = { percent: p.percent, transferred: p.transferred, total: p.total, bytesPerSecond: p.bytesPerSecond };
          this.changed();
        }),
        on('update-downloaded', (info: UpdateInfoLike) => {
          const again = this.phase === 'ready' && this.available?.version === info.version;
          this.available = toAvailable(info);
          this.progress = null;
          this.message = null;
          this.deferred = again && this.deferred; // a new version asks again; the same one keeps "later"
          this.set('ready');
          this.d.log.info({ version: info.version }, 'update downloaded and verified; installs at quit or at a restart when idle');
          this.watchGate();
        }),
        on('error', (err: Error) => {
          const f = updateFailure(err);
          this.message = f.message;
          this.progress = null;
          this.d.log.warn({ code: f.code }, 'update check or download failed; this version keeps running');
          if (this.phase !== 'ready') this.set('error');
          else this.changed();
        }),
      ],
    };
    this.configure();
  }

  /** Applies the settings to the attached updater and (re)plans the next check. */
  private configure(): void {
    const h = this.host;
    if (!h) return;
    const s = this.settings();
    const u = h.updater;
    const managed = h.opts.managed ?? null;
    const self = s.enabled && managed === null;
    u.autoDownload = self; // in the background, paced by the cap (throttleResponses)
    u.autoInstallOnAppQuit = self; // the end of the day is when an update installs
    u.channel = feedChannel(s.channel);
    u.allowDowngrade = false; // setting `channel` silently turns it on
    u.requestHeaders = { ...u.requestHeaders, 'x-user-staging-id': this.workstationId };
    u.isUserWithinRollout = (info) => withinRollout(info.stagingPercentage, this.workstationId);
    const supported = u.isUpdateSupported;
    if (!(supported as { capture?: true }).capture) {
      const guarded: Verify = async (info) => versionAllowedOnChannel(info.version, this.settings().channel) && (await supported(info));
      u.isUpdateSupported = Object.assign(guarded, { capture: true as const });
    }
    if (s.feedUrl) u.setFeedURL({ provider: 'generic', url: s.feedUrl });
    h.opts.applyProxy?.(s.proxy);
    const executor = (u as unknown as { httpExecutor?: ExecutorLike | null }).httpExecutor;
    if (executor) throttleResponses(executor, () => this.settings().bandwidthCapKbps);
    if (managed !== null) {
      this.message = managed;
      this.set('managed');
    } else if (!s.enabled) {
      this.message = 'Self-update is turned off in the update settings: IT installs each new version.';
      this.set('disabled');
    } else if (this.phase === 'unsupported' || this.phase === 'managed' || this.phase === 'disabled') {
      this.message = null;
      this.set('idle');
    }
    this.planCheck();
  }

  private selfUpdating(): boolean {
    return this.host !== null && this.phase !== 'managed' && this.phase !== 'disabled' && this.phase !== 'unsupported';
  }

  private planCheck(): void {
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = null;
    if (this.closed || !this.selfUpdating()) return;
    const at = nextCheckAt(this.lastCheckMs, this.startedMs, this.settings().checkIntervalHours);
    this.checkTimer = setTimeout(() => void this.check().catch(() => undefined), Math.max(0, at - Date.now()));
    this.checkTimer.unref?.();
  }

  /** Asks the feed now. The download (if any) goes on in the background; errors land in the state. */
  async check(): Promise<UpdateStatus> {
    if (!this.host || !this.selfUpdating()) return this.status();
    if (this.phase === 'downloading') return this.status();
    this.lastCheckMs = Date.now();
    try {
      const result = (await this.host.updater.checkForUpdates()) as { downloadPromise?: Promise<unknown> | null } | null;
      // The background download reports through events ('update-downloaded', 'error'); never an unhandled rejection.
      result?.downloadPromise?.catch(() => undefined);
    } catch {
      // The 'error' event has already set the message.
    } finally {
      this.planCheck();
    }
    return this.status();
  }

  status(): UpdateStatus {
    const s = this.settings();
    const decision = restartDecision(this.sources);
    const ready = this.phase === 'ready';
    const next = this.checkTimer && this.selfUpdating() ? nextCheckAt(this.lastCheckMs, this.startedMs, s.checkIntervalHours) : null;
    return {
      phase: this.phase,
      currentVersion: this.d.version,
      channel: s.channel,
      available: this.available,
      progress: this.phase === 'downloading' ? this.progress : null,
      restart: { allowed: ready && decision.allowed, waitingFor: ready ? decision.waitingFor : [], armed: this.armed },
      deferred: this.deferred,
      message: this.message ?? (this.phase === 'unsupported' ? 'This station does not update itself (headless service or development run): IT installs new versions.' : null),
      lastCheckAt: this.lastCheckMs === null ? null : new Date(this.lastCheckMs).toISOString(),
      nextCheckAt: next === null ? null : new Date(next).toISOString(),
    };
  }

  /** "Restart when idle": now if nothing is busy; otherwise as soon as nothing is. */
  async restartWhenIdle(): Promise<UpdateStatus> {
    if (this.phase !== 'ready') throw new StationError('conflict', 'There is no downloaded update to install yet.');
    this.deferred = false;
    this.armed = true;
    await this.refreshGate();
    return this.status();
  }

  /** "Later": no prompt and no restart; the update installs when the station quits. */
  later(): UpdateStatus {
    this.deferred = true;
    this.armed = false;
    this.changed();
    return this.status();
  }

  /** Re-reads the busy gate: tells the UI when "restart now" becomes possible or not, restarts when armed and idle. */
  async refreshGate(): Promise<void> {
    if (this.phase !== 'ready' || this.restarting || !this.host) return;
    const decision = restartDecision(this.sources);
    if (this.armed && decision.allowed) {
      this.restarting = true;
      this.d.log.info({ version: this.available?.version }, 'restarting to install the update (nothing busy)');
      const restart = this.host.opts.restart ?? (() => this.host?.updater.quitAndInstall(true, true));
      await restart();
      return;
    }
    if (decision.allowed !== this.lastAllowed) {
      this.lastAllowed = decision.allowed;
      if (!decision.allowed) this.d.log.info({ busy: decision.busyNames }, 'update ready; restart waits');
      this.changed();
    }
  }

  private watchGate(): void {
    if (this.gateTimer || this.closed) return;
    this.lastAllowed = null;
    this.gateTimer = setInterval(() => void this.refreshGate(), GATE_POLL_MS);
    this.gateTimer.unref?.();
    void this.refreshGate();
  }

  private set(phase: UpdateStatus['phase']): void {
    this.phase = phase;
    this.changed();
  }

  private changed(): void {
    if (!this.closed) this.d.changed();
  }

  close(): void {
    this.closed = true;
    if (this.checkTimer) clearTimeout(this.checkTimer);
    if (this.gateTimer) clearInterval(this.gateTimer);
    for (const off of this.host?.off ?? []) off();
  }
}

function toAvailable(info: UpdateInfoLike): NonNullable<UpdateStatus['available']> {
  const notes = info.releaseNotes;
  const releaseNotes = notes == null ? null : typeof notes === 'string' ? notes : notes.map((n) => `${n.version}: ${n.note ?? ''}`).join('\n');
  return { version: info.version, releaseDate: info.releaseDate ?? null, releaseNotes };
}
