// Settings > Updates (IT): where the updater is and "Check now", then the update settings
// (self-update on/off, channel, check interval, bandwidth cap, proxy, feed address) with the shared
// schema's sentence next to each field. Saving is IT-only (refused while the IT lock is on; the
// form is then read-only). Where this station does not update itself (the headless service, an
// install IT manages) the status says so in words and there is no "Check now".
import { useState, type FormEvent, type ReactNode } from 'react';
import type { UpdateSettings, UpdateStatus } from '../../../shared/updates.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { LockBar, useItLock } from '../components/ItLock.tsx';
import { checkUpdateForm, formOf, localClock, updateStatusLine, type UpdateField, type UpdateForm } from '../update-text.ts';
import '../it-lock.css';
import '../updates.css';

const SELF_UPDATING = (s: UpdateStatus) => s.phase !== 'unsupported' && s.phase !== 'managed' && s.phase !== 'disabled';

export function UpdateSettingsScreen() {
  const { data: settings } = useStationQuery('updates.settings.get', {}, ['updates.changed']);
  const { data: status } = useStationQuery('updates.status', {}, ['updates.changed']);
  return (
    <section aria-label="Updates" data-testid="update-settings">
      <p className="muted">
        The station downloads new versions in the background and never restarts while an exam is being captured, a camera is being imported or
        photos are being sent: it installs when it is closed, or at "Restart" when nothing is busy.
      </p>
      <LockBar what="Update settings" />
      {status && <UpdateStatusPanel status={status} />}
      {settings && <UpdateSettingsForm saved={settings} />}
    </section>
  );
}

function UpdateStatusPanel({ status }: { status: UpdateStatus }) {
  const { run, error, busy } = useAction();
  return (
    <div className="panel" data-testid="update-status">
      <div className="upd-status">
        <p className="upd-status-line">
          <strong>Version {status.currentVersion}</strong> · {status.channel} channel.{' '}
          {/* The result of "Check now" lands here, in words (a live region, so it is read out too). */}
          <span data-testid="update-status-line" role="status">{updateStatusLine(status, localClock)}</span>
          {status.lastCheckAt && <span className="muted"> Last check at {localClock.time(status.lastCheckAt)}.</span>}
        </p>
        {SELF_UPDATING(status) && (
          <button type="button" className="button" onClick={() => void run(() => station.call('updates.check'))} disabled={busy || status.phase === 'checking'}>
            {busy ? 'Checking…' : 'Check now'}
          </button>
        )}
      </div>
      {error && <div className="notice error" role="alert">{error}</div>}
    </div>
  );
}

function Field({ id, label, hint, problem, children, wide }: { id: string; label: string; hint: string; problem?: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`upd-field${wide ? ' upd-wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {problem ? <span id={`${id}-problem`} className="problem" role="alert">{problem}</span> : <span id={`${id}-hint`} className="hint">{hint}</span>}
    </div>
  );
}

function UpdateSettingsForm({ saved }: { saved: UpdateSettings }) {
  const { locked } = useItLock();
  const { run, error, busy } = useAction();
  const [form, setForm] = useState<UpdateForm>(() => formOf(saved));
  const [done, setDone] = useState<string | null>(null);
  // The settings as last seen: a change made elsewhere replaces the form unless it is being edited.
  const savedKey = JSON.stringify(formOf(saved));
  const [base, setBase] = useState(savedKey);
  if (base !== savedKey) {
    setBase(savedKey);
    if (JSON.stringify(form) === base) setForm(formOf(saved));
  }
  const { patch, problems } = checkUpdateForm(form);
  const dirty = JSON.stringify(form) !== savedKey;
  const set = <K extends keyof UpdateForm>(key: K, value: UpdateForm[K]) => {
    setDone(null);
    setForm((f) => ({ ...f, [key]: value }));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!patch) return;
    const result = await run(() => station.call('updates.settings.update', patch));
    if (result) {
      setForm(formOf(result));
      setDone('Saved. The station uses these settings from its next check on.');
    }
  };
  const described = (f: UpdateField) => ({
    'aria-invalid': problems[f] ? true : undefined,
    'aria-describedby': problems[f] ? `upd-${f}-problem` : `upd-${f}-hint`,
  });
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-label="Update settings" data-testid="update-settings-form">
      <h2>Update settings</h2>
      <fieldset className="it-fields" disabled={locked || busy}>
        <div className="upd-form">
          <div className="upd-field upd-wide">
            <label className="upd-check">
              <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} aria-describedby="upd-enabled-hint" />
              This station updates itself
            </label>
            <span id="upd-enabled-hint" className="hint">Turn off where IT installs each version itself (an install for all users of the computer).</span>
          </div>
          <fieldset className="upd-field">
            <legend>Channel</legend>
            <div className="upd-choices">
              <label><input type="radio" name="channel" checked={form.channel === 'stable'} onChange={() => set('channel', 'stable')} /> Stable</label>
              <label><input type="radio" name="channel" checked={form.channel === 'beta'} onChange={() => set('channel', 'beta')} /> Beta</label>
            </div>
            <span className="hint">
              {form.channel === 'stable' ? 'The versions every station gets.' : 'Early versions, for a few test stations. A station never goes back to an older version by itself.'}
            </span>
          </fieldset>
          <Field id="upd-checkIntervalHours" label="Check for updates every (hours)" hint="From 1 to 48. The first check is a minute after the station starts." problem={problems.checkIntervalHours}>
            <div className="upd-unit">
              <input id="upd-checkIntervalHours" type="text" inputMode="numeric" value={form.checkIntervalHours} onChange={(e) => set('checkIntervalHours', e.target.value)} {...described('checkIntervalHours')} />
              <span className="muted">hours</span>
            </div>
          </Field>
          <Field id="upd-bandwidthCapKbps" label="Download speed cap (kbit/s)" hint="Empty: no cap. 4000 kbit/s is about 0.5 MB per second; at least 64." problem={problems.bandwidthCapKbps}>
            <div className="upd-unit">
              <input id="upd-bandwidthCapKbps" type="text" inputMode="numeric" value={form.bandwidthCapKbps} onChange={(e) => set('bandwidthCapKbps', e.target.value)} {...described('bandwidthCapKbps')} />
              <span className="muted">kbit/s</span>
            </div>
          </Field>
          <Field id="upd-proxy" label="Proxy for update downloads" hint="Empty: the computer's own proxy setting. For example http://proxy.clinic.local:3128." problem={problems.proxy}>
            <input id="upd-proxy" type="text" value={form.proxy} onChange={(e) => set('proxy', e.target.value)} spellCheck={false} autoComplete="off" {...described('proxy')} />
          </Field>
          <Field id="upd-feedUrl" label="Update feed address" hint="Empty: the address built into the installer. IT's own feed must start with https://." problem={problems.feedUrl} wide>
            <input id="upd-feedUrl" type="text" value={form.feedUrl} onChange={(e) => set('feedUrl', e.target.value)} spellCheck={false} autoComplete="off" {...described('feedUrl')} />
          </Field>
        </div>
        <div className="itlock-actions">
          <button type="button" className="button" disabled={!dirty} onClick={() => { setForm(formOf(saved)); setDone(null); }}>Undo changes</button>
          <button className="button primary" disabled={!dirty || !patch}>Save</button>
        </div>
      </fieldset>
      {done && <div className="notice info" role="status">{done}</div>}
      {error && <div className="notice error" role="alert">{error}</div>}
    </form>
  );
}
