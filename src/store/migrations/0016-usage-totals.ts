/**
 * @module store/migrations/0016-usage-totals
 * What closed usage periods add up to, per project and flavor (core/model/usage ClosedUsage): the
 * instance repository adds each period to its row in the transaction that closes it, so the
 * Prometheus counters read one small table rather than the whole history, and read it exactly.
 * Sums are of milliseconds (times the size), as doubles: whole numbers stay exact far past any
 * real history, where hours would gather rounding.
 *
 * The periods closed before this runs are added up here. A size left unknown by migration 0015
 * counts 0: 0015 and 0016 ship together, so a period opened by 0015 is still open when 0016 runs
 * (except on a database a development build used in between).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<any>, { keyText }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('usage_totals')
    .addColumn('project_id', keyText, (c) => c.notNull())
    .addColumn('flavor', keyText, (c) => c.notNull())
    .addColumn('instance_ms', 'double precision', (c) => c.notNull())
    .addColumn('cpu_ms', 'double precision', (c) => c.notNull())
    .addColumn('memory_gib_ms', 'double precision', (c) => c.notNull())
    .addColumn('gpu_ms', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_totals_pk', ['project_id', 'flavor'])
    .execute();
  const ms = sql`(ended_at - started_at)`;
  await db
    .insertInto('usage_totals')
    .columns(['project_id', 'flavor', 'instance_ms', 'cpu_ms', 'memory_gib_ms', 'gpu_ms'])
    .expression(
      db
        .selectFrom('usage_periods')
        .where('ended_at', 'is not', null)
        .groupBy(['project_id', 'flavor'])
        .select([
          'project_id',
          'flavor',
          sql`sum(${ms} * 1.0)`.as('instance_ms'),
          sql`sum(${ms} * coalesce(cpus, 0))`.as('cpu_ms'),
          sql`sum(${ms} * coalesce(memory_gib, 0))`.as('memory_gib_ms'),
          sql`sum(${ms} * coalesce(gpus, 0))`.as('gpu_ms'),
        ]),
    )
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('usage_totals').execute();
}

export function usageTotals(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
