/**
 * @module store/migrations/0012-obs-buckets
 * Obs buckets get owners (core/model/obs-buckets): a table of who holds which bucket, and each
 * instance's bucket copied into a column of its own, so that a create checks its bucket and an
 * admin sees which buckets are in use without reading every instance's document.
 *
 * Existing instances are read oldest first, a batch at a time: each bucket goes to the project
 * of the oldest instance using it. Another project's instances in that bucket keep their row and
 * fail at start, saying the bucket belongs to another project, until a system admin assigns it.
 */
import type { Kysely, Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

const BATCH = 500;

/** The bucket an instance document's storage lies in, as release 0.2 read it (frozen here). */
function bucketOfDoc(doc: string): string | null {
  const storage = (JSON.parse(doc) as { spec?: { storage?: { type?: string; location?: { path?: string | null } } } })
    .spec?.storage;
  if (!storage || storage.type === 'evs') return null;
  const path = (storage.location?.path ?? '').replace(/^[a-z][a-z0-9+.-]*:\/\//i, '/');
  return path.split('/').find((segment) => segment !== '') ?? null;
}

interface Row {
  id: string;
  project_id: string;
  created_at: number | string | bigint;
  doc: string;
}

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<any>, { keyText }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('obs_buckets')
    .addColumn('name', keyText, (c) => c.primaryKey())
    .addColumn('project_id', keyText, (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('assigned_by', keyText)
    .execute();
  await db.schema.createIndex('obs_buckets_project_idx').on('obs_buckets').column('project_id').execute();
  await db.schema.alterTable('instances').addColumn('bucket', keyText).execute();
  await db.schema.createIndex('instances_bucket_idx').on('instances').column('bucket').execute();

  const holders = new Set<string>();
  let after: { at: number; id: string } | null = null;
  for (;;) {
    let query = db.selectFrom('instances').select(['id', 'project_id', 'created_at', 'doc']);
    if (after) {
      const { at, id } = after;
      query = query.where((eb) =>
        eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', id)])]),
      );
    }
    const rows = (await query.orderBy('created_at').orderBy('id').limit(BATCH).execute()) as Row[];
    for (const row of rows) {
      const bucket = bucketOfDoc(row.doc);
      if (bucket === null) continue;
      await db.updateTable('instances').set({ bucket }).where('id', '=', row.id).execute();
      if (holders.has(bucket)) continue;
      holders.add(bucket);
      await db
        .insertInto('obs_buckets')
        .values({ name: bucket, project_id: row.project_id, claimed_at: Number(row.created_at), assigned_by: null })
        .execute();
    }
    if (rows.length < BATCH) break;
    const last = rows[rows.length - 1]!;
    after = { at: Number(last.created_at), id: last.id };
  }
}

async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('instances_bucket_idx').execute();
  await db.schema.alterTable('instances').dropColumn('bucket').execute();
  await db.schema.dropTable('obs_buckets').execute();
}

export function obsBuckets(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
