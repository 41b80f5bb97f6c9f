// The PACS routes (add, edit, remove: IT-only) and "Test (C-ECHO)" per route, with the PACS's
// answer as a sentence next to it. The route dialog checks every field with the shared schema
// (pacsRouteInputSchema) and can test the route as typed before it is saved.
import { Fragment, useState, type FormEvent } from 'react';
import { pacsRouteInputSchema, type PacsEchoResult, type PacsRoute } from '../../../shared/pacs.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { checkFields, numberErrors, wholeNumber } from '../dicom-text.ts';
import { Dialog } from './Dialog.tsx';
import { useFormDraft } from './FormField.tsx';

interface Draft {
  id?: string;
  name: string;
  match: 'all' | 'camera';
  cameraAeTitle: string;
  aeTitle: string;
  host: string;
  port: string;
  callingAeTitle: string;
  enabled: boolean;
}

const toDraft = (r: PacsRoute): Draft => ({
  id: r.id,
  name: r.name,
  match: r.match,
  cameraAeTitle: r.cameraAeTitle ?? '',
  aeTitle: r.aeTitle,
  host: r.host,
  port: String(r.port),
  callingAeTitle: r.callingAeTitle,
  enabled: r.enabled,
});

const values = (d: Draft): Record<string, unknown> => ({
  ...(d.id && { id: d.id }),
  name: d.name,
  match: d.match,
  cameraAeTitle: d.match === 'camera' ? d.cameraAeTitle : null,
  aeTitle: d.aeTitle,
  host: d.host,
  port: wholeNumber(d.port),
  callingAeTitle: d.callingAeTitle,
  enabled: d.enabled,
});

function check(d: Draft) {
  const v = values(d);
  const checked = checkFields(pacsRouteInputSchema, v);
  return checked.ok ? checked : { ok: false as const, errors: numberErrors(checked.errors, v, ['port']) };
}

function EchoAnswer({ result }: { result: PacsEchoResult | 'asking' | undefined }) {
  if (!result) return null;
  if (result === 'asking') return <span className="echo-answer muted" role="status">Asking the PACS…</span>;
  return (
    <span className={`echo-answer ${result.ok ? 'ok' : 'bad'}`} role="status" data-testid="echo-answer">
      {result.message}
    </span>
  );
}

function RouteDialog({ initial, cameras, onClose, onSaved }: { initial: Draft; cameras: string[]; onClose: () => void; onSaved: (r: PacsRoute) => void }) {
  const [echo, setEcho] = useState<PacsEchoResult | 'asking' | undefined>();
  const { draft: d, setErrors, set, text, field } = useFormDraft(initial, () => setEcho(undefined));
  const { run, busy, error } = useAction();
  const valid = () => {
    const c = check(d);
    setErrors(c.ok ? {} : c.errors);
    return c.ok ? c.value : null;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v = valid();
    if (!v) return;
    const saved = await run(() => station.call('pacs.routes.save', v));
    if (saved) onSaved(saved);
  };
  const test = async () => {
    const v = valid();
    if (!v) return;
    setEcho('asking');
    const r = await run(() => station.call('pacs.routes.test', v));
    setEcho(r);
  };
  return (
    <Dialog title={d.id ? `PACS route ${initial.name}` : 'Add a PACS route'} onClose={onClose} testId="route-dialog">
      <form className="dicom-dialog-form" onSubmit={submit} noValidate>
        <fieldset className="it-fields" disabled={busy}>
          {field('name', 'Name', 'e.g. "Clinic PACS".', text('name', { 'data-autofocus': true }))}
          {field(
            'match',
            'Which images',
            null,
            (f) => <select {...f} name="match" value={d.match} onChange={(e) => set('match', e.target.value as Draft['match'])}>
              <option value="all">Every image received over DICOM</option>
              <option value="camera">Only images from one camera</option>
            </select>,
          )}
          {d.match === 'camera' && field('cameraAeTitle', "Camera's AE title", null, text('cameraAeTitle', { maxLength: 16, list: 'pacs-camera-aets' }))}
          <datalist id="pacs-camera-aets">{cameras.map((c) => <option key={c} value={c} />)}</datalist>
          {field('aeTitle', 'PACS AE title', 'The called AE title, as the PACS administrator gave it.', text('aeTitle', { maxLength: 16 }))}
          {field('host', 'PACS host', 'Host name or IP address.', text('host'))}
          {field('port', 'PACS port', null, text('port', { inputMode: 'numeric' }))}
          {field('callingAeTitle', 'Our AE title', 'This station as the PACS knows it (the calling AE title).', text('callingAeTitle', { maxLength: 16 }))}
          <label className="check">
            <input type="checkbox" name="enabled" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Forward images on this route
          </label>
          {error && <div className="notice error" role="alert">{error}</div>}
          <div className="itlock-actions">
            <EchoAnswer result={echo} />
            <button type="button" className="button" onClick={() => void test()}>Test (C-ECHO)</button>
            <button type="button" className="button" onClick={onClose}>Cancel</button>
            <button className="button primary">{d.id ? 'Save route' : 'Add route'}</button>
          </div>
        </fieldset>
      </form>
    </Dialog>
  );
}

export function PacsRoutes({ locked, stationAeTitle, cameras }: { locked: boolean; stationAeTitle: string; cameras: string[] }) {
  const routes = useStationQuery('pacs.routes.list', {}, ['sync.changed']);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [echo, setEcho] = useState<Record<string, PacsEchoResult | 'asking'>>({});
  const [message, setMessage] = useState<string | null>(null);
  const { run, busy, error } = useAction();
  const test = async (r: PacsRoute) => {
    setEcho((e) => ({ ...e, [r.id]: 'asking' }));
    const answer = await run(() => station.call('pacs.routes.test', { id: r.id }));
    setEcho((e) => {
      const next = { ...e };
      if (answer) next[r.id] = answer;
      else delete next[r.id];
      return next;
    });
  };
  const remove = async (r: PacsRoute) => {
    if (!confirm(`Remove the PACS route "${r.name}"? Images not yet forwarded on it are withdrawn.`)) return;
    const done = await run(() => station.call('pacs.routes.remove', { id: r.id }));
    if (done) setMessage(`"${r.name}" removed${done.withdrawn ? `; ${done.withdrawn} waiting image${done.withdrawn === 1 ? ' was' : 's were'} withdrawn` : ''}.`);
    void routes.reload();
  };
  const blank: Draft = { name: '', match: 'all', cameraAeTitle: '', aeTitle: '', host: '', port: '104', callingAeTitle: stationAeTitle, enabled: true };
  return (
    <div className="panel" data-testid="pacs-routes">
      <h2>PACS routes</h2>
      <p className="muted small">Images received over DICOM are forwarded, byte for byte, to every enabled route that takes them. A PACS that is away never holds up intake or the cloud.</p>
      {routes.error && <div className="notice error" role="alert">{routes.error}</div>}
      <div className="table-scroll">
        <table className="dicom-table">
          <thead>
            <tr><th>Name</th><th>Which images</th><th>PACS AE title</th><th>Host</th><th>Port</th><th>Our AE title</th><th>Enabled</th><th /></tr>
          </thead>
          <tbody>
            {routes.data?.map((r) => (
              <Fragment key={r.id}>
                <tr data-testid="route-row" className={echo[r.id] ? 'with-answer' : undefined}>
                  <td>{r.name}</td>
                  <td>{r.match === 'all' ? 'Every DICOM image' : <>From <span className="ae">{r.cameraAeTitle}</span></>}</td>
                  <td className="ae">{r.aeTitle}</td>
                  <td className="host">{r.host}</td>
                  <td>{r.port}</td>
                  <td className="ae">{r.callingAeTitle}</td>
                  <td>{r.enabled ? 'Yes' : <span className="muted">No</span>}</td>
                  <td className="actions">
                    <button type="button" className="button small" onClick={() => void test(r)} disabled={echo[r.id] === 'asking'} aria-label={`Test (C-ECHO) ${r.name}`}>Test (C-ECHO)</button>
                    <button type="button" className="button small" disabled={locked || busy} onClick={() => setEditing(toDraft(r))} aria-label={`Edit route ${r.name}`}>Edit</button>
                    <button type="button" className="button small danger" disabled={locked || busy} onClick={() => void remove(r)} aria-label={`Remove route ${r.name}`}>Remove</button>
                  </td>
                </tr>
                {echo[r.id] && (
                  <tr className="echo-row">
                    <td colSpan={8}><EchoAnswer result={echo[r.id]} /></td>
                  </tr>
                )}
              </Fragment>
            ))}
            {routes.data?.length === 0 && <tr><td colSpan={8} className="muted">No routes: images stay on this station and go to the cloud only.</td></tr>}
          </tbody>
        </table>
      </div>
      <div>
        <button type="button" className="button primary" disabled={locked} onClick={() => setEditing(blank)}>Add a PACS route</button>
      </div>
      {error && <div className="notice error" role="alert">{error}</div>}
      {message && <div className="notice info" role="status">{message}</div>}
      {editing && (
        <RouteDialog
          initial={editing}
          cameras={cameras}
          onClose={() => setEditing(null)}
          onSaved={(r) => {
            setEditing(null);
            setMessage(`"${r.name}" saved.`);
            void routes.reload();
          }}
        />
      )}
    </div>
  );
}
