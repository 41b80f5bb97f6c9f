// The walk-in order form (and its edit form): checked with the same schema the station uses, so a
// mistake is shown next to its field before anything is sent. A likely duplicate (the same patient
// the same day) is shown with the choice to open that exam instead.
import { useState } from 'react';
import { sexes, type OrderInputDraft } from '../../../shared/orders.ts';
import { draftProblems, valueOf, type Draft } from '../order-draft.ts';
import type { OrderSummary } from '../../../shared/contract/index.ts';
import { station } from '../bridge.ts';
import { useAction } from '../use-action.ts';
import { Dialog } from './Dialog.tsx';
import { SEX_TEXT, STATUS_TEXT, timeHm, toLocalInput } from '../worklist-text.ts';

const emptyDraft = (): Draft => ({ patientId: '', name: '', birthDate: '', sex: '', scheduledAt: toLocalInput(new Date().toISOString()), accessionNumber: '', externalOrderId: '' });
const draftOf = (o: OrderSummary): Draft => ({
  patientId: o.patientId,
  name: o.name,
  birthDate: o.birthDate ?? '',
  sex: o.sex ?? '',
  scheduledAt: toLocalInput(o.scheduledAt),
  accessionNumber: o.accessionNumber ?? '',
  externalOrderId: o.externalOrderId ?? '',
});

export function OrderForm({ order, onClose, onSaved }: { order?: OrderSummary; onClose: () => void; onSaved: (id: string) => void }) {
  const [draft, setDraft] = useState<Draft>(() => (order ? draftOf(order) : emptyDraft()));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [duplicates, setDuplicates] = useState<OrderSummary[] | null>(null);
  const { run, error, busy } = useAction();
  const set = (k: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    const next = { ...draft, [k]: e.target.value };
    setDraft(next);
    setDuplicates(null);
    // A problem already shown is checked again as the field changes: it goes as soon as it is fixed
    // (no new ones appear while typing; those wait for "Create order").
    if (Object.keys(problems).length > 0) {
      const now = draftProblems(next);
      setProblems(Object.fromEntries(Object.keys(problems).filter((p) => now[p]).map((p) => [p, now[p]!])));
    }
  };

  const input = (): OrderInputDraft | null => {
    const found = draftProblems(draft);
    setProblems(found);
    return Object.keys(found).length === 0 ? valueOf(draft) : null;
  };

  const save = (allowDuplicate: boolean) => {
    const value = input();
    if (!value) return;
    void run(async () => {
      if (order) {
        const saved = await station.call('orders.update', { id: order.id, order: value });
        onSaved(saved.id);
        return;
      }
      const r = await station.call('orders.create', { order: value, allowDuplicate });
      if (r.created) onSaved(r.order.id);
      else setDuplicates(r.duplicates);
    });
  };

  const field = (k: keyof Draft, label: string, el: React.ReactNode, hint?: string) => (
    <label className={`wl-field${problems[k] ? ' bad' : ''}`}>
      <span>{label}</span>
      {el}
      {problems[k] ? <span className="wl-problem" role="alert">{problems[k]}</span> : hint ? <span className="muted small">{hint}</span> : null}
    </label>
  );

  return (
    <Dialog title={order ? 'Correct the patient details' : 'New walk-in patient'} onClose={onClose} testId="order-form">
      <form
        className="wl-order-form"
        onSubmit={(e) => {
          e.preventDefault();
          save(false);
        }}
        noValidate
      >
        {field('patientId', 'Patient ID', <input value={draft.patientId} onChange={set('patientId')} autoComplete="off" data-autofocus aria-invalid={!!problems.patientId} />, 'As on the patient card or in the clinic system.')}
        {field('name', 'Name', <input value={draft.name} onChange={set('name')} autoComplete="off" aria-invalid={!!problems.name} />, 'Family name, given name.')}
        <div className="wl-form-grid">
          {field('birthDate', 'Birth date', <input type="date" value={draft.birthDate} onChange={set('birthDate')} aria-invalid={!!problems.birthDate} />)}
          {field(
            'sex',
            'Sex',
            <select value={draft.sex} onChange={set('sex')} aria-invalid={!!problems.sex}>
              <option value="">Choose…</option>
              {sexes.map((s) => <option key={s} value={s}>{SEX_TEXT[s]}</option>)}
            </select>,
          )}
        </div>
        {field('scheduledAt', 'Appointment', <input type="datetime-local" value={draft.scheduledAt} onChange={set('scheduledAt')} aria-invalid={!!problems.scheduledAt} />, order ? undefined : 'Set to now; change it for a later appointment.')}
        <details className="wl-more">
          <summary>Order ID and accession number (if the clinic gave them)</summary>
          <div className="wl-form-grid">
            {field('externalOrderId', 'Order ID', <input value={draft.externalOrderId} onChange={set('externalOrderId')} autoComplete="off" />)}
            {field('accessionNumber', 'Accession number', <input value={draft.accessionNumber} onChange={set('accessionNumber')} autoComplete="off" />)}
          </div>
        </details>
        {duplicates && (
          <div className="notice warning" role="alert" data-testid="duplicate-warning">
            <p><b>This patient already has {duplicates.length === 1 ? 'an order' : `${duplicates.length} orders`} that day.</b> Is it the same visit?</p>
            <ul>
              {duplicates.map((d) => (
                <li key={d.id}>
                  {timeHm(d.scheduledAt)} · {d.name} · {d.patientId} · {STATUS_TEXT[d.status]}{' '}
                  <button type="button" className="button" onClick={() => onSaved(d.id)}>Open this exam</button>
                </li>
              ))}
            </ul>
            <button type="button" className="button" onClick={() => save(true)} disabled={busy}>No, create a second order</button>
          </div>
        )}
        {error && <div className="notice error" role="alert">{error}</div>}
        <div className="wl-actions">
          <button type="submit" className="button primary" disabled={busy}>{order ? 'Save changes' : 'Create order'}</button>
          <button type="button" className="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
