/**
 * The project's instances: filters, sort and paging as the list API has them, each row live.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Instance, InstanceList, InstanceStatus, ListInstancesQuery } from '../../../src/client/index.js';
import { reporter } from '../api-errors.js';
import { ColumnHeads } from '../components/column-heads.js';
import { Messages } from '../components/messages.js';
import { AutoStopLeft, QueueWait } from '../components/queue-wait.js';
import { StatusBadge } from '../components/status-badge.js';
import { useNow } from '../countdown.js';
import { formatTime } from '../format.js';
import { newest } from '../freshness.js';
import type { LiveEvents } from '../live-events.js';
import { hrefOf } from '../router.js';
import type { ConsoleSession } from '../session.js';
import { INSTANCE_STATUSES, statusLook } from '../statuses.js';

const PAGE_SIZE = 20;

interface Filters {
  status: InstanceStatus | '';
  mine: boolean;
  sortby: 'name' | 'creation_timestamp';
  order: 'asc' | 'desc';
  offset: number;
}

export function InstanceListPage({
  console: c,
  live,
  onFailure,
}: {
  console: ConsoleSession;
  live: LiveEvents;
  onFailure(error: unknown): void;
}) {
  const [filters, setFilters] = useState<Filters>({
    status: '',
    mine: false,
    sortby: 'creation_timestamp',
    order: 'desc',
    offset: 0,
  });
  const [page, setPage] = useState<InstanceList | null>(null);
  const [problem, setProblem] = useState('');
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

  const set = (change: Partial<Filters>) => setFilters({ ...filters, offset: 0, ...change });
  const total = page?.total_count ?? 0;

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
      <Messages problem={problem} />
      {page && page.instances.length === 0 && (
        <p class="empty">No instances here yet. Create one to start a notebook.</p>
      )}
      {page && page.instances.length > 0 && (
        <table class="instances">
          <caption class="visually-hidden">Instances, {total} in all</caption>
          <ColumnHeads names={['Name', 'Status', 'Flavor', 'Created', 'Auto-stop in', 'Queue']} />
          <tbody>
            {page.instances.map((i) => (
              <tr key={i.id} data-instance={i.name}>
                <td data-label="Name">
                  <a href={hrefOf.detail(i.id)}>{i.name}</a>
                  {i.user.id !== c.session.user.id && <span class="owner"> · {i.user.name}</span>}
                </td>
                <td data-label="Status">
                  <StatusBadge status={i.status} />
                </td>
                <td data-label="Flavor">{i.flavor}</td>
                <td data-label="Created">{formatTime(i.creation_timestamp)}</td>
                <td data-label="Auto-stop in">
                  <AutoStopLeft instance={i} now={now} />
                </td>
                <td data-label="Queue">
                  <QueueWait instance={i} now={now} />
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
    </section>
  );
}
