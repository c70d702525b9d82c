/**
 * The budget check of a start is made in the start's own write, on every store: two starts in
 * flight when a system admin spends the owner's budget (sets it below what was used) are both
 * refused, 6394, and neither runs. Each start is held just before its write until the budget is
 * set: a check made before the write, outside its transaction, has passed by then and lets both
 * run on the spent budget.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { BudgetService } from '../../src/core/budgets/budget-service.js';
import { LifecycleService, type Actor } from '../../src/core/instances/lifecycle-service.js';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { Catalog } from '../../src/core/model/catalog.js';
import type { Store } from '../../src/core/ports/store.js';
import { SecretBox } from '../../src/core/secrets/box.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { DomainError } from '../../src/core/shared/errors.js';
import { contractCase } from '../store/contract-case.js';
import { makeInstance, makeProject, makeUser } from '../store/fixtures.js';
import { STORE_FACTORIES } from '../store/store-factories.js';

const T0 = Date.UTC(2026, 10, 10, 9);
const OWNER: Actor = { userId: 'race-user', userName: 'racer', projectId: 'race-project', isProjectAdmin: false };

/** `target[key]`, a method bound to `target`. */
function bound(target: object, key: string | symbol): unknown {
  const value: unknown = Reflect.get(target, key, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

/** The store, with each write that starts an instance held until `release` is called. */
function gated(store: Store): { store: Store; arrived: (n: number) => Promise<void>; release: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let waiting = 0;
  const update: Store['instances']['update'] = async (next, ...rest) => {
    if (next.status === 'CREATING' || next.status === 'STARTING') {
      waiting += 1;
      await gate;
    }
    return store.instances.update(next, ...rest);
  };
  // The repositories keep private fields: every other method is called on the real one.
  const instances = new Proxy(store.instances, {
    get: (target, key) => (key === 'update' ? update : bound(target, key)),
  });
  const arrived = async (n: number) => {
    for (let i = 0; waiting < n; i++) {
      assert.ok(i < 1000, `${waiting} of ${n} starts came to their write`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const gatedStore = new Proxy(store, {
    get: (target, key) => (key === 'instances' ? instances : bound(target, key)),
  });
  return { store: gatedStore, arrived, release: () => open() };
}

for (const factory of STORE_FACTORIES) {
  describe(`a start's budget check is in its write (${factory.name})`, () => {
    const c = contractCase(factory);

    it('two starts in flight when the budget is spent are both refused', async () => {
      const clock = new ManualClock(T0);
      await c.store.identity.insertUser(makeUser({ id: OWNER.userId, name: OWNER.userName }));
      await c.store.identity.insertProject(makeProject({ id: OWNER.projectId }));
      const { store, arrived, release } = gated(c.store);
      const budgets = new BudgetService(store, clock);
      const lifecycle = new LifecycleService({
        store,
        clock,
        replica: 'test',
        catalog: new Catalog(BUILTIN_CATALOG),
        trigger: { wake() {} },
        secrets: new SecretBox(randomBytes(32)),
        budgets,
      });
      const owned = {
        projectId: OWNER.projectId,
        user: { id: OWNER.userId, name: OWNER.userName },
        flavor: 'modelarts.vm.cpu.2u',
        status: 'STOPPED' as const,
        createdAt: T0,
      };
      const a = makeInstance({ ...owned, name: 'a' });
      const b = makeInstance({ ...owned, name: 'b' });
      for (const i of [a, b]) await c.store.instances.insert(i);
      // Room for hours yet: both starts pass any check made now.
      await budgets.set('user', OWNER.userId, { cpuHours: 1, gpuHours: null, period: 'month' }, 'admin');
      const starts = [a, b].map((i) =>
        lifecycle.act(OWNER, i.id, 'start').then(
          (result) => result.current,
          (err: unknown) => err,
        ),
      );
      await Promise.race([arrived(2), ...starts.map(async (s) => assert.fail(String(await s)))]);
      // The admin spends the budget while both are on their way to their writes.
      await budgets.set('user', OWNER.userId, { cpuHours: 0, gpuHours: null, period: 'month' }, 'admin');
      release();
      for (const outcome of await Promise.all(starts)) {
        assert.ok(outcome instanceof DomainError, `refused, not ${String(outcome)}`);
        assert.equal(outcome.code, 'ModelArts.6394');
      }
      for (const i of [a, b]) assert.equal((await c.store.instances.getById(i.id))?.status, 'STOPPED');
      assert.equal((await c.store.usage.open({ userId: OWNER.userId })).length, 0, 'no usage opened');
    });
  });
}
