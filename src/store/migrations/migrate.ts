/**
 * @module store/migrations/migrate
 * Brings any `Kysely<Database>` to the newest schema; shared by every store implementation.
 */
import { Migrator, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { migrations } from './index.js';

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...migrations }) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  throw new Error(
    failed === undefined ? `database migration failed: ${reason}` : `database migration ${failed} failed: ${reason}`,
    { cause: error },
  );
}
