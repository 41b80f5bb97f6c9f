// Where the worklist comes from: the state of each provider (shown on the Worklist screen), and
// their settings (a dialog for clinic IT). A provider that fails keeps the last good list; the
// operator sees that, and since when.
import { useState } from 'react';
import type { ProviderStatus } from '../../../shared/contract/index.ts';
import { worklistUrlProblem } from '../../../shared/worklist-settings.ts';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { Dialog } from './Dialog.tsx';
import { LockBar, useItLock } from './ItLock.tsx';
import { dateTime, rowsSkipped, timeHm } from '../worklist-text.ts';

export function ProviderLine({ p }: { p: ProviderStatus }) {
  if (p.state === 'off') return null;
  if (p.state === 'waiting') return <span className="wl-provider waiting">{p.label}: asking…</span>;
  if (p.state === 'ok') {
    return (
      <span className="wl-provider ok" title={p.rejected.length ? `${rowsSkipped(p.rejected.length)}: open Worklist sources to see why.` : undefined}>
        ✓ {p.label}: up to date ({timeHm(p.lastOkAt)}){p.rejected.length ? ` · ${rowsSkipped(p.rejected.length)}` : ''}
      </span>
    );
  }
  return (
    <span className="wl-provider failing" role="alert" data-testid={`provider-${p.id}-failing`}>
      ⚠ {p.label} failed at {timeHm(p.lastAttemptAt)}: {p.lastError}{' '}
      {p.lastOkAt ? `Showing the list from ${dateTime(p.lastOkAt)}.` : 'No list received yet.'} The station keeps trying; if this lasts, call IT.
    </span>
  );
}

export function ProviderStatusBar({ onOpen }: { onOpen: () => void }) {
  const { data } = useStationQuery('worklist.providers', {}, ['providers.changed']);
  const active = (data?.items ?? []).filter((p) => p.state !== 'off');
  return (
    <div className="wl-providers" role="group" aria-label="Worklist sources">
      {active.length === 0 ? <span className="muted">Orders are entered here (no clinic worklist connected).</span> : active.map((p) => <ProviderLine key={p.id} p={p} />)}
      <button className="button small" onClick={onOpen}>Worklist sources…</button>
    </div>
  );
}

export function WorklistSourcesDialog({ onClose }: { onClose: () => void }) {
  const { data: settings } = useStationQuery('worklist.settings.get', {}, ['providers.changed']);
  const { data: status } = useStationQuery('worklist.providers', {}, ['providers.changed']);
  const [form, setForm] = useState<{ httpEnabled: boolean; url: string; token: string; timeout: string; poll: string; folderEnabled: boolean; folder: string; folderPoll: string; reasons: string } | null>(null);
  const { run, error, busy } = useAction();
  const [saved, setSaved] = useState(false);
  const { locked } = useItLock();

  const f =
    form ??
    (settings
      ? {
          httpEnabled: settings.http.enabled,
          url: settings.http.url,
          token: '',
          timeout: String(settings.http.timeoutSeconds),
          poll: String(settings.http.pollSeconds),
          folderEnabled: settings.folder.enabled,
          folder: settings.folder.path,
          folderPoll: String(settings.folder.pollSeconds),
          reasons: settings.ungradableReasons.join('\n'),
        }
      : null);
  if (!f || !settings) return <Dialog title="Worklist sources" onClose={onClose}><p>Loading…</p></Dialog>;
  const set = (k: keyof typeof f, v: string | boolean) => {
    setSaved(false);
    setForm({ ...f, [k]: v });
  };
  const urlProblem = f.httpEnabled ? worklistUrlProblem(f.url) : null;

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await station.call('worklist.settings.update', {
        http: {
          enabled: f.httpEnabled,
          url: f.url,
          ...(f.token ? { token: f.token } : {}),
          timeoutSeconds: Number(f.timeout),
          pollSeconds: Number(f.poll),
        },
        folder: { enabled: f.folderEnabled, path: f.folder, pollSeconds: Number(f.folderPoll) },
        ungradableReasons: f.reasons.split('\n').map((r) => r.trim()).filter(Boolean),
      });
      setForm(null);
      setSaved(true);
    });
  };

  return (
    <Dialog title="Worklist sources" onClose={onClose} wide testId="worklist-sources">
      <div className="wl-status-list">
        {status?.items.map((p) => (
          <div key={p.id} className="wl-status-item">
            <b>{p.label}</b>: {p.state === 'off' ? 'not used' : <ProviderLine p={p} />}
            {p.state !== 'off' && p.lastOkAt && <span className="muted"> · {p.entryCount} orders in the last good list</span>}
            {p.fileErrors.length > 0 && (
              <ul className="wl-skipped">{p.fileErrors.map((x) => <li key={x.file}>{x.file}: {x.reason}</li>)}</ul>
            )}
            {p.rejected.length > 0 && (
              <details>
                <summary>{rowsSkipped(p.rejected.length)}</summary>
                <ul className="wl-skipped">{p.rejected.map((x) => <li key={String(x.row)}>{String(x.row)}: {x.reason}</li>)}</ul>
              </details>
            )}
          </div>
        ))}
        <button className="button" disabled={busy} onClick={() => void run(() => station.call('worklist.refresh', {}))}>Check now</button>
      </div>
      <LockBar what="Worklist sources" />
      <form onSubmit={save} className="wl-settings">
        <fieldset className="it-fields" disabled={locked}>
        <fieldset>
          <legend><label className="check"><input type="checkbox" checked={f.httpEnabled} onChange={(e) => set('httpEnabled', e.target.checked)} /> Worklist server (HTTP, JSON)</label></legend>
          <label className="wl-field">
            <span>Address</span>
            <input value={f.url} onChange={(e) => set('url', e.target.value)} placeholder="https://ehr.example.org/worklist" disabled={!f.httpEnabled} />
            {urlProblem && <span className="wl-problem">{urlProblem}</span>}
          </label>
          <label className="wl-field">
            <span>Access token</span>
            <input type="password" value={f.token} onChange={(e) => set('token', e.target.value)} placeholder={settings.http.tokenSet ? `A token is saved (${settings.http.tokenHint}). Leave empty to keep it, or type a new one.` : 'No token saved'} disabled={!f.httpEnabled} autoComplete="off" />
          </label>
          <div className="wl-form-grid">
            <label className="wl-field"><span>Give up after (seconds)</span><input type="number" min={1} max={120} value={f.timeout} onChange={(e) => set('timeout', e.target.value)} disabled={!f.httpEnabled} /></label>
            <label className="wl-field"><span>Ask every (seconds)</span><input type="number" min={10} max={3600} value={f.poll} onChange={(e) => set('poll', e.target.value)} disabled={!f.httpEnabled} /></label>
          </div>
        </fieldset>
        <fieldset>
          <legend><label className="check"><input type="checkbox" checked={f.folderEnabled} onChange={(e) => set('folderEnabled', e.target.checked)} /> Worklist folder (.csv and .wl files)</label></legend>
          <label className="wl-field"><span>Folder</span><input value={f.folder} onChange={(e) => set('folder', e.target.value)} placeholder="e.g. \\server\worklist" disabled={!f.folderEnabled} /></label>
          <label className="wl-field"><span>Read every (seconds)</span><input type="number" min={5} max={3600} value={f.folderPoll} onChange={(e) => set('folderPoll', e.target.value)} disabled={!f.folderEnabled} /></label>
        </fieldset>
        <fieldset>
          <legend>Reasons an eye can be ungradable (one per line)</legend>
          <textarea rows={5} value={f.reasons} onChange={(e) => set('reasons', e.target.value)} />
        </fieldset>
        </fieldset>
        {error && <div className="notice error" role="alert">{error}</div>}
        {saved && <div className="notice info" role="status">Saved. The station asks the worklist sources again now.</div>}
        <div className="wl-actions">
          <button className="button primary" disabled={busy || !!urlProblem || locked}>Save</button>
          <button type="button" className="button" onClick={onClose}>Close</button>
        </div>
      </form>
    </Dialog>
  );
}
