// "Mark this eye ungradable" with its one reason. While the eye holds photos that look good, one
// question first, with the count; the default answer keeps the eye as it is.
import { useState } from 'react';
import { Dialog } from './Dialog.tsx';
import { EYE_NAME } from '../worklist-text.ts';

export function UngradableForm({ eye, reasons, goodCount, onMark }: { eye: 'OD' | 'OS'; reasons: string[]; goodCount: number; onMark: (reason: string) => void }) {
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const eyeName = EYE_NAME[eye].toLowerCase();
  const mark = () => {
    setAsking(false);
    onMark(reason);
  };
  return (
    <form
      className="wl-ungradable"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (!reason) return;
        if (goodCount > 0) setAsking(true);
        else mark();
      }}
    >
      <select
        value={reason}
        onChange={(ev) => setReason(ev.target.value)}
        aria-label={`Reason the ${eyeName} is ungradable`}
        data-ungradable={eye}
        onKeyDown={(ev) => {
          // Enter on the chosen reason marks the eye (a select does not submit its form by itself).
          if (ev.key === 'Enter' && reason) {
            ev.preventDefault();
            ev.currentTarget.form?.requestSubmit();
          }
        }}
      >
        <option value="">Ungradable? Choose why…</option>
        {reasons.map((r) => <option key={r} value={r}>{r}</option>)}
      </select>
      <button className="button small" disabled={!reason}>Mark {eyeName} ungradable</button>
      {asking && (
        <Dialog title={`Mark the ${eyeName} ungradable?`} onClose={() => setAsking(false)} testId="ungradable-confirm">
          <p>
            The {eyeName} has <b>{goodCount === 1 ? '1 photo' : `${goodCount} photos`} that look{goodCount === 1 ? 's' : ''} good</b>. Marked ungradable
            ({reason}), the report says no grader could read this eye.
          </p>
          <div className="confirm-actions">
            <button type="button" className="button primary" data-autofocus onClick={() => setAsking(false)}>Keep the eye gradable</button>
            <button type="button" className="button danger" onClick={mark}>Mark ungradable anyway</button>
          </div>
        </Dialog>
      )}
    </form>
  );
}
