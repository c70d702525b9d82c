/**
 * Changes what the API lets change: the description, auto-stop (from the next start) and, while
 * the instance is stopped, its flavor (a resize; under it, as in the create form, how many of the
 * size chosen may run at once and who goes first when it is full). The API's messages appear by their fields. The
 * form lives through the instance's live changes: what was typed stays, and a field the server
 * changed under an edit says so (see {@link useEditedField}).
 */
import { useEffect, useState } from 'preact/hooks';
import {
  DemanagerApiError,
  type CatalogFlavor,
  type Instance,
  type UpdateInstanceRequest,
} from '../../../src/client/index.js';
import { fieldOf, messageOf, type FormField } from '../api-errors.js';
import { type EditedField, useEditedField } from '../edited-field.js';
import { flavorTerms } from '../flavor-terms.js';
import type { ConsoleSession } from '../session.js';
import { AutoStopFields } from './auto-stop-fields.js';
import { describedBy, Field } from './field.js';

export function EditInstance({
  console: c,
  instance,
  onSaved,
}: {
  console: ConsoleSession;
  instance: Instance;
  onSaved(updated: Instance): void;
}) {
  const descriptionField = useEditedField(instance.description);
  const autoStopField = useEditedField(instance.spec.auto_stop.enable);
  const hoursField = useEditedField(hoursOf(instance.spec.auto_stop.duration));
  const flavorField = useEditedField(instance.flavor);
  const [description, autoStop, hours, flavor] = [
    descriptionField.value,
    autoStopField.value,
    hoursField.value,
    flavorField.value,
  ];
  const [flavors, setFlavors] = useState<CatalogFlavor[]>([]);
  const chosen = flavors.find((f) => f.name === flavor);
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const [saved, setSaved] = useState('');
  const stopped = instance.status === 'STOPPED';

  useEffect(() => {
    c.client.flavors({ profile_id: instance.profile.id }).then(
      (answer) => setFlavors(answer.flavors),
      () => undefined,
    );
  }, [c, instance.profile.id]);

  async function save(event: Event) {
    event.preventDefault();
    setErrors({});
    setSaved('');
    const body: UpdateInstanceRequest = {
      description,
      spec: { auto_stop: autoStop ? { enable: true, duration: hours * 3600 } : { enable: false } },
      ...(flavor !== instance.flavor ? { flavor } : {}),
    };
    try {
      onSaved(await c.client.update(instance.id, body));
      setSaved(flavor !== instance.flavor ? 'Saved; the instance is being resized.' : 'Saved.');
    } catch (error) {
      const field =
        error instanceof DemanagerApiError
          ? error.errorCode === 'ModelArts.6347'
            ? 'flavor'
            : fieldOf(error, '')
          : 'form';
      setErrors({ [field]: messageOf(error) });
    }
  }

  return (
    <details class="edit">
      <summary>Change description, auto-stop or flavor</summary>
      <form onSubmit={save} noValidate>
        <Field id="edit-description" label="Description" error={errors.description ?? errors.name}>
          <input
            {...describedBy('edit-description', errors.description ?? errors.name)}
            value={description}
            onInput={(e) => descriptionField.set(e.currentTarget.value)}
            maxLength={512}
          />
          <ChangedUnder id="edit-description" field={descriptionField} show={(v) => v || '(empty)'} />
        </Field>
        <AutoStopFields
          id="edit-auto-stop"
          label="After (from the next start)"
          enabled={autoStop}
          hours={hours}
          error={errors.auto_stop}
          onEnabled={autoStopField.set}
          onHours={hoursField.set}
        />
        <ChangedUnder id="edit-auto-stop-enabled" field={autoStopField} show={(v) => (v ? 'on' : 'off')} />
        <ChangedUnder id="edit-auto-stop" field={hoursField} show={(v) => (v === 1 ? '1 hour' : `${v} hours`)} />
        <Field
          id="edit-flavor"
          label="Flavor"
          error={errors.flavor}
          hint={
            stopped
              ? // What the size chosen commits to: a start that finds it full waits, or fails, by its queue.
                `A new flavor resizes the instance.${chosen ? ` ${flavorTerms(chosen)}` : ''}`
              : 'Stop the instance to change its flavor.'
          }
        >
          <select
            {...describedBy('edit-flavor', errors.flavor, true)}
            value={flavor}
            disabled={!stopped}
            onChange={(e) => flavorField.set(e.currentTarget.value)}
          >
            {(flavors.length > 0 ? flavors : [{ name: instance.flavor, is_permitted: true }]).map((f) => (
              <option value={f.name} disabled={!f.is_permitted}>
                {f.name}
              </option>
            ))}
          </select>
          <ChangedUnder id="edit-flavor" field={flavorField} show={(v) => v} />
        </Field>
        {(errors.form || saved) && (
          <p class={errors.form ? 'error' : 'notice'} role={errors.form ? 'alert' : 'status'}>
            {errors.form || saved}
          </p>
        )}
        <button type="submit">Save changes</button>
      </form>
    </details>
  );
}

function hoursOf(durationSeconds: number): number {
  return Math.max(1, Math.round(durationSeconds / 3600));
}

/** Says that the server's value changed while the user edited the field, and offers to take it. */
function ChangedUnder<T>({ id, field, show }: { id: string; field: EditedField<T>; show(value: T): string }) {
  if (field.changedTo === null) return null;
  return (
    <p class="changed-under" id={`${id}-changed`} role="status">
      Changed meanwhile to “{show(field.changedTo)}”; saving keeps yours.{' '}
      <button type="button" onClick={field.takeServer}>
        Use “{show(field.changedTo)}”
      </button>
    </p>
  );
}
