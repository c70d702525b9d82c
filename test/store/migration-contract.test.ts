/**
 * @module test/store/migration-contract
 * The schema-version part of the `Store` contract, on every implementation: which migrations are
 * pending, upgrading a database that an older release left at 0001 without losing its rows, and
 * `ping`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateNameError } from '../../src/core/store.js';
import { contractCase } from './contract-case.js';
import { T0, makeEvent, makeInstance, makeProject, makeToken, makeUser } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

const ALL_MIGRATIONS = ['0001-initial', '0002-events-and-leases'];

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: migrations and ping (${factory.name})`, () => {
    const c = contractCase(factory);

    it('has no pending migration once migrated, and migrating again keeps it so', async () => {
      assert.deepEqual(await c.store.pendingMigrations(), []);
      await c.store.migrate();
      assert.deepEqual(await c.store.pendingMigrations(), []);
    });

    it('reports every migration as pending on an empty database, without creating anything', async () => {
      const empty = await c.anotherDatabase();
      const store = c.track(empty.connect());
      assert.deepEqual(await store.pendingMigrations(), ALL_MIGRATIONS);
      assert.deepEqual(await store.pendingMigrations(), ALL_MIGRATIONS);
      await store.migrate();
      assert.deepEqual(await store.pendingMigrations(), []);
    });

    it('upgrades a database left at 0001 with data, keeping every row', async () => {
      const old = await c.anotherDatabase();
      await old.migrateTo('0001-initial');
      const store = c.track(old.connect());
      assert.deepEqual(await store.pendingMigrations(), ['0002-events-and-leases']);

      // What a release at 0001 could have written, through the calls it had.
      const instance = makeInstance();
      const updated = makeInstance({ status: 'RUNNING' });
      const user = makeUser({ isSystemAdmin: true });
      const project = makeProject();
      const token = makeToken(user.id, project.id);
      await store.instances.insert(instance);
      await store.instances.insert(updated);
      const written = await store.instances.update({ ...updated, status: 'STOPPED' });
      assert.ok(written !== undefined);
      await store.identity.insertUser(user);
      await store.identity.insertProject(project);
      await store.identity.assignRole({ projectId: project.id, userId: user.id, role: 'admin' });
      await store.identity.insertToken(token);

      await store.migrate();
      assert.deepEqual(await store.pendingMigrations(), []);
      assert.deepEqual(await store.instances.getById(instance.id), instance);
      assert.deepEqual(await store.instances.getById(updated.id), written);
      assert.equal((await store.instances.list({ projectId: instance.projectId, sortBy: 'name', order: 'asc', offset: 0, limit: 0 })).total, 2);
      assert.deepEqual(await store.identity.getUser(user.id), user);
      assert.deepEqual(await store.identity.getProject(project.id), project);
      assert.deepEqual(await store.identity.rolesOf(user.id, project.id), ['admin']);
      assert.deepEqual(await store.identity.findToken(token.hash), token);
      await assert.rejects(store.instances.insert(makeInstance({ name: instance.name })), DuplicateNameError);

      // And the new tables work on the upgraded database.
      assert.deepEqual(await store.instances.listEvents(instance.id, { offset: 0, limit: 0 }), { items: [], total: 0 });
      const event = makeEvent(written, { kind: 'start' });
      assert.ok(await store.instances.update({ ...written, status: 'STARTING' }, event));
      assert.deepEqual(kindsOf(await store.instances.listEvents(written.id, { offset: 0, limit: 0 })), ['start']);
      assert.equal(await store.leases.acquire('reconciler', 'a', 1_000, T0), true);
    });

    it('pings an open store', async () => {
      await c.store.ping();
      const other = c.track(c.database.connect());
      await other.ping();
    });

    it('fails to ping once closed', async () => {
      const other = c.track(c.database.connect());
      await other.ping();
      await other.close();
      await assert.rejects(other.ping());
      // Closing one store leaves another on the same database working.
      await c.store.ping();
    });

    it('fails to ping a store closed before it ever connected', async () => {
      const other = c.track(c.database.connect());
      await other.close();
      await assert.rejects(other.ping());
    });
  });
}

function kindsOf(page: { items: ReadonlyArray<{ kind: string }> }): string[] {
  return page.items.map((e) => e.kind);
}
