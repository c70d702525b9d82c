/**
 * @module store/migrations/0008-installation
 * A name for the database, drawn once: what the service stamps its resources outside the database
 * with (a local data directory, a cluster's Pods), so that a service pointed at another database
 * never takes them for orphans of its own and deletes them.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

async function up(db: Kysely<any>, { keyText }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('installation')
    .addColumn('id', keyText, (c) => c.primaryKey())
    .execute();
  await db.insertInto('installation').values({ id: randomUUID() }).execute();
}

async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('installation').execute();
}

export function installation(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
