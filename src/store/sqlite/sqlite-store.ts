/**
 * @module store/sqlite/sqlite-store
 * The SQLite store: one better-sqlite3 connection in WAL mode behind Kysely's SqliteDialect,
 * serving the dialect-neutral repositories and migrations.
 */
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  sql,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import type { IdentityRepository, AuditRepository, InstanceRepository, LeaseRepository, Store } from '../../core/store.js';
import type { Database } from '../database.js';
import { KyselyAuditRepository } from '../kysely-audit.js';
import { KyselyIdentityRepository } from '../kysely-identity.js';
import { KyselyInstanceRepository } from '../kysely-instances.js';
import { installationIdOf } from '../kysely-installation.js';
import { KyselyLeaseRepository } from '../kysely-leases.js';
import { migrateToLatest, pendingMigrations } from '../migrations/migrate.js';
import { SQLITE_SCHEMA } from '../migrations/schema-dialect.js';
import { privateDatabaseFile } from './private-files.js';
import { cachingStatements } from './statement-cache.js';

/**
 * Kysely assumes SQLite cannot roll back DDL, but it can; saying so makes the Migrator run each
 * migration in a transaction, so a failed migration leaves no half-built schema behind.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Transactions begin IMMEDIATE: they take the write lock up front, so a second process on the same
 * file waits (busy_timeout) instead of failing with SQLITE_BUSY when its read turns into a write,
 * and a limit check and its write are never interleaved with another writer's.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

function isInMemory(path: string): boolean {
  return path === '' || path === ':memory:' || path.startsWith('file::memory:');
}

export class SqliteStore implements Store {
  readonly instances: InstanceRepository;
  readonly audit: AuditRepository;
  readonly identity: IdentityRepository;
  readonly leases: LeaseRepository;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #db: Kysely<Database>;

  /** Opens (creating if needed) the database file; call {@link migrate} before use. */
  constructor(path: string) {
    if (!isInMemory(path)) privateDatabaseFile(path);
    const sqlite = new BetterSqlite3(path);
    try {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma('busy_timeout = 5000');
    } catch (error) {
      sqlite.close();
      throw error;
    }
    this.#sqlite = sqlite;
    this.#db = new Kysely<Database>({ dialect: new TransactionalDdlSqliteDialect({ database: cachingStatements(sqlite) }) });
    this.instances = new KyselyInstanceRepository(this.#db);
    this.identity = new KyselyIdentityRepository(this.#db);
    this.audit = new KyselyAuditRepository(this.#db);
    this.leases = new KyselyLeaseRepository(this.#db);
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.#db, SQLITE_SCHEMA);
  }

  async pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.#db, SQLITE_SCHEMA);
  }

  installationId(): Promise<string> {
    return installationIdOf(this.#db);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  async close(): Promise<void> {
    await this.#db.destroy();
    // Kysely only closes the connection if it ever ran a query.
    if (this.#sqlite.open) this.#sqlite.close();
  }
}
