/**
 * @module store/migrations/migrate
 * Brings any `Kysely<Database>` to the newest schema, or tells how far behind it is; shared by
 * every store implementation.
 */
import { Migrator, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { migrationsFor } from './index.js';
import type { SchemaDialect } from './schema-dialect.js';
import { appliedMigrations, refuseNewerSchema } from './schema-version.js';

/** Exported so tests can stop at an older migration (`migrateTo`) to check upgrades. */
export function migratorFor(db: Kysely<Database>, dialect: SchemaDialect): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrationsFor(dialect) } });
}

/**
 * On PostgreSQL, Kysely's Migrator serialises concurrent callers with a session-level advisory lock
 * (taken before the transaction that reads which migrations ran) and tolerates losing the race to
 * create its own bookkeeping tables, so several replicas may call this at once. A database that a
 * newer release migrated is refused before anything runs.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: SchemaDialect): Promise<void> {
  // A database that cannot even be read fails like any migration, saying why.
  const applied = await appliedMigrations(db).catch((err: unknown) => {
    throw migrationFailed(err);
  });
  refuseNewerSchema(applied, Object.keys(migrationsFor(dialect)));
  const { error, results } = await migratorFor(db, dialect).migrateToLatest();
  if (error === undefined) return;
  throw migrationFailed(error, results?.find((r) => r.status === 'Error')?.migrationName);
}

function migrationFailed(error: unknown, migration?: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    migration === undefined
      ? `database migration failed: ${reason}`
      : `database migration ${migration} failed: ${reason}`,
    { cause: error },
  );
}

/**
 * Known migrations the database has not run, in the order they would run. Migrations the database
 * ran but this code does not know (a newer release got there first) are not reported.
 */
export async function pendingMigrations(db: Kysely<Database>, dialect: SchemaDialect): Promise<string[]> {
  const migrations = await migratorFor(db, dialect).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
