/**
 * @module store/postgres/postgres-store
 * The PostgreSQL store: a pg connection pool behind Kysely's PostgresDialect, serving the
 * dialect-neutral repositories and migrations.
 */
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type IsolationLevel, type Transaction } from 'kysely';
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
import type { KeyLock } from '../key-lock.js';
import { KyselyInstanceRepository } from '../kysely-instances.js';
import { installationIdOf } from '../kysely-installation.js';
import { KyselyLeaseRepository } from '../kysely-leases.js';
import { KyselyUsageRepository } from '../kysely-usage.js';
import { probeWrite } from '../kysely-write-probes.js';
import { postgresFaultOf } from '../store-faults.js';
import { migrateToLatest, pendingMigrations } from '../migrations/migrate.js';
import { POSTGRES_SCHEMA } from '../migrations/schema-dialect.js';
import { PostgresForeignWrites } from './postgres-foreign-writes.js';
import { retryTransaction, type TransactionRetryOptions } from './transaction-retry.js';

export interface PostgresStoreOptions {
  /** Connections the pool keeps at most. Default 10. */
  poolSize?: number;
  /** Every statement on a store connection is cancelled after this long; 0 for none. Default 15 s. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, new or from a busy pool, before failing. Default 10 s. */
  connectionTimeoutMs?: number;
  /** The sizes a usage period records when an instance takes a slot (core/model/flavor-size). */
  usageSizes?: UsageSizer;
}

export interface PostgresTransactionOptions extends TransactionRetryOptions {
  /** Default `serializable`, the level at which PostgreSQL reports conflicts as 40001. */
  isolation?: IsolationLevel;
}

const DEFAULTS = { poolSize: 10, statementTimeoutMs: 15_000, connectionTimeoutMs: 10_000 } as const;

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

/** Parameters in the URL (`?statement_timeout=…`, `?options=…`) take precedence over these. */
function poolConfig(url: string, max: number, statementTimeoutMs: number, connectionTimeoutMs: number): pg.PoolConfig {
  return {
    connectionString: url,
    max,
    // A startup parameter, so it holds for the connection's whole life with no extra round trip.
    statement_timeout: statementTimeoutMs === 0 ? false : statementTimeoutMs,
    connectionTimeoutMillis: connectionTimeoutMs,
    fallback_application_name: 'demanager',
  };
}

function kyselyOver(pool: pg.Pool): Kysely<Database> {
  // An idle connection the server dropped (restart, failover) emits 'error' on the pool, which would
  // crash the process if unheard; the pool has already discarded it and the next query reconnects.
  pool.on('error', () => {});
  // A connection dropped while checked out (between a transaction's statements) emits 'error' on its
  // client instead: the statement in flight, or the next one, fails with it and the pool discards it.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export class PostgresStore implements Store {
  readonly instances: InstanceRepository;
  readonly audit: AuditRepository;
  readonly identity: IdentityRepository;
  readonly leases: LeaseRepository;
  readonly buckets: BucketRepository;
  readonly shares: ShareRepository;
  readonly budgets: BudgetRepository;
  readonly usage: UsageRepository;
  readonly foreignWrites: ForeignWrites;
  readonly #listener: PostgresForeignWrites;
  readonly #pool: pg.Pool;
  readonly #db: Kysely<Database>;
  readonly #url: string;
  readonly #connectionTimeoutMs: number;

  /** Connects lazily: nothing reaches the server before the first query. Call {@link migrate} before use. */
  constructor(url: string, options: PostgresStoreOptions = {}) {
    const poolSize = checkCount('poolSize', options.poolSize ?? DEFAULTS.poolSize, 1);
    const statementTimeoutMs = checkCount(
      'statementTimeoutMs',
      options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
      0,
    );
    this.#connectionTimeoutMs = checkCount(
      'connectionTimeoutMs',
      options.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
      0,
    );
    this.#url = url;
    this.#pool = new pg.Pool(poolConfig(url, poolSize, statementTimeoutMs, this.#connectionTimeoutMs));
    this.#db = kyselyOver(this.#pool);
    // Limits (capacity, quotas) and bucket claims are checked under a transaction-scoped advisory lock per key.
    const lock: KeyLock = async (trx, key) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
    };
    const sizeOf = options.usageSizes ?? (() => undefined);
    this.instances = new KyselyInstanceRepository(this.#db, lock, sizeOf);
    this.usage = new KyselyUsageRepository(this.#db, sizeOf);
    this.buckets = new KyselyBucketRepository(this.#db, lock);
    this.shares = new KyselyShareRepository(this.#db);
    this.budgets = new KyselyBudgetRepository(this.#db, lock);
    this.identity = new KyselyIdentityRepository(this.#db);
    this.audit = new KyselyAuditRepository(this.#db);
    this.leases = new KyselyLeaseRepository(this.#db);
    this.#listener = new PostgresForeignWrites(url);
    this.foreignWrites = this.#listener;
  }

  /**
   * Runs on a connection of its own without the statement timeout: a future migration may rewrite a
   * large table, and a second process starting meanwhile must be able to wait for the migration
   * lock (Kysely's advisory lock, which serialises concurrent callers) for as long as that takes.
   */
  async migrate(): Promise<void> {
    const db = kyselyOver(new pg.Pool(poolConfig(this.#url, 1, 0, this.#connectionTimeoutMs)));
    try {
      await migrateToLatest(db, POSTGRES_SCHEMA);
    } finally {
      await db.destroy();
    }
  }

  async pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.#db, POSTGRES_SCHEMA);
  }

  /** Takes a pooled connection, opening one if none is idle, so an unreachable server rejects. */
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
    return postgresFaultOf(error);
  }

  /**
   * Runs `work` in one transaction, re-running it whole when PostgreSQL aborts it for a
   * serialization conflict or a deadlock; see {@link retryTransaction} for what `work` may do.
   */
  async transaction<T>(
    work: (trx: Transaction<Database>) => Promise<T>,
    options: PostgresTransactionOptions = {},
  ): Promise<T> {
    const { isolation = 'serializable', ...retry } = options;
    return retryTransaction(() => this.#db.transaction().setIsolationLevel(isolation).execute(work), retry);
  }

  /** Ends the pool, waiting for queries in flight. */
  async close(): Promise<void> {
    await this.#listener.close();
    await this.#db.destroy();
    // Kysely only ends the pool if it ever ran a query; an unended pool would serve later ones.
    if (!this.#pool.ending) await this.#pool.end();
  }
}
