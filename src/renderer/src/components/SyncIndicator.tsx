// The sync indicator in the top bar (always visible), and the per-photo sync badge for thumbnails.
// Both re-query the station on 'sync.changed' / 'images.changed'; nothing is kept here.
import type { QueueSummary } from '../../../shared/contract/sync.ts';
import type { ImageSyncState } from '../../../shared/sync.ts';
import { useStationQuery } from '../use-station.ts';
import { formatBytes } from '../format.ts';
import '../sync.css';

type Summary = QueueSummary;

const WORD: Record<Summary['state'], string> = {
  'not-configured': 'Cloud not set up',
  idle: 'Online',
  syncing: 'Sending',
  offline: 'Offline',
  paused: 'Paused',
};

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  return `${h} h ${Math.round((seconds - h * 3600) / 60)} min`;
}

export const formatRate = (bps: number | null): string => (bps ? `${formatBytes(bps)}/s` : '—');

/** "12 photos · 18.2 MB waiting · 2 orders" */
export function waitingText(s: Summary): string {
  const photos = s.uploads.waiting + s.uploads.running;
  const orders = s.orders.waiting + s.orders.running;
  const parts: string[] = [];
  if (photos) parts.push(`${photos} photo${photos === 1 ? '' : 's'} · ${formatBytes(s.uploads.bytesWaiting)} waiting`);
  if (orders) parts.push(`${orders} order${orders === 1 ? '' : 's'}`);
  const failed = s.uploads.failed + s.orders.failed;
  if (failed) parts.push(`${failed} failed`);
  return parts.length ? parts.join(' · ') : s.state === 'not-configured' ? 'kept on this computer' : 'all sent';
}

/** The top bar's short form: "2 photos · 239 KB" (the full text is in the tooltip and on the Queue). */
function shortText(s: Summary): string {
  const photos = s.uploads.waiting + s.uploads.running;
  const failed = s.uploads.failed + s.orders.failed;
  const orders = s.orders.waiting + s.orders.running;
  if (photos) return `${photos} photo${photos === 1 ? '' : 's'} · ${formatBytes(s.uploads.bytesWaiting)}${failed ? ` · ${failed} failed` : ''}`;
  if (failed) return `${failed} failed`;
  if (orders) return `${orders} order${orders === 1 ? '' : 's'}`;
  return s.state === 'not-configured' ? '' : 'all sent';
}

export function SyncIndicator() {
  const { data } = useStationQuery('sync.status', {}, ['sync.changed']);
  if (!data) return null;
  const failed = data.uploads.failed + data.orders.failed;
  const tone = data.state === 'idle' && failed ? 'attention' : data.state;
  const title = [`${waitingText(data)}.`, data.message, data.clockMessage].filter(Boolean).join(' ');
  return (
    <a href="#/queue" className={`sync-indicator ${tone}`} data-testid="sync-indicator" data-state={data.state} title={title} aria-label={`Cloud sync: ${WORD[data.state]}, ${waitingText(data)}. Open the queue.`}>
      <span className="sync-dot" aria-hidden />
      <span className="sync-word" role="status">{WORD[data.state]}</span>
      <span className="sync-detail">{shortText(data)}</span>
      {data.state === 'syncing' && data.secondsLeft !== null && <span className="sync-detail">· {formatDuration(data.secondsLeft)} left</span>}
    </a>
  );
}

const BADGE: Record<ImageSyncState, { text: string; tone: string; title: string }> = {
  waiting: { text: '⇡ Queued', tone: 'waiting', title: 'Waiting to be sent to the cloud' },
  uploading: { text: '⇡ Sending', tone: 'running', title: 'Being sent to the cloud now' },
  'retry-wait': { text: '⇡ Retrying', tone: 'retry', title: 'Sending failed for now; the station tries again by itself' },
  uploaded: { text: '☁ In cloud', tone: 'done', title: 'Safely in the cloud storage' },
  failed: { text: '⚠ Not sent', tone: 'failed', title: 'Could not be sent: see the Queue' },
};

/** The photo's cloud state on a thumbnail; nothing when it is not queued. */
export function SyncBadge({ state }: { state: ImageSyncState | null | undefined }) {
  const b = state ? BADGE[state] : undefined;
  if (!b) return null;
  return (
    <span className={`badge sync ${b.tone}`} title={b.title} data-testid="sync-badge" data-sync={state}>
      {b.text}
    </span>
  );
}
