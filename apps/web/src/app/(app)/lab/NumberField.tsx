/** A labelled number input (the lab's options and optimizer settings are free-typed strings). */
export function NumberField({
  id,
  label,
  ...input
}: {
  id: string;
  label: string;
  min?: number;
  max?: number;
  step?: number;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" inputMode="decimal" {...input} />
    </div>
  );
}
