// One labelled form field with its hint or its error next to it. The label names only the field
// (the hint and the error are its description), so screen readers and tests find it by its name.
// useFormDraft keeps a form's draft and its per-field errors (the DICOM node, camera and PACS forms).
import { useId, useState, type ReactNode } from 'react';

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

/** The keys of a draft that hold text (the ones a text input edits). */
type TextKey<D> = { [K in keyof D]: D[K] extends string ? K : never }[keyof D] & string;

/**
 * A form's draft and the message per field from its last check. set() changes one field, clears that
 * field's message and calls onEdit (a form forgets its "saved" line or its test answer); text() is a
 * text input for a FormField; field() is a FormField showing the field's message.
 */
export function useFormDraft<D extends object>(initial: D, onEdit?: () => void) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof D & string>(key: K, value: D[K]) => {
    setDraft({ ...draft, [key]: value });
    onEdit?.();
    if (errors[key]) setErrors({ ...errors, [key]: '' });
  };
  const text = (key: TextKey<D>, extra: Record<string, unknown> = {}) => (field: FieldProps) => (
    <input name={key} value={draft[key] as string} onChange={(e) => set(key, e.target.value as D[typeof key])} spellCheck={false} {...field} {...extra} />
  );
  const field = (key: keyof D & string, label: string, hint: string | null, input: (f: FieldProps) => ReactNode) => (
    <FormField label={label} error={errors[key]} hint={hint}>{input}</FormField>
  );
  return { draft, setDraft, errors, setErrors, set, text, field };
}
