// The station's settings, one sub-screen each (#/settings/<part>): File-name rules and the
// administrator PIN, Updates. Other IT settings (DICOM, PACS) can join as parts.
import { useEffect, useState, type FormEvent } from 'react';
import { MIN_PIN_LENGTH } from '../../../shared/contract/it-lock.ts';
import { station } from '../bridge.ts';
import { LockBar, useItLock } from '../components/ItLock.tsx';
import { FileNameRulesScreen } from './FileNameRules.tsx';
import { AboutBox } from '../components/AboutBox.tsx';
import { DicomSettingsScreen } from './DicomSettings.tsx';
import { UpdateSettingsScreen } from './UpdateSettings.tsx';
import '../it-lock.css';

const PARTS = [
  { id: 'rules', label: 'File-name rules' },
  { id: 'pin', label: 'Administrator PIN' },
  { id: 'dicom', label: 'DICOM' },
  { id: 'updates', label: 'Updates' },
] as const;
type Part = (typeof PARTS)[number]['id'];

const partFromHash = (): Part => {
  const p = location.hash.replace(/^#\/?/, '').split('/')[1];
  return PARTS.some((x) => x.id === p) ? (p as Part) : 'rules';
};

export function SettingsScreen() {
  const [part, setPart] = useState<Part>(partFromHash);
  const [about, setAbout] = useState(false);
  useEffect(() => {
    const onHash = () => setPart(partFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return (
    <section aria-label="Settings">
      <div className="screen-head">
        <h1>Settings</h1>
      </div>
      <nav className="settings-nav" aria-label="Settings">
        {PARTS.map((p) => (
          <a key={p.id} href={`#/settings/${p.id}`} aria-current={p.id === part ? 'page' : undefined}>{p.label}</a>
        ))}
        <button type="button" className="settings-about button small" onClick={() => setAbout(true)} aria-haspopup="dialog">About this station</button>
      </nav>
      {about && <AboutBox onClose={() => setAbout(false)} />}
      {part === 'rules' && <FileNameRulesScreen />}
      {part === 'pin' && <PinSettings />}
      {part === 'dicom' && <DicomSettingsScreen />}
      {part === 'updates' && <UpdateSettingsScreen />}
    </section>
  );
}

/** Set, change or remove the administrator PIN. Changing and removing need the current PIN. */
function PinSettings() {
  const { status, locked, reload } = useItLock();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (!status) return null;

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await fn();
      setMessage({ kind: 'info', text: done });
      setCurrent('');
      setNext('');
      setAgain('');
      void reload();
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const setPin = (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setMessage({ kind: 'error', text: 'The two new PINs are not the same. Type them again.' });
    void act(
      () => station.call('itLock.setPin', status.pinSet ? { currentPin: current, newPin: next } : { newPin: next }),
      status.pinSet ? 'The PIN was changed. The IT settings stay unlocked until you lock them or leave them idle.' : 'The PIN is set. IT settings lock when you press "Lock now" or leave them idle.',
    );
  };
  const remove = () => {
    if (!current) return setMessage({ kind: 'error', text: 'Type the current PIN to remove it.' });
    void act(() => station.call('itLock.removePin', { currentPin: current }), 'The PIN was removed: anyone at this station can now change the IT settings.');
  };

  return (
    <div className="panel" data-testid="pin-settings">
      <LockBar what="The administrator PIN" />
      <p className="muted">
        With a PIN set, settings that change where photos go or come from (Cloud, worklist sources, watched folders, file-name rules, camera
        profiles, updates) can only be changed after unlocking with it. Operators keep everything they need to capture. The PIN is stored only as a slow
        hash; after 5 wrong PINs each try waits, 30 seconds and then longer.
      </p>
      <form className="itlock-form" onSubmit={setPin} aria-label={status.pinSet ? 'Change the PIN' : 'Set a PIN'}>
        <fieldset className="it-fields" disabled={locked || busy}>
          {status.pinSet && (
            <label>
              Current PIN
              <input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="off" />
            </label>
          )}
          <label>
            New PIN (at least {MIN_PIN_LENGTH} characters)
            <input type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" />
          </label>
          <label>
            New PIN again
            <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" />
          </label>
          <div className="itlock-actions">
            {status.pinSet && <button type="button" className="button danger" onClick={remove}>Remove the PIN</button>}
            <button className="button primary" disabled={!next || !again}>{status.pinSet ? 'Change PIN' : 'Set PIN'}</button>
          </div>
        </fieldset>
      </form>
      {message && <div className={`notice ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>{message.text}</div>}
    </div>
  );
}
