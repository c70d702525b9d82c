/**
 * @module store/migrations/0011-identity-revision
 * One counter, bumped by the database itself in the same transaction as every insert, update or
 * delete of a user or a role assignment (a project's deletion removes its assignments, so it
 * counts too). Whoever caches an answer about who may do what — the notebook proxy, on every
 * request — reads this one row to learn whether anything changed, on any replica, since it read.
 * Triggers rather than code in the repository, so no writer, present or future, can forget.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

const WATCHED = ['users', 'role_assignments'] as const;
const EVENTS = ['insert', 'update', 'delete'] as const;

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  // SQLite has only row triggers, one event each; foreign-key cascades fire them too.
  for (const table of WATCHED) {
    for (const event of EVENTS) {
      await sql
        .raw(
          `create trigger ${table}_${event}_identity_revision after ${event} on ${table} ` +
            'begin update identity_revision set revision = revision + 1; end',
        )
        .execute(db);
    }
  }
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`create function bump_identity_revision() returns trigger language plpgsql as $$
    begin update identity_revision set revision = revision + 1; return null; end $$`.execute(db);
  // Row triggers, as on SQLite: a statement that changed no row changes nothing anyone cached.
  for (const table of WATCHED) {
    await sql
      .raw(
        `create trigger ${table}_identity_revision after insert or update or delete on ${table} for each row execute function bump_identity_revision()`,
      )
      .execute(db);
  }
}

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<any>, { engine }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('identity_revision')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('identity_revision').values({ id: 1, revision: 0 }).execute();
  await (engine === 'sqlite' ? sqliteTriggers(db) : postgresTriggers(db));
}

async function down(db: Kysely<unknown>, { engine }: SchemaDialect): Promise<void> {
  if (engine === 'sqlite') {
    for (const table of WATCHED)
      for (const event of EVENTS) await sql.raw(`drop trigger ${table}_${event}_identity_revision`).execute(db);
  } else {
    for (const table of WATCHED) await sql.raw(`drop trigger ${table}_identity_revision on ${table}`).execute(db);
    await sql`drop function bump_identity_revision()`.execute(db);
  }
  await db.schema.dropTable('identity_revision').execute();
}

export function identityRevision(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down: (db) => down(db, dialect) };
}
