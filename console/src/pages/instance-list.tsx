/**
 * The project's instances: search by name, filters, sort and paging as the list API has them, each
 * row live, with its owner, its last activity and the actions the user may take on it; several
 * selected can be stopped or deleted together, each row then saying how it went.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  LAST_ACTIVITY_ANNOTATION,
  type Instance,
  type InstanceList,
  type InstanceStatus,
  type ListInstancesQuery,
} from '../../../src/client/index.js';
import { reporter } from '../api-errors.js';
import { BulkActions, type BulkAction } from '../components/bulk-actions.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Messages } from '../components/messages.js';
import { AutoStopLeft, QueueWait } from '../components/queue-wait.js';
import { RowActions } from '../components/row-actions.js';
import { StatusBadge } from '../components/status-badge.js';
import { useNow } from '../countdown.js';
import { formatTime } from '../format.js';
import { newest } from '../freshness.js';
import { runOnEach, type Outcome } from '../instance-batch.js';
import type { LivePageProps } from '../page-props.js';
import { openNotebook } from '../open-notebook.js';
import { allowedActions, mayChange, mayOpen } from '../permissions.js';
import { hrefOf } from '../router.js';
import { useSharedWithMe } from '../shared-with-me.js';
import { ACTION_LABEL, INSTANCE_STATUSES, statusLook, type ConsoleAction } from '../statuses.js';

const PAGE_SIZE = 20;
/** How long typing in the search box rests before the list is asked again. */
const SEARCH_AFTER_MS = 250;
const COLUMNS = ['Name', 'Status', 'Owner', 'Flavor', 'Last activity', 'Auto-stop in', 'Queue', 'Actions'];

/** An action waiting for its confirmation, on the instances it names. */
interface Question {
  action: ConsoleAction;
  targets: Instance[];
}

interface Filters {
  name: string;
  status: InstanceStatus | '';
  mine: boolean;
  sortby: 'name' | 'creation_timestamp';
  order: 'asc' | 'desc';
  offset: number;
}

export function InstanceListPage({ console: c, live, onFailure }: LivePageProps) {
  const [filters, setFilters] = useState<Filters>({
    name: '',
    status: '',
    mine: false,
    sortby: 'creation_timestamp',
    order: 'desc',
    offset: 0,
  });
  const [page, setPage] = useState<InstanceList | null>(null);
  const [problem, setProblem] = useState('');
  const [notice, setNotice] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, Outcome>>(new Map());
  const [asking, setAsking] = useState<Question | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const sharedWithMe = useSharedWithMe(c);
  const now = useNow();
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const pageRef = useRef(page);
  pageRef.current = page;
  const shown = useRef<ReadonlySet<string>>(new Set());
  shown.current = new Set(page?.instances.map((i) => i.id) ?? []);

  const load = useCallback(async () => {
    const f = filtersRef.current;
    const query: ListInstancesQuery = {
      sortby: f.sortby,
      order: f.order,
      offset: f.offset,
      limit: PAGE_SIZE,
      show_self: String(f.mine),
    };
    if (f.status) query.status = f.status;
    if (f.name) query.name = f.name;
    try {
      const answer = await c.client.list(query);
      const shown = new Map(pageRef.current?.instances.map((i) => [i.id, i]));
      setPage({ ...answer, instances: answer.instances.map((i) => newest(shown.get(i.id), i)) });
      setProblem('');
    } catch (error) {
      reporter(setProblem, onFailure)(error);
    }
  }, [c]);

  useEffect(() => {
    void load();
  }, [filters, load]);

  useEffect(() => {
    let again: number | undefined;
    const soon = () => {
      window.clearTimeout(again);
      again = window.setTimeout(() => void load(), 300);
    };
    const stop = live.subscribe({
      changed(instance: Instance) {
        const known = shown.current.has(instance.id);
        if (known)
          setPage(
            (current) =>
              current && {
                ...current,
                instances: current.instances.map((i) => (i.id === instance.id ? newest(i, instance) : i)),
              },
          );
        // A new instance, or one that may have left the filtered view: the list decides.
        if (!known || filtersRef.current.status) soon();
      },
      deleted: soon,
      resync: soon,
    });
    return () => {
      stop();
      window.clearTimeout(again);
    };
  }, [live, load]);

  // The search is asked once the typing rests, not at every key.
  useEffect(() => {
    const name = search.trim();
    if (name === filtersRef.current.name) return;
    const later = window.setTimeout(() => setFilters({ ...filtersRef.current, name, offset: 0 }), SEARCH_AFTER_MS);
    return () => window.clearTimeout(later);
  }, [search]);

  // Only what the page shows stays selected: another page, filter or a deletion takes the rest out.
  useEffect(() => {
    setSelected((current) => new Set([...current].filter((id) => shown.current.has(id))));
  }, [page]);

  // Once the question is gone, the focus goes back to the button that asked, in the same commit
  // that removes the dialog: a passive effect runs a frame later, and the focus is nowhere meanwhile.
  useLayoutEffect(() => {
    if (asking === null) opener.current?.focus();
  }, [asking]);

  const set = (change: Partial<Filters>) => setFilters({ ...filters, offset: 0, ...change });
  const total = page?.total_count ?? 0;
  const instances = page?.instances ?? [];
  const selectable = instances.filter((i) => mayChange(c, i));
  const chosen = selectable.filter((i) => selected.has(i.id));
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;

  function choose(id: string, on: boolean) {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  }

  function tell(id: string, outcome: Outcome) {
    setOutcomes((current) => new Map(current).set(id, outcome));
  }

  async function run(action: ConsoleAction, targets: Instance[]) {
    setAsking(null);
    setProblem('');
    setNotice('');
    const { done, failed } = await runOnEach(c, action, targets, tell, onFailure);
    if (targets.length > 1)
      setNotice(`${ACTION_LABEL[action]}: ${done} requested${failed > 0 ? `, ${failed} failed (see each row)` : ''}.`);
    // Deleted ones leave the list by the change stream; the others are no longer chosen for the next action.
    setSelected(new Set());
  }

  function ask(action: ConsoleAction, targets: Instance[], button: HTMLElement) {
    opener.current = button;
    if (action === 'start') void run(action, targets);
    else setAsking({ action, targets });
  }

  async function open(instance: Instance) {
    setProblem('');
    try {
      await openNotebook(c, instance);
    } catch (error) {
      reporter(setProblem, onFailure)(error);
    }
  }

  return (
    <section aria-labelledby="list-title">
      <div class="page-head">
        <h1 id="list-title">Notebook instances</h1>
        <a class="button primary" href={hrefOf.create()}>
          New instance
        </a>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter and sort">
        <label>
          Name contains
          <input type="search" value={search} maxLength={64} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <label>
          Status
          <select
            value={filters.status}
            onChange={(e) => set({ status: e.currentTarget.value as InstanceStatus | '' })}
          >
            <option value="">Any</option>
            {INSTANCE_STATUSES.filter((s) => s !== 'DELETED').map((s) => (
              <option value={s}>{statusLook(s).label}</option>
            ))}
          </select>
        </label>
        <label>
          Sort by
          <select value={filters.sortby} onChange={(e) => set({ sortby: e.currentTarget.value as Filters['sortby'] })}>
            <option value="creation_timestamp">Created</option>
            <option value="name">Name</option>
          </select>
        </label>
        <label>
          Order
          <select value={filters.order} onChange={(e) => set({ order: e.currentTarget.value as Filters['order'] })}>
            <option value="desc">Descending</option>
            <option value="asc">Ascending</option>
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={filters.mine} onChange={(e) => set({ mine: e.currentTarget.checked })} />
          Only mine
        </label>
      </form>
      <Messages notice={notice} problem={problem} />
      <BulkActions
        selected={chosen}
        onAsk={(action: BulkAction, button) => ask(action, chosen, button)}
        onClear={() => setSelected(new Set())}
      />
      {page && instances.length === 0 && (
        <p class="empty">
          {filters.name
            ? `No instance's name contains “${filters.name}”.`
            : 'No instances here yet. Create one to start a notebook.'}
        </p>
      )}
      {page && instances.length > 0 && (
        <table class="instances">
          <caption class="visually-hidden">Instances, {total} in all</caption>
          <thead>
            <tr>
              <th scope="col" class="select">
                {selectable.length > 0 && (
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allChosen}
                    indeterminate={chosen.length > 0 && !allChosen}
                    onChange={(e) => setSelected(new Set(e.currentTarget.checked ? selectable.map((i) => i.id) : []))}
                  />
                )}
              </th>
              {COLUMNS.map((name) => (
                <th scope="col">{name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {instances.map((i) => (
              <tr key={i.id} data-instance={i.name}>
                <td data-label="Select" class="select">
                  {mayChange(c, i) && (
                    <input
                      type="checkbox"
                      aria-label={`Select ${i.name}`}
                      checked={selected.has(i.id)}
                      onChange={(e) => choose(i.id, e.currentTarget.checked)}
                    />
                  )}
                </td>
                <td data-label="Name" class="name">
                  {/* A long name is cut short on a wide screen; its link's text, and its title, stay whole. */}
                  <a href={hrefOf.detail(i.id)} title={i.name}>
                    {i.name}
                  </a>
                </td>
                <td data-label="Status">
                  <StatusBadge status={i.status} />
                </td>
                <td data-label="Owner" class="owner-name">
                  {i.user.id === c.session.user.id ? 'you' : i.user.name}
                </td>
                <td data-label="Flavor">{i.flavor}</td>
                <td data-label="Last activity" class="when">
                  {formatTime(i.spec.annotations[LAST_ACTIVITY_ANNOTATION])}
                </td>
                <td data-label="Auto-stop in" class="when">
                  <AutoStopLeft instance={i} now={now} />
                </td>
                <td data-label="Queue">
                  <QueueWait instance={i} now={now} />
                </td>
                <td data-label="Actions" class="actions">
                  <RowActions
                    instance={i}
                    canOpen={mayOpen(c, i, sharedWithMe)}
                    actions={allowedActions(c, i, false)}
                    outcome={outcomes.get(i.id)}
                    onOpen={() => void open(i)}
                    onAct={(action, button) => ask(action, [i], button)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > PAGE_SIZE && (
        <nav class="pager" aria-label="Pages">
          <button
            type="button"
            disabled={filters.offset === 0}
            onClick={() => setFilters({ ...filters, offset: Math.max(0, filters.offset - PAGE_SIZE) })}
          >
            Previous
          </button>
          <span>
            {filters.offset + 1}–{Math.min(total, filters.offset + PAGE_SIZE)} of {total}
          </span>
          <button
            type="button"
            disabled={filters.offset + PAGE_SIZE >= total}
            onClick={() => setFilters({ ...filters, offset: filters.offset + PAGE_SIZE })}
          >
            Next
          </button>
        </nav>
      )}
      {asking && (
        <ConfirmDialog
          title={
            asking.targets.length === 1
              ? `${ACTION_LABEL[asking.action]} ${asking.targets[0]!.name}?`
              : `${ACTION_LABEL[asking.action]} ${asking.targets.length} instances?`
          }
          message={
            asking.action === 'delete'
              ? 'Each instance and its own storage are removed for good.'
              : 'Running kernels stop and unsaved work in the notebooks is lost.'
          }
          confirmLabel={ACTION_LABEL[asking.action]}
          onConfirm={() => void run(asking.action, asking.targets)}
          onCancel={() => setAsking(null)}
        >
          {asking.targets.length > 1 && (
            <ul class="confirm-list">
              {asking.targets.map((i) => (
                <li>{i.name}</li>
              ))}
            </ul>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
