/**
 * @module store/kysely-installation
 * Reads the database's name, drawn by migration 0008 (the same on every replica of one database).
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export async function installationIdOf(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('installation').select('id').executeTakeFirstOrThrow();
  return row.id;
}
