/**
 * @module store/migrations/0001-initial
 * The first schema: instances plus the identity tables (users, projects, role assignments, tokens).
 * Schema builder and dialect-neutral types only, so SQLite and PostgreSQL run the same migration;
 * the one type that must be spelled per dialect (byte-ordered text) comes from {@link SchemaDialect}.
 */
import type { Kysely, Migration } from 'kysely';
import type { SchemaDialect } from './schema-dialect.js';

/** Each list query filters on project(+user)(+status) and sorts by one key, tie-broken by id. */
const INSTANCE_LIST_INDEXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['instances_project_created_idx', ['project_id', 'created_at', 'id']],
  ['instances_project_user_name_idx', ['project_id', 'user_id', 'name', 'id']],
  ['instances_project_user_created_idx', ['project_id', 'user_id', 'created_at', 'id']],
  ['instances_project_status_name_idx', ['project_id', 'status', 'name', 'id']],
  ['instances_project_status_created_idx', ['project_id', 'status', 'created_at', 'id']],
  ['instances_project_user_status_name_idx', ['project_id', 'user_id', 'status', 'name', 'id']],
  ['instances_project_user_status_created_idx', ['project_id', 'user_id', 'status', 'created_at', 'id']],
  ['instances_status_idx', ['status']],
];

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>, { keyText }: SchemaDialect): Promise<void> {
  await db.schema
    .createTable('instances')
    .addColumn('id', keyText, (c) => c.primaryKey())
    .addColumn('project_id', keyText, (c) => c.notNull())
    .addColumn('user_id', keyText, (c) => c.notNull())
    .addColumn('name', keyText, (c) => c.notNull())
    .addColumn('status', keyText, (c) => c.notNull())
    .addColumn('flavor', keyText, (c) => c.notNull())
    .addColumn('workspace_id', keyText, (c) => c.notNull())
    .addColumn('ai_project_id', keyText, (c) => c.notNull())
    .addColumn('pool_id', keyText)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    // Also the index for "project, sorted by name": names are unique within a project.
    .addUniqueConstraint('instances_project_id_name_key', ['project_id', 'name'])
    .execute();
  for (const [name, columns] of INSTANCE_LIST_INDEXES) {
    await db.schema
      .createIndex(name)
      .on('instances')
      .columns([...columns])
      .execute();
  }

  await db.schema
    .createTable('users')
    .addColumn('id', keyText, (c) => c.primaryKey())
    .addColumn('name', keyText, (c) => c.notNull())
    .addColumn('domain', keyText, (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_system_admin', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('users_domain_name_key', ['domain', 'name'])
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', keyText, (c) => c.primaryKey())
    .addColumn('name', keyText, (c) => c.notNull())
    .addColumn('domain', keyText, (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('projects_domain_name_key', ['domain', 'name'])
    .execute();

  await db.schema
    .createTable('role_assignments')
    .addColumn('project_id', keyText, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', keyText, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', keyText, (c) => c.notNull())
    .addPrimaryKeyConstraint('role_assignments_pkey', ['project_id', 'user_id', 'role'])
    .execute();
  // The primary key serves lookups by project; these serve lookups and cascades by user.
  await db.schema.createIndex('role_assignments_user_idx').on('role_assignments').column('user_id').execute();

  await db.schema
    .createTable('tokens')
    .addColumn('hash', keyText, (c) => c.primaryKey())
    .addColumn('user_id', keyText, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project_id', keyText, (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tokens_expires_at_idx').on('tokens').column('expires_at').execute();
  await db.schema.createIndex('tokens_user_idx').on('tokens').column('user_id').execute();
  await db.schema.createIndex('tokens_project_idx').on('tokens').column('project_id').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['tokens', 'role_assignments', 'projects', 'users', 'instances']) {
    await db.schema.dropTable(table).execute();
  }
}

export function initial(dialect: SchemaDialect): Migration {
  return { up: (db) => up(db, dialect), down };
}
