/**
 * @module store/kysely-usage
 * Usage periods (core/model/usage) on either engine: written by the instance repository in the
 * transaction of each status change that takes or gives up a slot ({@link recordSlotChange}), read
 * by window. A window is two index ranges, the open periods and those that ended after it began,
 * each on an index led by the column the query names; nothing scans the history before it.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { holdsSlot } from '../core/capacity/admission.js';
import type { UsageSize, UsageSizer } from '../core/model/flavor-size.js';
import type { Instance } from '../core/model/instance.js';
import type { InstanceStatus } from '../core/model/statuses.js';
import type { UsageLedger, UsagePeriod, UsageQuery } from '../core/model/usage.js';
import type { UsageRepository } from '../core/ports/store.js';
import { toNumber, type Database, type UsagePeriodsTable } from './database.js';

type Row = Selectable<UsagePeriodsTable>;

/** What the instance was before the write: its status and flavor, or nothing (a new instance). */
export interface SlotHolder {
  status: string;
  flavor: string;
}

/**
 * Closes the open period of an instance that gave up its slot (or its flavor), and opens one for an
 * instance that took one, at `at`. `after` undefined: the instance is gone.
 */
export async function recordSlotChange(
  trx: Kysely<Database>,
  sizeOf: UsageSizer,
  instanceId: string,
  before: SlotHolder | undefined,
  after: Instance | undefined,
  at: number,
): Promise<void> {
  const held = before !== undefined && holdsSlot(before.status as InstanceStatus);
  const holds = after !== undefined && holdsSlot(after.status);
  const same = held && holds && before.flavor === after.flavor;
  if (held && !same) await closePeriod(trx, sizeOf, instanceId, at);
  if (holds && !same) {
    const size = sizeOf(after.flavor);
    await trx
      .insertInto('usage_periods')
      .values({
        instance_id: after.id,
        instance_name: after.name,
        project_id: after.projectId,
        user_id: after.user.id,
        user_name: after.user.name,
        flavor: after.flavor,
        cpus: size?.cpus ?? null,
        memory_gib: size?.memoryGib ?? null,
        gpus: size?.gpus ?? null,
        started_at: at,
        ended_at: null,
      })
      .execute();
  }
}

type UsageFilter = Pick<UsageQuery, 'projectId' | 'userId' | 'flavor'>;

function matching(db: Kysely<Database>, filter: UsageFilter) {
  let query = db.selectFrom('usage_periods').selectAll();
  if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.flavor !== undefined) query = query.where('flavor', '=', filter.flavor);
  return query;
}

/** The periods of `filter` still open: one range of an index led by the column it names. */
export function openPeriodsQuery(db: Kysely<Database>, filter: UsageFilter) {
  return matching(db, filter).where('ended_at', 'is', null);
}

/**
 * The two reads of a window, exported so that the plan tests and the benchmark look at the very
 * queries the repository runs: the open periods that began before it ends, and those that ended
 * after it began.
 */
export function usageQueries(db: Kysely<Database>, query: UsageQuery) {
  return {
    open: openPeriodsQuery(db, query).where('started_at', '<', query.until),
    ended: matching(db, query).where('ended_at', '>', query.since).where('started_at', '<', query.until),
  };
}

/** Closes the instance's open period at `at` and adds it to its project's and flavor's totals. */
async function closePeriod(trx: Kysely<Database>, sizeOf: UsageSizer, instanceId: string, at: number): Promise<void> {
  const closed = await trx
    .updateTable('usage_periods')
    .set({ ended_at: at })
    .where('instance_id', '=', instanceId)
    .where('ended_at', 'is', null)
    .returning(['project_id', 'flavor', 'cpus', 'memory_gib', 'gpus', 'started_at'])
    .executeTakeFirst();
  if (!closed) return;
  const size = sizeOfRow(closed, sizeOf);
  const ms = Math.max(0, at - toNumber(closed.started_at));
  await trx
    .insertInto('usage_totals')
    .values({
      project_id: closed.project_id,
      flavor: closed.flavor,
      instance_ms: ms,
      cpu_ms: ms * size.cpus,
      memory_gib_ms: ms * size.memoryGib,
      gpu_ms: ms * size.gpus,
    })
    .onConflict((c) =>
      c.columns(['project_id', 'flavor']).doUpdateSet((eb) => ({
        instance_ms: sql`${eb.ref('usage_totals.instance_ms')} + ${eb.ref('excluded.instance_ms')}`,
        cpu_ms: sql`${eb.ref('usage_totals.cpu_ms')} + ${eb.ref('excluded.cpu_ms')}`,
        memory_gib_ms: sql`${eb.ref('usage_totals.memory_gib_ms')} + ${eb.ref('excluded.memory_gib_ms')}`,
        gpu_ms: sql`${eb.ref('usage_totals.gpu_ms')} + ${eb.ref('excluded.gpu_ms')}`,
      })),
    )
    .execute();
}

/** A period's size; one not on record (a period open before usage was recorded) is the flavor's today. */
function sizeOfRow(row: Pick<Row, 'flavor' | 'cpus' | 'memory_gib' | 'gpus'>, sizeOf: UsageSizer): UsageSize {
  const today = row.cpus === null || row.memory_gib === null || row.gpus === null ? sizeOf(row.flavor) : undefined;
  return {
    cpus: row.cpus ?? today?.cpus ?? 0,
    memoryGib: row.memory_gib ?? today?.memoryGib ?? 0,
    gpus: row.gpus ?? today?.gpus ?? 0,
  };
}

/** Rows as periods, oldest first. */
export function periodsOf(rows: readonly Row[], sizeOf: UsageSizer): UsagePeriod[] {
  return rows.map((row) => periodOf(row, sizeOf)).sort((a, b) => a.start - b.start || a.seq - b.seq);
}

function periodOf(row: Row, sizeOf: UsageSizer): UsagePeriod {
  return {
    seq: toNumber(row.seq),
    instanceId: row.instance_id,
    instanceName: row.instance_name,
    projectId: row.project_id,
    userId: row.user_id,
    userName: row.user_name,
    flavor: row.flavor,
    ...sizeOfRow(row, sizeOf),
    start: toNumber(row.started_at),
    end: row.ended_at === null ? null : toNumber(row.ended_at),
  };
}

export class KyselyUsageRepository implements UsageRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sizeOf: UsageSizer,
  ) {}

  async overlapping(query: UsageQuery): Promise<UsagePeriod[]> {
    const { open, ended } = usageQueries(this.db, query);
    const [openRows, endedRows] = await Promise.all([open.execute(), ended.execute()]);
    return this.#periods([...endedRows, ...openRows]);
  }

  async open(filter: UsageFilter): Promise<UsagePeriod[]> {
    return this.#periods(await openPeriodsQuery(this.db, filter).execute());
  }

  async ledger(): Promise<UsageLedger> {
    // One snapshot for both reads; PostgreSQL's default level would give each statement its own.
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const rows = await trx.selectFrom('usage_totals').selectAll().orderBy('project_id').orderBy('flavor').execute();
        const open = await trx.selectFrom('usage_periods').selectAll().where('ended_at', 'is', null).execute();
        return {
          closed: rows.map((row) => ({
            projectId: row.project_id,
            flavor: row.flavor,
            instanceMs: Number(row.instance_ms),
            cpuMs: Number(row.cpu_ms),
            memoryGibMs: Number(row.memory_gib_ms),
            gpuMs: Number(row.gpu_ms),
          })),
          open: this.#periods(open),
        };
      });
  }

  #periods(rows: Row[]): UsagePeriod[] {
    return periodsOf(rows, this.sizeOf);
  }
}
