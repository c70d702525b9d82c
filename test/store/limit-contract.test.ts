/**
 * Contract: writes with limits, on every dialect. A limit is checked in the write's transaction,
 * never counts the instance being written, counts only the given statuses, and a reached limit
 * writes nothing; concurrent writers through separate stores never exceed it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitReachedError, type SlotLimit } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { makeInstance } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

const HOLDERS = ['CREATING', 'RUNNING'] as const;
const flavorLimit = (max: number): SlotLimit => ({ scope: 'flavor', key: 'tiny', max, statuses: HOLDERS });
/** Four GPUs shared by a 1-GPU and a 2-GPU flavor; the writer needs its flavor's weight. */
const gpuLimit = (need: number): SlotLimit => ({
  scope: 'gpus',
  key: 'host',
  max: 4,
  statuses: HOLDERS,
  weighted: { weights: { 'gpu-1': 1, 'gpu-2': 2 }, need },
});

for (const factory of STORE_FACTORIES) {
  describe(`limits (${factory.name})`, () => {
    const c = contractCase(factory);

    it('insert admits up to the limit, then throws LimitReachedError and writes nothing', async () => {
      for (let i = 0; i < 2; i++)
        await c.store.instances.insert(makeInstance({ name: `l${i}`, flavor: 'tiny', status: 'RUNNING' }), undefined, [
          flavorLimit(2),
        ]);
      const third = makeInstance({ name: 'l2', flavor: 'tiny', status: 'CREATING' });
      await assert.rejects(
        c.store.instances.insert(third, undefined, [flavorLimit(2)]),
        (err: unknown) => err instanceof LimitReachedError && err.limit.key === 'tiny',
      );
      assert.equal(await c.store.instances.getById(third.id), undefined);
    });

    it('counts only the given statuses, and never the instance being written', async () => {
      const stopped = makeInstance({ name: 's', flavor: 'tiny', status: 'STOPPED' });
      await c.store.instances.insert(stopped);
      await c.store.instances.insert(makeInstance({ name: 'r', flavor: 'tiny', status: 'RUNNING' }));
      const current = (await c.store.instances.getById(stopped.id))!;
      // One other holder, limit 2: the stopped instance may start.
      const started = await c.store.instances.update({ ...current, status: 'CREATING' }, undefined, [flavorLimit(2)]);
      assert.equal(started?.status, 'CREATING');
      // Re-checking its own slot does not count itself.
      assert.ok(await c.store.instances.update({ ...started!, status: 'RUNNING' }, undefined, [flavorLimit(2)]));
    });

    it('an update over the limit throws and leaves the row as it was; a quota counts every status', async () => {
      await c.store.instances.insert(makeInstance({ name: 'a', flavor: 'tiny', status: 'RUNNING', projectId: 'pq' }));
      const b = makeInstance({ name: 'b', flavor: 'tiny', status: 'STOPPED', projectId: 'pq' });
      await c.store.instances.insert(b);
      const current = (await c.store.instances.getById(b.id))!;
      await assert.rejects(
        c.store.instances.update({ ...current, status: 'CREATING' }, undefined, [flavorLimit(1)]),
        LimitReachedError,
      );
      assert.deepEqual(await c.store.instances.getById(b.id), current);
      const quota: SlotLimit = { scope: 'project', key: 'pq', max: 2 };
      await assert.rejects(
        c.store.instances.insert(makeInstance({ name: 'c', status: 'STOPPED', projectId: 'pq' }), undefined, [quota]),
        LimitReachedError,
      );
    });

    it('a weighted limit sums each flavor’s holders times its weight, across flavors, and counts others nothing', async () => {
      await c.store.instances.insert(makeInstance({ name: 'two', flavor: 'gpu-2', status: 'RUNNING' }), undefined, [
        gpuLimit(2),
      ]);
      await c.store.instances.insert(makeInstance({ name: 'cpu', flavor: 'tiny', status: 'RUNNING' }));
      await c.store.instances.insert(makeInstance({ name: 'idle', flavor: 'gpu-2', status: 'STOPPED' }));
      await c.store.instances.insert(makeInstance({ name: 'one', flavor: 'gpu-1', status: 'CREATING' }), undefined, [
        gpuLimit(1),
      ]);
      // 2 + 1 held of 4: another 2-GPU instance does not fit, a 1-GPU one does.
      await assert.rejects(
        c.store.instances.insert(makeInstance({ name: 'big', flavor: 'gpu-2', status: 'CREATING' }), undefined, [
          gpuLimit(2),
        ]),
        LimitReachedError,
      );
      const last = makeInstance({ name: 'last', flavor: 'gpu-1', status: 'CREATING' });
      await c.store.instances.insert(last, undefined, [gpuLimit(1)]);
      // Re-checking its own holding does not count itself; one more does not fit.
      assert.ok(
        await c.store.instances.update(
          { ...(await c.store.instances.getById(last.id))!, status: 'RUNNING' },
          undefined,
          [gpuLimit(1)],
        ),
      );
      await assert.rejects(
        c.store.instances.insert(makeInstance({ name: 'over', flavor: 'gpu-1', status: 'CREATING' }), undefined, [
          gpuLimit(1),
        ]),
        LimitReachedError,
      );
    });

    it("a limit with a flavor counts only that flavor's instances of the key", async () => {
      const waiting = (max: number): SlotLimit => ({
        scope: 'waiting',
        key: 'waiter',
        flavor: 'tiny',
        max,
        statuses: ['CREATE_QUEUING', 'START_QUEUING'],
      });
      const user = { id: 'waiter', name: 'waiter' };
      await c.store.instances.insert(
        makeInstance({ name: 'w-other', flavor: 'other', status: 'CREATE_QUEUING', user }),
      );
      await c.store.instances.insert(makeInstance({ name: 'w-else', flavor: 'tiny', status: 'CREATE_QUEUING' }));
      await c.store.instances.insert(
        makeInstance({ name: 'w-1', flavor: 'tiny', status: 'CREATE_QUEUING', user }),
        undefined,
        [waiting(1)],
      );
      const second = makeInstance({ name: 'w-2', flavor: 'tiny', status: 'CREATE_QUEUING', user });
      await assert.rejects(
        c.store.instances.insert(second, undefined, [waiting(1)]),
        (err: unknown) => err instanceof LimitReachedError && err.limit.scope === 'waiting',
      );
      assert.equal(await c.store.instances.getById(second.id), undefined);
    });

    it('concurrent weighted admissions never exceed the limit', async () => {
      const attempts = Array.from({ length: 12 }, (_, i) =>
        c.store.instances
          .insert(
            makeInstance({ name: `gpu-race-${i}`, flavor: i % 2 ? 'gpu-1' : 'gpu-2', status: 'CREATING' }),
            undefined,
            [gpuLimit(i % 2 ? 1 : 2)],
          )
          .then(
            () => true,
            (err: unknown) => {
              if (err instanceof LimitReachedError) return false;
              throw err;
            },
          ),
      );
      await Promise.all(attempts);
      const held = await c.store.instances.countInStatuses(HOLDERS);
      assert.ok((held.get('gpu-1') ?? 0) + 2 * (held.get('gpu-2') ?? 0) <= 4, JSON.stringify([...held]));
    });

    // On PostgreSQL the store's pool runs these on separate connections at once; SQLite's store
    // serialises its own transactions (separate processes queue on the file's write lock).
    it('concurrent inserts never exceed the limit', async () => {
      const attempts = Array.from({ length: 16 }, (_, i) =>
        c.store.instances
          .insert(makeInstance({ name: `race-${i}`, flavor: 'tiny', status: 'CREATING' }), undefined, [flavorLimit(3)])
          .then(
            () => true,
            (err: unknown) => {
              if (err instanceof LimitReachedError) return false;
              throw err;
            },
          ),
      );
      assert.equal((await Promise.all(attempts)).filter(Boolean).length, 3);
      assert.equal((await c.store.instances.countInStatuses(HOLDERS)).get('tiny'), 3);
    });
  });
}
