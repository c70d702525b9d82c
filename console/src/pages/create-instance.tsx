/**
 * The create form: profile and flavor from the catalog (sold-out and not-permitted flavors said
 * as such; under the flavor chosen, how many may run at once and who goes first when it is full),
 * storage, auto-stop and repository. A failed submit says its problems in words under
 * each field (the API's own message kept under them) and at the Create button, and takes the
 * focus to the first field in error; a name is created as typed or refused, never cut.
 */
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import {
  DemanagerApiError,
  type CatalogFlavor,
  type CatalogProfile,
  type CreateInstanceRequest,
  queuePolicyLabel,
} from '../../../src/client/index.js';
import { type FieldProblem, type FormField, problemOf } from '../api-errors.js';
import { AutoStopFields } from '../components/auto-stop-fields.js';
import { ErrorSummary, focusFirstProblem, type SummaryItem } from '../components/error-summary.js';
import { describedBy, Field } from '../components/field.js';
import { NAME_MAX, nameProblem, obsPathProblem, VOLUME_GB, volumeSizeProblem } from '../create-checks.js';
import { flavorTerms } from '../flavor-terms.js';
import { formatDuration, formatParams } from '../format.js';
import { hrefOf, navigate } from '../router.js';
import type { ConsoleSession } from '../session.js';

function flavorLabel(f: CatalogFlavor): string {
  const parts = [f.name, formatParams(f.params)];
  if (f.promo_type === 'Free') parts.push('free');
  if (f.queues) parts.push(`queue: ${queuePolicyLabel(f)}`);
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

/** Each field's control and its name in the summary, in the order of the form. */
const CONTROLS: Record<Exclude<FormField, 'form'>, { id: string; label: string }> = {
  name: { id: 'name', label: 'Name' },
  description: { id: 'description', label: 'Description' },
  profile: { id: 'profile', label: 'Image' },
  flavor: { id: 'flavor', label: 'Size' },
  storage_type: { id: 'storage-type', label: 'Storage type' },
  storage_size: { id: 'volume-size', label: 'Volume size' },
  storage_path: { id: 'storage-path', label: 'Path' },
  auto_stop: { id: 'auto-stop', label: 'Auto-stop' },
  repository_url: { id: 'repository', label: 'Git URL' },
  repository_branch: { id: 'branch', label: 'Branch' },
};
const ORDER = Object.keys(CONTROLS);
const SUMMARY_ID = 'create-problems';

function summaryItems(problems: readonly FieldProblem[]): SummaryItem[] {
  const rank = (p: FieldProblem) => (p.field === 'form' ? ORDER.length : ORDER.indexOf(p.field));
  return [...problems]
    .sort((a, b) => rank(a) - rank(b))
    .map((p) =>
      p.field === 'form'
        ? { controlId: null, label: '', message: p.message }
        : { controlId: CONTROLS[p.field].id, label: CONTROLS[p.field].label, message: p.message },
    );
}

function nameHint(name: string): string {
  const count = name.length > NAME_MAX ? `${name.length} of at most ${NAME_MAX}` : `${name.length} of ${NAME_MAX}`;
  return `Letters, digits, _ and -; unique in the project. ${count} characters.`;
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
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  // Counts failed submits: each one moves the focus to its first problem once it is shown.
  const [failures, setFailures] = useState(0);
  const [busy, setBusy] = useState(false);
  const items = summaryItems(problems);
  const errorOf = (field: FormField) => problems.find((p) => p.field === field);

  // In the same commit as the messages appear: nothing is painted, or read by a test, with the focus left behind.
  useLayoutEffect(() => {
    if (failures > 0) focusFirstProblem(SUMMARY_ID, items);
  }, [failures]);

  /** A field's problem as {@link Field} shows it; the summary at the button announces them all. */
  const shown = (field: FormField) => ({
    error: errorOf(field)?.message,
    detail: errorOf(field)?.detail,
    alert: false,
  });

  function fail(found: FieldProblem[]) {
    setProblems(found);
    setFailures((n) => n + 1);
  }

  /** The problems the console finds itself, all at once. */
  function checked(): FieldProblem[] {
    const found: [FormField, string | null][] = [
      ['name', nameProblem(name)],
      storageType === 'evs' ? ['storage_size', volumeSizeProblem(volumeSize)] : ['storage_path', obsPathProblem(path)],
    ];
    return found.flatMap(([field, message]) => (message ? [{ field, message }] : []));
  }

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
    const found = checked();
    if (found.length > 0) {
      fail(found);
      return;
    }
    setProblems([]);
    setBusy(true);
    const body: CreateInstanceRequest = {
      name,
      description,
      profile_id: profileId,
      flavor: flavorName,
      workspace: { id: '0' },
      spec: {
        storage:
          storageType === 'evs'
            ? { type: 'evs', location: { volume_size: Number(volumeSize) } }
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
      fail([problemOf(error, body.name)]);
      if (!(error instanceof DemanagerApiError && error.status === 400)) onFailure(error);
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
        {/* No maxLength: the browser would cut a longer name without a word; the limit is told instead. */}
        <Field id="name" label="Name" {...shown('name')} hint={nameHint(name)}>
          <input
            {...describedBy('name', errorOf('name')?.message, true)}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            autocomplete="off"
          />
        </Field>
        <Field id="description" label="Description (optional)" {...shown('description')}>
          <input
            {...describedBy('description', errorOf('description')?.message)}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </Field>
        <Field id="profile" label="Image (profile)" {...shown('profile')}>
          <select
            {...describedBy('profile', errorOf('profile')?.message)}
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
        <Field id="flavor" label="Size (flavor)" {...shown('flavor')} hint={flavor && flavorTerms(flavor)}>
          <select
            {...describedBy('flavor', errorOf('flavor')?.message, flavor !== undefined)}
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
          <Field id="storage-type" label="Type" {...shown('storage_type')}>
            <select
              {...describedBy('storage-type', errorOf('storage_type')?.message)}
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
            <Field id="volume-size" label="Volume size (GB)" {...shown('storage_size')}>
              <input
                {...describedBy('volume-size', errorOf('storage_size')?.message)}
                type="number"
                min={VOLUME_GB.min}
                max={VOLUME_GB.max}
                value={volumeSize}
                onInput={(e) => setVolumeSize(e.currentTarget.value)}
              />
            </Field>
          ) : (
            <Field
              id="storage-path"
              label="Path"
              {...shown('storage_path')}
              hint="For example /bucket/work/ (ends with /)."
            >
              <input
                {...describedBy('storage-path', errorOf('storage_path')?.message, true)}
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
            error={errorOf('auto_stop')?.message}
            onEnabled={setAutoStop}
            onHours={setHours}
          />
        </fieldset>
        <fieldset>
          <legend>Repository (optional)</legend>
          <Field
            id="repository"
            label="Git URL"
            {...shown('repository_url')}
            hint="https:// or ssh; cloned on the first start."
          >
            <input
              {...describedBy('repository', errorOf('repository_url')?.message, true)}
              value={repository}
              onInput={(e) => setRepository(e.currentTarget.value)}
              autocomplete="off"
            />
          </Field>
          <Field id="branch" label="Branch" {...shown('repository_branch')}>
            <input
              {...describedBy('branch', errorOf('repository_branch')?.message)}
              value={branch}
              onInput={(e) => setBranch(e.currentTarget.value)}
              autocomplete="off"
            />
          </Field>
        </fieldset>
        <ErrorSummary id={SUMMARY_ID} items={items} />
        <div class="buttons">
          <a class="button" href={hrefOf.list()}>
            Cancel
          </a>
          <button
            type="submit"
            class="primary"
            disabled={busy || !profileId || !flavorName}
            aria-describedby={items.length > 0 ? SUMMARY_ID : undefined}
          >
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </section>
  );
}
