// The updater's decisions as pure functions: when to check, which versions a channel may take,
// whether this workstation is inside a staged rollout, whether a restart may be offered now, and
// what a failure means for the operator. The service (service.ts) only adds clocks and events.
import { createHash } from 'node:crypto';
import type { UpdateChannel } from '../../../shared/updates.ts';

/** The first check waits this long after start, so it never competes with the station's own start. */
export const FIRST_CHECK_DELAY_MS = 60_000;

/** When the next check is due: a minute after start, then every `intervalHours` after the last one. */
export function nextCheckAt(lastCheckMs: number | null, startedMs: number, intervalHours: number): number {
  if (lastCheckMs === null) return startedMs + FIRST_CHECK_DELAY_MS;
  return lastCheckMs + intervalHours * 3_600_000;
}

/** electron-updater's channel name for ours: stable reads latest*.yml, beta reads beta*.yml. */
export const feedChannel = (channel: UpdateChannel): 'latest' | 'beta' => (channel === 'beta' ? 'beta' : 'latest');

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Whether a version found on the feed may be offered on this channel. The generic provider offers
 * any newer version in the yml, prereleases included (`allowPrerelease` is GitHub-only), so a
 * 1.3.0-beta.1 that lands in latest.yml by mistake would reach every stable workstation: stable
 * takes only versions without a prerelease part; beta takes both.
 */
export function versionAllowedOnChannel(version: string, channel: UpdateChannel): boolean {
  const m = SEMVER.exec(version.trim());
  if (!m) return false;
  return channel === 'beta' || m[4] === undefined;
}

/**
 * This workstation's place in a staged rollout, in [0, 1): from its own id (kept in the station's
 * store), not from electron-updater's per-OS-user `.updaterId`, so one workstation answers the
 * same for every login. A UUID uses electron-updater's own rule (its last four bytes), so a feed
 * that stages on the `x-user-staging-id` header agrees; any other id is hashed.
 */
export function rolloutBucket(workstationId: string): number {
  const hex = workstationId.replace(/-/g, '');
  const bytes = /^[0-9a-f]{32}$/i.test(hex) ? Buffer.from(hex, 'hex') : createHash('sha256').update(workstationId).digest();
  return bytes.readUInt32BE(12) / 0xffffffff;
}

/** Whether a release with this `stagingPercentage` (absent: everyone) reaches this workstation. */
export function withinRollout(stagingPercentage: unknown, workstationId: string): boolean {
  if (stagingPercentage === undefined || stagingPercentage === null) return true;
  const pct = typeof stagingPercentage === 'number' ? stagingPercentage : Number.parseInt(String(stagingPercentage), 10);
  if (!Number.isFinite(pct)) return true;
  if (pct <= 0) return false;
  if (pct >= 100) return true;
  return rolloutBucket(workstationId) < pct / 100;
}

/** Something in the station that must not be interrupted by a restart. */
export interface BusySource {
  /** A stable name for logs and tests: 'exam', 'camera-import', 'sync-upload', 'ingest', 'dicom-association'. */
  name: string;
  /** In words for the operator: "an exam is being captured". */
  label: string;
  busy(): boolean;
}

export interface RestartDecision {
  allowed: boolean;
  /** The labels of the busy sources, in the order they were registered. */
  waitingFor: string[];
  busyNames: string[];
}

/**
 * A restart may be offered (or done) only when nothing is busy. A source that cannot answer
 * counts as busy: when in doubt, the update waits for the station to quit.
 */
export function restartDecision(sources: readonly BusySource[]): RestartDecision {
  const busy = sources.filter((s) => {
    try {
      return s.busy();
    } catch {
      return true;
    }
  });
  return { allowed: busy.length === 0, waitingFor: busy.map((s) => s.label), busyNames: busy.map((s) => s.name) };
}

/** An exam as the capture gate sees it (store/updates.ts reads these rows). */
export interface ExamActivity {
  capturingNow: boolean;
  status: string;
  /** The latest of: a photo linked to it, a change to the exam. ISO time or null. */
  lastActivityAt: string | null;
}

/** How long after its last photo or change an unfinished exam still counts as being captured. */
export const EXAM_ACTIVE_MS = 20 * 60_000;

/**
 * "An exam is being captured": one the operator marked "capturing now", or an exam not completed
 * yet (status capturing) that got a photo or a change in the last 20 minutes. An exam left open
 * overnight does not hold updates back for ever; completing the exam frees the gate at once.
 */
export function examCapturing(rows: readonly ExamActivity[], nowMs: number, activeMs = EXAM_ACTIVE_MS): boolean {
  return rows.some((r) => {
    if (r.capturingNow) return true;
    if (r.status !== 'capturing' || !r.lastActivityAt) return false;
    const at = Date.parse(r.lastActivityAt);
    return Number.isFinite(at) && nowMs - at < activeMs;
  });
}

/** What a failed check or download means, in words; and a code for the log (never the peer's prose). */
export function updateFailure(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.statusCode === 'number' ? `HTTP_${e.statusCode}` : 'UNKNOWN';
  const KEEP = 'This version keeps running and nothing was installed.';
  if (code === 'ERR_CHECKSUM_MISMATCH' || /checksum mismatch/i.test(String(e?.message ?? ''))) {
    return {
      code: 'ERR_CHECKSUM_MISMATCH',
      message: `The downloaded update did not match its published checksum, so it was thrown away. ${KEEP} The station tries again at the next check; if it keeps happening, tell IT: a file on the update feed is damaged or was replaced.`,
    };
  }
  if (code === 'ERR_UPDATER_INVALID_SIGNATURE') {
    return {
      code,
      message: `The downloaded update is not signed by the publisher this station trusts, so it was not installed. ${KEEP} Tell IT: the installer's signature or the publisher name does not match.`,
    };
  }
  if (code === 'ERR_UPDATER_INVALID_VERSION' || code === 'ERR_UPDATER_INVALID_UPDATE_INFO' || code === 'ERR_UPDATER_LATEST_VERSION_NOT_FOUND') {
    return { code, message: `The update feed's description of the new version could not be read. ${KEEP} Tell IT to check the update feed.` };
  }
  if (code === 'HTTP_ERROR_404' || code === 'HTTP_404') {
    return { code, message: `The update feed has no release for this station (not found). ${KEEP} Tell IT to check the update feed address.` };
  }
  if (/^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ERR_PROXY|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED)/.test(code) || /timed out|aborted/i.test(String(e?.message ?? ''))) {
    return { code, message: `The update server cannot be reached. ${KEEP} Photos are not affected; the station tries again later. If this lasts, tell IT to check the network or the proxy.` };
  }
  return { code, message: `Checking for or downloading an update failed. ${KEEP} The station tries again later; the details are in the log.` };
}

/**
 * Installed for the whole machine, or from a system package: IT installs each version, and a
 * self-update would need admin rights (a UAC prompt on every update, or pkexec). Decided from the
 * executable's folder (Windows) or the package type electron-builder recorded (Linux).
 */
export function managedInstall(p: { platform: NodeJS.Platform; exePath: string; env: NodeJS.ProcessEnv; packageType: string | null }): string | null {
  if (p.platform === 'win32') {
    const exe = p.exePath.toLowerCase();
    const roots = [p.env.ProgramFiles, p.env['ProgramFiles(x86)'], p.env.ProgramW6432].filter((r): r is string => !!r).map((r) => r.toLowerCase().replace(/\\+$/, ''));
    if (roots.some((r) => exe.startsWith(`${r}\\`))) return 'Installed for all users of this computer: IT installs each new version.';
  }
  if (p.platform === 'linux' && p.packageType && p.packageType !== 'AppImage') {
    return `Installed from a system package (${p.packageType}): IT installs each new version.`;
  }
  return null;
}
