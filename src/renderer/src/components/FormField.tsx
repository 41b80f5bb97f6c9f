// One labelled form field with its hint or its error next to it. The label names only the field
// (the hint and the error are its description), so screen readers and tests find it by its name.
import { useId, type ReactNode } from 'react';

export interface FieldProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

export function FormField({ label, error, hint, children }: { label: string; error?: string | null | undefined; hint?: string | null | undefined; children: (field: FieldProps) => ReactNode }) {
  const id = useId();
  const note = error || hint;
  const field: FieldProps = { id, ...(note && { 'aria-describedby': `${id}-note` }), ...(error && { 'aria-invalid': true as const }) };
  return (
    <div className="dicom-field">
      <label htmlFor={id}>{label}</label>
      {children(field)}
      {error ? (
        <span id={`${id}-note`} className="field-error" role="alert">{error}</span>
      ) : hint ? (
        <span id={`${id}-note`} className="field-hint">{hint}</span>
      ) : null}
    </div>
  );
}
