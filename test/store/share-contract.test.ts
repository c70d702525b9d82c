/**
 * @module test/store/share-contract
 * Instance shares on every store: a grant is written once (a second keeps the first as it was),
 * listed with the users' names and read per project; every grant and revocation raises the
 * identity revision in the database, seen by another store on it; a share goes with its instance
 * and with its user, and outlives the user who granted it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { T0, makeInstance, makeUser } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

/** An instance of project-a owned by a user of its own, and three more users. */
async function seed(store: Store) {
  const [owner, bob, carol, admin] = [makeUser(), makeUser(), makeUser(), makeUser()];
  for (const user of [owner, bob, carol, admin]) await store.identity.insertUser(user);
  const instance = makeInstance({ user: { id: owner.id, name: owner.name } });
  await store.instances.insert(instance);
  return { owner, bob, carol, admin, instance };
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: instance shares (${factory.name})`, () => {
    const c = contractCase(factory);

    it('grants once, lists with names, answers has and inProject, and revokes', async () => {
      const { shares } = c.store;
      const { bob, carol, admin, instance } = await seed(c.store);
      assert.equal(
        await shares.grant({ instanceId: instance.id, userId: bob.id, grantedBy: admin.id, grantedAt: T0 }),
        true,
      );
      assert.equal(
        await shares.grant({ instanceId: instance.id, userId: bob.id, grantedBy: carol.id, grantedAt: T0 + 5 }),
        false,
        'a second grant keeps the first',
      );
      await shares.grant({ instanceId: instance.id, userId: carol.id, grantedBy: admin.id, grantedAt: T0 + 1 });
      assert.deepEqual(
        (await shares.list(instance.id)).find((s) => s.userId === bob.id),
        {
          instanceId: instance.id,
          userId: bob.id,
          userName: bob.name,
          grantedBy: admin.id,
          grantedByName: admin.name,
          grantedAt: T0,
        },
      );
      assert.deepEqual(
        (await shares.list(instance.id)).map((s) => s.userName),
        [bob.name, carol.name].sort(),
      );
      assert.equal(await shares.has(instance.id, bob.id), true);
      assert.equal(await shares.has(instance.id, admin.id), false);
      const inProject = await shares.inProject(instance.projectId);
      assert.deepEqual([...inProject.keys()], [instance.id]);
      assert.deepEqual([...inProject.get(instance.id)!].sort(), [bob.id, carol.id].sort());
      assert.deepEqual(await shares.inProject('another-project'), new Map());

      assert.equal(await shares.revoke(instance.id, bob.id), true);
      assert.equal(await shares.revoke(instance.id, bob.id), false);
      assert.deepEqual(
        (await shares.list(instance.id)).map((s) => s.userId),
        [carol.id],
      );
    });

    it('raises the identity revision with each grant and revocation, seen by another store', async () => {
      const { bob, admin, instance } = await seed(c.store);
      const other = c.track(c.database.connect());
      const before = await other.identity.revision();
      await c.store.shares.grant({ instanceId: instance.id, userId: bob.id, grantedBy: admin.id, grantedAt: T0 });
      const granted = await other.identity.revision();
      assert.ok(granted > before, 'grant');
      await c.store.shares.revoke(instance.id, bob.id);
      assert.ok((await other.identity.revision()) > granted, 'revoke');
    });

    it('goes with its instance and with its user, and outlives whoever granted it', async () => {
      const { store } = c;
      const { bob, carol, admin, instance } = await seed(store);
      await store.shares.grant({ instanceId: instance.id, userId: bob.id, grantedBy: admin.id, grantedAt: T0 });
      await store.shares.grant({ instanceId: instance.id, userId: carol.id, grantedBy: admin.id, grantedAt: T0 });

      const before = await store.identity.revision();
      await store.identity.deleteUser(bob.id);
      assert.ok((await store.identity.revision()) > before);
      assert.deepEqual(
        (await store.shares.list(instance.id)).map((s) => s.userId),
        [carol.id],
      );

      await store.identity.deleteUser(admin.id);
      const [kept] = await store.shares.list(instance.id);
      assert.equal(kept?.grantedBy, admin.id);
      assert.equal(kept?.grantedByName, null);

      assert.equal(await store.instances.delete(instance.id, instance.version), true);
      assert.deepEqual(await store.shares.list(instance.id), []);
      assert.equal(await store.shares.has(instance.id, carol.id), false);
    });
  });
}
