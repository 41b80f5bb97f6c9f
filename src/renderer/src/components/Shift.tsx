// "Who is working?": the operator picks their name at the start of a shift (attribution, not a
// password). The choice is stored by the station, so every window and a restart keep it.
import { useState } from 'react';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { Dialog } from './Dialog.tsx';

export function useOperator() {
  const { data } = useStationQuery('operators.list', {}, ['operators.changed']);
  return { current: data?.current ?? null, loaded: data !== null, names: data?.items ?? [] };
}

export function ShiftDialog({ onClose }: { onClose: () => void }) {
  const { current, names } = useOperator();
  const [name, setName] = useState('');
  const { run, error, busy } = useAction();
  const choose = (id: string) => run(async () => {
    await station.call('operators.signIn', { id });
    onClose();
  });
  const add = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await station.call('operators.add', { name });
      onClose();
    });
  };
  return (
    <Dialog title="Who is working at this station?" onClose={onClose} testId="shift-dialog">
      <p className="muted">Choose your name. Everything you change is recorded under it until the next person chooses theirs.</p>
      {names.length > 0 && (
        <div className="wl-names" role="list">
          {names.map((n) => (
            <button key={n.id} role="listitem" className={`button wl-name${current?.id === n.id ? ' primary' : ''}`} disabled={busy} onClick={() => void choose(n.id)}>
              {n.name}{current?.id === n.id ? ' (now)' : ''}
            </button>
          ))}
        </div>
      )}
      <form className="wl-form-row" onSubmit={add}>
        <label>
          {names.length ? 'Not on the list? Add your name' : 'Your name'}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} autoComplete="off" data-autofocus={names.length === 0 ? true : undefined} />
        </label>
        <button className="button primary" disabled={busy || !name.trim()}>Start my shift</button>
      </form>
      {error && <div className="notice error" role="alert">{error}</div>}
      {current && (
        <p>
          <button className="button" onClick={() => void run(async () => { await station.call('operators.signOut', {}); onClose(); })}>
            End {current.name}'s shift
          </button>
        </p>
      )}
    </Dialog>
  );
}

/** Top bar: who is working now; opens the shift dialog. */
export function ShiftButton() {
  const { current, loaded } = useOperator();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        className={`wl-shift${current ? '' : ' missing'}`}
        onClick={() => setOpen(true)}
        data-testid="shift-button"
        title={current ? 'Change who is working' : 'Who is working? Choose your name'}
      >
        {/* Short enough for the narrowest top bar (a cut-off "Who is work…" was seen at 1400 px). */}
        {!loaded ? '…' : current ? <><span className="wl-shift-label">Working: </span><b>{current.name}</b></> : 'Who is working?'}
      </button>
      {open && <ShiftDialog onClose={() => setOpen(false)} />}
    </>
  );
}

/** Shown on the worklist screens while nobody has started a shift. */
export function ShiftRequired() {
  const { current, loaded } = useOperator();
  const [open, setOpen] = useState(false);
  if (!loaded || current) return null;
  return (
    <div className="notice warning wl-shift-needed" role="status">
      Choose your name before you start, so your changes are recorded under it.{' '}
      <button className="button primary" onClick={() => setOpen(true)}>Choose my name</button>
      {open && <ShiftDialog onClose={() => setOpen(false)} />}
    </div>
  );
}
