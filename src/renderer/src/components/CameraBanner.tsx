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

/**
 * Shown on every screen: a camera being read now, and how the last camera import ended (until
 * the operator dismisses it), so an unplug half-way is never missed.
 */
export function CameraBanner({ onCamerasScreen }: { onCamerasScreen: boolean }) {
  const { data } = useStationQuery('cameras.list', {}, ['cameras.changed', 'cameras.progress']);
  if (!data) return null;
  const importing = data.cameras.filter((c) => c.state === 'importing' && c.session);
  const importingIds = new Set(importing.map((c) => c.session!.id));
  const last: Session | undefined = data.recentSessions.find((s) => s.state !== 'importing' && !importingIds.has(s.id));
  const showLast = last && !last.dismissed && sameDay(last.startedAt) && last.message;
  if (importing.length === 0 && !showLast) return null;

  return (
    <div className="notices camera-banner" data-testid="camera-banner">
      {importing.map((c) => (
        <div key={c.session!.id} className="notice info camera-notice" role="status">
          <span className="camera-notice-icon" aria-hidden>📷</span>
          <div className="camera-notice-text">
            <strong>{c.session!.headline}</strong> <span className="muted">({c.deviceName ?? c.label})</span>
            <div>Taking them in: {c.progress ? progressText(c.progress) : '…'}</div>
            {c.progress && <progress max={c.progress.totalBytes || 1} value={c.progress.doneBytes} aria-label="Import progress" />}
          </div>
          {!onCamerasScreen && <a className="button" href="#/cameras">Show photos</a>}
        </div>
      ))}
      {showLast && (
        <div className={`notice ${last.messageLevel} camera-notice`} role={last.messageLevel === 'info' ? 'status' : 'alert'}>
          <span className="camera-notice-icon" aria-hidden>{last.messageLevel === 'info' ? '📷' : '⚠'}</span>
          <div className="camera-notice-text">
            {last.state === 'done' && <strong>{last.headline} </strong>}
            {last.state === 'done' ? <span>({last.deviceName}) · {last.message}</span> : <strong>{last.message}</strong>}
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
