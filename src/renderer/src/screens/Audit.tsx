// The history of one exam: every change, who made it and when, in plain words (oldest first).
import { useStationQuery } from '../use-station.ts';
import { useHashId } from './Exam.tsx';
import { describeAudit } from '../worklist-text.ts';
import { formatDateTime } from '../format.ts';
import '../worklist.css';

export function AuditScreen() {
  const orderId = useHashId();
  const { data: exam } = useStationQuery('exam.get', { orderId: orderId ?? '' }, ['orders.changed']);
  const { data, error } = useStationQuery('audit.list', { orderId: orderId ?? '' }, ['orders.changed', 'images.changed']);
  if (!orderId) return <section><p>No exam chosen. <a href="#/worklist">Back to the worklist</a></p></section>;
  return (
    <section className="wl-screen" aria-label="History">
      <div className="screen-head">
        <a href={`#/exam/${orderId}`} className="button">← Back to the exam</a>
        <h1>History{exam ? `: ${exam.order.name}` : ''}</h1>
        {exam && <span className="muted">ID {exam.order.patientId}</span>}
      </div>
      <p className="muted">Every change to this exam and its photos, oldest first. The history cannot be changed or deleted.</p>
      {error && <div className="notice error" role="alert">{error}</div>}
      <table className="wl-audit" data-testid="audit-table">
        <thead>
          <tr><th>When</th><th>Who</th><th>What</th></tr>
        </thead>
        <tbody>
          {data?.items.map((e) => (
            <tr key={e.seq} data-testid="audit-row" data-action={e.action}>
              <td className="nowrap">{formatDateTime(e.at)}</td>
              <td>{e.operator}</td>
              <td>{describeAudit(e, orderId, data.labels)}</td>
            </tr>
          ))}
          {data?.items.length === 0 && <tr><td colSpan={3} className="muted">Nothing recorded yet.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}
