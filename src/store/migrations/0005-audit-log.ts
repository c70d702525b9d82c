/**
 * @module store/migrations/0005-audit-log
 * The audit trail of API calls that asked for a change (`audit_log`), granted or refused. Only
 * adds a table and an index for "newest first within a project"; the automatic actions it is read
 * together with are in `instance_events`, which gains an index for them.
 */
import type { Kysely, Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>, { keyText, serialKey }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', serialKey.type, serialKey.build)
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('project_id', keyText)
    .addColumn('user_id', keyText)
    .addColumn('user_name', 'text')
    .addColumn('action', keyText, (c) => c.notNull())
    .addColumn('target', keyText)
    .addColumn('source', keyText, (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('outcome', keyText, (c) => c.notNull())
    .addColumn('replica', keyText, (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema
    .createIndex('audit_log_project_at_idx')
    .on('audit_log')
    .columns(['project_id', 'at', 'seq'])
    .execute();
  // The automatic actions of a project, by time, without reading its whole history.
  await db.schema
    .createIndex('instance_events_project_by_at_idx')
    .on('instance_events')
    .columns(['project_id', 'by_user', 'at', 'seq'])
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('instance_events_project_by_at_idx').execute();
  await db.schema.dropTable('audit_log').execute();
}

export function auditLog(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
