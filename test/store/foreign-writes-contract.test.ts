/**
 * @module test/store/foreign-writes-contract
 * Foreign writes on every store: a write committed through another store on the same database
 * (another replica, another process) is told to a listener of this one — on SQLite as `unknown`
 * when this store next asks whether it is caught up, on PostgreSQL as what changed (the instance,
 * or the identity revision) when the notification arrives; and a write this store made itself
 * tells nothing on SQLite (its own writes reach the proxy through core/changes).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ForeignWrite, Store } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { makeInstance, makeUser } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

/** What `store` tells within a second of `write` (asking whether it is caught up until it tells something). */
async function toldAfter(store: Store, write: () => Promise<unknown>): Promise<ForeignWrite[]> {
  const told: ForeignWrite[] = [];
  const stop = await store.foreignWrites.listen((w) => told.push(w));
  try {
    assert.ok(store.foreignWrites.caughtUp(), 'caught up before the write');
    told.length = 0;
    await write();
    for (let i = 0; i < 100 && told.length === 0; i++) {
      store.foreignWrites.caughtUp();
      await new Promise((r) => setTimeout(r, 10));
    }
    return told;
  } finally {
    stop();
  }
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: foreign writes (${factory.name})`, () => {
    const c = contractCase(factory);
    const sqlite = factory.name.toLowerCase().includes('sqlite');

    it("tells another store's write of an instance", async () => {
      const other = c.track(c.database.connect());
      const instance = makeInstance();
      await other.instances.insert(instance);
      const told = await toldAfter(c.store, () => other.instances.update({ ...instance, name: 'renamed' }));
      assert.deepEqual(told, sqlite ? [{ kind: 'unknown' }] : [{ kind: 'instance', id: instance.id }]);
    });

    it("tells another store's write of a user (the identity revision)", async () => {
      const other = c.track(c.database.connect());
      const told = await toldAfter(c.store, () => other.identity.insertUser(makeUser()));
      assert.deepEqual(told, sqlite ? [{ kind: 'unknown' }] : [{ kind: 'identity' }]);
    });

    it('tells nothing of a write this store made itself, on SQLite', { skip: !sqlite }, async () => {
      const told = await toldAfter(c.store, () => c.store.identity.insertUser(makeUser()));
      assert.deepEqual(told, []);
    });
  });
}
