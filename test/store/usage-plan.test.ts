/**
 * @module test/store/usage-plan
 * Usage reads are index-bound on every store: each read of a window (core/model/usage) searches an
 * index led by the column it filters on and bounded by when the periods ended, so its cost follows
 * the periods in the window, not the history before it (bench/usage measures that at scale). Read
 * from the engines' own plans of the queries the repository runs. PostgreSQL plans with sequential
 * scans priced out, which shows the index it can use; on a year of data its planner may still read
 * a flavor's window through the index of when periods ended (one flavor of five is a fifth of
 * every period), which the window bounds as well (bench/RESULTS.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type CompiledQuery } from 'kysely';
import type { UsageQuery } from '../../src/core/model/usage.js';
import { openPeriodsQuery, usageQueries } from '../../src/store/kysely-usage.js';
import { T0 } from './fixtures.js';
import { planOf } from './query-plan.js';
import { STORE_FACTORIES } from './store-factories.js';

const DAY = 86_400_000;
const window = { since: T0 - 30 * DAY, until: T0 };

/**
 * Each read, and the index it must search (a pattern). The open periods of every project may also be
 * read whole from the partial index of open periods, which holds exactly those.
 */
const READS: Array<[string, UsageQuery, string, string?]> = [
  ["one project's window", { ...window, projectId: 'p' }, 'usage_periods_project_idx'],
  ["one user's window", { ...window, userId: 'u' }, 'usage_periods_user_idx'],
  ["one flavor's window", { ...window, flavor: 'f' }, 'usage_periods_flavor_idx'],
  ['every project’s window', window, 'usage_periods_ended_idx', 'usage_periods_(ended|open)_idx'],
];

for (const factory of STORE_FACTORIES) {
  const engine = factory.name === 'postgres' ? 'postgres' : 'sqlite';
  const postgres = engine === 'postgres';
  describe(`usage queries search their index (${factory.name})`, () => {
    it('read each window and the open periods through an index led by what they filter on, never a scan', async () => {
      const database = await factory.createDatabase();
      try {
        await (await database.open()).close();
        await database.withKysely((db) =>
          db.transaction().execute(async (trx) => {
            // A near-empty table costs less to scan than to search: PostgreSQL is told to plan as it
            // would for a table of any size, so the plan shows which index it can use.
            if (postgres) await sql`set local enable_seqscan = off`.execute(trx);
            const cases: Array<[string, CompiledQuery, string]> = [];
            for (const [label, query, index, openIndex = index] of READS) {
              const { open, ended } = usageQueries(trx, query);
              cases.push([`${label}, open`, open.compile(), openIndex], [`${label}, ended`, ended.compile(), index]);
            }
            cases.push([
              "one project's open periods",
              openPeriodsQuery(trx, { projectId: 'p' }).compile(),
              'usage_periods_project_idx',
            ]);
            for (const [label, query, index] of cases) {
              const plan = await planOf(trx, engine, query);
              const what = `${label}: ${plan}`;
              if (postgres) {
                assert.match(plan, new RegExp(`Index (Only )?Scan using ${index}|Bitmap Index Scan on ${index}`), what);
                assert.doesNotMatch(plan, /Seq Scan/, what);
              } else {
                assert.match(plan, new RegExp(`SEARCH usage_periods USING (COVERING )?INDEX ${index} `), what);
                assert.doesNotMatch(plan, /SCAN usage_periods(?! USING)|TEMP B-TREE/, what);
              }
            }
          }),
        );
      } finally {
        await database.drop();
      }
    });
  });
}
