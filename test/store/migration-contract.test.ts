/**
 * @module test/store/migration-contract
 * The schema-version part of the `Store` contract, on every implementation: which migrations are
 * pending, upgrading a database that an older release left at 0001 without losing its rows, and
 * `ping`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Instance } from '../../src/core/model/instance.js';
import { DuplicateKeyError, DuplicateNameError } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import {
  T0,
  makeEvent,
  makeInstance,
  makeProject,
  makeToken,
  makeUser,
  rowAt0001,
  ALL_MIGRATIONS,
} from './fixtures.js';
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
        for (const instance of [created, running, stopped])
          await db
            .insertInto('instances')
            .values(rowAt0001(instance as Instance))
            .execute();
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
      assert.equal(
        (
          await store.instances.list({
            projectId: created.projectId,
            sortBy: 'name',
            order: 'asc',
            offset: 0,
            limit: 0,
          })
        ).total,
        3,
      );
      assert.deepEqual(await store.identity.getUser(user.id), user);
      assert.deepEqual(await store.identity.getProject(project.id), project);
      assert.deepEqual(await store.identity.rolesOf(user.id, project.id), ['admin']);
      assert.deepEqual(await store.identity.findToken(token.hash), token);
      await assert.rejects(store.instances.insert(makeInstance({ name: created.name })), DuplicateNameError);

      // The due times were filled from the documents: the deadline, and rest since the last change.
      assert.equal(await store.instances.earliest({ field: 'stopAt', status: 'RUNNING' }), T0 + 3_600_000);
      assert.equal(
        await store.instances.earliest({ field: 'restingSince', status: 'STOPPED', flavor: stopped.flavor }),
        T0 + 5_000,
      );
      assert.equal(await store.instances.earliest({ field: 'restingSince', status: 'CREATING' }), null);

      // And the new tables work on the upgraded database.
      assert.deepEqual(await store.instances.listEvents(created.id, { offset: 0, limit: 0 }), { items: [], total: 0 });
      const current = (await store.instances.getById(stopped.id))!;
      const event = makeEvent(current, { kind: 'start' });
      assert.ok(await store.instances.update({ ...current, status: 'STARTING' }, event));
      assert.deepEqual(kindsOf(await store.instances.listEvents(current.id, { offset: 0, limit: 0 })), ['start']);
      assert.equal(
        await store.instances.earliest({ field: 'restingSince', status: 'STOPPED', flavor: stopped.flavor }),
        null,
      );
      assert.equal(await store.leases.acquire('reconciler', 'a', 1_000, T0), true);
    });

    it('upgrades a database holding names equal but for case: the later ones renamed and audited, such names refused after', async () => {
      const old = await c.anotherDatabase();
      await old.migrateTo('0009-no-status-index');
      const store = c.track(old.connect());
      // Created in this order; `Admin-2` already takes the first suffix of the `admin` group.
      const admin = makeUser({ name: 'admin', createdAt: T0 + 1 });
      const taken = makeUser({ name: 'Admin-2', createdAt: T0 + 2 });
      const shouting = makeUser({ name: 'ADMIN', createdAt: T0 + 3 });
      const capital = makeUser({ name: 'Admin', createdAt: T0 + 3, id: `${shouting.id}-later` });
      const otherDomain = makeUser({ name: 'ADMIN', domain: 'Other', createdAt: T0 + 4 });
      const long = makeUser({ name: 'x'.repeat(64), createdAt: T0 + 5 });
      const longer = makeUser({ name: 'X'.repeat(64), createdAt: T0 + 6 });
      for (const user of [shouting, long, admin, capital, otherDomain, taken, longer])
        await store.identity.insertUser(user);
      const team = makeProject({ name: 'team', createdAt: T0 + 1 });
      const Team = makeProject({ name: 'Team', createdAt: T0 + 2 });
      for (const project of [Team, team]) await store.identity.insertProject(project);

      await store.migrate();
      assert.deepEqual(await store.pendingMigrations(), []);
      const nameOf = async (id: string) => (await store.identity.getUser(id))!.name;
      assert.deepEqual(
        [
          await nameOf(admin.id),
          await nameOf(taken.id),
          await nameOf(shouting.id),
          await nameOf(capital.id),
          await nameOf(otherDomain.id),
          await nameOf(long.id),
          await nameOf(longer.id),
        ],
        ['admin', 'Admin-2', 'ADMIN-3', 'Admin-4', 'ADMIN', 'x'.repeat(64), `${'X'.repeat(62)}-2`],
      );
      assert.deepEqual(
        [(await store.identity.getProject(team.id))!.name, (await store.identity.getProject(Team.id))!.name],
        ['team', 'Team-2'],
      );
      // Everything else about them is kept.
      assert.deepEqual(await store.identity.getUser(shouting.id), { ...shouting, name: 'ADMIN-3' });

      const trail = (await store.audit.list({ offset: 0, limit: 0 })).items.filter((e) =>
        e.action.startsWith('migration 0010'),
      );
      assert.deepEqual(
        trail.map((e) => [e.target, e.detail?.from, e.detail?.to]).sort(),
        [
          [shouting.id, 'ADMIN', 'ADMIN-3'],
          [capital.id, 'Admin', 'Admin-4'],
          [longer.id, 'X'.repeat(64), `${'X'.repeat(62)}-2`],
          [Team.id, 'Team', 'Team-2'],
        ].sort(),
      );

      // From now on the database itself refuses a name equal but for case, at create and at rename.
      await assert.rejects(store.identity.insertUser(makeUser({ name: 'aDmIn' })), DuplicateKeyError);
      await assert.rejects(store.identity.insertProject(makeProject({ name: 'TEAM' })), DuplicateKeyError);
      await assert.rejects(
        store.identity.updateUser({ ...otherDomain, domain: 'Default', name: 'admin-2' }),
        DuplicateKeyError,
      );
      await store.identity.insertUser(makeUser({ name: 'ADMIN', domain: 'Third' }));
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
