// The Queue: what is waiting to go to the cloud, what is being sent (progress, speed, time left),
// what failed and why, and the forwards to PACS per route. Pause/resume, retry. Everything is
// re-queried on 'sync.changed'.
import type { QueueSummary, SyncJobView } from '../../../shared/contract/sync.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { formatBytes, formatClock, formatDateTime } from '../format.ts';
import { formatDuration, formatRate, waitingText } from '../components/SyncIndicator.tsx';
import { StateCell } from '../components/JobState.tsx';
import { PacsForwards } from '../components/PacsForwards.tsx';

type Job = SyncJobView;
type Summary = QueueSummary;

const STATE_WORD: Record<Summary['state'], string> = {
  'not-configured': 'Cloud sync is not set up',
  idle: 'Everything is sent',
  syncing: 'Sending',
  offline: 'Offline: trying again by itself',
  paused: 'Paused',
};

function Progress({ job }: { job: Job }) {
  if (job.state !== 'running' || job.kind !== 'upload-image') return null;
  const pct = job.bytes ? Math.min(100, Math.round(((job.sentBytes ?? 0) / job.bytes) * 100)) : 0;
  return (
    <div className="q-progress">
      <div className="q-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={`${job.title}: ${pct}% sent`}>
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="small muted">
        {pct}% · {formatRate(job.bytesPerSecond)} · {job.secondsLeft !== null ? `${formatDuration(job.secondsLeft)} left` : '—'}
      </span>
    </div>
  );
}

function JobRows({ jobs, kind, onRetry, busy }: { jobs: Job[]; kind: 'upload-image' | 'submit-order'; onRetry: (id: string) => void; busy: boolean }) {
  if (!jobs.length) return <p className="muted">{kind === 'upload-image' ? 'No photos queued.' : 'No orders queued.'}</p>;
  return (
    <table className="q-table" data-testid={kind === 'upload-image' ? 'queue-uploads' : 'queue-orders'}>
      <thead>
        <tr>
          <th>{kind === 'upload-image' ? 'Photo' : 'Exam'}</th>
          <th>State</th>
          <th>{kind === 'upload-image' ? 'Progress' : 'Platform'}</th>
          <th>Last problem</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.id} className={j.state} data-testid="queue-row" data-job-state={j.state}>
            <td>
              <div className="file-name">{j.title}</div>
              <div className="small muted">
                {j.detail}
                {kind === 'upload-image' && j.bytes ? ` · ${formatBytes(j.bytes)}` : ''}
              </div>
            </td>
            <td>
              <StateCell job={j} />
            </td>
            <td>
              {kind === 'upload-image' ? (
                j.state === 'done' ? <span className="small muted">{formatDateTime(j.doneAt)}</span> : <Progress job={j} />
              ) : j.platformOrderId ? (
                <span className="small" title="The platform's id for this order">
                  {j.platformOrderId} · {formatDateTime(j.doneAt)}
                </span>
              ) : null}
            </td>
            {/* A paused queue says why once, above; done jobs have no problem left. */}
            <td className="q-err">{j.state === 'done' || (j.state === 'paused' && j.lastErrorKind === 'auth') ? null : j.lastError}</td>
            <td>
              {j.state === 'failed' && (
                <button className="button small" disabled={busy} onClick={() => onRetry(j.id)}>
                  Try again
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function QueueScreen() {
  const status = useStationQuery('sync.status', {}, ['sync.changed']);
  const jobs = useStationQuery('sync.jobs', { limit: 300 }, ['sync.changed']);
  const { run, busy, error } = useAction();
  const s = status.data;
  const failed = s ? s.uploads.failed + s.orders.failed : 0;
  const tone = s ? (s.state === 'idle' && failed ? 'attention' : s.state) : '';
  const retry = (jobId?: string) => void run(() => station.call('sync.retry', jobId ? { jobId } : {}));

  return (
    <section aria-label="Queue" data-testid="queue-screen">
      <div className="screen-head">
        <h1>Queue</h1>
        <p className="muted">Photos and orders on their way to the screening platform. Nothing is lost while they wait.</p>
      </div>
      {(status.error || jobs.error || error) && <div className="notice error" role="alert">{status.error ?? jobs.error ?? error}</div>}
      {s && (
        <div className={`q-status ${tone}`} data-testid="queue-status" data-state={s.state}>
          <div>
            <div className="q-state">{STATE_WORD[s.state]}</div>
            <div className="q-figures">
              <span>
                <b>{waitingText(s)}</b>
              </span>
              {s.state === 'syncing' && (
                <>
                  <span>
                    Speed <b>{formatRate(s.bytesPerSecond)}</b>
                  </span>
                  <span>
                    Time left <b>{formatDuration(s.secondsLeft)}</b>
                  </span>
                </>
              )}
              {s.concurrency !== null && (
                <span>
                  {s.concurrency} at a time{s.bandwidthCapKbps ? ` · capped at ${s.bandwidthCapKbps} kbit/s` : ''}
                </span>
              )}
              {s.lastSuccessAt && <span>Last sent {formatClock(s.lastSuccessAt)}</span>}
              {s.nextAttemptAt && s.state !== 'paused' && <span>Next try {formatClock(s.nextAttemptAt)}</span>}
            </div>
          </div>
          <div className="q-message" data-testid="queue-message">
            {s.message}
            {s.clockMessage && <div className="reason">{s.clockMessage}</div>}
            {s.state === 'not-configured' || s.pausedReason === 'auth' ? (
              <div>
                <a href="#/cloud">Open the cloud settings</a>
              </div>
            ) : null}
          </div>
          <div className="q-actions">
            {failed > 0 && (
              <button className="button" disabled={busy} onClick={() => retry()}>
                Try all failed again
              </button>
            )}
            {s.state === 'paused' ? (
              <button className="button primary" disabled={busy} onClick={() => void run(() => station.call('sync.resume'))}>
                {s.pausedReason === 'operator' ? 'Resume' : 'Try again now'}
              </button>
            ) : s.state !== 'not-configured' ? (
              <button className="button" disabled={busy} onClick={() => void run(() => station.call('sync.pause'))}>
                Pause sending
              </button>
            ) : null}
            {s.state === 'offline' && (
              <button className="button" disabled={busy} onClick={() => void run(() => station.call('sync.resume'))}>
                Try now
              </button>
            )}
          </div>
        </div>
      )}
      <div className="q-section">
        <h2>Photos</h2>
        {jobs.data && <JobRows jobs={jobs.data.uploads} kind="upload-image" onRetry={retry} busy={busy} />}
        {jobs.data && jobs.data.more.uploads > 0 && <p className="muted small">and {jobs.data.more.uploads} more waiting</p>}
      </div>
      <div className="q-section">
        <h2>Orders</h2>
        {jobs.data && <JobRows jobs={jobs.data.orders} kind="submit-order" onRetry={retry} busy={busy} />}
        {jobs.data && jobs.data.more.orders > 0 && <p className="muted small">and {jobs.data.more.orders} more waiting</p>}
      </div>
      {s && jobs.data && (
        <PacsForwards status={s} jobs={jobs.data.forwards} more={jobs.data.more.forwards} busy={busy} onRetry={retry} onTryNow={() => void run(() => station.call('sync.resume'))} />
      )}
    </section>
  );
}
