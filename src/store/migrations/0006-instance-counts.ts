/**
 * @module store/migrations/0006-instance-counts
 * How many instances there are per project, user, workspace, flavor and status, kept in the same
 * transaction as every instance write. The figures each view shows beside an instance and a
 * list's `total` are then read from a few counter rows instead of counted over every instance,
 * which at 100,000 instances took longer than the rest of the request. Filled from the existing
 * rows in one statement.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

const KEY = ['project_id', 'user_id', 'workspace_id', 'flavor', 'status'] as const;

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<any>, { keyText }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('instance_counts')
    .addColumn('project_id', keyText, (c) => c.notNull())
    .addColumn('user_id', keyText, (c) => c.notNull())
    .addColumn('workspace_id', keyText, (c) => c.notNull())
    .addColumn('flavor', keyText, (c) => c.notNull())
    .addColumn('status', keyText, (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('instance_counts_pkey', [...KEY])
    .execute();
  // Serves the counts over every project by status (slots held, queue depth, /metrics).
  await db.schema
    .createIndex('instance_counts_status_idx')
    .on('instance_counts')
    .columns(['status', 'flavor'])
    .execute();
  await db
    .insertInto('instance_counts')
    .columns([...KEY, 'n'])
    .expression(
      db
        .selectFrom('instances')
        .select([...KEY, sql<number>`count(*)`.as('n')])
        .groupBy([...KEY]),
    )
    .execute();
}

async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_counts').execute();
}

export function instanceCounts(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
