/**
 * A labelled choice among `options` (value and text). With a `placeholder`, nothing is chosen
 * until the user chooses: the value is '' and the box says so, rather than showing blank while
 * the browser has silently picked the first option.
 */
export function PickList({
  label,
  value,
  options,
  onPick,
  placeholder,
}: {
  label: string;
  value: string;
  options: readonly { value: string; text: string }[];
  onPick(value: string): void;
  placeholder?: string;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onPick(e.currentTarget.value)}>
        {placeholder !== undefined && (
          <option value="" disabled>
            {placeholder}
          </option>
        )}
        {options.map((o) => (
          <option value={o.value}>{o.text}</option>
        ))}
      </select>
    </label>
  );
}
