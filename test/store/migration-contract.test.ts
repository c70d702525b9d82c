/**
 * @module test/store/migration-contract
 * The schema-version part of the `Store` contract, on every implementation: which migrations are
 * pending, upgrading a database that an older release left at 0001 without losing its rows, and
 * `ping`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Instance } from '../../src/core/instance.js';
import { DuplicateNameError } from '../../src/core/store.js';
import { contractCase } from './contract-case.js';
import { T0, makeEvent, makeInstance, makeProject, makeToken, makeUser, rowAt0001, ALL_MIGRATIONS } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';


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

    it('upgrades a database left at 0001 with data, keeping every row and filling the due-time columns', async () => {
      const old = await c.anotherDatabase();
      await old.migrateTo('0001-initial');
      const store = c.track(old.connect());
      assert.deepEqual(await store.pendingMigrations(), ALL_MIGRATIONS.slice(1));

      // Rows as a release at 0001 wrote them: its columns only, and documents without idleSince.
      const { idleSince: _none, ...created } = makeInstance({ status: 'CREATING' });
      const running = { ...makeInstance({ status: 'RUNNING', stopAt: T0 + 3_600_000 }), idleSince: undefined };
      const { idleSince: _gone, ...stopped } = makeInstance({ status: 'STOPPED', updatedAt: T0 + 5_000 });
      await old.withKysely(async (db) => {
        for (const instance of [created, running, stopped]) await db.insertInto('instances').values(rowAt0001(instance as Instance)).execute();
      });
      const user = makeUser({ isSystemAdmin: true });
      const project = makeProject();
      const token = makeToken(user.id, project.id);
      await store.identity.insertUser(user);
      await store.identity.insertProject(project);
      await store.identity.assignRole({ projectId: project.id, userId: user.id, role: 'admin' });
      await store.identity.insertToken(token);

      await store.migrate();
      assert.deepEqual(await store.pendingMigrations(), []);
      assert.deepEqual(await store.instances.getById(created.id), created);
      assert.deepEqual(await store.instances.getById(stopped.id), stopped);
      assert.equal((await store.instances.list({ projectId: created.projectId, sortBy: 'name', order: 'asc', offset: 0, limit: 0 })).total, 3);
      assert.deepEqual(await store.identity.getUser(user.id), user);
      assert.deepEqual(await store.identity.getProject(project.id), project);
      assert.deepEqual(await store.identity.rolesOf(user.id, project.id), ['admin']);
      assert.deepEqual(await store.identity.findToken(token.hash), token);
      await assert.rejects(store.instances.insert(makeInstance({ name: created.name })), DuplicateNameError);

      // The due times were filled from the documents: the deadline, and rest since the last change.
      assert.equal(await store.instances.earliest({ field: 'stopAt', status: 'RUNNING' }), T0 + 3_600_000);
      assert.equal(await store.instances.earliest({ field: 'restingSince', status: 'STOPPED', flavor: stopped.flavor }), T0 + 5_000);
      assert.equal(await store.instances.earliest({ field: 'restingSince', status: 'CREATING' }), null);

      // And the new tables work on the upgraded database.
      assert.deepEqual(await store.instances.listEvents(created.id, { offset: 0, limit: 0 }), { items: [], total: 0 });
      const current = (await store.instances.getById(stopped.id))!;
      const event = makeEvent(current, { kind: 'start' });
      assert.ok(await store.instances.update({ ...current, status: 'STARTING' }, event));
      assert.deepEqual(kindsOf(await store.instances.listEvents(current.id, { offset: 0, limit: 0 })), ['start']);
      assert.equal(await store.instances.earliest({ field: 'restingSince', status: 'STOPPED', flavor: stopped.flavor }), null);
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

/** The columns of the 0001 schema, as that release filled them. */
function kindsOf(page: { items: ReadonlyArray<{ kind: string }> }): string[] {
  return page.items.map((e) => e.kind);
}
