/**
 * @module store/migrations/0009-no-status-index
 * Drops `instances_status_idx` (status alone): `instances_status_stop_at_idx` begins with the same
 * column and serves every lookup by status, and every status change rewrote both. An instance
 * sits in fourteen indexes; each one fewer is a page less to write per transition. Only drops an
 * index.
 */
import type { Kysely, Migration } from 'kysely';

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('instances_status_idx').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('instances_status_idx').on('instances').column('status').execute();
}

export const noStatusIndex: Migration = { up, down };
