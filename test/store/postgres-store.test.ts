/**
 * @module test/store/postgres-store
 * What only the PostgreSQL store promises beyond the contract: concurrent migrations, compare-and-set
 * under real parallelism, per-connection settings, transactions retried on serialization failures
 * and deadlocks, index-backed list queries, and the URLs `openStore` accepts.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { InstanceQuery, Store } from '../../src/core/ports/store.js';
import type { Database } from '../../src/store/database.js';
import { eventQueries } from '../../src/store/kysely-events.js';
import { listQueries } from '../../src/store/kysely-instances.js';
import { openStore, pendingMigrationsOf } from '../../src/store/open-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { makeInstance, ALL_MIGRATIONS } from './fixtures.js';
import { adminQuery, createThrowawayDatabase, type ThrowawayDatabase } from './postgres-test-database.js';

let database: ThrowawayDatabase | undefined;
/** Stores a case opened; closed after it whether it passed or not. */
let opened: Store[] = [];

beforeEach(async () => {
  database = undefined;
  opened = [];
  database = await createThrowawayDatabase();
});

afterEach(async () => {
  try {
    await Promise.all(opened.map((store) => store.close()));
  } finally {
    await database?.drop();
  }
});

function url(): string {
  assert.ok(database !== undefined, 'no database: beforeEach failed');
  return database.url;
}

function newStore(options: ConstructorParameters<typeof PostgresStore>[1] = {}): PostgresStore {
  const store = new PostgresStore(url(), options);
  opened.push(store);
  return store;
}

async function migratedStore(options: ConstructorParameters<typeof PostgresStore>[1] = {}): Promise<PostgresStore> {
  const store = newStore(options);
  await store.migrate();
  return store;
}

/** Runs one raw statement on one of the store's connections. */
async function raw<R>(store: PostgresStore, query: RawBuilder<R>): Promise<R[]> {
  const result = await store.transaction((trx) => query.execute(trx), { isolation: 'read committed', attempts: 1 });
  return result.rows;
}

describe('PostgresStore migrations', () => {
  it('lets two stores migrate one fresh database at once, leaving one set of tables', async () => {
    const [a, b] = [newStore(), newStore()];
    await Promise.all([a.migrate(), b.migrate()]);

    const inDatabase = await raw(
      a,
      sql<{
        schema: string;
        name: string;
      }>`select table_schema as schema, table_name as name from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema') order by table_schema, table_name`,
    );
    assert.deepEqual(
      inDatabase.map((t) => `${t.schema}.${t.name}`),
      [
        'access_keys',
        'audit_log',
        'budgets',
        'identity_revision',
        'installation',
        'instance_counts',
        'instance_events',
        'instance_shares',
        'instances',
        'kysely_migration',
        'kysely_migration_lock',
        'leases',
        'obs_buckets',
        'projects',
        'role_assignments',
        'tokens',
        'usage_periods',
        'usage_totals',
        'users',
        'write_probes',
      ].map((t) => `public.${t}`),
    );
    const applied = await raw(a, sql<{ name: string }>`select name from kysely_migration order by name`);
    assert.deepEqual(
      applied.map((m) => m.name),
      ALL_MIGRATIONS,
    );
    // One name for the database, whichever store drew it.
    const names = await raw(a, sql<{ id: string }>`select id from installation`);
    assert.equal(names.length, 1);
    assert.deepEqual([await a.installationId(), await b.installationId()], [names[0]!.id, names[0]!.id]);

    const instance = makeInstance();
    await a.instances.insert(instance);
    assert.deepEqual(await b.instances.getById(instance.id), instance);
  });

  it('creates the sorted and compared text columns with the byte-order "C" collation', async () => {
    const store = await migratedStore();
    const columns = await raw(
      store,
      sql<{ table: string; column: string; collation: string | null }>`
        select table_name as "table", column_name as "column", collation_name as collation
        from information_schema.columns
        where table_schema = 'public' and data_type = 'text' and table_name not like 'kysely%'
        order by table_name, column_name`,
    );
    const uncollated = columns.filter((c) => c.collation !== 'C').map((c) => `${c.table}.${c.column}`);
    // Free text only: descriptions, documents, hashes and sealed secrets are never sorted or compared.
    assert.deepEqual(uncollated, [
      'access_keys.description',
      'access_keys.sealed_secret',
      'audit_log.detail',
      'audit_log.user_name',
      'instance_events.detail',
      'instances.doc',
      'projects.description',
      'users.password_hash',
    ]);
    assert.ok(columns.some((c) => c.table === 'instances' && c.column === 'name' && c.collation === 'C'));
  });
});

describe('PostgresStore compare-and-set', () => {
  it('lets exactly one of many concurrent writers of the same version win, across two pools', async () => {
    // Two stores stand for two replicas; 24 writers keep both pools of 10 saturated.
    const [a, b] = [await migratedStore(), newStore()];
    const original = makeInstance({ status: 'RUNNING' });
    await a.instances.insert(original);
    const writers = Array.from({ length: 24 }, (_, i) =>
      (i % 2 === 0 ? a : b).instances.update({ ...original, description: `writer ${i}` }),
    );
    const results = await Promise.all(writers);
    const winners = results.filter((r) => r !== undefined);
    assert.equal(winners.length, 1);
    assert.equal(winners[0]?.version, 2);
    assert.deepEqual(await a.instances.getById(original.id), winners[0]);
  });
});

describe('PostgresStore events with compare-and-set', () => {
  it('lets one of many writers across two pools win and record its event, even on a serializable-by-default server', async () => {
    await adminQuery(`alter database "${database?.name}" set default_transaction_isolation = 'serializable'`);
    const [a, b] = [await migratedStore(), newStore()];
    const original = makeInstance();
    await a.instances.insert(original);
    const writers = Array.from({ length: 24 }, (_, i) =>
      (i % 2 === 0 ? a : b).instances.update(
        { ...original, description: `writer ${i}` },
        {
          instanceId: original.id,
          projectId: original.projectId,
          at: i,
          kind: 'modify',
          from: null,
          to: null,
          by: 'u',
          replica: `r${i}`,
          detail: null,
        },
      ),
    );
    const results = await Promise.all(writers);
    const winners = results.flatMap((r, i) => (r === undefined ? [] : [i]));
    assert.equal(winners.length, 1);
    const { items, total } = await b.instances.listEvents(original.id, { offset: 0, limit: 0 });
    assert.equal(total, 1);
    assert.equal(items[0]?.replica, `r${winners[0]}`);
    const [setting] = await raw(a, sql<{ default_transaction_isolation: string }>`show default_transaction_isolation`);
    assert.equal(setting?.default_transaction_isolation, 'serializable');
  });
});

describe('PostgresStore connections', () => {
  it('sets a 15 s statement timeout on every connection by default', async () => {
    const store = await migratedStore();
    const settings = await Promise.all(
      Array.from({ length: 4 }, () => raw(store, sql<{ statement_timeout: string }>`show statement_timeout`)),
    );
    assert.deepEqual(
      settings.map((rows) => rows[0]?.statement_timeout),
      ['15s', '15s', '15s', '15s'],
    );
  });

  it('cancels a statement that runs past a configured timeout', async () => {
    const store = await migratedStore({ statementTimeoutMs: 100 });
    const started = performance.now();
    await assert.rejects(raw(store, sql`select pg_sleep(5)`), { code: '57014', message: /statement timeout/ });
    assert.ok(performance.now() - started < 2_000);
    // The connection is still usable afterwards.
    assert.equal((await store.instances.list(query())).total, 0);
  });

  it('opens no more connections than the pool size', async () => {
    const store = await migratedStore({ poolSize: 2 });
    const sleepers = Array.from({ length: 6 }, () => raw(store, sql`select pg_sleep(0.3)`));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const { rows } = await adminQuery<{ n: string }>(
      `select count(*) as n from pg_stat_activity where datname = $1 and wait_event = 'PgSleep'`,
      [database?.name],
    );
    await Promise.all(sleepers);
    assert.equal(Number(rows[0]?.n), 2);
  });

  it('rejects a pool size or timeout that makes no sense', () => {
    assert.throws(() => new PostgresStore('postgres://localhost/x', { poolSize: 0 }), RangeError);
    assert.throws(() => new PostgresStore('postgres://localhost/x', { statementTimeoutMs: -1 }), RangeError);
    assert.throws(() => new PostgresStore('postgres://localhost/x', { poolSize: 1.5 }), RangeError);
  });
});

function query(overrides: Partial<InstanceQuery> = {}): InstanceQuery {
  return { projectId: 'project-a', sortBy: 'name', order: 'asc', offset: 0, limit: 0, ...overrides };
}

describe('PostgresStore transactions', () => {
  it('re-runs a transaction that lost a serialization conflict (40001)', async () => {
    const store = await migratedStore();
    const instance = makeInstance();
    await store.instances.insert(instance);
    const codes: string[] = [];
    let attempts = 0;
    const result = await store.transaction(async (trx) => {
      attempts += 1;
      const row = await trx
        .selectFrom('instances')
        .select('version')
        .where('id', '=', instance.id)
        .executeTakeFirstOrThrow();
      if (attempts === 1) {
        // Another writer commits after this transaction's snapshot was taken.
        const current = await store.instances.getById(instance.id);
        assert.ok(current !== undefined);
        await store.instances.update({ ...current, description: 'concurrent' });
      }
      try {
        await trx.updateTable('instances').set({ status: 'STOPPED' }).where('id', '=', instance.id).execute();
      } catch (error) {
        codes.push(String((error as { code?: unknown }).code));
        throw error;
      }
      return row.version;
    });
    assert.deepEqual(codes, ['40001']);
    assert.equal(attempts, 2);
    assert.equal(result, 2);
  });

  it('re-runs the victim of a deadlock (40P01) and both transactions commit', async () => {
    const store = await migratedStore();
    const [x, y] = [makeInstance(), makeInstance()];
    await store.instances.insert(x);
    await store.instances.insert(y);

    // Each transaction locks its first row, waits until the other has too, then wants the other's.
    let firstLocks = 0;
    let bothLocked: () => void = () => {};
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const attempts = { xy: 0, yx: 0 };
    const bump = (trx: Transaction<Database>, id: string) =>
      trx
        .updateTable('instances')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .execute();
    const lockBoth = (key: 'xy' | 'yx', first: string, second: string) =>
      store.transaction(
        async (trx) => {
          attempts[key] += 1;
          // Superuser-only; the test connects as one, and it keeps the case well under a second.
          await sql`set local deadlock_timeout = '50ms'`.execute(trx);
          await bump(trx, first);
          if (attempts[key] === 1) {
            firstLocks += 1;
            if (firstLocks === 2) bothLocked();
            await barrier;
          }
          await bump(trx, second);
        },
        { isolation: 'read committed' },
      );
    await Promise.all([lockBoth('xy', x.id, y.id), lockBoth('yx', y.id, x.id)]);

    assert.equal(attempts.xy + attempts.yx, 3, `attempts: ${JSON.stringify(attempts)}`);
    assert.equal((await store.instances.getById(x.id))?.version, 3);
    assert.equal((await store.instances.getById(y.id))?.version, 3);
  });

  it('gives up after the configured attempts and rethrows the conflict', async () => {
    const store = await migratedStore();
    let attempts = 0;
    await assert.rejects(
      store.transaction(
        async () => {
          attempts += 1;
          throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        },
        { attempts: 3, sleep: async () => {} },
      ),
      { code: '40001' },
    );
    assert.equal(attempts, 3);
  });
});

describe('instance list queries on PostgreSQL', () => {
  const base = { projectId: 'p', offset: 20, limit: 10 } as const;
  const filters: Array<[string, Partial<InstanceQuery>]> = [
    ['project', {}],
    ['project+user', { userId: 'u' }],
    ['project+status', { status: 'RUNNING' }],
    ['project+user+status', { userId: 'u', status: 'RUNNING' }],
  ];

  it('read an index in sort order for every filter, sort key and direction, never sorting', async () => {
    const store = await migratedStore();
    // Plans for empty tables favour scanning; this makes the question "can an index serve the order?".
    const plans = await store.transaction(
      async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        await sql`set local enable_bitmapscan = off`.execute(trx);
        const found: Array<[string, string]> = [];
        for (const [label, filter] of filters) {
          for (const sortBy of ['name', 'creation_timestamp'] as const) {
            for (const order of ['asc', 'desc'] as const) {
              const { page } = listQueries(trx, { ...base, ...filter, sortBy, order });
              const compiled = page.compile();
              const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>({
                ...compiled,
                sql: `explain ${compiled.sql}`,
              });
              found.push([`${label} by ${sortBy} ${order}`, rows.map((r) => r['QUERY PLAN']).join(' | ')]);
            }
          }
        }
        return found;
      },
      { isolation: 'read committed' },
    );
    for (const [what, plan] of plans) {
      assert.match(plan, /Index (Only )?Scan/, `${what}: ${plan}`);
      assert.doesNotMatch(plan, /Sort/, `${what}: ${plan}`);
    }
  });
});

describe('instance event queries on PostgreSQL', () => {
  it("read one instance's history through the (instance_id, seq) index, never sorting", async () => {
    const store = await migratedStore();
    const plans = await store.transaction(
      async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        await sql`set local enable_bitmapscan = off`.execute(trx);
        const found: string[] = [];
        for (const range of [
          { offset: 0, limit: 0 },
          { offset: 20, limit: 10 },
        ]) {
          const { page, count } = eventQueries(trx, 'DE-1', range);
          for (const compiled of [page.compile(), count.compile()]) {
            const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>({
              ...compiled,
              sql: `explain ${compiled.sql}`,
            });
            found.push(rows.map((r) => r['QUERY PLAN']).join(' | '));
          }
        }
        return found;
      },
      { isolation: 'read committed' },
    );
    for (const plan of plans) {
      assert.match(plan, /Index (Only )?Scan .*instance_events_instance_seq_idx/, plan);
      assert.doesNotMatch(plan, /Sort/, plan);
    }
  });

  it('numbers events from an identity column that refuses a caller-chosen seq', async () => {
    const store = await migratedStore();
    const [column] = await raw(
      store,
      sql<{ is_identity: string; identity_generation: string; data_type: string }>`
        select is_identity, identity_generation, data_type from information_schema.columns
        where table_name = 'instance_events' and column_name = 'seq'`,
    );
    assert.deepEqual(column, { is_identity: 'YES', identity_generation: 'ALWAYS', data_type: 'bigint' });
  });
});

describe('PostgresStore ping', () => {
  it('resolves against a live server', async () => {
    await newStore().ping();
  });

  it('rejects against an unreachable server', async () => {
    const store = new PostgresStore('postgres://postgres@127.0.0.1:1/none', { connectionTimeoutMs: 2_000 });
    try {
      await assert.rejects(store.ping(), /ECONNREFUSED/);
    } finally {
      await store.close();
    }
  });
});

describe('openStore with PostgreSQL', () => {
  for (const scheme of ['postgres', 'postgresql'] as const) {
    it(`opens and migrates a ${scheme}:// URL`, async () => {
      const target = url().replace(/^postgres(ql)?:/, `${scheme}:`);
      const store = await openStore(target);
      opened.push(store);
      const instance = makeInstance();
      await store.instances.insert(instance);
      assert.deepEqual(await store.instances.getById(instance.id), instance);
      assert.ok(store instanceof PostgresStore);
      const applied = await raw(store, sql<{ name: string }>`select name from kysely_migration order by name`);
      assert.deepEqual(
        applied.map((m) => m.name),
        ALL_MIGRATIONS,
      );
    });
  }

  it('reports pending migrations without running them', async () => {
    assert.deepEqual(await pendingMigrationsOf(url()), ALL_MIGRATIONS);
    assert.deepEqual(await pendingMigrationsOf(url()), ALL_MIGRATIONS);
    await migratedStore();
    assert.deepEqual(await pendingMigrationsOf(url()), []);
  });

  it('fails with the cause when the server refuses the connection', async () => {
    // Port 1 on the loopback address: nothing listens there, so the refusal is immediate.
    await assert.rejects(
      openStore('postgres://postgres@127.0.0.1:1/none'),
      /database migration failed: .*ECONNREFUSED/,
    );
  });
});
