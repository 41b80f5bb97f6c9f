// Plain-language words for the worklist screens: states, rules, audit entries, days and ages.
import type { AuditEntry, OrderSummary } from '../../shared/contract/index.ts';
import { formatOffset, localDateString, pad2 } from '../../shared/dates.ts';

export const STATUS_TEXT: Record<OrderSummary['status'], string> = {
  scheduled: 'Waiting',
  capturing: 'In progress',
  complete: 'Complete',
  sent: 'Sent',
};

export const EYE_NAME = { OD: 'Right eye', OS: 'Left eye' } as const;
export const otherEye = (eye: 'OD' | 'OS'): 'OD' | 'OS' => (eye === 'OD' ? 'OS' : 'OD');

/** How a photo got linked to its exam, as the operator would say it. */
export const RULE_TEXT: Record<string, string> = {
  'study-uid': 'the worklist item (Study Instance UID) copied by the camera',
  accession: 'the worklist item written by the camera',
  'patient-id': 'the patient ID written by the camera',
  'filename-rule': 'its file name',
  'capturing-now': '"capturing now"',
  operator: 'hand',
};

/** The same, for several photos at once ("linked by file name"). */
export const RULE_TEXT_MANY: Record<string, string> = {
  'filename-rule': 'file name',
  'capturing-now': '"capturing now"',
};

export const BEST_RULE_TEXT = {
  operator: 'chosen by you',
  quality: 'automatic: highest quality',
  'last-taken': 'automatic: last photo taken',
} as const;

export const localDay = (d = new Date()): string => localDateString(d);

/** "1 row skipped", "3 rows skipped". */
export const rowsSkipped = (n: number): string => `${n} row${n === 1 ? '' : 's'} skipped`;

export function shiftDay(day: string, by: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return localDay(new Date(y, m - 1, d + by));
}

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
export function dayTitle(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const label = dayFmt.format(new Date(y, m - 1, d));
  const today = localDay();
  if (day === today) return `Today, ${label}`;
  if (day === shiftDay(today, -1)) return `Yesterday, ${label}`;
  if (day === shiftDay(today, 1)) return `Tomorrow, ${label}`;
  return label;
}

const hm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const timeHm = (iso: string | null): string => (iso ? hm.format(new Date(iso)) : '—');
export const dateTime = (iso: string | null): string => (iso ? dt.format(new Date(iso)) : '—');

export function age(birthDate: string | null): string {
  if (!birthDate) return '';
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const now = new Date();
  let years = now.getFullYear() - y;
  if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) years--;
  return `${years} y`;
}

export const SEX_TEXT: Record<string, string> = { M: 'Male', F: 'Female', O: 'Other', U: 'Sex unknown' };

/** "2025-03-01T09:30" in local time, for a datetime-local input. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${localDay(d)}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** A datetime-local value ("2025-03-01T09:30", local) as ISO with this computer's offset. */
export function fromLocalInput(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${value.length === 16 ? value : value.slice(0, 16)}${formatOffset(-d.getTimezoneOffset())}`;
}

type Obj = Record<string, unknown> | null;
const FIELD_TEXT: Record<string, string> = {
  patientId: 'patient ID',
  name: 'name',
  birthDate: 'birth date',
  sex: 'sex',
  scheduledAt: 'scheduled time',
  site: 'site',
  externalOrderId: 'order ID',
  accessionNumber: 'accession number',
  scheduledStepId: 'worklist item',
};
const fieldValue = (k: string, v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : k === 'scheduledAt' ? dateTime(String(v)) : String(v));
const eyeWord = (e: unknown) => (e === 'OD' ? 'right eye' : e === 'OS' ? 'left eye' : 'no eye yet');

/** One audit entry as a sentence. `labels` names orders by "Name · ID". */
export function describeAudit(e: AuditEntry, examId: string, labels: Record<string, string>): string {
  const b = e.before as Obj;
  const a = e.after as Obj;
  const photo = e.fileName ? `photo ${e.fileName}` : 'a photo';
  const exam = (id: unknown) => (id === examId ? 'this exam' : typeof id === 'string' ? (labels[id] ?? 'another exam') : 'Unassigned');
  switch (e.action) {
    case 'order-create':
      return 'Created this order (walk-in patient).';
    case 'order-import':
      return `Order received from the ${e.operator.startsWith('Worklist folder') ? 'worklist folder' : 'worklist server'}.`;
    case 'order-edit':
    case 'order-update':
      return `Changed the order details: ${Object.keys(a ?? {})
        .map((k) => `${FIELD_TEXT[k] ?? k} ${fieldValue(k, b?.[k])} → ${fieldValue(k, a?.[k])}`)
        .join(', ')}.`;
    case 'auto-assign': {
      const weak = a?.confidence === 'weak' ? ' (a guess: check it)' : '';
      const under = a?.eye === 'OD' || a?.eye === 'OS' ? `under the ${eyeWord(a.eye)}` : 'in this exam (the file does not say which eye)';
      return `Filed ${photo} ${under}, recognised by ${RULE_TEXT[String(a?.rule)] ?? String(a?.rule)}${weak}.`;
    }
    case 'assign':
      return `Linked ${photo} to ${exam(a?.orderId)}, ${eyeWord(a?.eye)}.`;
    case 'move':
      if (b?.orderId === a?.orderId) return `Moved ${photo} from the ${eyeWord(b?.eye)} to the ${eyeWord(a?.eye)}.`;
      return `Moved ${photo} from ${exam(b?.orderId)} (${eyeWord(b?.eye)}) to ${exam(a?.orderId)} (${eyeWord(a?.eye)}).`;
    case 'unassign':
      return `Sent ${photo} back to Unassigned.`;
    case 'confirm-link':
      return `Confirmed that ${photo} belongs to this exam.`;
    case 'best-pick':
      return `Chose ${a?.fileName ? `photo ${String(a.fileName)}` : 'a photo'} as the best image of the ${eyeWord(a?.eye)}.`;
    case 'best-auto':
      return `Let the station choose the best image of the ${eyeWord(a?.eye)} again.`;
    case 'best-cleared':
      return `The best-image choice for the ${eyeWord(b?.eye)} was removed, because ${photo} was moved or rejected.`;
    case 'reject':
      return `Rejected ${photo}: ${String(a?.rejected)}.`;
    case 'unreject':
      return `Took back the rejection of ${photo}.`;
    case 'ungradable':
      return `Marked the ${eyeWord(a?.eye)} ungradable: ${String(a?.reason)}.`;
    case 'ungradable-cleared':
      return `Took back "ungradable" for the ${eyeWord(b?.eye)}.`;
    case 'capturing-now':
      return a?.capturingNow ? 'Marked "capturing now".' : 'No longer "capturing now".';
    case 'complete':
      return `Marked the exam complete (version ${String(a?.revision)}).`;
    case 'reopen':
      return 'Reopened the exam.';
    default:
      return e.action;
  }
}
