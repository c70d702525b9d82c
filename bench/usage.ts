/**
 * @module bench/usage
 * Usage reads at scale: a SQLite store holding a year of usage periods of N instances (100,000 by
 * default) over many projects, users and flavors. Times each read the usage report, budgets and
 * the fair queue make, beside the same read on a second store that holds only the periods of the
 * last 31 days (the baseline, measured in turns with it): a read that is index-bound takes about as
 * long on both, since both return the same rows. Also prints each read's plan, and the same reads
 * made to scan the whole table, for contrast.
 *
 *   npm run bench -- usage [--instances N] [--periods K] [--smoke]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { BUILTIN_CATALOG } from '../src/core/model/builtin-catalog.js';
import { flavorSize, sizerOf } from '../src/core/model/flavor-size.js';
import type { UsageQuery } from '../src/core/model/usage.js';
import type { Store } from '../src/core/ports/store.js';
import type { Database } from '../src/store/database.js';
import { openPeriodsQuery, usageQueries } from '../src/store/kysely-usage.js';
import { openStore } from '../src/store/open-store.js';
import { planOf } from '../test/store/query-plan.js';
import { figure, percentile } from './support/measure.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    periods: { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
  strict: false,
});
const smoke = values.smoke === true;
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

/**
 * Writes the year to `year` and the periods of its last {@link BASELINE_DAYS} days to `recent`, in
 * bulk, in the order a server writes them (period by period across instances, as time goes by):
 * instance i's K periods each fall in its own K-th of the year, and the last may still be open.
 */
function seed(year: BetterSqlite3.Database, recent: BetterSqlite3.Database, now: number): [number, number] {
  const insert = `insert into usage_periods (instance_id, instance_name, project_id, user_id, user_name, flavor,
      cpus, memory_gib, gpus, started_at, ended_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const [intoYear, intoRecent] = [year.prepare(insert), recent.prepare(insert)];
  const next = random(20);
  const step = YEAR / perInstance;
  const cutoff = now - BASELINE_DAYS * DAY;
  const openOnes = new Set<number>();
  for (let i = 0; i < total; i++) if (next() < OPEN_SHARE) openOnes.add(i);
  let [inYear, inRecent] = [0, 0];
  const write = () => {
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
          flavor.size?.cpus ?? null,
          flavor.size?.memoryGib ?? null,
          flavor.size?.gpus ?? null,
          start,
          end,
        ];
        intoYear.run(row);
        inYear++;
        if (end === null || end > cutoff) {
          intoRecent.run(row);
          inRecent++;
        }
      }
    }
  };
  year.transaction(() => recent.transaction(write)())();
  return [inYear, inRecent];
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

/** The median ms of the same SQL made to read the whole table (`NOT INDEXED`), rows decoded alike. */
function scanMs(raw: BetterSqlite3.Database, queries: CompiledQuery[]): number {
  const scans = queries.map((q) =>
    raw.prepare(q.sql.replace('from "usage_periods"', 'from "usage_periods" not indexed')),
  );
  const times: number[] = [];
  for (let run = 0; run < scanRuns; run++) {
    const started = performance.now();
    for (const [i, scan] of scans.entries()) scan.all(...(queries[i]!.parameters as unknown[]));
    times.push(performance.now() - started);
  }
  return percentile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'demanager-bench-usage-'));
try {
  const now = Date.now();
  const [yearFile, recentFile] = [join(dir, 'year.db'), join(dir, 'recent.db')];
  for (const file of [yearFile, recentFile]) await (await openStore(`sqlite:${file}`)).close();
  const [yearRaw, recentRaw] = [new BetterSqlite3(yearFile), new BetterSqlite3(recentFile)];
  const seedStart = Date.now();
  const [inYear, inRecent] = seed(yearRaw, recentRaw, now);
  recentRaw.close();
  figure(
    'usage',
    'seeded usage periods over a year',
    inYear,
    `${total} instances, ${PROJECTS} projects, ${USERS} users, ${FLAVORS.length} flavors; in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  figure('usage', `baseline store: periods of the last ${BASELINE_DAYS} days`, inRecent);

  const stores = [
    await openStore(`sqlite:${yearFile}`, { usageSizes: SIZES }),
    await openStore(`sqlite:${recentFile}`, { usageSizes: SIZES }),
  ];
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: yearRaw }) });
  try {
    for (const read of reads(now)) {
      const [rows, baselineRows] = [await rowsOf(stores[0]!, read), await rowsOf(stores[1]!, read)];
      // Both stores must answer alike, or the baseline measures another read.
      if (rows !== baselineRows) throw new Error(`${read.label}: ${rows} rows, but ${baselineRows} on the baseline`);
      const [ms, baselineMs] = await timeInTurns(stores, read);
      figure(
        'usage',
        `${read.label} (ms)`,
        ms!,
        `${rows} rows · baseline ${baselineMs!.toFixed(2)} · ×${(ms! / baselineMs!).toFixed(2)}`,
      );
      const queries = compiled(db, read);
      if (read.query) figure('usage', `  the same, scanning the whole table (ms, SQL only)`, scanMs(yearRaw, queries));
      for (const query of queries) console.log(`usage      |   plan: ${await planOf(db, 'sqlite', query)}`);
    }
  } finally {
    for (const store of stores) await store.close();
    await db.destroy();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
