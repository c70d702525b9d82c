/**
 * One instance: every field, failures in plain words, its history, the actions its status allows
 * (destructive ones confirmed), "Open" for a running notebook, a renew offer for auto-stop (always
 * at hand while it counts, a warning near the deadline), and who it is shared with (for its owner
 * and the project's admins).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  isNotFound,
  type CatalogFlavor,
  type Instance,
  type InstanceEvent,
  whoGoesFirst,
} from '../../../src/client/index.js';
import { useActionOutcome } from '../action-outcome.js';
import { reporter } from '../api-errors.js';
import { ColumnHeads } from '../components/column-heads.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { EditInstance } from '../components/edit-instance.js';
import { InstanceShares } from '../components/instance-shares.js';
import { Messages } from '../components/messages.js';
import { NotebookLog } from '../components/notebook-log.js';
import { ResourceUsage } from '../components/resource-usage.js';
import { AutoStopLeft, NOT_COUNTING, QueueWait } from '../components/queue-wait.js';
import { StatusBadge } from '../components/status-badge.js';
import { secondsLeft, useNow } from '../countdown.js';
import { formatDuration, formatParams, formatTime, formatTimeExact } from '../format.js';
import { newest } from '../freshness.js';
import type { LiveEvents } from '../live-events.js';
import { openNotebook } from '../open-notebook.js';
import { allowedActions, mayChange, mayOpen } from '../permissions.js';
import { usePageTitle } from '../page-title.js';
import { hrefOf } from '../router.js';
import type { ConsoleSession } from '../session.js';
import { useSharedWithMe } from '../shared-with-me.js';
import { ACTION_LABEL, DESTRUCTIVE, statusLook, type ConsoleAction } from '../statuses.js';

const WARN_BEFORE_S = 15 * 60;
const DAY_MS = 24 * 3600_000;

interface Props {
  console: ConsoleSession;
  live: LiveEvents;
  id: string;
  /** The catalog's flavor of that name (its queue and policy), if the catalog has been read. */
  flavorOf(name: string): CatalogFlavor | undefined;
  onFailure(error: unknown): void;
}

export function InstanceDetailPage({ console: c, live, id, flavorOf, onFailure }: Props) {
  const [instance, setShown] = useState<Instance | null>(null);
  const show = (incoming: Instance) => setShown((current) => newest(current, incoming));
  const [events, setEvents] = useState<InstanceEvent[]>([]);
  const [gone, setGone] = useState(false);
  const [problem, setProblem] = useState('');
  const [notice, setNotice] = useState('');
  const [asking, setAsking] = useState<ConsoleAction | null>(null);
  const [busy, setBusy] = useState(false);
  const now = useNow();
  const opener = useRef<HTMLElement | null>(null);
  const sharedWithMe = useSharedWithMe(c);
  const report = reporter(setProblem, onFailure);
  const outcome = useActionOutcome(instance);
  usePageTitle(gone ? 'Instance deleted' : (instance?.name ?? 'Instance'));

  const load = useCallback(async () => {
    try {
      const [current, history] = await Promise.all([c.client.get(id), c.client.events(id, { limit: 1000 })]);
      show(current);
      setEvents(history.events);
    } catch (error) {
      if (isNotFound(error)) setGone(true);
      else report(error);
    }
  }, [c, id]);

  useEffect(() => {
    void load();
    return live.subscribe({
      changed(changed) {
        if (changed.id !== id) return;
        show(changed);
        c.client.events(id, { limit: 1000 }).then(
          (h) => setEvents(h.events),
          () => undefined,
        );
      },
      deleted(deleted) {
        if (deleted === id) setGone(true);
      },
      resync: () => void load(),
    });
  }, [id, load, live]);

  // Once the question is gone and the action done, the focus goes back to the button that asked
  // (not before: a modal dialog, or a disabled button, would not take it), in the same commit that
  // removes the dialog: a passive effect runs a frame later, and the focus is nowhere meanwhile.
  useLayoutEffect(() => {
    if (asking === null && !busy) opener.current?.focus();
  }, [asking, busy]);

  async function act(action: ConsoleAction, shown: Instance) {
    setAsking(null);
    setBusy(true);
    setProblem('');
    setNotice('');
    outcome.forget();
    try {
      if (action === 'delete') await c.client.remove(id);
      else await c.client.action(id, action);
      outcome.asked(action, shown);
    } catch (error) {
      report(error);
    } finally {
      setBusy(false);
    }
  }

  function ask(action: ConsoleAction, button: HTMLElement) {
    opener.current = button;
    if (DESTRUCTIVE.has(action)) setAsking(action);
    else if (instance) void act(action, instance);
  }

  async function renew(current: Instance) {
    const { stop_timestamp: stopAt, remain_time: remain, duration } = current.spec.auto_stop;
    if (stopAt === null || remain === null) return;
    // The server's clock, not this browser's, bounds the new deadline (at most 24 h ahead).
    const serverNow = stopAt - (secondsLeft(current, remain, Date.now()) ?? 0) * 1000;
    const later = Math.round(Math.min(stopAt + duration * 1000, serverNow + DAY_MS - 60_000));
    try {
      show(await c.client.update(id, { spec: { auto_stop: { stop_timestamp: later } } }));
      setNotice(`Auto-stop moved to ${formatTime(later)}.`);
    } catch (error) {
      report(error);
    }
  }

  async function open() {
    if (!instance) return;
    setProblem('');
    try {
      await openNotebook(c, instance);
    } catch (error) {
      report(error);
    }
  }

  if (gone) {
    return (
      <section aria-labelledby="gone-title">
        <h1 id="gone-title">Instance deleted</h1>
        <p>This instance does not exist (any more).</p>
        <p>
          <a href={hrefOf.list()}>Back to all instances</a>
        </p>
      </section>
    );
  }
  if (!instance) return <p aria-busy="true">{problem || 'Loading…'}</p>;

  const left = secondsLeft(instance, instance.spec.auto_stop.remain_time, now);
  const failed = instance.spec.failed_reasons;
  const stopReason = instance.spec.annotations['demanager/stop_reason'];
  // Set by the service when the project's or the owner's budget nears its end (80 % used, 10 minutes
  // left); on a waiting notebook, while a spent budget holds it in its line (why it does not move).
  const budgetWarning =
    instance.status === 'RUNNING'
      ? instance.spec.annotations['demanager/budget_warning']
      : instance.spec.annotations['demanager/budget_hold'];
  const d = instance.flavor_details;
  const queueTerms = flavorOf(instance.flavor);

  return (
    <section aria-labelledby="detail-title">
      <p>
        <a href={hrefOf.list()}>← All instances</a>
      </p>
      <div class="page-head">
        <h1 id="detail-title">
          {instance.name} <StatusBadge status={instance.status} />
        </h1>
        {/* biome-ignore lint/a11y/useSemanticElements: a fieldset would draw its own border round the buttons */}
        <div class="buttons" role="group" aria-label="Actions">
          {mayOpen(c, instance, sharedWithMe) && (
            <button type="button" class="primary" onClick={() => void open()}>
              Open
            </button>
          )}
          {allowedActions(c, instance, flavorOf(instance.flavor)?.queues ?? false).map((action) => (
            // Keyed by action: the button that asked keeps its element (and so the focus given back)
            // when the offered actions change around it.
            <button
              key={action}
              type="button"
              class={action === 'delete' ? 'danger' : undefined}
              disabled={busy}
              onClick={(e) => ask(action, e.currentTarget)}
            >
              {ACTION_LABEL[action]}
            </button>
          ))}
        </div>
      </div>
      <p class="visually-hidden" aria-live="polite">
        Status: {statusLook(instance.status).label}
      </p>
      {left !== null && left < WARN_BEFORE_S && (
        <div class="banner warning" role="status">
          <span>This notebook stops automatically in {formatDuration(left)}.</span>
          <button type="button" onClick={() => void renew(instance)}>
            Keep it running longer
          </button>
        </div>
      )}
      {budgetWarning && (
        <div class="banner warning" role="status" data-testid="budget-warning">
          <span>{budgetWarning}</span>
        </div>
      )}
      <Messages notice={outcome.message || notice} problem={problem} />
      {failed && (
        <div class="banner failure" role="alert">
          <strong>Why it failed:</strong> {failed.message} <span class="muted">({failed.code})</span>
          {failed.detail && (
            <ul>
              {Object.entries(failed.detail).map(([k, v]) => (
                <li>
                  {k}: {v}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <dl class="fields">
        <dt>ID</dt>
        <dd>
          <code>{instance.id}</code>
        </dd>
        <dt>Description</dt>
        <dd>{instance.description || <span class="muted">—</span>}</dd>
        <dt>Image</dt>
        <dd>
          {instance.profile.name}{' '}
          <span class="muted">
            ({instance.profile.provision.spec.params.image_name}:{instance.profile.provision.spec.params.image_tag})
          </span>
        </dd>
        <dt>Flavor</dt>
        <dd>
          {instance.flavor} <span class="muted">{formatParams(d.params)}</span>
          {d.status === 'soldOut' && <span class="tag">sold out</span>}
        </dd>
        <dt>Storage</dt>
        <dd>
          {instance.spec.storage.type}{' '}
          {instance.spec.storage.location.path ??
            (instance.spec.storage.location.volume_size ? `${instance.spec.storage.location.volume_size} GB` : '')}
        </dd>
        <dt>Auto-stop</dt>
        <dd>
          {instance.spec.auto_stop.enable ? `after ${formatDuration(instance.spec.auto_stop.duration)}` : 'off'}
          {left !== null ? (
            <>
              {' '}
              · stops in <AutoStopLeft instance={instance} now={now} /> (
              {formatTime(instance.spec.auto_stop.stop_timestamp)})
              {left >= WARN_BEFORE_S && (
                <>
                  {' '}
                  <button type="button" class="keep-running" onClick={() => void renew(instance)}>
                    Keep running longer
                  </button>
                </>
              )}
            </>
          ) : (
            instance.spec.auto_stop.enable && <span class="muted"> · {NOT_COUNTING}</span>
          )}
        </dd>
        {stopReason && (
          <>
            <dt>Last stopped</dt>
            <dd>{stopReason}</dd>
          </>
        )}
        {instance.queuing_info && (
          <>
            <dt>Queue</dt>
            <dd>
              <QueueWait instance={instance} now={now} /> (since {formatTime(instance.queuing_info.begin_timestamp)})
              {queueTerms && <p class="hint queue-policy">{whoGoesFirst(queueTerms)}</p>}
            </dd>
          </>
        )}
        {instance.spec.resource_reserved_timestamp !== null && instance.status === 'READY_TO_START' && (
          <>
            <dt>Slot reserved</dt>
            <dd>since {formatTime(instance.spec.resource_reserved_timestamp)} — start it to use it</dd>
          </>
        )}
        <dt>Repository</dt>
        <dd>
          {instance.spec.repository?.connection_info?.url ?? <span class="muted">—</span>}
          {instance.spec.repository?.branch ? ` (${instance.spec.repository.branch})` : ''}
        </dd>
        <dt>Owner</dt>
        <dd>{instance.user.name}</dd>
        <dt>Created</dt>
        <dd>{formatTime(instance.creation_timestamp)}</dd>
        <dt>Updated</dt>
        <dd>{formatTime(instance.latest_update_timestamp)}</dd>
        <dt>Workspace</dt>
        <dd>{instance.workspace.id}</dd>
        {instance.pool && (
          <>
            <dt>Pool</dt>
            <dd>{instance.pool.name}</dd>
          </>
        )}
        {instance.error_code && (
          <>
            <dt>Error code</dt>
            <dd>{instance.error_code}</dd>
          </>
        )}
      </dl>
      {mayChange(c, instance) && <EditInstance key={instance.id} console={c} instance={instance} onSaved={show} />}
      {mayChange(c, instance) && <InstanceShares console={c} instance={instance} onFailure={onFailure} />}
      <ResourceUsage console={c} instance={instance} onFailure={onFailure} />
      <NotebookLog console={c} instance={instance} onFailure={onFailure} />
      <details class="raw">
        <summary>Every field, as the API answers it</summary>
        <pre>{JSON.stringify(instance, null, 2)}</pre>
      </details>
      <h2>History</h2>
      <table class="history">
        <ColumnHeads names={['When', 'What', 'Status', 'By']} />
        <tbody>
          {[...events].reverse().map((e) => (
            <tr key={e.seq}>
              <td data-label="When">
                <time dateTime={new Date(e.timestamp).toISOString()} title={formatTimeExact(e.timestamp).full}>
                  {formatTimeExact(e.timestamp).text}
                </time>
              </td>
              <td data-label="What">
                {e.kind}
                {e.detail && Object.values(e.detail).length > 0 && (
                  <span class="muted"> — {Object.values(e.detail).join('; ')}</span>
                )}
              </td>
              <td data-label="Status">
                {e.from_status ? statusLook(e.from_status).label : '—'} →{' '}
                {e.to_status ? statusLook(e.to_status).label : 'gone'}
              </td>
              <td data-label="By">{e.by === 'system' ? 'the service' : e.by === c.session.user.id ? 'you' : e.by}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {asking && (
        <ConfirmDialog
          title={`${ACTION_LABEL[asking]} ${instance.name}?`}
          message={
            asking === 'delete'
              ? 'The instance and its own storage are removed for good.'
              : 'Running kernels stop and unsaved work in the notebook is lost.'
          }
          confirmLabel={ACTION_LABEL[asking]}
          onConfirm={() => void act(asking, instance)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}
