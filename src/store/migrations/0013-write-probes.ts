/**
 * @module store/migrations/0013-write-probes
 * One row per replica, rewritten by its readiness check: that the database takes a write (a full
 * disk, a read-only file or a read-only server refuse it while reads still answer). Only adds a
 * table, so every earlier row is kept.
 */
import type { Kysely, Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>, { keyText }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('write_probes')
    .addColumn('replica', keyText, (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('write_probes').execute();
}

export function writeProbes(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
