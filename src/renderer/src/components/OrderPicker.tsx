// Choose an exam (and an eye) to link photos to: today's worklist, searchable by name or ID.
import { useState } from 'react';
import { useStationQuery } from '../use-station.ts';
import { Dialog } from './Dialog.tsx';
import { age, STATUS_TEXT, timeHm } from '../worklist-text.ts';

export type EyeChoice = 'OD' | 'OS' | 'as-file';

export function OrderPicker({
  title,
  excludeId,
  defaultEye,
  eyeFromFile,
  confirmLabel,
  onPick,
  onClose,
}: {
  title: string;
  excludeId?: string;
  /** null: the eye is not known, so the operator must choose one (no wrong-eye filing is one Enter away). */
  defaultEye: EyeChoice | null;
  /** What the files say, e.g. "2 right, 1 unknown", shown next to "As the file says". */
  eyeFromFile?: string;
  confirmLabel: string;
  onPick: (orderId: string, eye: EyeChoice) => void;
  onClose: () => void;
}) {
  const [search, setSearch] = useState('');
  const [allDays, setAllDays] = useState(false);
  const [eye, setEye] = useState<EyeChoice | null>(defaultEye);
  const [chosen, setChosen] = useState<string | null>(null);
  const q = search.trim();
  const { data } = useStationQuery('worklist.list', { search: q || undefined, allDays: allDays && q !== '' }, ['orders.changed']);
  const items = (data?.items ?? []).filter((o) => o.id !== excludeId && (o.status === 'scheduled' || o.status === 'capturing'));

  return (
    <Dialog title={title} onClose={onClose} wide testId="order-picker">
      <div className="wl-form-row">
        <label className="grow">
          Find the patient (name or ID)
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} data-autofocus autoComplete="off" />
        </label>
        <label className="check">
          <input type="checkbox" checked={allDays} onChange={(e) => setAllDays(e.target.checked)} /> Search every day
        </label>
      </div>
      <div className="wl-pick-list" role="radiogroup" aria-label="Exams">
        {items.length === 0 && <p className="muted">{data ? 'No open exam matches. Completed exams must be reopened first.' : 'Loading…'}</p>}
        {items.map((o) => (
          <label key={o.id} className={`wl-pick${chosen === o.id ? ' chosen' : ''}`}>
            <input type="radio" name="order" checked={chosen === o.id} onChange={() => setChosen(o.id)} />
            <span className="wl-pick-time">{timeHm(o.scheduledAt)}</span>
            <b>{o.name}</b>
            <span className="muted">ID {o.patientId}{o.birthDate ? ` · born ${o.birthDate} (${age(o.birthDate)})` : ''}</span>
            <span className={`badge wl-status ${o.status}`}>{STATUS_TEXT[o.status]}</span>
          </label>
        ))}
      </div>
      <fieldset className="wl-eye-choice">
        <legend>Which eye?</legend>
        <label><input type="radio" name="eye" checked={eye === 'OD'} onChange={() => setEye('OD')} /> OD · Right eye</label>
        <label><input type="radio" name="eye" checked={eye === 'OS'} onChange={() => setEye('OS')} /> OS · Left eye</label>
        <label><input type="radio" name="eye" checked={eye === 'as-file'} onChange={() => setEye('as-file')} /> As the file says{eyeFromFile ? ` (${eyeFromFile})` : ''}</label>
      </fieldset>
      {chosen && !eye && <p className="muted" data-testid="choose-eye">Choose which eye these photos show.</p>}
      <div className="wl-actions">
        <button className="button primary" disabled={!chosen || !eye} onClick={() => chosen && eye && onPick(chosen, eye)}>{confirmLabel}</button>
        <button className="button" onClick={onClose}>Cancel</button>
      </div>
    </Dialog>
  );
}
