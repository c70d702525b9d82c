/**
 * @module test/store/postgres-test-database
 * Throwaway PostgreSQL databases for the store tests, made through an admin connection to
 * `DEMANAGER_TEST_PG_URL` (default: the local server as `postgres`, trust auth). An unreachable
 * server fails every PostgreSQL case loudly: CI guarantees one, so a skip would only hide a gap.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.DEMANAGER_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowawayDatabase {
  name: string;
  /** The admin URL with this database in place of the admin one. */
  url: string;
  /** Drops the database, disconnecting anyone still on it. */
  drop(): Promise<void>;
}

let admin: pg.Pool | undefined;

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.href;
}

function adminPool(): pg.Pool {
  if (admin === undefined) {
    // allowExitOnIdle: nothing closes this pool, and it must not keep the test process alive.
    admin = new pg.Pool({ connectionString: ADMIN_URL, max: 2, allowExitOnIdle: true, connectionTimeoutMillis: 5_000 });
    admin.on('error', () => {});
  }
  return admin;
}

/** Runs one statement as the admin, turning "no server" into a message that says what to do. */
export async function adminQuery<R extends pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  let client: pg.PoolClient;
  try {
    client = await adminPool().connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${redacted(ADMIN_URL)} (${reason}). The PostgreSQL store tests need a server ` +
        'where they may create databases: start one on 127.0.0.1:5432 with trust auth for "postgres", or set ' +
        'DEMANAGER_TEST_PG_URL to an admin URL.',
      { cause: error },
    );
  }
  try {
    return await client.query<R>(text, values);
  } finally {
    client.release();
  }
}

/**
 * Creates an empty database whose default collation is ICU en-US, the kind of locale a production
 * cluster usually has, under which "alpha" sorts before "Beta": the schema, not the database, must
 * be what makes PostgreSQL sort names like SQLite does.
 */
export async function createThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const name = `demanager_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await adminQuery(
    `create database "${name}" template template0 encoding 'UTF8' locale_provider icu icu_locale 'en-US'`,
  );
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    drop: async () => {
      await adminQuery(`drop database if exists "${name}" with (force)`);
    },
  };
}
