import { useState } from 'react';
import { useStationQuery } from '../use-station.ts';
import { station } from '../bridge.ts';
import { formatDateTime } from '../format.ts';
import { addedMessage, FOLDER_EXAMPLE } from '../sources-text.ts';
import { LockBar, useItLock } from '../components/ItLock.tsx';
import { DicomSourceRow } from '../components/DicomSourceRow.tsx';

const STATE_TEXT = { starting: 'Starting…', watching: 'Watching', unreachable: 'Cannot reach', error: 'Not watched', stopped: 'Stopped' } as const;

export function SourcesScreen() {
  const { data, error } = useStationQuery('sources.list', {}, ['sources.changed']);
  const [path, setPath] = useState('');
  const [polling, setPolling] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const { locked } = useItLock();

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const s = await station.call('sources.add', { path, polling });
      setMessage(addedMessage(s));
      setPath('');
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string, p: string) => {
    if (!confirm(`Stop watching ${p}? Photos already taken in stay.`)) return;
    try {
      await station.call('sources.remove', { id });
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };

  return (
    <section aria-label="Sources">
      <div className="screen-head">
        <h1>Sources</h1>
        <p className="muted">Folders where cameras save their photos, and cameras that send over the DICOM network. Every new file is taken in the moment it is complete.</p>
      </div>
      <LockBar what="Watched folders" />
      {error && <div className="notice error" role="alert">{error}</div>}
      <form className="add-source" onSubmit={add}>
        <fieldset className="it-fields" disabled={locked}>
        <label>
          Folder to watch
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder={FOLDER_EXAMPLE} required aria-label="Folder to watch" />
        </label>
        <label className="check">
          <input type="checkbox" checked={polling} onChange={(e) => setPolling(e.target.checked)} /> Network share (check every second)
        </label>
        <button className="button primary" disabled={busy || !path.trim()}>Watch this folder</button>
        </fieldset>
      </form>
      {message && <div className={`notice ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>{message.text}</div>}
      <table className="sources">
        <thead>
          <tr><th>Folder</th><th>State</th><th>Photos</th><th>Last photo</th><th /></tr>
        </thead>
        <tbody>
          <DicomSourceRow />
          {data?.items.map((s) => (
            <tr key={s.id} data-testid="source-row">
              <td className="path">{s.path}{s.polling && <span className="muted"> (checked every second)</span>}</td>
              <td>
                <span className={`badge state ${s.state}`}>{STATE_TEXT[s.state]}</span>
                {s.stateDetail && <div className="reason">{s.stateDetail}</div>}
              </td>
              <td>{s.imageCount}</td>
              <td>{formatDateTime(s.lastFileAt)}</td>
              <td><button className="button" onClick={() => remove(s.id, s.path)} disabled={locked}>Stop watching</button></td>
            </tr>
          ))}
          {data?.items.length === 0 && <tr><td colSpan={5} className="muted">No folders yet. Add the camera's export folder above.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
