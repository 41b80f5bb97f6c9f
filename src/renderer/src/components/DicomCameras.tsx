// The cameras the station knows by AE title (add, edit, remove: IT-only) with what each last sent,
// and the unknown callers that were refused, each with "Add as camera". The camera dialog checks
// every field with the shared schema (dicomCameraSchema) and shows the message next to it.
import { useState, type FormEvent } from 'react';
import { dicomCameraSchema, type DicomCamera, type DicomCharset } from '../../../shared/dicom-settings.ts';
import { station } from '../bridge.ts';
import { useAction } from '../use-action.ts';
import { formatDateTime } from '../format.ts';
import { CHARSET_TEXT, checkFields, lastSentText, type DicomActivity, type DicomStatus } from '../dicom-text.ts';
import { Dialog } from './Dialog.tsx';
import { useFormDraft } from './FormField.tsx';

type CameraView = DicomStatus['cameras'][number];

interface Draft {
  aeTitle: string;
  name: string;
  host: string;
  charset: DicomCharset;
  defaultModality: string;
  worklistStationAeTitle: string;
}

const emptyDraft = (aeTitle = '', host = ''): Draft => ({ aeTitle, name: '', host, charset: 'utf8', defaultModality: 'OP', worklistStationAeTitle: '' });
const toDraft = (c: DicomCamera): Draft => ({
  aeTitle: c.aeTitle,
  name: c.name,
  host: c.host ?? '',
  charset: c.charset,
  defaultModality: c.defaultModality,
  worklistStationAeTitle: c.worklistStationAeTitle ?? '',
});

function CameraDialog({ initial, previousAeTitle, onClose, onSaved }: { initial: Draft; previousAeTitle: string | null; onClose: () => void; onSaved: (name: string) => void }) {
  const { draft: d, setErrors, set, text, field } = useFormDraft(initial);
  const { run, busy, error } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = checkFields(dicomCameraSchema, { ...d, host: d.host.trim() || null, worklistStationAeTitle: d.worklistStationAeTitle.trim() || null });
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    const saved = await run(() => station.call('dicom.cameras.save', { camera: checked.value, previousAeTitle }));
    if (saved) onSaved(checked.value.name);
  };
  return (
    <Dialog title={previousAeTitle ? `Camera ${previousAeTitle}` : 'Add a camera'} onClose={onClose} testId="camera-dialog">
      <form className="dicom-dialog-form" onSubmit={submit} noValidate>
        <fieldset className="it-fields" disabled={busy}>
          {field('aeTitle', 'AE title', "As set on the camera (its calling AE title).", text('aeTitle', { maxLength: 16, 'data-autofocus': true }))}
          {field('name', 'Name', 'How the screens name it, e.g. "Fundus camera, room 2".', text('name'))}
          {field('host', 'Host check (optional)', 'Accept this AE title only from this IP address or host name.', text('host', { placeholder: 'any host' }))}
          {field(
            'charset',
            'Character set',
            CHARSET_TEXT[d.charset].explain,
            (f) => <select {...f} name="charset" value={d.charset} onChange={(e) => set('charset', e.target.value as DicomCharset)}>
              {(Object.keys(CHARSET_TEXT) as DicomCharset[]).map((c) => <option key={c} value={c}>{CHARSET_TEXT[c].label}</option>)}
            </select>,
          )}
          {field('defaultModality', 'Default modality', 'Given to its images when they carry none (OP photographs, OPT OCT).', text('defaultModality', { maxLength: 16 }))}
          {field('worklistStationAeTitle', 'Worklist station filter (optional)', 'For a camera that asks for the worklist without naming a station: only items for this station AE title.', text('worklistStationAeTitle', { maxLength: 16, placeholder: 'every item' }))}
          {error && <div className="notice error" role="alert">{error}</div>}
          <div className="itlock-actions">
            <button type="button" className="button" onClick={onClose}>Cancel</button>
            <button className="button primary">{previousAeTitle ? 'Save camera' : 'Add camera'}</button>
          </div>
        </fieldset>
      </form>
    </Dialog>
  );
}

export function DicomCameras({ status, locked }: { status: DicomStatus; locked: boolean }) {
  const [editing, setEditing] = useState<{ draft: Draft; previous: string | null } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const { run, busy, error } = useAction();
  const remove = (c: CameraView) => {
    if (!confirm(`Remove the camera ${c.aeTitle} (${c.name})? Its images stay; new images from it are refused unless unknown cameras are accepted.`)) return;
    void run(() => station.call('dicom.cameras.remove', { aeTitle: c.aeTitle })).then((r) => r && setMessage(`${c.name} removed.`));
  };
  const refused = status.unknownCallers.filter((u) => u.refusedAssociations > 0 || u.objectsRefused > 0);
  const allowed = status.unknownCallers.filter((u) => !refused.includes(u));
  const unknownRow = (u: DicomActivity, wasRefused: boolean) => (
    <tr key={u.callingAe} data-testid="unknown-caller">
      <td className="ae">{u.callingAe}</td>
      <td>{u.lastAddress ?? '—'}</td>
      <td>{wasRefused ? (u.lastRefusal ?? `${u.refusedAssociations} refused`) : lastSentText(u, formatDateTime)}</td>
      <td>{formatDateTime(u.lastAssociationAt)}</td>
      <td className="actions">
        <button type="button" className="button small" disabled={locked} onClick={() => setEditing({ draft: { ...emptyDraft(u.callingAe, u.lastAddress ?? ''), name: u.callingAe }, previous: null })}>
          Add as camera
        </button>
      </td>
    </tr>
  );
  return (
    <div className="panel" data-testid="dicom-cameras">
      <h2>Cameras</h2>
      <div className="table-scroll">
        <table className="dicom-table">
          <thead>
            <tr><th>AE title</th><th>Name</th><th>Host check</th><th>Character set</th><th>Modality</th><th>Worklist filter</th><th>Last sent</th><th /></tr>
          </thead>
          <tbody>
            {status.cameras.map((c) => (
              <tr key={c.aeTitle} data-testid="camera-row">
                <td className="ae">{c.aeTitle}</td>
                <td>{c.name}</td>
                <td>{c.host ?? <span className="muted">any host</span>}</td>
                <td title={CHARSET_TEXT[c.charset].explain}>{CHARSET_TEXT[c.charset].label}</td>
                <td>{c.defaultModality}</td>
                <td>{c.worklistStationAeTitle ?? <span className="muted">every item</span>}</td>
                <td data-testid="camera-last-sent" title={c.activity.lastStatus !== null ? `DIMSE status 0x${c.activity.lastStatus.toString(16).padStart(4, '0')}` : undefined}>
                  {lastSentText(c.activity, formatDateTime)}
                  {c.activity.lastRefusal && c.activity.refusedAssociations > 0 && <div className="reason">{c.activity.lastRefusal}</div>}
                </td>
                <td className="actions">
                  <button type="button" className="button small" disabled={locked || busy} onClick={() => setEditing({ draft: toDraft(c), previous: c.aeTitle })} aria-label={`Edit camera ${c.aeTitle}`}>Edit</button>
                  <button type="button" className="button small danger" disabled={locked || busy} onClick={() => remove(c)} aria-label={`Remove camera ${c.aeTitle}`}>Remove</button>
                </td>
              </tr>
            ))}
            {status.cameras.length === 0 && <tr><td colSpan={8} className="muted">No cameras yet. Add each camera by the AE title set on it.</td></tr>}
          </tbody>
        </table>
      </div>
      <div>
        <button type="button" className="button primary" disabled={locked} onClick={() => setEditing({ draft: emptyDraft(), previous: null })}>Add a camera</button>
      </div>
      {error && <div className="notice error" role="alert">{error}</div>}
      {message && <div className="notice info" role="status">{message}</div>}
      {(refused.length > 0 || allowed.length > 0) && (
        <>
          <h3>Callers not in the list</h3>
          <p className="muted small">
            {refused.length > 0 ? 'These AE titles tried to connect and were refused. If one is a camera of this clinic, add it.' : 'These AE titles connected while unknown cameras are accepted.'}
          </p>
          <div className="table-scroll">
            <table className="dicom-table" data-testid="unknown-callers">
              <thead>
                <tr><th>AE title</th><th>From</th><th>What happened</th><th>Last time</th><th /></tr>
              </thead>
              <tbody>
                {refused.map((u) => unknownRow(u, true))}
                {allowed.map((u) => unknownRow(u, false))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {editing && (
        <CameraDialog
          initial={editing.draft}
          previousAeTitle={editing.previous}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setMessage(`${name} saved. New associations use it at once.`);
          }}
        />
      )}
    </div>
  );
}
