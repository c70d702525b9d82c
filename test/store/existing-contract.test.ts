/**
 * @module test/store/existing-contract
 * The `existing` part of the `Store` contract, on every implementation: which of a batch of ids
 * the store holds, as a driver asks when it looks for leftovers of deleted instances; and the ids
 * in one status with the instances of a batch of ids, as the reconciler reads every running one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newInstanceId } from '../../src/core/model/instance.js';
import { contractCase } from './contract-case.js';
import { makeInstance } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: which instances exist (${factory.name})`, () => {
    const c = contractCase(factory);

    it('answers the held ids of a batch, in every project, and none for an empty batch', async () => {
      const a = makeInstance({ name: 'a', projectId: 'pa' });
      const b = makeInstance({ name: 'b', projectId: 'pb' });
      await c.store.instances.insert(a);
      await c.store.instances.insert(b);
      const unknown = newInstanceId();
      assert.deepEqual(await c.store.instances.existing([a.id, unknown, b.id, a.id]), new Set([a.id, b.id]));
      assert.deepEqual(await c.store.instances.existing([unknown]), new Set());
      assert.deepEqual(await c.store.instances.existing([]), new Set());
    });

    it('no longer answers a deleted instance', async () => {
      const a = makeInstance({ name: 'a' });
      await c.store.instances.insert(a);
      assert.equal(await c.store.instances.delete(a.id, 1), true);
      assert.deepEqual(await c.store.instances.existing([a.id]), new Set());
    });

    it('takes a batch of a thousand ids in one call, and ids that look like SQL as plain text', async () => {
      const held = makeInstance({ name: 'held' });
      await c.store.instances.insert(held);
      const batch = [...Array.from({ length: 998 }, newInstanceId), `' or '1'='1`, held.id];
      assert.deepEqual(await c.store.instances.existing(batch), new Set([held.id]));
    });

    it("answers the ids in one status, every project's, and the instances of a batch of ids", async () => {
      const running = [
        makeInstance({ name: 'r1', projectId: 'pa', status: 'RUNNING' }),
        makeInstance({ name: 'r2', projectId: 'pb', status: 'RUNNING' }),
      ];
      const stopped = makeInstance({ name: 's1', projectId: 'pa', status: 'STOPPED' });
      for (const instance of [...running, stopped]) await c.store.instances.insert(instance);
      const ids = running.map((i) => i.id).sort();
      assert.deepEqual(await c.store.instances.idsInStatus('RUNNING'), ids);
      assert.deepEqual(await c.store.instances.idsInStatus('STARTING'), []);
      const many = await c.store.instances.getMany([stopped.id, newInstanceId(), ...ids]);
      assert.deepEqual(
        many.map((i) => [i.id, i.status, i.version]).sort(),
        [...running.map((i) => [i.id, 'RUNNING', 1]), [stopped.id, 'STOPPED', 1]].sort(),
      );
      assert.deepEqual(await c.store.instances.getMany([]), []);
      assert.deepEqual(
        await c.store.instances.getById(stopped.id),
        many.find((i) => i.id === stopped.id),
      );
    });
  });
}
