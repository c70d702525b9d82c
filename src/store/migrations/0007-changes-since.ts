/**
 * @module store/migrations/0007-changes-since
 * An index on each project's instances by last write, so a change stream that resumes reads only
 * what changed since its client went away. Deletions since then come from `instance_events`,
 * whose (project, time) index already serves them. Only adds an index.
 */
import type { Kysely, Migration } from 'kysely';

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('instances_project_updated_at_idx')
    .on('instances')
    .columns(['project_id', 'updated_at'])
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('instances_project_updated_at_idx').execute();
}

export const changesSince: Migration = { up, down };
