// The Queue's PACS forwards (issue 13 items 3 and 5): one block per route, with the route's state
// (answering, not answering, refusing the station) and its images: waiting, sent, failed with the
// reason, and "Try again" by hand. A route's own lane: one PACS away never holds up another.
import type { QueueSummary, SyncJobView } from '../../../shared/contract/sync.ts';
import type { PacsLane } from '../../../shared/pacs.ts';
import { formatClock, formatDateTime } from '../format.ts';
import { StateCell } from './JobState.tsx';
import { forwardsByRoute } from '../dicom-text.ts';
import '../dicom.css';

const LANE_WORD: Record<PacsLane['state'], string> = {
  online: 'Answering',
  offline: 'Not answering: trying again by itself',
  refused: 'Refuses this station: trying again by itself',
};

export function PacsForwards({ status, jobs, more, busy, onRetry, onTryNow }: {
  status: QueueSummary;
  jobs: SyncJobView[];
  more: number;
  busy: boolean;
  onRetry: (jobId: string) => void;
  onTryNow: () => void;
}) {
  const p = status.pacs;
  if (!p.routes.length && !jobs.length) return null;
  const operatorPaused = status.state === 'paused' && status.pausedReason === 'operator';
  return (
    <div className="q-section" data-testid="queue-forwards">
      <h2>PACS forwards</h2>
      <p className="muted small">
        {p.waiting + p.running} waiting{p.failed ? ` · ${p.failed} failed` : ''} · {p.done} sent. Images received over DICOM go to each PACS route that takes them.
      </p>
      {forwardsByRoute(p.routes, jobs).map((g) => (
        <div key={g.key} data-testid="forward-route" data-route={g.name}>
          <div className="pacs-route-head">
            <h3>{g.name}</h3>
            {g.lane && <span className={`badge qstate ${g.lane.state === 'online' ? 'done' : 'retry-wait'}`}>{LANE_WORD[g.lane.state]}</span>}
            {g.lane && g.lane.state !== 'online' && g.lane.since && <span className="small muted">since {formatClock(g.lane.since)}</span>}
            {g.lane && g.lane.state !== 'online' && !operatorPaused && (
              <button className="button small" disabled={busy} onClick={onTryNow}>Try now</button>
            )}
          </div>
          {g.lane?.message && g.lane.state !== 'online' && <div className="reason">{g.lane.message}</div>}
          {g.jobs.length === 0 ? (
            <p className="muted small">Nothing forwarded on this route yet.</p>
          ) : (
            <table className="q-table">
              <thead>
                <tr><th>Image</th><th>State</th><th>Sent</th><th>Last problem</th><th /></tr>
              </thead>
              <tbody>
                {g.jobs.map((j) => (
                  <tr key={j.id} className={j.state} data-testid="forward-row" data-job-state={j.state}>
                    <td>
                      <div className="file-name">{j.title}</div>
                      <div className="small muted">{j.detail?.replace(/^to [^·]*(· )?/, '') || '—'}</div>
                    </td>
                    <td><StateCell job={j} /></td>
                    <td className="small muted">{j.state === 'done' ? formatDateTime(j.doneAt) : '—'}</td>
                    <td className="q-err">{j.state === 'done' ? null : j.lastError}</td>
                    <td>
                      {j.state === 'failed' && (
                        <button className="button small" disabled={busy} onClick={() => onRetry(j.id)}>Try again</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
      {more > 0 && <p className="muted small">and {more} more waiting</p>}
    </div>
  );
}
