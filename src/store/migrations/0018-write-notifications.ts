/**
 * @module store/migrations/0018-write-notifications
 * On PostgreSQL, the database tells every listening replica of the writes that decide who may open
 * a notebook (store/postgres/postgres-foreign-writes): a `NOTIFY` on channel `demanager_writes` in
 * the transaction of each update or deletion of an instance (payload `instance:<id>`) and of each
 * raise of the identity revision of migration 0011 (payload `identity`; users, roles and shares
 * raise it). PostgreSQL delivers a notification only if its transaction commits, once, and folds
 * repeats within one transaction. Triggers rather than code, as for the revision: no writer can
 * forget. SQLite has no notifications (a server there looks at the file's change counter
 * instead), so it gets nothing.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

async function up(db: Kysely<unknown>, { engine }: SchemaDialect): Promise<void> {
  if (engine === 'sqlite') return;
  await sql`create function notify_instance_write() returns trigger language plpgsql as $$
    begin perform pg_notify('demanager_writes', 'instance:' || old.id); return null; end $$`.execute(db);
  await sql`create trigger instances_notify_write after update or delete on instances
    for each row execute function notify_instance_write()`.execute(db);
  await sql`create function notify_identity_write() returns trigger language plpgsql as $$
    begin perform pg_notify('demanager_writes', 'identity'); return null; end $$`.execute(db);
  await sql`create trigger identity_revision_notify_write after update on identity_revision
    for each row execute function notify_identity_write()`.execute(db);
}

async function down(db: Kysely<unknown>, { engine }: SchemaDialect): Promise<void> {
  if (engine === 'sqlite') return;
  await sql`drop trigger identity_revision_notify_write on identity_revision`.execute(db);
  await sql`drop function notify_identity_write()`.execute(db);
  await sql`drop trigger instances_notify_write on instances`.execute(db);
  await sql`drop function notify_instance_write()`.execute(db);
}

export function writeNotifications(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down: (db) => down(db, dialect) };
}
