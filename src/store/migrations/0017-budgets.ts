/**
 * @module store/migrations/0017-budgets
 * Budgets of GPU- and CPU-hours (core/model/budget): at most one per project and one per user, keyed
 * by scope and target id. Only adds a table.
 */
import type { Kysely, Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>, { keyText }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('budgets')
    .addColumn('scope', keyText, (c) => c.notNull())
    .addColumn('target_id', keyText, (c) => c.notNull())
    .addColumn('gpu_hours', 'double precision')
    .addColumn('cpu_hours', 'double precision')
    .addColumn('period', keyText, (c) => c.notNull())
    .addColumn('set_by', keyText, (c) => c.notNull())
    .addColumn('set_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('budgets_pkey', ['scope', 'target_id'])
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('budgets').execute();
}

export function budgets(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
