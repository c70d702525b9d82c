/**
 * @module store/migrations/0002-events-and-leases
 * Instance history (`instance_events`) and named leases (`leases`). Only adds tables, so a
 * database at 0001 keeps all its rows.
 */
import type { Kysely, Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>, { keyText, serialKey }: SchemaDialect): Promise<void> {
  // No foreign key to instances: an instance's history outlives the instance.
  await db.schema
    .createTable('instance_events')
    .addColumn('seq', serialKey.type, serialKey.build)
    .addColumn('instance_id', keyText, (c) => c.notNull())
    .addColumn('project_id', keyText, (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', keyText, (c) => c.notNull())
    .addColumn('from_status', keyText)
    .addColumn('to_status', keyText)
    .addColumn('by_user', keyText, (c) => c.notNull())
    .addColumn('replica', keyText, (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  // One instance's history in write order.
  await db.schema
    .createIndex('instance_events_instance_seq_idx')
    .on('instance_events')
    .columns(['instance_id', 'seq'])
    .execute();
  // A project's audit trail by time; seq breaks ties between events of the same millisecond.
  await db.schema
    .createIndex('instance_events_project_at_idx')
    .on('instance_events')
    .columns(['project_id', 'at', 'seq'])
    .execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', keyText, (c) => c.primaryKey())
    .addColumn('holder', keyText)
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['leases', 'instance_events']) {
    await db.schema.dropTable(table).execute();
  }
}

export function eventsAndLeases(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
