/**
 * @module bench/usage
 * Usage reads at scale: a store (SQLite, or PostgreSQL with `--postgres`) holding a year of usage
 * periods of N instances (100,000 by default) over many projects, users and flavors. Times each read the usage report, budgets and
 * the fair queue make, beside the same read on a second store that holds only the periods of the
 * last 31 days (the baseline, measured in turns with it): a read that is index-bound takes about as
 * long on both, since both return the same rows. Also prints each read's plan, and the same reads
 * made to scan the whole table, for contrast.
 *
 *   npm run bench -- usage [--instances N] [--periods K] [--postgres] [--smoke]
 *
 * PostgreSQL: throwaway databases on the test server (`DEMANAGER_TEST_PG_URL`, by default
 * 127.0.0.1:5432), analysed once seeded, as autovacuum would have done by the time a year is on record.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { BUILTIN_CATALOG } from '../src/core/model/builtin-catalog.js';
import { flavorSize, sizerOf } from '../src/core/model/flavor-size.js';
import type { UsageQuery } from '../src/core/model/usage.js';
import type { Store } from '../src/core/ports/store.js';
import type { Database } from '../src/store/database.js';
import { openPeriodsQuery, usageQueries } from '../src/store/kysely-usage.js';
import { openStore } from '../src/store/open-store.js';
import { createThrowawayDatabase } from '../test/store/postgres-test-database.js';
import { planOf } from '../test/store/query-plan.js';
import { figure, percentile } from './support/measure.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    periods: { type: 'string' },
    postgres: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
  },
  strict: false,
});
const smoke = values.smoke === true;
const engine = values.postgres === true ? 'postgres' : 'sqlite';
const total = Number(values.instances ?? (smoke ? 2_000 : 100_000));
/** Periods per instance over the year. */
const perInstance = Number(values.periods ?? 15);
const runs = smoke ? 3 : 21;
const scanRuns = smoke ? 1 : 3;
const PROJECTS = 200;
const USERS = 2_000;
/** Of the instances, those whose last period is still open (holding a slot now). */
const OPEN_SHARE = 0.3;
const DAY = 86_400_000;
const YEAR = 365 * DAY;
/** The baseline store keeps the periods that overlap these last days: every window read below. */
const BASELINE_DAYS = 31;

const SIZES = sizerOf(BUILTIN_CATALOG.flavors);
const FLAVORS = BUILTIN_CATALOG.flavors.map((f) => ({ name: f.name, size: flavorSize(f) }));

/** A small deterministic generator (mulberry32), so that every run seeds the same history. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const projectOf = (user: number) => `bench-project-${pad(user % PROJECTS, 3)}`;
const userId = (user: number) => `bench-user-${pad(user, 4)}`;

const COLUMNS = [
  'instance_id',
  'instance_name',
  'project_id',
  'user_id',
  'user_name',
  'flavor',
  'cpus',
  'memory_gib',
  'gpus',
  'started_at',
  'ended_at',
] as const;
type Row = unknown[];

/**
 * The year, in the order a server writes it (period by period across instances, as time goes by):
 * instance i's K periods each fall in its own K-th of the year, and the last may still be open.
 * Each row comes with whether the baseline store holds it too (it overlaps the last
 * {@link BASELINE_DAYS} days).
 */
function* periods(now: number): Generator<[Row, boolean]> {
  const next = random(20);
  const step = YEAR / perInstance;
  const cutoff = now - BASELINE_DAYS * DAY;
  const openOnes = new Set<number>();
  for (let i = 0; i < total; i++) if (next() < OPEN_SHARE) openOnes.add(i);
  for (let k = 0; k < perInstance; k++) {
    for (let i = 0; i < total; i++) {
      const user = i % USERS;
      const flavor = FLAVORS[Math.floor(next() * FLAVORS.length)]!;
      const start = Math.round(now - YEAR + k * step + next() * step * 0.5);
      const open = k === perInstance - 1 && openOnes.has(i);
      const end = open ? null : Math.round(start + 60_000 + next() * step * 0.5);
      const row = [
        `bench-${pad(i, 6)}`,
        `notebook-${i}`,
        projectOf(user),
        userId(user),
        `user ${user}`,
        flavor.name,
        flavor.size.cpus,
        flavor.size.memoryGib,
        flavor.size.gpus,
        start,
        end,
      ];
      yield [row, end === null || end > cutoff];
    }
  }
}

/** One store under test, seeded in bulk beside its baseline. */
interface Bench {
  /** The year's store and the baseline's, migrated and seeded. */
  stores: Store[];
  /** Over the year's database: for plans. */
  db: Kysely<Database>;
  /** The median ms of the same SQL on the year's database, made to read the whole table. */
  scanMs(queries: CompiledQuery[]): Promise<number>;
  close(): Promise<void>;
}

async function medianMs(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < scanRuns; run++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return percentile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

async function seededSqlite(dir: string, now: number): Promise<[Bench, number, number]> {
  const files = [join(dir, 'year.db'), join(dir, 'recent.db')];
  for (const file of files) await (await openStore(`sqlite:${file}`)).close();
  const [year, recent] = files.map((file) => new BetterSqlite3(file)) as [
    BetterSqlite3.Database,
    BetterSqlite3.Database,
  ];
  const insert = `insert into usage_periods (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`;
  const [intoYear, intoRecent] = [year.prepare(insert), recent.prepare(insert)];
  let [inYear, inRecent] = [0, 0];
  year.transaction(() =>
    recent.transaction(() => {
      for (const [row, alsoRecent] of periods(now)) {
        intoYear.run(row);
        inYear++;
        if (alsoRecent) {
          intoRecent.run(row);
          inRecent++;
        }
      }
    })(),
  )();
  recent.close();
  const stores = await Promise.all(files.map((file) => openStore(`sqlite:${file}`, { usageSizes: SIZES })));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: year }) });
  return [
    {
      stores,
      db,
      scanMs: (queries) => {
        const scans = queries.map((q) =>
          year.prepare(q.sql.replace('from "usage_periods"', 'from "usage_periods" not indexed')),
        );
        return medianMs(async () => {
          for (const [i, scan] of scans.entries()) scan.all(...(queries[i]!.parameters as unknown[]));
        });
      },
      close: async () => {
        for (const store of stores) await store.close();
        await db.destroy();
      },
    },
    inYear,
    inRecent,
  ];
}

/** Rows per bulk insert on PostgreSQL: one statement of column arrays, unnested. */
const PG_BATCH = 10_000;
const PG_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'float8', 'float8', 'float8', 'int8', 'int8'];

async function seededPostgres(now: number): Promise<[Bench, number, number]> {
  const databases = [await createThrowawayDatabase(), await createThrowawayDatabase()];
  for (const database of databases) await (await openStore(database.url)).close();
  const pools = databases.map((database) => new pg.Pool({ connectionString: database.url, max: 1 }));
  const insert = `insert into usage_periods (${COLUMNS.join(', ')}) select * from unnest(${PG_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
  const batches: Row[][] = [[], []];
  const flush = async (which: number) => {
    const rows = batches[which]!;
    if (rows.length === 0) return;
    await pools[which]!.query(
      insert,
      COLUMNS.map((_, c) => rows.map((row) => row[c])),
    );
    batches[which] = [];
  };
  let [inYear, inRecent] = [0, 0];
  for (const [row, alsoRecent] of periods(now)) {
    batches[0]!.push(row);
    inYear++;
    if (alsoRecent) {
      batches[1]!.push(row);
      inRecent++;
    }
    for (const which of [0, 1]) if (batches[which]!.length >= PG_BATCH) await flush(which);
  }
  for (const which of [0, 1]) await flush(which);
  for (const pool of pools) await pool.query('analyze usage_periods');
  const stores = await Promise.all(databases.map((database) => openStore(database.url, { usageSizes: SIZES })));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pools[0]! }) });
  return [
    {
      stores,
      db,
      scanMs: (queries) =>
        db.connection().execute(async (conn) => {
          await sql`set enable_indexscan = off`.execute(conn);
          await sql`set enable_bitmapscan = off`.execute(conn);
          try {
            return await medianMs(async () => {
              for (const query of queries) await conn.executeQuery(query);
            });
          } finally {
            await sql`reset all`.execute(conn);
          }
        }),
      close: async () => {
        for (const store of stores) await store.close();
        await db.destroy();
        await pools[1]!.end();
        for (const database of databases) await database.drop();
      },
    },
    inYear,
    inRecent,
  ];
}

interface Read {
  label: string;
  query?: UsageQuery;
  /** open(filter) instead of a window. */
  open?: { projectId: string };
}

function reads(now: number): Read[] {
  const month = new Date(now);
  const monthStart = Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1);
  return [
    { label: "one project's current month", query: { projectId: projectOf(7), since: monthStart, until: now } },
    { label: "one user's last 30 days", query: { userId: userId(42), since: now - 30 * DAY, until: now } },
    { label: "one flavor's last 7 days", query: { flavor: FLAVORS[0]!.name, since: now - 7 * DAY, until: now } },
    { label: "every project's current month", query: { since: monthStart, until: now } },
    { label: "one project's open periods", open: { projectId: projectOf(7) } },
  ];
}

async function rowsOf(store: Store, read: Read): Promise<number> {
  return (read.query ? await store.usage.overlapping(read.query) : await store.usage.open(read.open!)).length;
}

/** The median ms of `runs` reads on each store, taken in turns so the machine's noise falls on both. */
async function timeInTurns(stores: Store[], read: Read): Promise<number[]> {
  const times: number[][] = stores.map(() => []);
  for (let run = 0; run < runs; run++)
    for (const [s, store] of stores.entries()) {
      const started = performance.now();
      await rowsOf(store, read);
      times[s]!.push(performance.now() - started);
    }
  return times.map((t) =>
    percentile(
      t.sort((a, b) => a - b),
      0.5,
    ),
  );
}

/** The compiled SQL the repository runs for `read`. */
function compiled(db: Kysely<Database>, read: Read): CompiledQuery[] {
  if (read.open) return [openPeriodsQuery(db, read.open).compile()];
  const { open, ended } = usageQueries(db, read.query!);
  return [open.compile(), ended.compile()];
}

const dir = await mkdtemp(join(tmpdir(), 'demanager-bench-usage-'));
try {
  const now = Date.now();
  const seedStart = Date.now();
  const [bench, inYear, inRecent] = engine === 'postgres' ? await seededPostgres(now) : await seededSqlite(dir, now);
  try {
    figure(
      'usage',
      `seeded usage periods over a year (${engine})`,
      inYear,
      `${total} instances, ${PROJECTS} projects, ${USERS} users, ${FLAVORS.length} flavors; in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    figure('usage', `baseline store: periods of the last ${BASELINE_DAYS} days`, inRecent);
    const [year, recent] = bench.stores as [Store, Store];
    for (const read of reads(now)) {
      const [rows, baselineRows] = [await rowsOf(year, read), await rowsOf(recent, read)];
      // Both stores must answer alike, or the baseline measures another read.
      if (rows !== baselineRows) throw new Error(`${read.label}: ${rows} rows, but ${baselineRows} on the baseline`);
      const [ms, baselineMs] = await timeInTurns(bench.stores, read);
      figure(
        'usage',
        `${read.label} (ms)`,
        ms!,
        `${rows} rows · baseline ${baselineMs!.toFixed(2)} · ×${(ms! / baselineMs!).toFixed(2)}`,
      );
      const queries = compiled(bench.db, read);
      if (read.query)
        figure('usage', '  the same, scanning the whole table (ms, SQL only)', await bench.scanMs(queries));
      for (const query of queries) console.log(`usage      |   plan: ${await planOf(bench.db, engine, query)}`);
    }
  } finally {
    await bench.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
