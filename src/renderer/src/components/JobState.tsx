// A queue job's state as a badge with its note (next try, photos waited for, outcome, failed
// attempts): shared by the Queue's photo, order and PACS forward tables.
import type { SyncJobView } from '../../../shared/contract/sync.ts';
import { formatClock } from '../format.ts';

type Job = SyncJobView;

const JOB_WORD: Record<Job['state'], string> = {
  waiting: 'Waiting',
  running: 'Sending',
  'retry-wait': 'Retrying',
  paused: 'Paused',
  blocked: 'Waiting for photos',
  done: 'Sent',
  failed: 'Failed',
  cancelled: 'Withdrawn',
};

export function StateCell({ job }: { job: Job }) {
  let note: string | null = null;
  if (job.state === 'retry-wait' && job.nextAttemptAt) note = `next try ${formatClock(job.nextAttemptAt)}`;
  if (job.state === 'blocked' && job.imagesLeft) note = `${job.imagesLeft} photo${job.imagesLeft === 1 ? '' : 's'} not in the cloud yet`;
  if (job.state === 'done' && job.outcome) note = job.outcome === 'already-there' ? 'was already there' : job.outcome;
  return (
    <div>
      <span className={`badge qstate ${job.state}`} data-testid="job-state">{JOB_WORD[job.state]}</span>
      {note && <div className="small muted">{note}</div>}
      {job.attempts > 0 && job.state !== 'done' && <div className="small muted">{job.attempts} failed attempt{job.attempts === 1 ? '' : 's'}</div>}
    </div>
  );
}
