// The walk-in form's draft and its problems, pure so they can be tested without a browser: the
// form checks with the same schema the station uses, in words that match what the fields show.
import { orderInputSchema, type OrderInputDraft } from '../../shared/orders.ts';
import { fromLocalInput } from './worklist-text.ts';

export interface Draft {
  patientId: string;
  name: string;
  birthDate: string;
  sex: string;
  scheduledAt: string; // datetime-local
  accessionNumber: string;
  externalOrderId: string;
}

export const valueOf = (draft: Draft): OrderInputDraft => ({
  patientId: draft.patientId,
  name: draft.name,
  birthDate: draft.birthDate,
  sex: draft.sex as OrderInputDraft['sex'],
  scheduledAt: draft.scheduledAt ? fromLocalInput(draft.scheduledAt) : '',
  accessionNumber: draft.accessionNumber,
  externalOrderId: draft.externalOrderId,
});

/**
 * Each field's first problem, in the schema's words, except where the schema speaks of a text
 * format the form does not show: a date field left empty or half filled (the browser gives "") is
 * asked for as the field shows it (day, month and year), not as "YYYY-MM-DD".
 */
export function draftProblems(draft: Draft): Record<string, string> {
  const checked = orderInputSchema.safeParse(valueOf(draft));
  if (checked.success) return {};
  const found: Record<string, string> = {};
  for (const issue of checked.error.issues) {
    const k = String(issue.path[0] ?? 'form');
    found[k] ??= issue.message;
  }
  if (found.birthDate && draft.birthDate === '') found.birthDate = 'Enter the birth date: day, month and year.';
  if (found.scheduledAt && draft.scheduledAt === '') found.scheduledAt = 'Enter the date and time of the appointment.';
  return found;
}
