// The IT lock in the screens: the bar every IT screen shows on top (locked / unlocked / no PIN),
// the PIN dialog, and the hook screens use to show their values read-only while locked. The
// station decides (api/dispatch.ts refuses IT-only methods); the screens only follow its status.
import { useState, type FormEvent } from 'react';
import { station } from '../bridge.ts';
import { useStationQuery } from '../use-station.ts';
import { useAction } from '../use-action.ts';
import { timeHm } from '../worklist-text.ts';
import { Dialog } from './Dialog.tsx';
import '../worklist.css';
import '../it-lock.css';

/** The lock's status, re-queried when it changes. `locked` is false until known, so nothing flickers read-only on a station without a PIN. */
export function useItLock() {
  const { data, reload } = useStationQuery('itLock.status', {}, ['itLock.changed']);
  return { status: data, locked: data?.locked ?? false, reload };
}

/** A padlock, open or shut (an SVG: emoji fonts are not on every clinic PC). */
function Padlock({ open }: { open: boolean }) {
  return (
    <svg className="itlock-icon" width="18" height="20" viewBox="0 0 18 20" aria-hidden focusable="false">
      <path d={open ? 'M5 9V6a4 4 0 0 1 7.8-1.2' : 'M5 9V6a4 4 0 0 1 8 0v3'} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      <rect x="2" y="9" width="14" height="10" rx="2" fill="currentColor" />
    </svg>
  );
}

/** On top of every IT screen: what the lock is doing, and the one button that changes it. */
export function LockBar({ what = 'These settings' }: { what?: string }) {
  const { status, reload } = useItLock();
  const [asking, setAsking] = useState(false);
  if (!status) return null;
  if (!status.pinSet) {
    return (
      <div className="itlock-bar open" data-testid="it-lock-bar" data-state="no-pin" role="status">
        <Padlock open />
        <span className="itlock-text">No administrator PIN is set, so anyone at this station can change {what.toLowerCase()}.</span>
        <a className="button small" href="#/settings/pin">IT: set a PIN</a>
      </div>
    );
  }
  if (status.locked) {
    return (
      <>
        <div className="itlock-bar locked" data-testid="it-lock-bar" data-state="locked" role="status">
          <Padlock open={false} />
          <span className="itlock-text"><strong>Locked by IT.</strong> {what} are shown read-only.</span>
          <button type="button" className="button small" onClick={() => setAsking(true)}>Unlock…</button>
        </div>
        {asking && <PinDialog onClose={() => setAsking(false)} onUnlocked={() => void reload()} />}
      </>
    );
  }
  return (
    <div className="itlock-bar unlocked" data-testid="it-lock-bar" data-state="unlocked" role="status">
      <Padlock open />
      <span className="itlock-text">
        <strong>Unlocked for IT.</strong> Locks again after {status.idleMinutes} minutes without a change
        {status.unlockedUntil ? ` (at ${timeHm(status.unlockedUntil)})` : ''}.
      </span>
      <button type="button" className="button small" onClick={() => void station.call('itLock.lock').then(reload)}>Lock now</button>
    </div>
  );
}

/** Asks for the administrator PIN. Focus is in the PIN field, Enter unlocks, Esc cancels; a refusal says why. */
function PinDialog({ onClose, onUnlocked }: { onClose: () => void; onUnlocked?: () => void }) {
  const [pin, setPin] = useState('');
  const { run, error, busy } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => station.call('itLock.unlock', { pin }))) {
      onUnlocked?.();
      onClose();
    } else setPin('');
  };
  return (
    <Dialog title="Unlock IT settings" onClose={onClose} testId="pin-dialog">
      <form className="itlock-form" onSubmit={submit}>
        <p className="muted">Settings that change where photos go or come from are locked. Type the administrator PIN to change them.</p>
        <label>
          Administrator PIN
          <input type="password" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" data-autofocus aria-describedby={error ? 'pin-error' : undefined} />
        </label>
        {error && <div id="pin-error" className="notice error" role="alert">{error}</div>}
        <div className="itlock-actions">
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          <button className="button primary" disabled={busy || !pin}>Unlock</button>
        </div>
      </form>
    </Dialog>
  );
}
