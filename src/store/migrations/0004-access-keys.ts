/**
 * @module store/migrations/0004-access-keys
 * Permanent access keys (AK/SK) of users, for `SDK-HMAC-SHA256` request signing. Only adds a
 * table, so a database at 0003 keeps all its rows. The secret key is stored sealed (AES-256-GCM,
 * core/secrets/box), never in clear.
 */
import type { Kysely, Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>, { keyText }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('access_keys')
    .addColumn('access_key', keyText, (c) => c.primaryKey())
    .addColumn('user_id', keyText, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  // Serves listing a user's keys and the cascade when the user is deleted.
  await db.schema.createIndex('access_keys_user_idx').on('access_keys').columns(['user_id', 'created_at']).execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('access_keys').execute();
}

export function accessKeys(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
