/**
 * @module test/store/bucket-contract
 * The obs bucket part of the `Store` contract (core/model/obs-buckets), on every implementation: an
 * instance insert claims its bucket for its project or, when another project holds it, fails
 * having written nothing; two stores (replicas) racing for a new bucket give it to exactly one
 * project; assign, release and the per-bucket instance counts; and migration 0012 on a database
 * with instances, each bucket going to the project of the oldest instance using it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Instance } from '../../src/core/model/instance.js';
import { BucketHeldError } from '../../src/core/model/obs-buckets.js';
import { contractCase } from './contract-case.js';
import { T0, makeInstance, rowAt0001 } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

function inBucket(projectId: string, path: string, overrides: Partial<Instance> = {}): Instance {
  const base = makeInstance({ projectId, ...overrides });
  return { ...base, spec: { ...base.spec, storage: { type: 'obs', location: { path } } } };
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: obs buckets (${factory.name})`, () => {
    const c = contractCase(factory);

    it("claims a new bucket with the instance insert, and refuses another project's, writing nothing", async () => {
      const { store } = c;
      const first = inBucket('project-a', '/shared/one/');
      await store.instances.insert(first);
      assert.deepEqual(await store.buckets.get('shared'), {
        name: 'shared',
        projectId: 'project-a',
        claimedAt: first.createdAt,
        assignedBy: null,
      });
      await store.instances.insert(inBucket('project-a', 'obs://shared/two/'));

      const intruder = inBucket('project-b', '//shared//one/');
      await assert.rejects(
        store.instances.insert(intruder),
        (err: unknown) => err instanceof BucketHeldError && err.bucket === 'shared' && err.holder === 'project-a',
      );
      assert.equal(await store.instances.getById(intruder.id), undefined);
      assert.equal(
        (await store.instances.list({ projectId: 'project-b', sortBy: 'name', order: 'asc', offset: 0, limit: 0 }))
          .total,
        0,
      );
      assert.deepEqual(await store.instances.countByFlavor('project-b', intruder.user.id), new Map());

      // evs storage is the instance's own: no bucket.
      await store.instances.insert(makeInstance({ projectId: 'project-b' }));
      assert.deepEqual(
        (await store.buckets.list()).map((b) => [b.name, b.projectId, b.instances]),
        [['shared', 'project-a', 2]],
      );
      assert.deepEqual(await store.buckets.heldBy('project-a'), ['shared']);
      assert.deepEqual(await store.buckets.heldBy('project-b'), []);
    });

    it('gives a new bucket to exactly one of two replicas inserting for two projects at once', async () => {
      // A second SQLite connection in this process would block the first's event loop on the file
      // lock; one SQLite store serves one server, whose transactions it runs one at a time.
      const other = factory.name === 'sqlite' ? c.store : c.track(c.database.connect());
      for (let round = 0; round < 10; round++) {
        const bucket = `race-${round}`;
        const outcomes = await Promise.allSettled([
          c.store.instances.insert(inBucket('project-a', `/${bucket}/a/`)),
          other.instances.insert(inBucket('project-b', `/${bucket}/b/`)),
        ]);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(outcomes)}`);
        const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        assert.ok(lost.reason instanceof BucketHeldError, String(lost.reason));
        const holder = (await c.store.buckets.get(bucket))!.projectId;
        assert.equal(holder, outcomes[0]!.status === 'fulfilled' ? 'project-a' : 'project-b');
        assert.equal((await c.store.buckets.list()).find((b) => b.name === bucket)!.instances, 1);
      }
    });

    it('assigns, claims and releases: a bucket in use is kept, a free one released once', async () => {
      const { store } = c;
      const used = inBucket('project-a', '/held/x/');
      await store.instances.insert(used);
      await store.buckets.assign({ name: 'held', projectId: 'project-b', claimedAt: T0 + 9, assignedBy: 'admin-1' });
      assert.deepEqual(await store.buckets.get('held'), {
        name: 'held',
        projectId: 'project-b',
        claimedAt: T0 + 9,
        assignedBy: 'admin-1',
      });
      assert.equal(
        await store.buckets.claim('held', 'project-a', T0 + 10),
        'project-b',
        'a held bucket stays with its holder',
      );
      assert.equal(await store.buckets.claim('fresh', 'project-a', T0 + 10), 'project-a');

      assert.equal(await store.buckets.release('held'), 'in-use');
      assert.ok(await store.instances.delete(used.id, 1));
      assert.equal(await store.buckets.release('held'), 'released');
      assert.equal(await store.buckets.release('held'), 'absent');
      assert.equal(await store.buckets.get('held'), undefined);
      assert.deepEqual(
        (await store.buckets.list()).map((b) => b.name),
        ['fresh'],
      );
    });

    it('migrates a database with instances: each bucket to the project of its oldest instance, the others still listed in it', async () => {
      const old = await c.anotherDatabase();
      await old.migrateTo('0009-no-status-index');
      const oldestInShared = inBucket('project-b', '/shared/b/', { createdAt: T0 });
      const laterInShared = inBucket('project-a', '/shared/a/', { createdAt: T0 + 1 });
      const own = inBucket('project-a', 'obs://own/work/', { createdAt: T0 + 2 });
      const evs = makeInstance({ projectId: 'project-a', createdAt: T0 + 3 });
      await old.withKysely(async (db) => {
        for (const instance of [laterInShared, evs, own, oldestInShared])
          await db.insertInto('instances').values(rowAt0001(instance)).execute();
      });

      const store = c.track(old.connect());
      await store.migrate();
      assert.deepEqual(
        (await store.buckets.list()).map((b) => [b.name, b.projectId, b.claimedAt, b.assignedBy, b.instances]),
        [
          ['own', 'project-a', T0 + 2, null, 1],
          ['shared', 'project-b', T0, null, 2],
        ],
      );
      assert.deepEqual(
        await store.instances.getById(laterInShared.id),
        laterInShared,
        'the instance of the other project is kept as it was',
      );
      // The copied column serves what the store reads: a bucket in use is not released.
      assert.equal(await store.buckets.release('shared'), 'in-use');
      await assert.rejects(store.instances.insert(inBucket('project-a', '/shared/new/')), BucketHeldError);
    });
  });
}
