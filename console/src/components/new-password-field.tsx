/** A labelled field for a password being set (the browser may offer to generate and save one). */
export function NewPasswordField({
  label,
  value,
  onValue,
}: {
  label: string;
  value: string;
  onValue(value: string): void;
}) {
  return (
    <label>
      {label}
      <input
        type="password"
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        autocomplete="new-password"
      />
    </label>
  );
}
