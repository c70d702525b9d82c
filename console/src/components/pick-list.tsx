/** A labelled choice among `options` (value and text). */
export function PickList({
  label,
  value,
  options,
  onPick,
}: {
  label: string;
  value: string;
  options: readonly { value: string; text: string }[];
  onPick(value: string): void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onPick(e.currentTarget.value)}>
        {options.map((o) => (
          <option value={o.value}>{o.text}</option>
        ))}
      </select>
    </label>
  );
}
