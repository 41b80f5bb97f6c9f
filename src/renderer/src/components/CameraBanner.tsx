import { formatBytes } from '../format.ts';
import type { MethodOutput } from '../../../shared/contract/index.ts';

// The camera words shared by the Cameras screen and the status strip (components/StatusStrip.tsx).
type Camera = MethodOutput<'cameras.list'>['cameras'][number];
type Session = MethodOutput<'cameras.list'>['recentSessions'][number];

const sameDay = (iso: string) => new Date(iso).toDateString() === new Date().toDateString();

export function timeLeft(seconds: number | null): string {
  if (seconds === null) return 'working out the time left…';
  if (seconds < 5) return 'almost done';
  if (seconds < 60) return `about ${seconds} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

/** "12 of 30 photos · 3.4 of 8.1 MB · about 5 s left" */
export function progressText(p: NonNullable<Camera['progress']>): string {
  return `${p.doneFiles} of ${p.totalFiles} photo${p.totalFiles === 1 ? '' : 's'} · ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)} · ${timeLeft(p.secondsLeft)}`;
}

/** A small camera outline (emoji are not drawn on every workstation). */
export function CameraIcon({ className = 'camera-icon' }: { className?: string }) {
  return (
    <svg className={className} viewBox="0 0 24 24" width="24" height="24" aria-hidden focusable="false">
      <path d="M4 7h3.2l1.6-2.2h6.4L16.8 7H20a1.5 1.5 0 0 1 1.5 1.5v9A1.5 1.5 0 0 1 20 19H4a1.5 1.5 0 0 1-1.5-1.5v-9A1.5 1.5 0 0 1 4 7z" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
      <circle cx="12" cy="12.8" r="3.6" fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}

export interface CameraStripItem {
  id: string;
  level: 'error' | 'warning' | 'info';
  headline: string;
  detail: string;
  progress: { value: number; max: number } | null;
  showPhotos: boolean;
  /** The session the operator may dismiss (an ended import); null while importing. */
  dismissSession: string | null;
}

/**
 * What the status strip says about cameras on every screen: a camera being read now, and how the
 * last camera import ended (until the operator dismisses it), so an unplug half-way is never
 * missed. The Cameras screen shows plugged-in cameras on their own cards: not said twice there.
 */
export function cameraStripItems(data: MethodOutput<'cameras.list'>, onCamerasScreen: boolean): CameraStripItem[] {
  const onCard = new Set(onCamerasScreen ? data.cameras.flatMap((c) => (c.session ? [c.session.id] : [])) : []);
  const importing = data.cameras.filter((c) => c.state === 'importing' && c.session && !onCard.has(c.session.id));
  const busy = new Set(data.cameras.flatMap((c) => (c.state === 'importing' && c.session ? [c.session.id] : [])));
  const last: Session | undefined = data.recentSessions.find((s) => s.state !== 'importing' && !busy.has(s.id));
  const items: CameraStripItem[] = importing.map((c) => ({
    id: `camera:${c.session!.id}`,
    level: 'info',
    headline: c.session!.headline,
    detail: `${c.deviceName ?? c.label} · Taking them in: ${c.progress ? progressText(c.progress) : '…'}`,
    progress: c.progress ? { value: c.progress.doneBytes, max: c.progress.totalBytes || 1 } : null,
    showPhotos: !onCamerasScreen,
    dismissSession: null,
  }));
  if (last && !last.dismissed && !onCard.has(last.id) && sameDay(last.startedAt) && last.message) {
    items.push({
      id: `camera:${last.id}`,
      level: last.messageLevel,
      headline: last.state === 'done' ? last.headline : last.message,
      detail: last.state === 'done' ? `${last.deviceName} · ${last.message}` : last.deviceName,
      progress: null,
      showPhotos: !onCamerasScreen && last.newImages > 0,
      dismissSession: last.id,
    });
  }
  return items;
}
