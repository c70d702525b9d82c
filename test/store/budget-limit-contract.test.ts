/**
 * Contract: budget limits on every dialect. A write that makes an instance run is checked against
 * the budgets of its project and owner in the write's own transaction, over the usage periods that
 * transaction sees: refused (BudgetSpentError, nothing written) when one is spent in a resource the
 * instance uses, after its capacity limits; and a budget written meanwhile by another connection,
 * under the budget's lock, is seen by the write that waited for it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { BudgetSpentError, LimitReachedError, type BudgetLimit, type SlotLimit } from '../../src/core/ports/store.js';
import type { Budget } from '../../src/core/model/budget.js';
import { budgetLockKey } from '../../src/store/kysely-budgets.js';
import { contractCase } from './contract-case.js';
import { makeInstance, makeProject, makeUser } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 10, 9);
const USER = 'budget-user';
const PROJECT = 'budget-project';
/** modelarts.vm.cpu.2u: two CPUs, no GPU (the sizes the factories' stores record). */
const TWO_CPUS = { cpus: 2, memoryGib: 8, gpus: 0 };
const budgetAt = (at: number): BudgetLimit => ({
  scope: 'budget',
  projectId: PROJECT,
  userId: USER,
  size: TWO_CPUS,
  at,
});
const budget = (overrides: Partial<Budget>): Budget => ({
  scope: 'user',
  targetId: USER,
  gpuHours: null,
  cpuHours: null,
  period: 'month',
  setBy: 'admin',
  setAt: T0,
  ...overrides,
});
const owned = { projectId: PROJECT, user: { id: USER, name: 'budgeted' }, flavor: 'modelarts.vm.cpu.2u' };

for (const factory of STORE_FACTORIES) {
  describe(`budget limits (${factory.name})`, () => {
    const c = contractCase(factory);
    const targets = async () => {
      await c.store.identity.insertUser(makeUser({ id: USER }));
      await c.store.identity.insertProject(makeProject({ id: PROJECT }));
    };
    /** Starts a stopped instance at `at`, the write checked against the budgets then. */
    const startAt = async (id: string, at: number, limits: (BudgetLimit | SlotLimit)[] = [budgetAt(at)]) =>
      c.store.instances.update(
        { ...(await c.store.instances.getById(id))!, status: 'CREATING', updatedAt: at },
        undefined,
        limits,
      );

    it('refuses a start on a spent budget, in the resources the instance uses, after its capacity', async () => {
      await targets();
      await c.store.budgets.put(budget({ cpuHours: 2 }));
      // A GPU-hours budget spent to the last hour does not hold back a flavor without GPUs.
      await c.store.budgets.put(budget({ scope: 'project', targetId: PROJECT, gpuHours: 0 }));
      const running = makeInstance({ ...owned, name: 'first', status: 'STOPPED', createdAt: T0 });
      const second = makeInstance({ ...owned, name: 'second', status: 'STOPPED', createdAt: T0 });
      const third = makeInstance({ ...owned, name: 'third', status: 'STOPPED', createdAt: T0 });
      for (const i of [running, second, third]) await c.store.instances.insert(i);
      assert.ok(await startAt(running.id, T0));
      // Two CPUs for half an hour: one of two CPU-hours used.
      assert.ok(await startAt(second.id, T0 + HOUR / 2));
      // Four CPUs from then on: the second hour is spent a quarter of an hour later.
      const before = await c.store.instances.getById(third.id);
      await assert.rejects(startAt(third.id, T0 + HOUR / 2 + HOUR / 4), (err: unknown) => {
        assert.ok(err instanceof BudgetSpentError);
        assert.deepEqual([err.status.budget.scope, err.spent.resource, err.spent.used], ['user', 'cpuHours', 2]);
        return true;
      });
      assert.deepEqual(await c.store.instances.getById(third.id), before, 'nothing written');
      // A full flavor is said first: the write would not have run anyway.
      const full: SlotLimit = { scope: 'flavor', key: owned.flavor, max: 2, statuses: ['CREATING'] };
      await assert.rejects(startAt(third.id, T0 + HOUR, [full, budgetAt(T0 + HOUR)]), LimitReachedError);
      // A millisecond earlier it had room.
      assert.ok(await startAt(third.id, T0 + HOUR / 2 + HOUR / 4 - 1));
    });

    // SQLite's store runs one transaction at a time, and another process's write waits on the file's
    // lock inside better-sqlite3 (blocking its thread): the race is PostgreSQL's, between connections.
    it('a budget set by another connection while a start waits for it is seen by that start', {
      skip: factory.name === 'sqlite' && 'one writer at a time',
    }, async () => {
      await targets();
      const waiting = makeInstance({ ...owned, name: 'waiting', status: 'STOPPED', createdAt: T0 });
      await c.store.instances.insert(waiting);
      let started: Promise<unknown> | undefined;
      await c.database.withKysely((db) =>
        db.transaction().execute(async (trx) => {
          // What setting a budget does: its target's lock, then the row.
          await sql`select pg_advisory_xact_lock(hashtextextended(${budgetLockKey('user', USER)}, 0))`.execute(trx);
          await trx
            .insertInto('budgets')
            .values({
              scope: 'user',
              target_id: USER,
              gpu_hours: null,
              cpu_hours: 0,
              period: 'month',
              set_by: 'a',
              set_at: T0,
            })
            .execute();
          started = startAt(waiting.id, T0).then(
            () => 'started',
            (err: unknown) => err,
          );
          // The start waits for the budget's transaction.
          const early = await Promise.race([started, new Promise((r) => setTimeout(() => r('waiting'), 200))]);
          assert.equal(early, 'waiting');
        }),
      );
      assert.ok((await started) instanceof BudgetSpentError, 'refused on the budget committed first');
      assert.equal((await c.store.instances.getById(waiting.id))?.status, 'STOPPED');
    });
  });
}
