/**
 * @module test/store/store-factories
 * The stores the contract suite runs against. Each factory makes a fresh, empty database that can
 * be opened, closed and opened again (for persistence tests), stopped at an older migration (for
 * upgrade tests), then dropped.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Store } from '../../src/core/ports/store.js';
import type { Database } from '../../src/store/database.js';
import { migratorFor } from '../../src/store/migrations/migrate.js';
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, type SchemaDialect } from '../../src/store/migrations/schema-dialect.js';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { sizerOf } from '../../src/core/model/flavor-size.js';
import { connectStore, openStore } from '../../src/store/open-store.js';
import { createThrowawayDatabase } from './postgres-test-database.js';

export interface TestDatabase {
  /** The database URL a server's configuration would name. */
  url: string;
  /** A migrated store on this database; may be called again after the previous one is closed. */
  open(): Promise<Store>;
  /** A store on this database that leaves the schema as it is (another replica of an open one). */
  connect(): Store;
  /** Runs the migrations up to and including `name`, and no further. */
  migrateTo(name: string): Promise<void>;
  /** Runs `work` over a connection of its own (raw rows, as an older release wrote them). */
  withKysely<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Removes the database; stores opened on it must be closed first. */
  drop(): Promise<void>;
}

export interface StoreFactory {
  name: string;
  createDatabase(): Promise<TestDatabase>;
}

/** Usage periods record the built-in flavors' sizes, as a server with the embedded catalog would. */
const SIZES = { usageSizes: sizerOf(BUILTIN_CATALOG.flavors) };

/** Runs `work` over a Kysely of its own, which it destroys. */
async function using<T>(db: Kysely<Database>, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

async function migrateWith(db: Kysely<Database>, dialect: SchemaDialect, name: string): Promise<void> {
  await using(db, async (open) => {
    const { error } = await migratorFor(open, dialect).migrateTo(name);
    if (error !== undefined) throw error;
  });
}

const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  async createDatabase() {
    const dir = await mkdtemp(join(tmpdir(), 'demanager-store-'));
    // A directory that does not exist yet, so every case also checks that the store creates it.
    const file = join(dir, 'data', 'demanager.db');
    const url = `sqlite:${file}`;
    const kysely = () => new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
    return {
      url,
      open: () => openStore(url, SIZES),
      connect: () => connectStore(url, SIZES),
      migrateTo: async (name) => {
        mkdirSync(dirname(file), { recursive: true });
        await migrateWith(kysely(), SQLITE_SCHEMA, name);
      },
      withKysely: (work) => using(kysely(), work),
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

/** A database per case: creating one takes tens of milliseconds, and nothing can leak between cases. */
const postgresFactory: StoreFactory = {
  name: 'postgres',
  async createDatabase() {
    const database = await createThrowawayDatabase();
    const kysely = () => {
      const pool = new pg.Pool({ connectionString: database.url, max: 1 });
      // The pool's end resolves before its client's socket has closed: a drop right after it
      // terminates that backend, and the error it reports must not go unhandled, as the store's
      // pools see to for theirs.
      pool.on('error', () => {});
      pool.on('connect', (client) => client.on('error', () => {}));
      return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    };
    return {
      url: database.url,
      open: () => openStore(database.url, SIZES),
      connect: () => connectStore(database.url, SIZES),
      migrateTo: (name) => migrateWith(kysely(), POSTGRES_SCHEMA, name),
      withKysely: (work) => using(kysely(), work),
      drop: () => database.drop(),
    };
  },
};

export const STORE_FACTORIES: readonly StoreFactory[] = [sqliteFactory, postgresFactory];
