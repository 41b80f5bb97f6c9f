// What the tray (Windows notification area, macOS menu bar, Linux status area) says at a glance,
// and which native notifications a change deserves. Pure functions over a few facts; the Electron
// host (src/main/electron/tray.ts) only draws what these return. `trayFacts` reads the facts.
import type { QueueSummary } from '../../../shared/contract/sync.ts';
import type { CamerasFeature } from '../cameras/feature.ts';
import { connectedMessage } from '../cameras/messages.ts';
import type { ImagesRepo } from '../store/images.ts';
import type { SyncFeature } from '../sync/feature.ts';
import type { WorklistFeature } from '../worklist/feature.ts';
import { queueSummary } from './sync.ts';

/** The sync state at a glance. `not-set-up`: cloud sync was never configured (nothing to send to). */
export type TrayState = 'online' | 'offline' | 'paused' | 'failed' | 'not-set-up';

export interface TrayCamera {
  volumeId: string;
  name: string;
  /** "Camera connected: 14 new photos" once the camera is recognised and its import began; else null. */
  headline: string | null;
}

export interface TrayFacts {
  queue: Pick<QueueSummary, 'state' | 'pausedReason' | 'message' | 'uploads' | 'orders'>;
  /** Plugged-in volumes that are cameras (or still being looked at), not other USB sticks. */
  cameras: TrayCamera[];
  /** Files refused so far (images with status error). A rise is a new refusal. */
  refused: number;
  /** An exam is marked "capturing now", or a camera import is running. */
  capturing: boolean;
}

export type TrayMenuId = 'status' | 'waiting' | 'camera' | 'open' | 'pause' | 'resume' | 'quit' | 'separator';

export interface TrayMenuItem {
  id: TrayMenuId;
  label: string;
  /** Lines that only inform are shown greyed out. */
  enabled: boolean;
}

export interface TrayView {
  state: TrayState;
  /** One line: the hover text (Windows, Linux). */
  tooltip: string;
  menu: TrayMenuItem[];
}

export interface TrayNotification {
  kind: 'paused' | 'refused' | 'camera' | 'hidden';
  title: string;
  body: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Failed items need a person, so they outrank offline (which mends itself). */
export function trayState(q: TrayFacts['queue']): TrayState {
  if (q.state === 'not-configured') return 'not-set-up';
  if (q.state === 'paused') return 'paused';
  if (q.uploads.failed + q.orders.failed > 0) return 'failed';
  if (q.state === 'offline') return 'offline';
  return 'online';
}

const STATE_LINE: Record<TrayState, string> = {
  'online': 'Sync: online',
  'offline': 'Sync: offline, will retry',
  'paused': 'Sync: paused',
  'failed': 'Sync: some items could not be sent',
  'not-set-up': 'Sync: not set up',
};

/** Photos not yet in the cloud: waiting, retrying or on their way. */
export const photosWaiting = (q: TrayFacts['queue']): number => q.uploads.waiting + q.uploads.running;

export function trayView(f: TrayFacts): TrayView {
  const state = trayState(f.queue);
  const waiting = photosWaiting(f.queue);
  const waitingLine = waiting === 0 ? 'No photos waiting to be sent' : `${plural(waiting, 'photo')} waiting to be sent`;
  const cameraLine =
    f.cameras.length === 0 ? 'No camera connected' : f.cameras.length === 1 ? `Camera connected: ${f.cameras[0]!.name}` : `${f.cameras.length} cameras connected`;
  const paused = f.queue.state === 'paused';
  const toggle: TrayMenuItem = paused
    ? { id: 'resume', label: 'Resume sync', enabled: true }
    : { id: 'pause', label: 'Pause sync', enabled: f.queue.state !== 'not-configured' };
  const sep: TrayMenuItem = { id: 'separator', label: '', enabled: false };
  return {
    state,
    tooltip: `Capture Station: ${STATE_LINE[state].slice('Sync: '.length)}; ${waitingLine.toLowerCase()}; ${cameraLine.toLowerCase()}`,
    menu: [
      { id: 'status', label: STATE_LINE[state], enabled: false },
      { id: 'waiting', label: waitingLine, enabled: false },
      { id: 'camera', label: cameraLine, enabled: false },
      sep,
      { id: 'open', label: 'Open Capture Station', enabled: true },
      toggle,
      sep,
      { id: 'quit', label: 'Quit', enabled: true },
    ],
  };
}

/**
 * What deserves a native notification between two looks at the facts (prev null: the first look,
 * at start). A pause the operator made is not announced (they did it); a pause for credentials
 * is, also at start. A refusal is announced only while capturing (the patient is still there).
 */
export function trayNotifications(prev: TrayFacts | null, next: TrayFacts): TrayNotification[] {
  const out: TrayNotification[] = [];
  const wasPaused = prev?.queue.state === 'paused';
  if (next.queue.state === 'paused' && !wasPaused && next.queue.pausedReason !== 'operator') {
    out.push({
      kind: 'paused',
      title: 'Sending to the cloud is paused',
      body: next.queue.message ?? 'The photos are kept safe on this computer. Open Capture Station to see why.',
    });
  }
  if (prev && next.refused > prev.refused && next.capturing) {
    const n = next.refused - prev.refused;
    out.push({
      kind: 'refused',
      title: n === 1 ? 'A file was refused' : `${n} files were refused`,
      body: 'Capture Station could not take it in. Open Capture Station to see why, and take the photo again while the patient is here.',
    });
  }
  const known = new Set((prev?.cameras ?? []).filter((c) => c.headline !== null).map((c) => c.volumeId));
  for (const c of next.cameras) {
    if (c.headline !== null && !known.has(c.volumeId)) out.push({ kind: 'camera', title: c.name, body: c.headline });
  }
  return out;
}

/** Said once, the first time the window is closed: the station goes on in the tray. */
export function hiddenNotification(f: TrayFacts): TrayNotification {
  const waiting = photosWaiting(f.queue);
  const work = waiting > 0 ? ` ${plural(waiting, 'photo')} still ${waiting === 1 ? 'waits' : 'wait'} to be sent.` : '';
  return {
    kind: 'hidden',
    title: 'Capture Station is still running',
    body: `It keeps taking in photos from the cameras and sending them.${work} Open it again from its icon; to stop it, choose Quit there.`,
  };
}

export interface TrayFactSources {
  sync: SyncFeature;
  cameras: CamerasFeature;
  images: ImagesRepo;
  worklist: WorklistFeature;
}

export function trayFacts(s: TrayFactSources): TrayFacts {
  const q = queueSummary(s.sync);
  const cameras = s.cameras
    .plugged()
    .filter((c) => c.state !== 'not-a-camera')
    .map((c): TrayCamera => {
      const session = c.sessionId ? s.cameras.repo.session(c.sessionId) : undefined;
      return {
        volumeId: c.volume.id,
        name: c.deviceName ?? c.volume.label ?? 'Camera',
        headline: session ? connectedMessage(session.files_to_import, session.files_on_camera) : null,
      };
    });
  return {
    queue: { state: q.state, pausedReason: q.pausedReason, message: q.message, uploads: q.uploads, orders: q.orders },
    cameras,
    refused: s.images.list(1, 'error').total,
    capturing: s.worklist.repo.capturingNowId() !== null || s.cameras.busy(),
  };
}
