/**
 * @module store/migrations/0015-usage-periods
 * Usage periods (core/model/usage): one row per stretch an instance holds a slot, opened and closed
 * by the instance repository in the transaction of the status change. No foreign keys: usage stays
 * on record after its instance, user or project is gone.
 *
 * Indexed by when a period ended, per project, per user, per flavor and overall, so that a window
 * reads only the periods that end in or after it (and the open ones), however long the history. At
 * most one open period per instance, which a partial unique index holds to.
 *
 * Instances holding a slot when this runs get an open period from their last write (the nearest
 * time on record); their sizes are left unknown (null), which reads as the flavor's size today.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

/** The slot-holding statuses as release 0.3 knew them (frozen here). */
const HOLDING = ['CREATING', 'STARTING', 'RUNNING', 'RESTARTING', 'STOPPING', 'READY_TO_START'];
const BATCH = 500;

interface Row {
  id: string;
  project_id: string;
  user_id: string;
  name: string;
  flavor: string;
  updated_at: number | string | bigint;
  doc: string;
}

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<any>, { keyText, serialKey }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('usage_periods')
    .addColumn('seq', serialKey.type, serialKey.build)
    .addColumn('instance_id', keyText, (c) => c.notNull())
    .addColumn('instance_name', keyText, (c) => c.notNull())
    .addColumn('project_id', keyText, (c) => c.notNull())
    .addColumn('user_id', keyText, (c) => c.notNull())
    .addColumn('user_name', keyText, (c) => c.notNull())
    .addColumn('flavor', keyText, (c) => c.notNull())
    .addColumn('cpus', 'double precision')
    .addColumn('memory_gib', 'double precision')
    .addColumn('gpus', 'double precision')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();
  for (const [name, lead] of [
    ['usage_periods_project_idx', ['project_id']],
    ['usage_periods_user_idx', ['user_id']],
    ['usage_periods_flavor_idx', ['flavor']],
    ['usage_periods_ended_idx', []],
  ] as const)
    await db.schema
      .createIndex(name)
      .on('usage_periods')
      .columns([...lead, 'ended_at'])
      .execute();
  await db.schema
    .createIndex('usage_periods_open_idx')
    .on('usage_periods')
    .column('instance_id')
    .unique()
    .where(sql.ref('ended_at'), 'is', null)
    .execute();

  let after = '';
  for (;;) {
    const rows: Row[] = await db
      .selectFrom('instances')
      .select(['id', 'project_id', 'user_id', 'name', 'flavor', 'updated_at', 'doc'])
      .where('status', 'in', HOLDING)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    await db
      .insertInto('usage_periods')
      .values(
        rows.map((row) => ({
          instance_id: row.id,
          instance_name: row.name,
          project_id: row.project_id,
          user_id: row.user_id,
          user_name: (JSON.parse(row.doc) as { user?: { name?: string } }).user?.name ?? row.user_id,
          flavor: row.flavor,
          started_at: Number(row.updated_at),
        })),
      )
      .execute();
    after = rows[rows.length - 1]!.id;
  }
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('usage_periods').execute();
}

export function usagePeriods(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
