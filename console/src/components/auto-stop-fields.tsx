/** Auto-stop on or off, and after how many hours: the create form's and the edit form's. */
import { describedBy, Field } from './field.js';

const HOURS = [1, 2, 4, 8, 12, 24];

export interface AutoStopFieldsProps {
  id: string;
  label: string;
  enabled: boolean;
  hours: number;
  error: string | undefined;
  onEnabled(enabled: boolean): void;
  onHours(hours: number): void;
}

export function AutoStopFields({ id, label, enabled, hours, error, onEnabled, onHours }: AutoStopFieldsProps) {
  return (
    <>
      <label class="check">
        <input type="checkbox" checked={enabled} onChange={(e) => onEnabled(e.currentTarget.checked)} /> Stop
        automatically
      </label>
      <Field id={id} label={label} error={error}>
        <select
          {...describedBy(id, error)}
          value={String(hours)}
          disabled={!enabled}
          onChange={(e) => onHours(Number(e.currentTarget.value))}
        >
          {HOURS.map((h) => (
            <option value={String(h)}>{h === 1 ? '1 hour' : `${h} hours`}</option>
          ))}
        </select>
      </Field>
    </>
  );
}
