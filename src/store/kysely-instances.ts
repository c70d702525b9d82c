/**
 * @module store/kysely-instances
 * The instance repository over any `Kysely<Database>` (SQLite or PostgreSQL). The record lives in
 * `doc`; the scalar columns are copies written alongside it on every insert and update. A change
 * that carries an event appends it in the same transaction, and only if the change took effect.
 */
import { sql, type Insertable, type Kysely, type SelectQueryBuilder } from 'kysely';
import { restingSince, type Instance } from '../core/model/instance.js';
import type { UsageSizer } from '../core/model/flavor-size.js';
import { BucketHeldError, bucketOf } from '../core/model/obs-buckets.js';
import type { InstanceStatus } from '../core/model/statuses.js';
import {
  DuplicateNameError,
  InstanceIdTakenError,
  LimitReachedError,
  type BudgetLimit,
  type SlotLimit,
  type WriteLimit,
  type DueField,
  type DueQuery,
  type EventPage,
  type InstanceEvent,
  type InstancePage,
  type InstanceQuery,
  type InstanceRepository,
  type ProjectChanges,
} from '../core/ports/store.js';
import {
  NO_LIMIT,
  isUniqueViolation,
  toNumber,
  type Database,
  type InstanceCountsTable,
  type InstancesTable,
} from './database.js';
import { claimIn } from './kysely-buckets.js';
import { budgetLockKeys, checkBudgets } from './kysely-budgets.js';
import type { KeyLock } from './key-lock.js';
import { appendEvent, deletedSince, listEvents } from './kysely-events.js';
import { recordSlotChange } from './kysely-usage.js';
import { prepareQuery, type PreparedQuery } from './prepared-query.js';

function toRow(instance: Instance, doc: string): Insertable<InstancesTable> {
  return {
    id: instance.id,
    project_id: instance.projectId,
    user_id: instance.user.id,
    name: instance.name,
    status: instance.status,
    flavor: instance.flavor,
    workspace_id: instance.workspaceId,
    ai_project_id: instance.aiProjectId,
    pool_id: instance.pool?.id ?? null,
    created_at: instance.createdAt,
    updated_at: instance.updatedAt,
    version: instance.version,
    stop_at: instance.status === 'RUNNING' ? instance.stopAt : null,
    reserved_at: instance.status === 'READY_TO_START' ? instance.reservedAt : null,
    resting_since: restingSince(instance),
    bucket: bucketOf(instance.spec.storage),
    doc,
  };
}

/** What an instance is counted under in `instance_counts`. */
type CountKey = Pick<InstanceCountsTable, 'project_id' | 'user_id' | 'workspace_id' | 'flavor' | 'status'>;
const COUNT_KEY = ['project_id', 'user_id', 'workspace_id', 'flavor', 'status'] as const;

function countKeyOf(row: CountKey): CountKey {
  return {
    project_id: row.project_id,
    user_id: row.user_id,
    workspace_id: row.workspace_id,
    flavor: row.flavor,
    status: row.status,
  };
}

/**
 * Moves instances between counters in the transaction of the change that moved them. Counters are
 * written in key order, so two transactions that both move one instance each between the same two
 * counters (in opposite directions) lock them in the same order and cannot deadlock.
 */
async function adjustCounts(trx: Kysely<Database>, moves: ReadonlyArray<readonly [CountKey, number]>): Promise<void> {
  const net = new Map<string, { key: CountKey; delta: number }>();
  for (const [key, delta] of moves) {
    const id = COUNT_KEY.map((c) => key[c]).join('\u0000');
    const entry = net.get(id) ?? { key, delta: 0 };
    entry.delta += delta;
    net.set(id, entry);
  }
  const ordered = [...net.entries()].filter(([, e]) => e.delta !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, { key, delta }] of ordered) {
    await trx
      .insertInto('instance_counts')
      .values({ ...key, n: delta })
      .onConflict((oc) =>
        oc.columns([...COUNT_KEY]).doUpdateSet((eb) => ({ n: eb('instance_counts.n', '+', eb.ref('excluded.n')) })),
      )
      .execute();
  }
}

interface StoredDoc {
  doc: string;
  version: number;
}

function fromRow(row: StoredDoc): Instance {
  // The column is authoritative for the version: it is what compare-and-set checks. Set on the
  // freshly parsed object rather than spread into a copy: every read of an instance passes here.
  const instance = JSON.parse(row.doc) as Instance;
  instance.version = toNumber(row.version);
  return instance;
}

/** Counter sums as a map, leaving out keys whose instances are all gone (their rows stay at 0). */
function positive<K>(sums: ReadonlyArray<readonly [K, number | string | bigint]>): Map<K, number> {
  return new Map(sums.map(([k, n]): [K, number] => [k, toNumber(n)]).filter(([, n]) => n > 0));
}

/** The page and count queries of {@link InstanceRepository.list}; exported so tests can inspect their plans. */
export function listQueries(db: Kysely<Database>, query: InstanceQuery) {
  let matching = db.selectFrom('instances').where('project_id', '=', query.projectId);
  if (query.userId !== undefined) matching = matching.where('user_id', '=', query.userId);
  if (query.status !== undefined) matching = matching.where('status', '=', query.status);
  if (query.workspaceId !== undefined) matching = matching.where('workspace_id', '=', query.workspaceId);
  if (query.aiProjectId !== undefined) matching = matching.where('ai_project_id', '=', query.aiProjectId);
  if (query.poolId !== undefined) matching = matching.where('pool_id', '=', query.poolId);
  if (query.nameContains !== undefined)
    matching = matching.where(sql<boolean>`lower(name) like ${containing(query.nameContains)} escape '!'`);

  // Names are unique within a project, so sorting by name needs no tie-break; leaving the id out
  // lets PostgreSQL read the (project_id, name) unique index in order, as SQLite already did.
  let page = matching.select(['doc', 'version']);
  page =
    query.sortBy === 'name'
      ? page.orderBy('name', query.order)
      : page.orderBy('created_at', query.order).orderBy('id', query.order);
  if (query.limit > 0 || query.offset > 0) page = page.limit(query.limit > 0 ? query.limit : NO_LIMIT);
  if (query.offset > 0) page = page.offset(query.offset);

  return { page, count: countQuery(db, query, matching) };
}

/**
 * A LIKE pattern for names containing `text` in any case: its own `%`, `_` and `!` are escaped
 * (with `!`, which needs no quoting in either dialect's string literals).
 */
function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

// biome-ignore lint/complexity/noBannedTypes: `{}` is Kysely's own type for a query that selects nothing yet
type UnselectedInstances = SelectQueryBuilder<Database, 'instances', {}>;

/**
 * The list's total. Filters that the counters are kept by are summed from them (a few rows
 * however many instances match); the others are counted over the matching instances.
 */
function countQuery(db: Kysely<Database>, query: InstanceQuery, matching: UnselectedInstances) {
  if (query.aiProjectId !== undefined || query.poolId !== undefined || query.nameContains !== undefined) {
    return matching.select((eb) => eb.fn.countAll<number | string | bigint>().as('total'));
  }
  let counters = db.selectFrom('instance_counts').where('project_id', '=', query.projectId);
  if (query.userId !== undefined) counters = counters.where('user_id', '=', query.userId);
  if (query.status !== undefined) counters = counters.where('status', '=', query.status);
  if (query.workspaceId !== undefined) counters = counters.where('workspace_id', '=', query.workspaceId);
  // coalesce: a sum over no rows is null.
  return counters.select((eb) => eb.fn.coalesce(eb.fn.sum<number | string | bigint>('n'), eb.lit(0)).as('total'));
}

const DUE_COLUMN: Record<DueField, 'stop_at' | 'reserved_at' | 'resting_since'> = {
  stopAt: 'stop_at',
  reservedAt: 'reserved_at',
  restingSince: 'resting_since',
};

const LIMIT_COLUMN = {
  flavor: 'flavor',
  pool: 'pool_id',
  user: 'user_id',
  project: 'project_id',
  waiting: 'user_id',
} as const;

export class KyselyInstanceRepository implements InstanceRepository {
  readonly #db: Kysely<Database>;
  readonly #lock: KeyLock;
  readonly #sizeOf: UsageSizer;
  /** The reads of one instance, made on every request about it. */
  readonly #byProjectAndId: PreparedQuery<[string, string], StoredDoc>;
  readonly #byId: PreparedQuery<[string], StoredDoc>;

  /**
   * `lock` is what makes limits hold across processes: PostgreSQL takes a transaction-scoped
   * advisory lock; SQLite needs none, as its store runs one transaction at a time. `sizeOf` gives
   * the sizes a usage period records when an instance takes a slot.
   */
  constructor(db: Kysely<Database>, lock: KeyLock = async () => undefined, sizeOf: UsageSizer = () => undefined) {
    this.#db = db;
    this.#lock = lock;
    this.#sizeOf = sizeOf;
    const doc = () => db.selectFrom('instances').select(['doc', 'version']);
    this.#byProjectAndId = prepareQuery(db, 2, (projectId: string, id: string) =>
      doc().where('id', '=', id).where('project_id', '=', projectId),
    );
    this.#byId = prepareQuery(db, 1, (id: string) => doc().where('id', '=', id));
  }

  /**
   * Throws {@link LimitReachedError} for the first limit the write would exceed, then
   * {@link BudgetSpentError} for a spent budget.
   */
  async #checkLimits(trx: Kysely<Database>, instanceId: string, limits: readonly WriteLimit[]): Promise<void> {
    const slots = limits.filter((limit): limit is SlotLimit => limit.scope !== 'budget');
    const budgets = limits.filter((limit): limit is BudgetLimit => limit.scope === 'budget');
    const keys = [...slots.map((limit) => `demanager:${limit.scope}:${limit.key}`), ...budgets.flatMap(budgetLockKeys)];
    // A fixed order, so two writers needing the same locks cannot deadlock.
    for (const key of [...new Set(keys)].sort()) await this.#lock(trx, key);
    const ordered = [...slots].sort((a, b) => `${a.scope}:${a.key}`.localeCompare(`${b.scope}:${b.key}`));
    for (const limit of ordered) {
      if (limit.weighted) {
        if (
          (await this.#weightedCount(trx, instanceId, limit, limit.weighted.weights)) + limit.weighted.need >
          limit.max
        )
          throw new LimitReachedError(limit);
        continue;
      }
      let counted = trx
        .selectFrom('instances')
        .where(LIMIT_COLUMN[limit.scope as keyof typeof LIMIT_COLUMN], '=', limit.key)
        .where('id', '!=', instanceId);
      if (limit.statuses) counted = counted.where('status', 'in', [...limit.statuses]);
      if (limit.flavor !== undefined) counted = counted.where('flavor', '=', limit.flavor);
      const { n } = await counted
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .executeTakeFirstOrThrow();
      if (toNumber(n) >= limit.max) throw new LimitReachedError(limit);
    }
    for (const limit of budgets) await checkBudgets(trx, this.#sizeOf, limit);
  }

  /** Σ over the weighted flavors of (instances in the limit's statuses) × weight, the writer excluded. */
  async #weightedCount(
    trx: Kysely<Database>,
    instanceId: string,
    limit: SlotLimit,
    weights: Readonly<Record<string, number>>,
  ): Promise<number> {
    const flavors = Object.keys(weights);
    if (flavors.length === 0) return 0;
    let counted = trx.selectFrom('instances').where('flavor', 'in', flavors).where('id', '!=', instanceId);
    if (limit.statuses) counted = counted.where('status', 'in', [...limit.statuses]);
    const rows = await counted
      .select((eb) => ['flavor', eb.fn.countAll<number | string | bigint>().as('n')])
      .groupBy('flavor')
      .execute();
    return rows.reduce((sum, row) => sum + toNumber(row.n) * (weights[row.flavor] ?? 0), 0);
  }

  /** The counter the instance is in at `version`; undefined when it is at another version or gone. */
  #countedAs(db: Kysely<Database>, id: string, version: number): Promise<CountKey | undefined> {
    return db
      .selectFrom('instances')
      .select([...COUNT_KEY])
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  appendEvent(event: InstanceEvent): Promise<void> {
    return appendEvent(this.#db, event);
  }

  async countByStatus(): Promise<Map<InstanceStatus, number>> {
    const rows = await this.#db
      .selectFrom('instance_counts')
      .select((eb) => ['status', eb.fn.sum<number | string | bigint>('n').as('n')])
      .groupBy('status')
      .execute();
    return positive(rows.map((r) => [r.status as InstanceStatus, r.n]));
  }

  async countInStatuses(statuses: readonly InstanceStatus[]): Promise<Map<string, number>> {
    if (statuses.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('instance_counts')
      .select((eb) => ['flavor', eb.fn.sum<number | string | bigint>('n').as('n')])
      .where('status', 'in', [...statuses])
      .groupBy('flavor')
      .execute();
    return positive(rows.map((r) => [r.flavor, r.n]));
  }

  /**
   * Runs `change` (which keeps the counters) in a transaction that appends `event` after it if
   * `took` says the change took effect. The event goes in after the change so that on PostgreSQL
   * it is written under the changed row's lock, which orders one instance's events.
   */
  async #changing<T>(
    event: InstanceEvent | undefined,
    change: (db: Kysely<Database>) => Promise<T>,
    took: (result: T) => boolean,
  ): Promise<T> {
    // Said, not left to the server's default: under a stricter level PostgreSQL would fail the
    // losers of a compare-and-set with 40001 instead of letting them see that the version moved.
    // SQLite has one level and ignores this.
    return this.#db
      .transaction()
      .setIsolationLevel('read committed')
      .execute(async (trx) => {
        const result = await change(trx);
        if (event !== undefined && took(result)) await appendEvent(trx, event);
        return result;
      });
  }

  async insert(instance: Instance, event?: InstanceEvent, limits: readonly WriteLimit[] = []): Promise<void> {
    const stored: Instance = { ...instance, version: 1 };
    const row = toRow(stored, JSON.stringify(stored));
    try {
      await this.#changing(
        event,
        async (db) => {
          await this.#checkLimits(db, instance.id, limits);
          if (row.bucket) {
            const holder = await claimIn(db, this.#lock, row.bucket, instance.projectId, instance.createdAt);
            if (holder !== instance.projectId) throw new BucketHeldError(row.bucket, holder);
          }
          await db.insertInto('instances').values(row).execute();
          await adjustCounts(db, [[countKeyOf(row), 1]]);
          await recordSlotChange(db, this.#sizeOf, instance.id, undefined, stored, event?.at ?? instance.createdAt);
        },
        () => true,
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (await this.getById(instance.id)) throw new InstanceIdTakenError(instance.id);
      throw new DuplicateNameError(instance.name);
    }
  }

  async get(projectId: string, id: string): Promise<Instance | undefined> {
    const [row] = await this.#byProjectAndId(projectId, id);
    return row === undefined ? undefined : fromRow(row);
  }

  async getById(id: string): Promise<Instance | undefined> {
    const [row] = await this.#byId(id);
    return row === undefined ? undefined : fromRow(row);
  }

  async list(query: InstanceQuery): Promise<InstancePage> {
    const { page, count } = listQueries(this.#db, query);
    const rows = await page.execute();
    const { total } = await count.executeTakeFirstOrThrow();
    return { items: rows.map(fromRow), total: toNumber(total) };
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.#db
      .selectFrom('instances')
      .select('id')
      .where('id', 'in', [...ids])
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  async idsInStatus(status: InstanceStatus): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('instances')
      .select('id')
      .where('status', '=', status)
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async getMany(ids: readonly string[]): Promise<Instance[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db
      .selectFrom('instances')
      .select(['doc', 'version'])
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  async listByStatus(statuses: readonly InstanceStatus[], flavor?: string): Promise<Instance[]> {
    if (statuses.length === 0) return [];
    let query = this.#db
      .selectFrom('instances')
      .select(['doc', 'version'])
      .where('status', 'in', [...statuses]);
    if (flavor !== undefined) query = query.where('flavor', '=', flavor);
    const rows = await query.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
    return rows.map(fromRow);
  }

  #due({ field, status, flavor }: DueQuery) {
    let query = this.#db.selectFrom('instances').where('status', '=', status);
    if (flavor !== undefined) query = query.where('flavor', '=', flavor);
    return query.where(DUE_COLUMN[field], 'is not', null);
  }

  async earliest(query: DueQuery): Promise<number | null> {
    const column = DUE_COLUMN[query.field];
    // ORDER BY … LIMIT 1 rather than min(): both engines answer it from the front of the index.
    const row = await this.#due(query).select(column).orderBy(column, 'asc').limit(1).executeTakeFirst();
    const value = row?.[column];
    return value === undefined || value === null ? null : toNumber(value);
  }

  async listDue(query: DueQuery & { until: number; limit: number }): Promise<Instance[]> {
    const column = DUE_COLUMN[query.field];
    const rows = await this.#due(query)
      .where(column, '<=', query.until)
      .select(['doc', 'version'])
      .orderBy(column, 'asc')
      .orderBy('id', 'asc')
      .limit(query.limit)
      .execute();
    return rows.map(fromRow);
  }

  async countByFlavor(projectId: string, userId: string): Promise<Map<string, number>> {
    const rows = await this.#db
      .selectFrom('instance_counts')
      .select((eb) => ['flavor', eb.fn.sum<number | string | bigint>('n').as('n')])
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .groupBy('flavor')
      .execute();
    return positive(rows.map((r) => [r.flavor, r.n]));
  }

  async update(
    next: Instance,
    event?: InstanceEvent,
    limits: readonly WriteLimit[] = [],
  ): Promise<Instance | undefined> {
    const stored: Instance = { ...next, version: next.version + 1 };
    const doc = JSON.stringify(stored);
    let changed: bigint;
    try {
      changed = await this.#changing(
        event,
        async (db) => {
          await this.#checkLimits(db, next.id, limits);
          // The version is compared again by the update: if it still matches, this is the row replaced.
          const before = await this.#countedAs(db, next.id, next.version);
          if (!before) return 0n;
          const row = toRow(stored, doc);
          const result = await db
            .updateTable('instances')
            .set(row)
            .where('id', '=', next.id)
            .where('version', '=', next.version)
            .executeTakeFirst();
          if (result.numUpdatedRows > 0n) {
            await adjustCounts(db, [
              [before, -1],
              [countKeyOf(row), 1],
            ]);
            await recordSlotChange(db, this.#sizeOf, next.id, before, stored, event?.at ?? next.updatedAt);
          }
          return result.numUpdatedRows;
        },
        (n) => n > 0n,
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateNameError(next.name);
      throw error;
    }
    return changed === 0n ? undefined : (JSON.parse(doc) as Instance);
  }

  async delete(id: string, version: number, event?: InstanceEvent): Promise<boolean> {
    const deleted = await this.#changing(
      event,
      async (db) => {
        const before = await this.#countedAs(db, id, version);
        if (!before) return 0n;
        const result = await db
          .deleteFrom('instances')
          .where('id', '=', id)
          .where('version', '=', version)
          .executeTakeFirst();
        if (result.numDeletedRows > 0n) {
          await adjustCounts(db, [[before, -1]]);
          // A deletion always comes with its history entry; the store's clock is the last resort.
          await recordSlotChange(db, this.#sizeOf, id, before, undefined, event?.at ?? Date.now());
        }
        return result.numDeletedRows;
      },
      (n) => n > 0n,
    );
    return deleted > 0n;
  }

  async listEvents(instanceId: string, page: { offset: number; limit: number }): Promise<EventPage> {
    return listEvents(this.#db, instanceId, page);
  }

  async changesSince(projectId: string, since: number): Promise<ProjectChanges> {
    const rows = await this.#db
      .selectFrom('instances')
      .select(['doc', 'version'])
      .where('project_id', '=', projectId)
      .where('updated_at', '>=', since)
      .orderBy('updated_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return { changed: rows.map(fromRow), deleted: await deletedSince(this.#db, projectId, since) };
  }
}
