/**
 * @module store/migrations/0010-names-unique-regardless-of-case
 * User and project names are unique within their domain without regard to case: `ADMIN` beside
 * `admin` is one person to a reader, and a second account that looks like the first is how one
 * impersonates it. Enforced by a unique index on `lower(name)` (names are ASCII, so `lower` is the
 * same on both dialects); the plain unique constraints stay.
 *
 * A database may already hold names equal but for case. Those are renamed rather than refused, so
 * the upgrade never fails on them: in each group the oldest (by creation, then id) keeps its name
 * and each later one gets the first free `-2`, `-3`, … suffix, each rename recorded in the audit
 * trail (system admins read it). The time written there is the wall clock's: migrations run
 * before the service and its clock exist.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/** The longest user or project name the API accepts. */
const MAX_NAME = 64;

interface NamedRow {
  id: string;
  name: string;
  domain: string;
}

const TABLES = [
  { table: 'users', index: 'users_domain_lower_name_key', kind: 'user' },
  { table: 'projects', index: 'projects_domain_lower_name_key', kind: 'project' },
] as const;

/** `name` with the first suffix that no name of the domain takes, regardless of case. */
function freeName(name: string, taken: Set<string>): string {
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${name.slice(0, MAX_NAME - suffix.length)}${suffix}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

async function renameClashes(db: Kysely<unknown>, table: 'users' | 'projects', kind: string): Promise<void> {
  // Ordered so that within a clash the oldest comes first and keeps its name.
  const { rows } =
    await sql<NamedRow>`select id, name, domain from ${sql.table(table)} order by domain, created_at, id`.execute(db);
  const taken = new Map<string, Set<string>>();
  for (const row of rows) {
    const names = taken.get(row.domain) ?? new Set<string>();
    taken.set(row.domain, names);
    names.add(row.name.toLowerCase());
  }
  const kept = new Set<string>();
  for (const row of rows) {
    const key = `${row.domain}\u0000${row.name.toLowerCase()}`;
    if (!kept.has(key)) {
      kept.add(key);
      continue;
    }
    const names = taken.get(row.domain)!;
    const renamed = freeName(row.name, names);
    names.add(renamed.toLowerCase());
    await sql`update ${sql.table(table)} set name = ${renamed} where id = ${row.id}`.execute(db);
    const detail = JSON.stringify({ kind, from: row.name, to: renamed, reason: 'names are unique regardless of case' });
    await sql`insert into audit_log (at, project_id, user_id, user_name, action, target, source, status, outcome, replica, detail)
      values (${Date.now()}, ${kind === 'project' ? row.id : null}, ${null}, ${null}, ${'migration 0010-names-unique-regardless-of-case'}, ${row.id}, ${''}, ${0}, ${'success'}, ${'migration'}, ${detail})`.execute(
      db,
    );
  }
}

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<unknown>): Promise<void> {
  for (const { table, index, kind } of TABLES) {
    await renameClashes(db, table, kind);
    await sql`create unique index ${sql.id(index)} on ${sql.table(table)} (domain, lower(name))`.execute(db);
  }
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const { index } of TABLES) await db.schema.dropIndex(index).execute();
}

export const namesUniqueRegardlessOfCase: Migration = { up, down };
