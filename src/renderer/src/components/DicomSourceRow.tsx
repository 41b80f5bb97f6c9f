// The Sources table's DICOM row: the listener (state, port, AE title), associations now, objects
// received and refused today, the last object's time, and a link to Settings > DICOM.
import { useStationQuery } from '../use-station.ts';
import { formatDateTime } from '../format.ts';
import { associationsText, listenerSentence } from '../dicom-text.ts';
import '../dicom.css';

const STATE = { off: 'Off', listening: 'Listening', failed: 'Not listening' } as const;
const BADGE = { off: 'stopped', listening: 'watching', failed: 'error' } as const;

export function DicomSourceRow() {
  const { data } = useStationQuery('dicom.status', {}, ['dicom.changed']);
  if (!data) return null;
  const l = data.listener;
  const refusedNow = data.cameras.reduce((n, c) => n + c.activity.objectsRefused, 0) + data.unknownCallers.reduce((n, u) => n + u.objectsRefused, 0);
  const refusedCallers = data.unknownCallers.filter((u) => u.refusedAssociations > 0).length;
  return (
    <tr className="dicom-source" data-testid="dicom-source-row" data-state={l.state}>
      <td className="path">
        <strong>DICOM network</strong>
        {l.state === 'listening' ? (
          <span className="muted"> · port {l.port} as {l.aeTitle}</span>
        ) : null}
        <div className="dicom-facts">
          <span data-testid="dicom-associations">{associationsText(l)}</span>
          <span>{data.cameras.length} camera{data.cameras.length === 1 ? '' : 's'} known</span>
          <span data-testid="dicom-refused">
            {data.today.refused} refused today{refusedNow > data.today.refused ? ` (${refusedNow} since start)` : ''}
            {refusedCallers ? ` · ${refusedCallers} unknown caller${refusedCallers === 1 ? '' : 's'} refused` : ''}
          </span>
        </div>
      </td>
      <td>
        <span className={`badge state ${BADGE[l.state]}`}>{STATE[l.state]}</span>
        {l.state !== 'listening' && <div className={l.state === 'failed' ? 'reason' : 'small muted'}>{listenerSentence(l)}</div>}
      </td>
      <td data-testid="dicom-today">{data.today.objects} today</td>
      <td>{formatDateTime(data.today.lastObjectAt ?? latest(data))}</td>
      <td>
        <a className="button" href="#/settings/dicom">DICOM settings</a>
      </td>
    </tr>
  );
}

/** The last object any camera sent (when none came today). */
function latest(data: { cameras: { activity: { lastReceivedAt: string | null } }[]; unknownCallers: { lastReceivedAt: string | null }[] }): string | null {
  const all = [...data.cameras.map((c) => c.activity.lastReceivedAt), ...data.unknownCallers.map((u) => u.lastReceivedAt)].filter((x): x is string => !!x);
  return all.sort().at(-1) ?? null;
}
