/**
 * @module test/store/sqlite-store
 * What only the SQLite store promises beyond the contract: its file settings, atomic migrations,
 * index-backed list queries, and the SQLite URLs `openStore` accepts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { InstanceQuery } from '../../src/core/ports/store.js';
import type { Database } from '../../src/store/database.js';
import { eventQueries } from '../../src/store/kysely-events.js';
import { listQueries } from '../../src/store/kysely-instances.js';
import { openStore, pendingMigrationsOf } from '../../src/store/open-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { T0, makeInstance, ALL_MIGRATIONS } from './fixtures.js';
import type { LeaseRaceJob } from './lease-race-worker.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demanager-sqlite-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function tableNames(file: string): string[] {
  const raw = new BetterSqlite3(file, { readonly: true });
  try {
    const rows = raw.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{
      name: string;
    }>;
    return rows.map((r) => r.name);
  } finally {
    raw.close();
  }
}

describe('SqliteStore', () => {
  it('creates missing parent directories and leaves the file in WAL mode', async () => {
    const file = join(dir, 'a', 'b', 'store.db');
    const store = new SqliteStore(file);
    await store.migrate();
    await store.instances.insert(makeInstance());
    await store.close();
    assert.ok(existsSync(file));
    const raw = new BetterSqlite3(file);
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      raw.close();
    }
  });

  it('reports a failed migration by name and rolls the whole migration back', async () => {
    const file = join(dir, 'store.db');
    const raw = new BetterSqlite3(file);
    // A table the first migration creates, already there with another shape, makes it fail midway.
    raw.exec('create table tokens (unrelated text)');
    raw.close();
    const store = new SqliteStore(file);
    try {
      await assert.rejects(store.migrate(), /migration 0001-initial failed: .*tokens.*already exists/);
    } finally {
      await store.close();
    }
    const tables = tableNames(file);
    assert.ok(tables.includes('tokens'));
    assert.ok(!tables.includes('instances'), `left behind: ${tables.join(', ')}`);
    assert.ok(!tables.includes('users'), `left behind: ${tables.join(', ')}`);
  });

  it('opens an in-memory database', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    const instance = makeInstance();
    await store.instances.insert(instance);
    assert.deepEqual(await store.instances.getById(instance.id), instance);
    await store.close();
  });
});

describe('instance list queries on SQLite', () => {
  const base = { projectId: 'p', offset: 20, limit: 10 } as const;
  const filters: Array<[string, Partial<InstanceQuery>]> = [
    ['project', {}],
    ['project+user', { userId: 'u' }],
    ['project+status', { status: 'RUNNING' }],
    ['project+user+status', { userId: 'u', status: 'RUNNING' }],
  ];

  it('read an index in sort order for every filter, sort key and direction, never sorting', async () => {
    const file = join(dir, 'plan.db');
    const store = new SqliteStore(file);
    await store.migrate();
    await store.close();

    const raw = new BetterSqlite3(file);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
    try {
      for (const [label, filter] of filters) {
        for (const sortBy of ['name', 'creation_timestamp'] as const) {
          for (const order of ['asc', 'desc'] as const) {
            const { page, count } = listQueries(db, { ...base, ...filter, sortBy, order });
            const compiled = page.compile();
            const plan = (
              raw.prepare(`explain query plan ${compiled.sql}`).all(...compiled.parameters) as Array<{ detail: string }>
            )
              .map((r) => r.detail)
              .join(' | ');
            const what = `${label} by ${sortBy} ${order}: ${plan}`;
            assert.match(plan, /USING (COVERING )?INDEX/, what);
            assert.doesNotMatch(plan, /TEMP B-TREE/, what);
            const counted = count.compile();
            const countPlan = (
              raw.prepare(`explain query plan ${counted.sql}`).all(...counted.parameters) as Array<{ detail: string }>
            )
              .map((r) => r.detail)
              .join(' | ');
            assert.match(countPlan, /USING (COVERING )?INDEX/, `count ${label}: ${countPlan}`);
          }
        }
      }
    } finally {
      await db.destroy();
    }
  });
});

/** Starts a replica thread; `ready` resolves once it holds its connection and waits at the gate. */
function startReplica(job: LeaseRaceJob): { ready: Promise<void>; won: Promise<string[]> } {
  // Node 20 ignores `--import tsx` in a worker's execArgv for its entry module, so a CommonJS
  // bootstrap registers tsx first and then imports the TypeScript worker.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./lease-race-worker.ts', import.meta.url).href);
  const bootstrap = `import(${tsx}).then(({ register }) => { register(); return import(${entry}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: job });
  let ready: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  const won = new Promise<string[]>((resolve, reject) => {
    let outcome: string[] | undefined;
    worker.on('message', (message: { ready?: true; won?: string[] }) => {
      if (message.ready) ready();
      if (message.won !== undefined) outcome = message.won;
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      outcome === undefined ? reject(new Error(`replica exited with ${code}`)) : resolve(outcome),
    );
  });
  return { ready: readyPromise, won };
}

describe('SQLite leases across connections', () => {
  it('gives a free lease to exactly one of 20 holders racing from 4 threads, each with its own connection', async () => {
    const file = join(dir, 'leases.db');
    const store = new SqliteStore(file);
    await store.migrate();
    await store.close();

    // In one thread better-sqlite3 runs statements one at a time; threads really overlap. Four
    // threads, not twenty: each one boots its own TypeScript loader, which takes most of a second.
    const gate = new SharedArrayBuffer(4);
    const replicas = Array.from({ length: 4 }, (_, r) =>
      startReplica({
        file,
        holders: Array.from({ length: 5 }, (_, i) => `racer-${r}-${i}`),
        now: T0,
        ttlMs: 30_000,
        gate,
      }),
    );
    await Promise.all(replicas.map((r) => r.ready));
    Atomics.store(new Int32Array(gate), 0, 1);
    Atomics.notify(new Int32Array(gate), 0);
    const winners = (await Promise.all(replicas.map((r) => r.won))).flat();

    assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
    const check = new SqliteStore(file);
    try {
      assert.equal(await check.leases.holder('reconciler', T0), winners[0]);
    } finally {
      await check.close();
    }
  });
});

describe('instance event queries on SQLite', () => {
  it("read one instance's history through the (instance_id, seq) index, never sorting", async () => {
    const store = new SqliteStore(join(dir, 'events.db'));
    await store.migrate();
    await store.close();
    const raw = new BetterSqlite3(join(dir, 'events.db'));
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
    try {
      for (const range of [
        { offset: 0, limit: 0 },
        { offset: 20, limit: 10 },
      ]) {
        const { page, count } = eventQueries(db, 'DE-1', range);
        for (const query of [page.compile(), count.compile()]) {
          const plan = (
            raw.prepare(`explain query plan ${query.sql}`).all(...query.parameters) as Array<{ detail: string }>
          )
            .map((r) => r.detail)
            .join(' | ');
          assert.match(plan, /USING (COVERING )?INDEX instance_events_instance_seq_idx/, plan);
          assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
        }
      }
    } finally {
      await db.destroy();
    }
  });
});

describe('openStore', () => {
  const forms: Array<[string, (file: string) => string]> = [
    ['a bare path', (file) => file],
    ['sqlite:<path>', (file) => `sqlite:${file}`],
    ['sqlite://<absolute path>', (file) => `sqlite://${file}`],
  ];
  for (const [label, url] of forms) {
    it(`opens and migrates SQLite from ${label}`, async () => {
      const file = join(dir, 'nested', 'store.db');
      const store = await openStore(url(file));
      const instance = makeInstance();
      await store.instances.insert(instance);
      await store.close();
      assert.ok(existsSync(file));
      assert.ok(tableNames(file).includes('instances'));
    });
  }

  it('reports pending migrations of a file without running them', async () => {
    const file = join(dir, 'pending.db');
    assert.deepEqual(await pendingMigrationsOf(file), ALL_MIGRATIONS);
    assert.deepEqual(tableNames(file), []);
    await (await openStore(file)).close();
    assert.deepEqual(await pendingMigrationsOf(`sqlite:${file}`), []);
  });

  it('opens sqlite::memory:', async () => {
    const store = await openStore('sqlite::memory:');
    assert.deepEqual(await store.identity.listUsers(), []);
    await store.close();
  });

  it('refuses unknown schemes and a sqlite: URL without a file', async () => {
    await assert.rejects(openStore('mysql://localhost/db'), /unsupported database URL scheme "mysql:"/);
    await assert.rejects(openStore('sqlite:'), /names no file/);
  });

  it('fails with the name of the migration that failed', async () => {
    const file = join(dir, 'broken.db');
    const raw = new BetterSqlite3(file);
    raw.exec('create table instances (unrelated text)');
    raw.close();
    await assert.rejects(openStore(file), /migration 0001-initial failed: .*instances.*already exists/);
  });
});
