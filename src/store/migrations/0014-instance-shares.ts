/**
 * @module store/migrations/0014-instance-shares
 * Who an instance's notebook is shared with (core/instances/instance-shares): one row per instance
 * and user, gone with either through the foreign keys' ON DELETE CASCADE. A share decides who may
 * open a notebook, as a role does, so every write to the table raises the identity revision of
 * migration 0011 by the same kind of trigger: the proxy on every replica then reads the openers
 * again and closes the WebSockets of a user whose share was revoked. Only adds a table.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

const EVENTS = ['insert', 'update', 'delete'] as const;

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>, { keyText, engine }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('instance_shares')
    .addColumn('instance_id', keyText, (c) => c.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('user_id', keyText, (c) => c.notNull().references('users.id').onDelete('cascade'))
    // Not a foreign key: the grant stays on record when the user who made it is deleted.
    .addColumn('granted_by', keyText, (c) => c.notNull())
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('instance_shares_pkey', ['instance_id', 'user_id'])
    .execute();
  // Serves the cascade when a user is deleted.
  await db.schema.createIndex('instance_shares_user_idx').on('instance_shares').column('user_id').execute();
  if (engine === 'sqlite') {
    for (const event of EVENTS)
      await sql
        .raw(
          `create trigger instance_shares_${event}_identity_revision after ${event} on instance_shares ` +
            'begin update identity_revision set revision = revision + 1; end',
        )
        .execute(db);
  } else {
    // bump_identity_revision() is migration 0011's.
    await sql
      .raw(
        'create trigger instance_shares_identity_revision after insert or update or delete on instance_shares for each row execute function bump_identity_revision()',
      )
      .execute(db);
  }
}

async function down(db: Kysely<unknown>): Promise<void> {
  // Dropping the table drops its triggers on both engines.
  await db.schema.dropTable('instance_shares').execute();
}

export function instanceShares(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
