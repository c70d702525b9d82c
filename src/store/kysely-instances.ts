/**
 * @module store/kysely-instances
 * The instance repository over any `Kysely<Database>` (SQLite or PostgreSQL). The record lives in
 * `doc`; the scalar columns are copies written alongside it on every insert and update. A change
 * that carries an event appends it in the same transaction, and only if the change took effect.
 */
import type { Insertable, Kysely } from 'kysely';
import { restingSince, type Instance } from '../core/instance.js';
import type { InstanceStatus } from '../core/statuses.js';
import {
  DuplicateNameError,
  LimitReachedError,
  type SlotLimit,
  type DueField,
  type DueQuery,
  type EventPage,
  type InstanceEvent,
  type InstancePage,
  type InstanceQuery,
  type InstanceRepository,
} from '../core/store.js';
import { NO_LIMIT, isUniqueViolation, toNumber, type Database, type InstancesTable } from './database.js';
import { appendEvent, listEvents } from './kysely-events.js';

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
    doc,
  };
}

function fromRow(row: { doc: string; version: number }): Instance {
  // The column is authoritative for the version: it is what compare-and-set checks.
  return { ...(JSON.parse(row.doc) as Instance), version: toNumber(row.version) };
}

/** The page and count queries of {@link InstanceRepository.list}; exported so tests can inspect their plans. */
export function listQueries(db: Kysely<Database>, query: InstanceQuery) {
  let matching = db.selectFrom('instances').where('project_id', '=', query.projectId);
  if (query.userId !== undefined) matching = matching.where('user_id', '=', query.userId);
  if (query.status !== undefined) matching = matching.where('status', '=', query.status);
  if (query.workspaceId !== undefined) matching = matching.where('workspace_id', '=', query.workspaceId);
  if (query.aiProjectId !== undefined) matching = matching.where('ai_project_id', '=', query.aiProjectId);
  if (query.poolId !== undefined) matching = matching.where('pool_id', '=', query.poolId);

  // Names are unique within a project, so sorting by name needs no tie-break; leaving the id out
  // lets PostgreSQL read the (project_id, name) unique index in order, as SQLite already did.
  let page = matching.select(['doc', 'version']);
  page =
    query.sortBy === 'name'
      ? page.orderBy('name', query.order)
      : page.orderBy('created_at', query.order).orderBy('id', query.order);
  if (query.limit > 0 || query.offset > 0) page = page.limit(query.limit > 0 ? query.limit : NO_LIMIT);
  if (query.offset > 0) page = page.offset(query.offset);

  const count = matching.select((eb) => eb.fn.countAll<number | string | bigint>().as('total'));
  return { page, count };
}

/** Takes a lock that serialises limit checks on one key until the transaction ends. */
export type KeyLock = (trx: Kysely<Database>, key: string) => Promise<void>;

const DUE_COLUMN: Record<DueField, 'stop_at' | 'reserved_at' | 'resting_since'> = {
  stopAt: 'stop_at',
  reservedAt: 'reserved_at',
  restingSince: 'resting_since',
};

const LIMIT_COLUMN = { flavor: 'flavor', pool: 'pool_id', user: 'user_id', project: 'project_id' } as const;

export class KyselyInstanceRepository implements InstanceRepository {
  readonly #db: Kysely<Database>;
  readonly #lock: KeyLock;

  /**
   * `lock` is what makes limits hold across processes: PostgreSQL takes a transaction-scoped
   * advisory lock; SQLite needs none, as its store runs one transaction at a time.
   */
  constructor(db: Kysely<Database>, lock: KeyLock = async () => undefined) {
    this.#db = db;
    this.#lock = lock;
  }

  /** Throws {@link LimitReachedError} for the first limit the write would exceed. */
  async #checkLimits(trx: Kysely<Database>, instanceId: string, limits: readonly SlotLimit[]): Promise<void> {
    // A fixed order, so two writers needing the same locks cannot deadlock.
    const ordered = [...limits].sort((a, b) => `${a.scope}:${a.key}`.localeCompare(`${b.scope}:${b.key}`));
    for (const limit of ordered) await this.#lock(trx, `demanager:${limit.scope}:${limit.key}`);
    for (const limit of ordered) {
      let counted = trx.selectFrom('instances').where(LIMIT_COLUMN[limit.scope], '=', limit.key).where('id', '!=', instanceId);
      if (limit.statuses) counted = counted.where('status', 'in', [...limit.statuses]);
      const { n } = await counted.select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).executeTakeFirstOrThrow();
      if (toNumber(n) >= limit.max) throw new LimitReachedError(limit);
    }
  }

  appendEvent(event: InstanceEvent): Promise<void> {
    return appendEvent(this.#db, event);
  }

  async countByStatus(): Promise<Map<InstanceStatus, number>> {
    const rows = await this.#db
      .selectFrom('instances')
      .select((eb) => ['status', eb.fn.countAll<number | string | bigint>().as('n')])
      .groupBy('status')
      .execute();
    return new Map(rows.map((r) => [r.status as InstanceStatus, toNumber(r.n)]));
  }

  async countInStatuses(statuses: readonly InstanceStatus[]): Promise<Map<string, number>> {
    if (statuses.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom('instances')
      .select((eb) => ['flavor', eb.fn.countAll<number | string | bigint>().as('n')])
      .where('status', 'in', [...statuses])
      .groupBy('flavor')
      .execute();
    return new Map(rows.map((r) => [r.flavor, toNumber(r.n)]));
  }

  /**
   * Runs `change`, alone when there is no event, or else in a transaction that appends `event`
   * after it if `took` says the change took effect. The event goes in after the change so that on
   * PostgreSQL it is written under the changed row's lock, which orders one instance's events.
   */
  async #changing<T>(
    event: InstanceEvent | undefined,
    change: (db: Kysely<Database>) => Promise<T>,
    took: (result: T) => boolean,
    needsTransaction = false,
  ): Promise<T> {
    if (event === undefined && !needsTransaction) return change(this.#db);
    // Said, not left to the server's default: under a stricter level PostgreSQL would fail the
    // losers of a compare-and-set with 40001 instead of letting them see that the version moved.
    // SQLite has one level and ignores this.
    return this.#db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
      const result = await change(trx);
      if (event !== undefined && took(result)) await appendEvent(trx, event);
      return result;
    });
  }

  async insert(instance: Instance, event?: InstanceEvent, limits: readonly SlotLimit[] = []): Promise<void> {
    const stored: Instance = { ...instance, version: 1 };
    const row = toRow(stored, JSON.stringify(stored));
    try {
      await this.#changing(
        event,
        async (db) => {
          await this.#checkLimits(db, instance.id, limits);
          return db.insertInto('instances').values(row).execute();
        },
        () => true,
        limits.length > 0,
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateNameError(instance.name);
      throw error;
    }
  }

  async get(projectId: string, id: string): Promise<Instance | undefined> {
    const row = await this.#db
      .selectFrom('instances')
      .select(['doc', 'version'])
      .where('id', '=', id)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  async getById(id: string): Promise<Instance | undefined> {
    const row = await this.#db.selectFrom('instances').select(['doc', 'version']).where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  async list(query: InstanceQuery): Promise<InstancePage> {
    const { page, count } = listQueries(this.#db, query);
    const rows = await page.execute();
    const { total } = await count.executeTakeFirstOrThrow();
    return { items: rows.map(fromRow), total: toNumber(total) };
  }

  async listByStatus(statuses: readonly InstanceStatus[], flavor?: string): Promise<Instance[]> {
    if (statuses.length === 0) return [];
    let query = this.#db.selectFrom('instances').select(['doc', 'version']).where('status', 'in', [...statuses]);
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
      .selectFrom('instances')
      .select((eb) => ['flavor', eb.fn.countAll<number | string | bigint>().as('n')])
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .groupBy('flavor')
      .execute();
    return new Map(rows.map((r) => [r.flavor, toNumber(r.n)]));
  }

  async update(next: Instance, event?: InstanceEvent, limits: readonly SlotLimit[] = []): Promise<Instance | undefined> {
    const stored: Instance = { ...next, version: next.version + 1 };
    const doc = JSON.stringify(stored);
    let changed: bigint;
    try {
      changed = await this.#changing(
        event,
        async (db) => {
          await this.#checkLimits(db, next.id, limits);
          const result = await db
            .updateTable('instances')
            .set(toRow(stored, doc))
            .where('id', '=', next.id)
            .where('version', '=', next.version)
            .executeTakeFirst();
          return result.numUpdatedRows;
        },
        (n) => n > 0n,
        limits.length > 0,
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
        const result = await db.deleteFrom('instances').where('id', '=', id).where('version', '=', version).executeTakeFirst();
        return result.numDeletedRows;
      },
      (n) => n > 0n,
    );
    return deleted > 0n;
  }

  async listEvents(instanceId: string, page: { offset: number; limit: number }): Promise<EventPage> {
    return listEvents(this.#db, instanceId, page);
  }
}
