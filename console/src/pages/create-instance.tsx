/**
 * The create form: profile and flavor from the catalog (sold-out and not-permitted flavors said
 * as such), storage, auto-stop and repository; the API's own messages shown by their fields.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  DemanagerApiError,
  type CatalogFlavor,
  type CatalogProfile,
  type CreateInstanceRequest,
} from '../../../src/client/index.js';
import { fieldOf, messageOf, type FormField } from '../api-errors.js';
import { AutoStopFields } from '../components/auto-stop-fields.js';
import { describedBy, Field } from '../components/field.js';
import { formatDuration, formatParams } from '../format.js';
import { hrefOf, navigate } from '../router.js';
import type { ConsoleSession } from '../session.js';

function flavorLabel(f: CatalogFlavor): string {
  const parts = [f.name, formatParams(f.params)];
  if (f.promo_type === 'Free') parts.push('free');
  if (!f.is_permitted) parts.push('not permitted in this project');
  else if (f.status === 'soldOut') {
    parts.push(
      f.queues
        ? `sold out — you will queue${f.queuing_num ? ` behind ${f.queuing_num}` : ''}${f.queue_left_time ? `, about ${formatDuration(f.queue_left_time)}` : ''}`
        : 'sold out',
    );
  }
  return parts.filter(Boolean).join(' · ');
}

export function CreateInstancePage({
  console: c,
  onFailure,
}: {
  console: ConsoleSession;
  onFailure(error: unknown): void;
}) {
  const [profiles, setProfiles] = useState<CatalogProfile[]>([]);
  const [flavors, setFlavors] = useState<CatalogFlavor[]>([]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [profileId, setProfileId] = useState('');
  const [flavorName, setFlavorName] = useState('');
  const [storageType, setStorageType] = useState('evs');
  const [path, setPath] = useState('');
  const [volumeSize, setVolumeSize] = useState('5');
  const [autoStop, setAutoStop] = useState(true);
  const [hours, setHours] = useState(1);
  const [repository, setRepository] = useState('');
  const [branch, setBranch] = useState('');
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    c.client
      .profiles()
      .then((answer) => {
        setProfiles(answer.profiles);
        setProfileId((current) => current || answer.profiles[0]?.id || '');
      })
      .catch(onFailure);
  }, [c]);

  useEffect(() => {
    if (!profileId) return;
    c.client
      .flavors({ profile_id: profileId })
      .then((answer) => {
        setFlavors(answer.flavors);
        setFlavorName((current) =>
          answer.flavors.some((f) => f.name === current)
            ? current
            : (answer.flavors.find((f) => f.is_permitted)?.name ?? ''),
        );
      })
      .catch(onFailure);
  }, [c, profileId]);

  const flavor = flavors.find((f) => f.name === flavorName);
  const storageTypes = flavor?.storage_list ?? ['evs'];
  useEffect(() => {
    if (!storageTypes.includes(storageType))
      setStorageType(storageTypes.includes('evs') ? 'evs' : (storageTypes[0] ?? 'evs'));
  }, [flavorName, flavors]);

  async function submit(event: Event) {
    event.preventDefault();
    setErrors({});
    setBusy(true);
    const body: CreateInstanceRequest = {
      name: name.trim(),
      description,
      profile_id: profileId,
      flavor: flavorName,
      workspace: { id: '0' },
      spec: {
        storage:
          storageType === 'evs'
            ? { type: 'evs', location: { volume_size: Number(volumeSize) || 5 } }
            : { type: storageType, location: { path: path.trim() } },
        auto_stop: autoStop ? { enable: true, duration: hours * 3600, prompt: true } : { enable: false },
        ...(repository.trim()
          ? {
              repository: {
                branch: branch.trim() || null,
                connection_info: { protocol: 'https', url: repository.trim() },
              },
            }
          : {}),
      },
    };
    try {
      const created = await c.client.create(body);
      navigate(hrefOf.detail(created.id));
    } catch (error) {
      if (error instanceof DemanagerApiError && error.status === 400)
        setErrors({ [fieldOf(error, body.name)]: messageOf(error) });
      else {
        setErrors({ form: messageOf(error) });
        onFailure(error);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="create-title" class="narrow">
      <p>
        <a href={hrefOf.list()}>← All instances</a>
      </p>
      <h1 id="create-title">New notebook instance</h1>
      <form onSubmit={submit} noValidate>
        <Field id="name" label="Name" error={errors.name} hint="Letters, digits, _ and -; unique in the project.">
          <input
            {...describedBy('name', errors.name, true)}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            autocomplete="off"
            maxLength={64}
          />
        </Field>
        <Field id="description" label="Description (optional)" error={errors.description}>
          <input
            {...describedBy('description', errors.description)}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
            maxLength={512}
          />
        </Field>
        <Field id="profile" label="Image (profile)" error={errors.profile}>
          <select
            {...describedBy('profile', errors.profile)}
            value={profileId}
            onChange={(e) => setProfileId(e.currentTarget.value)}
          >
            {profiles.map((p) => (
              <option value={p.id}>
                {p.name} — {p.description}
              </option>
            ))}
          </select>
        </Field>
        <Field id="flavor" label="Size (flavor)" error={errors.flavor}>
          <select
            {...describedBy('flavor', errors.flavor)}
            value={flavorName}
            onChange={(e) => setFlavorName(e.currentTarget.value)}
          >
            {flavors.map((f) => (
              <option value={f.name} disabled={!f.is_permitted} data-status={f.status}>
                {flavorLabel(f)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset>
          <legend>Storage</legend>
          <Field id="storage-type" label="Type" error={errors.storage}>
            <select
              {...describedBy('storage-type', errors.storage)}
              value={storageType}
              onChange={(e) => setStorageType(e.currentTarget.value)}
            >
              {storageTypes.map((t) => (
                <option value={t}>
                  {t === 'evs'
                    ? 'evs — a volume of its own'
                    : t === 'obs'
                      ? 'obs — a bucket path, kept after delete'
                      : t}
                </option>
              ))}
            </select>
          </Field>
          {storageType === 'evs' ? (
            <Field id="volume-size" label="Volume size (GB)">
              <input
                id="volume-size"
                type="number"
                min={5}
                max={4096}
                value={volumeSize}
                onInput={(e) => setVolumeSize(e.currentTarget.value)}
              />
            </Field>
          ) : (
            <Field id="storage-path" label="Path" hint="For example /bucket/work/ (ends with /).">
              <input
                id="storage-path"
                aria-describedby="storage-path-hint"
                value={path}
                onInput={(e) => setPath(e.currentTarget.value)}
              />
            </Field>
          )}
        </fieldset>
        <fieldset>
          <legend>Auto-stop</legend>
          <AutoStopFields
            id="auto-stop"
            label="After"
            enabled={autoStop}
            hours={hours}
            error={errors.auto_stop}
            onEnabled={setAutoStop}
            onHours={setHours}
          />
        </fieldset>
        <fieldset>
          <legend>Repository (optional)</legend>
          <Field
            id="repository"
            label="Git URL"
            error={errors.repository}
            hint="https:// or ssh; cloned on the first start."
          >
            <input
              {...describedBy('repository', errors.repository, true)}
              value={repository}
              onInput={(e) => setRepository(e.currentTarget.value)}
              autocomplete="off"
            />
          </Field>
          <Field id="branch" label="Branch">
            <input id="branch" value={branch} onInput={(e) => setBranch(e.currentTarget.value)} autocomplete="off" />
          </Field>
        </fieldset>
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        <div class="buttons">
          <a class="button" href={hrefOf.list()}>
            Cancel
          </a>
          <button type="submit" class="primary" disabled={busy || !profileId || !flavorName}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </section>
  );
}
