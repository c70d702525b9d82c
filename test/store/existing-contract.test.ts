/**
 * @module test/store/existing-contract
 * The `existing` part of the `Store` contract, on every implementation: which of a batch of ids
 * the store holds, as a driver asks when it looks for leftovers of deleted instances.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newInstanceId } from '../../src/core/instance.js';
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
  });
}
