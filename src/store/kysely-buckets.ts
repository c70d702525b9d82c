/**
 * @module store/kysely-buckets
 * Who holds which obs bucket (migration 0012), over any `Kysely<Database>`. Every write to a
 * bucket's row takes the bucket's key lock first (PostgreSQL: an advisory lock; SQLite runs one
 * transaction at a time), so a release never slips between a create's claim and its insert.
 */
import type { Kysely } from 'kysely';
import type { ObsBucket, ObsBucketUse } from '../core/model/obs-buckets.js';
import type { BucketRepository } from '../core/ports/store.js';
import { toNumber, type Database } from './database.js';
import type { KeyLock } from './key-lock.js';

const lockKey = (name: string) => `demanager:bucket:${name}`;

/**
 * Gives `name` to `projectId` if no project holds it, and returns its holder, inside the caller's
 * transaction. ON CONFLICT DO NOTHING makes a concurrent claim wait for the first and then see it.
 */
export async function claimIn(
  trx: Kysely<Database>,
  lock: KeyLock,
  name: string,
  projectId: string,
  at: number,
): Promise<string> {
  await lock(trx, lockKey(name));
  await trx
    .insertInto('obs_buckets')
    .values({ name, project_id: projectId, claimed_at: at, assigned_by: null })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await trx
    .selectFrom('obs_buckets')
    .select('project_id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.project_id;
}

function fromRow(row: {
  name: string;
  project_id: string;
  claimed_at: number | string | bigint;
  assigned_by: string | null;
}): ObsBucket {
  return {
    name: row.name,
    projectId: row.project_id,
    claimedAt: toNumber(row.claimed_at),
    assignedBy: row.assigned_by,
  };
}

export class KyselyBucketRepository implements BucketRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly lock: KeyLock = async () => undefined,
  ) {}

  async get(name: string): Promise<ObsBucket | undefined> {
    const row = await this.db.selectFrom('obs_buckets').selectAll().where('name', '=', name).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(): Promise<ObsBucketUse[]> {
    const rows = await this.db
      .selectFrom('obs_buckets')
      .leftJoin('instances', 'instances.bucket', 'obs_buckets.name')
      .select((eb) => [
        'obs_buckets.name',
        'obs_buckets.project_id',
        'obs_buckets.claimed_at',
        'obs_buckets.assigned_by',
        eb.fn.count<number | string | bigint>('instances.id').as('n'),
      ])
      .groupBy(['obs_buckets.name', 'obs_buckets.project_id', 'obs_buckets.claimed_at', 'obs_buckets.assigned_by'])
      .orderBy('obs_buckets.name')
      .execute();
    return rows.map((row) => ({ ...fromRow(row), instances: toNumber(row.n) }));
  }

  claim(name: string, projectId: string, at: number): Promise<string> {
    return this.db.transaction().execute((trx) => claimIn(trx, this.lock, name, projectId, at));
  }

  async assign(bucket: ObsBucket): Promise<void> {
    const row = { project_id: bucket.projectId, claimed_at: bucket.claimedAt, assigned_by: bucket.assignedBy };
    await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, lockKey(bucket.name));
      await trx
        .insertInto('obs_buckets')
        .values({ name: bucket.name, ...row })
        .onConflict((conflict) => conflict.column('name').doUpdateSet(row))
        .execute();
    });
  }

  release(name: string): Promise<'released' | 'in-use' | 'absent'> {
    return this.db.transaction().execute(async (trx) => {
      await this.lock(trx, lockKey(name));
      const used = await trx
        .selectFrom('instances')
        .select('id')
        .where('bucket', '=', name)
        .limit(1)
        .executeTakeFirst();
      if (used) return 'in-use';
      const result = await trx.deleteFrom('obs_buckets').where('name', '=', name).executeTakeFirst();
      return result.numDeletedRows > 0n ? 'released' : 'absent';
    });
  }

  async heldBy(projectId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('obs_buckets')
      .select('name')
      .where('project_id', '=', projectId)
      .orderBy('name')
      .execute();
    return rows.map((row) => row.name);
  }
}
