import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { formatBytes } from '../format.ts';
import type { MethodOutput } from '../../../shared/contract/index.ts';

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

/**
 * Shown on every screen: a camera being read now, and how the last camera import ended (until
 * the operator dismisses it), so an unplug half-way is never missed.
 */
export function CameraBanner({ onCamerasScreen }: { onCamerasScreen: boolean }) {
  const { data } = useStationQuery('cameras.list', {}, ['cameras.changed', 'cameras.progress']);
  if (!data) return null;
  // The Cameras screen shows plugged-in cameras on their own cards: no need to say it twice there.
  const onCard = new Set(onCamerasScreen ? data.cameras.flatMap((c) => (c.session ? [c.session.id] : [])) : []);
  const importing = data.cameras.filter((c) => c.state === 'importing' && c.session && !onCard.has(c.session.id));
  const busy = new Set(data.cameras.flatMap((c) => (c.state === 'importing' && c.session ? [c.session.id] : [])));
  const last: Session | undefined = data.recentSessions.find((s) => s.state !== 'importing' && !busy.has(s.id));
  const showLast = last && !last.dismissed && !onCard.has(last.id) && sameDay(last.startedAt) && last.message;
  if (importing.length === 0 && !showLast) return null;

  return (
    <div className="notices camera-banner" data-testid="camera-banner">
      {importing.map((c) => (
        <div key={c.session!.id} className="notice info camera-notice" role="status">
          <CameraIcon className="camera-notice-icon" />
          <div className="camera-notice-text">
            <span><strong>{c.session!.headline}</strong> <span className="muted">· {c.deviceName ?? c.label}</span></span>
            <div>Taking them in: {c.progress ? progressText(c.progress) : '…'}</div>
            {c.progress && <progress max={c.progress.totalBytes || 1} value={c.progress.doneBytes} aria-label="Import progress" />}
          </div>
          {!onCamerasScreen && <a className="button" href="#/cameras">Show photos</a>}
        </div>
      ))}
      {showLast && (
        <div className={`notice ${last.messageLevel} camera-notice`} role={last.messageLevel === 'info' ? 'status' : 'alert'}>
          <CameraIcon className="camera-notice-icon" />
          <div className="camera-notice-text">
            {last.state === 'done' ? (
              <>
                <span><strong>{last.headline}</strong> <span className="muted">· {last.deviceName}</span></span>
                <span>{last.message}</span>
              </>
            ) : (
              <>
                <strong>{last.message}</strong>
                <span className="muted">{last.deviceName}</span>
              </>
            )}
          </div>
          {!onCamerasScreen && last.newImages > 0 && <a className="button" href="#/cameras">Show photos</a>}
          <button className="button" onClick={() => void station.call('cameras.dismiss', { sessionId: last.id })} aria-label="Dismiss this message">
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
