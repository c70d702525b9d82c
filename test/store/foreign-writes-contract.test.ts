/**
 * @module test/store/foreign-writes-contract
 * Foreign writes on every store: a write committed through another store on the same database
 * (another replica, another process) is told to a listener of this one — on SQLite as `unknown`
 * when this store next asks whether it is caught up, on PostgreSQL as what changed (the instance,
 * or the identity revision) when the notification arrives; and a write this store made itself
 * tells nothing on SQLite (its own writes reach the proxy through core/changes). Heard everywhere:
 * on SQLite at once (nobody to wait for); on PostgreSQL once every other listening replica has
 * answered the fence (a real one, or a stand-in that answers when the test says), and, for one that
 * never answers, after the bound of two heartbeat intervals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ForeignWrite, Store } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { makeInstance, makeUser } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';
import { NOTIFIED_MS } from '../support/notification-bound.js';
import { standInReplica as standIn } from '../support/stand-in-replica.js';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

    it('is heard everywhere at once on SQLite: another process reads the change counter first', {
      skip: !sqlite,
    }, async () => {
      const started = performance.now();
      await c.store.foreignWrites.heardEverywhere();
      assert.ok(performance.now() - started < 50);
    });

    it('is heard everywhere once the other replicas were told of the write', { skip: sqlite }, async () => {
      const other = c.track(c.database.connect());
      const told: ForeignWrite[] = [];
      await other.foreignWrites.listen((w) => told.push(w));
      await c.store.foreignWrites.listen(() => {});
      const instance = makeInstance();
      await c.store.instances.insert(instance);
      await c.store.instances.update({ ...instance, name: 'renamed' });
      const started = performance.now();
      await c.store.foreignWrites.heardEverywhere();
      assert.ok(performance.now() - started < NOTIFIED_MS / 2, 'answered, not waited out');
      assert.deepEqual(
        told.filter((w) => w.kind === 'instance'),
        [{ kind: 'instance', id: instance.id }],
        'the other replica had been told of the write when the wait ended',
      );
    });

    it('waits for the answer of every replica listening, and no longer', { skip: sqlite }, async () => {
      await c.store.foreignWrites.listen(() => {});
      const replica = await standIn(c.database.url);
      try {
        let heard = false;
        const wait = c.store.foreignWrites.heardEverywhere().then(() => (heard = true));
        for (let i = 0; i < 200 && replica.fences.length === 0; i++) await sleep(5);
        assert.equal(replica.fences.length, 1, 'the fence reached the other replica');
        await sleep(100);
        assert.equal(heard, false, 'not heard before the other replica answered');
        const answered = performance.now();
        await replica.answer(replica.fences[0]!);
        await wait;
        assert.ok(performance.now() - answered < NOTIFIED_MS / 2);
      } finally {
        await replica.end();
      }
    });

    it('waits no longer than the bound for a replica that never answers', { skip: sqlite }, async () => {
      await c.store.foreignWrites.listen(() => {});
      const replica = await standIn(c.database.url);
      try {
        const started = performance.now();
        await c.store.foreignWrites.heardEverywhere();
        const waited = performance.now() - started;
        assert.equal(replica.fences.length, 1);
        assert.ok(waited >= NOTIFIED_MS - 20 && waited < NOTIFIED_MS + 1_000, `waited ${waited} ms`);
      } finally {
        await replica.end();
      }
    });
  });
}
