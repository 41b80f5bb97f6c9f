// Cloud settings, for clinic IT: where photos go (the write-only connection string and container),
// the workflow, the order endpoint and its token, the site and station ids, and how hard to push
// the network. Secrets are write-only here: the station shows a hint (…last 4), never the value;
// leaving a secret field empty keeps the saved one. "Test connection" tries the values typed,
// before they are saved.
import { useState } from 'react';
import type { MethodInput, MethodOutput } from '../../../shared/contract/index.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { formatDateTime } from '../format.ts';
import '../sync.css';
import { LockBar, useItLock } from '../components/ItLock.tsx';

type State = MethodOutput<'sync.settings.get'>;
type TestResult = MethodOutput<'sync.settings.test'>;

interface Form {
  connectionString: string;
  container: string;
  workflow: 'image-first' | 'order-first';
  orderEndpointUrl: string;
  orderEndpointToken: string;
  siteId: string;
  stationId: string;
  concurrency: string;
  bandwidthCapKbps: string;
}

function formFrom(s: State): Form {
  const v = s.view ?? s.draft;
  return {
    connectionString: '',
    container: v.container ?? '',
    workflow: v.workflow ?? 'image-first',
    orderEndpointUrl: v.orderEndpointUrl ?? '',
    orderEndpointToken: '',
    siteId: v.siteId ?? '',
    stationId: v.stationId ?? s.suggestedStationId,
    concurrency: String(v.concurrency ?? 4),
    bandwidthCapKbps: v.bandwidthCapKbps ? String(v.bandwidthCapKbps) : '',
  };
}

/** The form as a patch; local problems for numbers the station would not even look at. */
function toPatch(f: Form): { patch: MethodInput<'sync.settings.update'>; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const concurrency = Number(f.concurrency);
  if (!/^\d+$/.test(f.concurrency.trim())) problems.concurrency = 'Parallel uploads must be a whole number from 1 to 16.';
  const cap = f.bandwidthCapKbps.trim();
  if (cap && !/^\d+$/.test(cap)) problems.bandwidthCapKbps = 'The bandwidth cap must be a whole number of kilobits per second, or empty for none.';
  return {
    patch: {
      ...(f.connectionString.trim() && { connectionString: f.connectionString.trim() }),
      container: f.container.trim(),
      workflow: f.workflow,
      orderEndpointUrl: f.orderEndpointUrl.trim() || null,
      ...(f.orderEndpointToken.trim() && { orderEndpointToken: f.orderEndpointToken.trim() }),
      siteId: f.siteId,
      stationId: f.stationId,
      concurrency,
      bandwidthCapKbps: cap ? Number(cap) : null,
    },
    problems,
  };
}

function Field({ id, label, problem, hint, children }: { id: string; label: string; problem?: string | undefined; hint?: React.ReactNode; children: React.ReactNode }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div className="field">
        {children}
        {hint && <span className="hint">{hint}</span>}
        {problem && (
          <span className="problem" role="alert" data-testid={`problem-${id}`}>
            {problem}
          </span>
        )}
      </div>
    </>
  );
}

export function CloudSettingsScreen() {
  const { data, error: loadError } = useStationQuery('sync.settings.get', {}, []);
  const [edited, setForm] = useState<Form | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<State | null>(null);
  const [test, setTest] = useState<TestResult | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const { run, busy, error } = useAction();
  const { locked } = useItLock();
  const state = saved ?? data;
  // Until the first change, the form shows what is saved.
  const form = edited ?? (state ? formFrom(state) : null);

  if (!state || !form) return <section aria-label="Cloud settings">{loadError ? <div className="notice error">{loadError}</div> : <p className="muted">Loading…</p>}</section>;

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm({ ...form, [k]: v });
    setMessage(null);
  };
  const view = state.view;
  const fromEnv = (k: 'connectionString' | 'orderEndpointToken') => state.secrets[k] === 'environment';

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    const { patch, problems: local } = toPatch(form);
    setTest(null);
    if (Object.keys(local).length) {
      setProblems(local);
      return;
    }
    void run(async () => {
      const r = await station.call('sync.settings.update', patch);
      if (r.ok) {
        setSaved(r.state);
        setProblems({});
        setForm({ ...form, connectionString: '', orderEndpointToken: '' });
        setMessage('Saved. The queue uses the new settings now.');
      } else {
        setProblems(r.problems);
        setMessage(null);
      }
    });
  };

  const testConnection = () => {
    const { patch, problems: local } = toPatch(form);
    if (Object.keys(local).length) {
      setProblems(local);
      return;
    }
    setTest(null);
    void run(async () => {
      const r = await station.call('sync.settings.test', patch);
      setProblems(r.problems ?? {});
      setTest(r);
    });
  };

  return (
    <section aria-label="Cloud settings" data-testid="cloud-settings">
      <div className="screen-head">
        <h1>Cloud settings</h1>
        <p className="muted">
          Where photos go. Secrets are kept {state.secretStorage} and are never shown again; leave a secret empty to keep the saved one.
        </p>
      </div>
      <LockBar what="Cloud settings" />
      {!state.configured && Object.keys(state.problems).length > 0 && (
        <div className="notice warning">The saved settings cannot be used yet: {Object.values(state.problems).join(' ')}</div>
      )}
      {(error || loadError) && <div className="notice error" role="alert">{error ?? loadError}</div>}
      <form className="cloud-form" onSubmit={save} noValidate>
        <fieldset className="it-fields" disabled={locked}>
        <Field
          id="connectionString"
          label="Connection string"
          problem={problems.connectionString}
          hint={
            fromEnv('connectionString') ? (
              'Set by the environment variable CAPTURE_CONNECTION_STRING on this computer.'
            ) : view ? (
              <>
                Saved: <span className="path">{view.connectionStringHint}</span>
                {view.connectionStringPermissions ? ` · permissions ${view.connectionStringPermissions}` : ''}
                {view.connectionStringExpiresOn ? ` · expires ${formatDateTime(view.connectionStringExpiresOn)}` : ''}
              </>
            ) : (
              "The write-only connection string from the platform's Administrator application (Integration tab): BlobEndpoint=…;SharedAccessSignature=… or a SAS URL."
            )
          }
        >
          <input
            id="connectionString"
            type="password"
            autoComplete="off"
            spellCheck={false}
            disabled={fromEnv('connectionString')}
            placeholder={view ? 'Leave empty to keep the saved one' : 'BlobEndpoint=https://…;SharedAccessSignature=…'}
            value={form.connectionString}
            onChange={(e) => set('connectionString', e.target.value)}
          />
        </Field>
        <Field id="container" label="Container" problem={problems.container}>
          <input id="container" type="text" spellCheck={false} value={form.container} onChange={(e) => set('container', e.target.value)} />
        </Field>
        <Field
          id="workflow"
          label="Workflow"
          problem={problems.workflow}
          hint={
            form.workflow === 'image-first'
              ? 'Photos first, then the order naming them is sent to the order endpoint.'
              : 'The platform already has the order; each photo carries the patient id in its metadata.'
          }
        >
          <div className="radios" role="radiogroup" aria-label="Workflow">
            <label>
              <input type="radio" name="workflow" checked={form.workflow === 'image-first'} onChange={() => set('workflow', 'image-first')} /> Image first
            </label>
            <label>
              <input type="radio" name="workflow" checked={form.workflow === 'order-first'} onChange={() => set('workflow', 'order-first')} /> Order first
            </label>
          </div>
        </Field>
        {form.workflow === 'image-first' && (
          <>
            <Field id="orderEndpointUrl" label="Order endpoint" problem={problems.orderEndpointUrl} hint="Where the station POSTs each OrderRequest (https://…).">
              <input id="orderEndpointUrl" type="url" spellCheck={false} value={form.orderEndpointUrl} onChange={(e) => set('orderEndpointUrl', e.target.value)} />
            </Field>
            <Field
              id="orderEndpointToken"
              label="Order endpoint token"
              problem={problems.orderEndpointToken}
              hint={
                fromEnv('orderEndpointToken')
                  ? 'Set by the environment variable CAPTURE_ORDER_TOKEN on this computer.'
                  : view?.hasOrderEndpointToken
                    ? `Saved: ${view.orderEndpointTokenHint}`
                    : 'The bearer token for the order endpoint.'
              }
            >
              <input
                id="orderEndpointToken"
                type="password"
                autoComplete="off"
                disabled={fromEnv('orderEndpointToken')}
                placeholder={view?.hasOrderEndpointToken ? 'Leave empty to keep the saved one' : ''}
                value={form.orderEndpointToken}
                onChange={(e) => set('orderEndpointToken', e.target.value)}
              />
            </Field>
          </>
        )}
        <Field id="siteId" label="Site id" problem={problems.siteId} hint="The platform's id for this clinic site.">
          <input id="siteId" type="text" value={form.siteId} onChange={(e) => set('siteId', e.target.value)} />
        </Field>
        <Field id="stationId" label="Station id" problem={problems.stationId} hint="This workstation's name in the photo metadata. Letters, digits, '.', '_' and '-'.">
          <input id="stationId" type="text" spellCheck={false} value={form.stationId} onChange={(e) => set('stationId', e.target.value)} />
        </Field>
        <Field id="concurrency" label="Parallel uploads" problem={problems.concurrency} hint="1 to 16. More is faster on a good line.">
          <input id="concurrency" type="number" min={1} max={16} value={form.concurrency} onChange={(e) => set('concurrency', e.target.value)} />
        </Field>
        <Field
          id="bandwidthCapKbps"
          label="Bandwidth cap (kbit/s)"
          problem={problems.bandwidthCapKbps}
          hint="Empty for no cap. A cap keeps the clinic's network usable while a backlog is sent (for example 2000 = 2 Mbit/s)."
        >
          <input id="bandwidthCapKbps" type="number" min={16} value={form.bandwidthCapKbps} onChange={(e) => set('bandwidthCapKbps', e.target.value)} />
        </Field>
        </fieldset>
        <span />
        <div className="cloud-actions">
          <button type="button" className="button" disabled={busy} onClick={testConnection}>
            Test connection
          </button>
          <button type="submit" className="button primary" disabled={busy || locked}>
            Save
          </button>
          {busy && <span className="muted">Working…</span>}
          {message && (
            <span className="muted" role="status">
              {message}
            </span>
          )}
        </div>
        {test && (test.storage || test.orders) && (
          <>
            <span />
            <div className="probe" data-testid="probe-result" role="status">
              {test.storage && (
                <div className={`notice ${test.storage.ok ? 'info' : 'error'}`} data-testid="probe-storage" data-ok={String(test.storage.ok)}>
                  <b>{test.storage.ok ? '✓ Storage' : '✕ Storage'}:</b> {test.storage.message}
                </div>
              )}
              {test.orders && (
                <div className={`notice ${test.orders.ok ? 'info' : 'error'}`} data-testid="probe-orders" data-ok={String(test.orders.ok)}>
                  <b>{test.orders.ok ? '✓ Order endpoint' : '✕ Order endpoint'}:</b> {test.orders.message}
                </div>
              )}
            </div>
          </>
        )}
      </form>
    </section>
  );
}
