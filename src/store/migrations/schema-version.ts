/**
 * @module store/migrations/schema-version
 * Which migrations a database has run, and the refusal of a database that a newer release
 * migrated: its schema may hold columns and rules this code would silently break, so neither
 * `serve` nor `migrate` touches it.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { VERSION } from '../../core/shared/release.js';

/** Kysely's Migrator keeps the names of the migrations it ran in this table. */
const MIGRATION_TABLE = 'kysely_migration';

/** The database was migrated by a newer release than this one. */
export class NewerSchemaError extends Error {
  override readonly name = 'NewerSchemaError';

  constructor(readonly unknown: readonly string[]) {
    super(
      `the database was upgraded by a newer demanager than this one (${VERSION}): it has run migrations this ` +
        `version does not know (${unknown.join(', ')}). Run that newer version, or restore a backup taken before ` +
        'the upgrade; this version will not open it.',
    );
  }
}

/** The names of the migrations the database has run, in name order; none on an empty database. */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(
    db,
  );
  return rows.map((r) => r.name);
}

/** Throws {@link NewerSchemaError} when the database ran a migration that is not among `known`. */
export function refuseNewerSchema(applied: readonly string[], known: readonly string[]): void {
  const knownNames = new Set(known);
  const unknown = applied.filter((name) => !knownNames.has(name));
  if (unknown.length > 0) throw new NewerSchemaError(unknown);
}
