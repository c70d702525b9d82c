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
import type {
  BucketRepository,
  ShareRepository,
  BudgetRepository,
  UsageRepository,
  IdentityRepository,
  AuditRepository,
  InstanceRepository,
  ForeignWrites,
  LeaseRepository,
  StorageFault,
  Store,
} from '../../core/ports/store.js';
import type { UsageSizer } from '../../core/model/flavor-size.js';
import type { Database } from '../database.js';
import { KyselyAuditRepository } from '../kysely-audit.js';
import { KyselyBucketRepository } from '../kysely-buckets.js';
import { KyselyShareRepository } from '../kysely-shares.js';
import { KyselyBudgetRepository } from '../kysely-budgets.js';
import { KyselyIdentityRepository } from '../kysely-identity.js';
import { KyselyInstanceRepository } from '../kysely-instances.js';
import { installationIdOf } from '../kysely-installation.js';
import { KyselyLeaseRepository } from '../kysely-leases.js';
import { KyselyUsageRepository } from '../kysely-usage.js';
import { probeWrite } from '../kysely-write-probes.js';
import { sqliteFaultOf } from '../store-faults.js';
import { migrateToLatest, pendingMigrations } from '../migrations/migrate.js';
import { SQLITE_SCHEMA } from '../migrations/schema-dialect.js';
import { privateDatabaseFile } from './private-files.js';
import { SqliteForeignWrites } from './sqlite-foreign-writes.js';
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
  constructor(
    config: SqliteDialectConfig,
    private readonly inTransaction: () => boolean,
  ) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * On some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has rolled the transaction back itself: a
   * second rollback would fail and hide the error that matters (the full disk) behind its own.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.inTransaction()) await super.rollbackTransaction(connection);
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #inTransaction: () => boolean;

  constructor(config: SqliteDialectConfig, inTransaction: () => boolean) {
    super(config);
    this.#config = config;
    this.#inTransaction = inTransaction;
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#inTransaction);
  }
}

function isInMemory(path: string): boolean {
  return path === '' || path === ':memory:' || path.startsWith('file::memory:');
}

export interface SqliteStoreOptions {
  usageSizes?: UsageSizer;
}

export class SqliteStore implements Store {
  readonly instances: InstanceRepository;
  readonly audit: AuditRepository;
  readonly identity: IdentityRepository;
  readonly leases: LeaseRepository;
  readonly buckets: BucketRepository;
  readonly shares: ShareRepository;
  readonly budgets: BudgetRepository;
  readonly usage: UsageRepository;
  readonly foreignWrites: ForeignWrites;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #db: Kysely<Database>;

  /**
   * Opens (creating if needed) the database file; call {@link migrate} before use. `usageSizes`
   * gives the sizes a usage period records when an instance takes a slot (core/model/flavor-size).
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
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
    this.#db = new Kysely<Database>({
      dialect: new TransactionalDdlSqliteDialect({ database: cachingStatements(sqlite) }, () => sqlite.inTransaction),
    });
    const sizeOf = options.usageSizes ?? (() => undefined);
    this.instances = new KyselyInstanceRepository(this.#db, undefined, sizeOf);
    this.usage = new KyselyUsageRepository(this.#db, sizeOf);
    this.identity = new KyselyIdentityRepository(this.#db);
    this.audit = new KyselyAuditRepository(this.#db);
    this.leases = new KyselyLeaseRepository(this.#db);
    this.buckets = new KyselyBucketRepository(this.#db);
    this.shares = new KyselyShareRepository(this.#db);
    this.budgets = new KyselyBudgetRepository(this.#db);
    this.foreignWrites = new SqliteForeignWrites(sqlite);
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

  probeWrite(replica: string, at: number): Promise<void> {
    return probeWrite(this.#db, replica, at);
  }

  faultOf(error: unknown): StorageFault | undefined {
    return sqliteFaultOf(error);
  }

  async close(): Promise<void> {
    await this.#db.destroy();
    // Kysely only closes the connection if it ever ran a query.
    if (this.#sqlite.open) this.#sqlite.close();
  }
}
