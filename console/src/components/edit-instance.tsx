/**
 * Changes what the API lets change: the description, auto-stop (from the next start) and, while
 * the instance is stopped, its flavor (a resize). The API's messages appear by their fields.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  DemanagerApiError,
  type CatalogFlavor,
  type Instance,
  type UpdateInstanceRequest,
} from '../../../src/client/index.js';
import { fieldOf, messageOf, type FormField } from '../api-errors.js';
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
  const [description, setDescription] = useState(instance.description);
  const [autoStop, setAutoStop] = useState(instance.spec.auto_stop.enable);
  const [hours, setHours] = useState(Math.max(1, Math.round(instance.spec.auto_stop.duration / 3600)));
  const [flavor, setFlavor] = useState(instance.flavor);
  const [flavors, setFlavors] = useState<CatalogFlavor[]>([]);
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
            onInput={(e) => setDescription(e.currentTarget.value)}
            maxLength={512}
          />
        </Field>
        <AutoStopFields
          id="edit-auto-stop"
          label="After (from the next start)"
          enabled={autoStop}
          hours={hours}
          error={errors.auto_stop}
          onEnabled={setAutoStop}
          onHours={setHours}
        />
        <Field
          id="edit-flavor"
          label="Flavor"
          error={errors.flavor}
          hint={stopped ? 'A new flavor resizes the instance.' : 'Stop the instance to change its flavor.'}
        >
          <select
            {...describedBy('edit-flavor', errors.flavor, true)}
            value={flavor}
            disabled={!stopped}
            onChange={(e) => setFlavor(e.currentTarget.value)}
          >
            {(flavors.length > 0 ? flavors : [{ name: instance.flavor, is_permitted: true }]).map((f) => (
              <option value={f.name} disabled={!f.is_permitted}>
                {f.name}
              </option>
            ))}
          </select>
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
