import { FieldError } from '@/components/ui';
import { fieldErrorId } from '@/lib/field-errors';

/** Whether a typed value is a whole number from `min` to `max` ("2.5", "" and "0" for min 1 are not). */
export function isWholeIn(value: string, min: number, max: number): boolean {
  if (!/^\d+$/.test(value.trim())) return false;
  const n = Number(value.trim());
  return n >= min && n <= max;
}

/**
 * A labelled number input (the lab's options and optimizer settings are free-typed strings), with
 * its error under it (marked `aria-invalid` and named by `aria-describedby`) when there is one.
 */
export function NumberField({
  id,
  label,
  error,
  ...input
}: {
  id: string;
  label: string;
  error?: string | undefined;
  min?: number;
  max?: number;
  step?: number;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? fieldErrorId(id, 'value') : undefined}
        {...input}
      />
      <FieldError formId={id} field="value" error={error} />
    </div>
  );
}
