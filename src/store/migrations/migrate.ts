/**
 * @module store/migrations/migrate
 * Brings any `Kysely<Database>` to the newest schema; shared by every store implementation.
 */
import { Migrator, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { migrationsFor } from './index.js';
import type { SchemaDialect } from './schema-dialect.js';

/**
 * On PostgreSQL, Kysely's Migrator serialises concurrent callers with a session-level advisory lock
 * (taken before the transaction that reads which migrations ran) and tolerates losing the race to
 * create its own bookkeeping tables, so several replicas may call this at once.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: SchemaDialect): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrationsFor(dialect) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(
    failed === undefined ? `database migration failed: ${reason}` : `database migration ${failed} failed: ${reason}`,
    { cause: error },
  );
}
