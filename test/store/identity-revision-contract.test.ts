/**
 * @module test/store/identity-revision-contract
 * The identity revision on every store: each write to a user (insert, update, delete) or a role
 * assignment (assign, unassign, and the assignments a deleted user or project takes with it)
 * raises it, in the database itself, so another store on the same database sees the rise at once;
 * writes to projects alone, tokens, access keys and instances leave it as it was. A database left
 * at the migration before gains the counter (and its triggers) keeping its rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/core/ports/store.js';
import { migrationsFor } from '../../src/store/migrations/index.js';
import { SQLITE_SCHEMA } from '../../src/store/migrations/schema-dialect.js';
import { contractCase } from './contract-case.js';
import { T0, makeInstance, makeProject, makeToken, makeUser } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

/** Answers by how much `write` raised the revision. */
async function rise(store: Store, write: () => Promise<unknown>): Promise<number> {
  const before = await store.identity.revision();
  await write();
  return (await store.identity.revision()) - before;
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: identity revision (${factory.name})`, () => {
    const c = contractCase(factory);

    it('rises with every write to users and role assignments, seen by another store on the database', async () => {
      const { identity } = c.store;
      const other = c.track(c.database.connect());
      const user = makeUser();
      const project = makeProject();
      await identity.insertProject(project);
      const before = await other.identity.revision();
      assert.ok((await rise(c.store, () => identity.insertUser(user))) >= 1, 'insert user');
      assert.ok((await other.identity.revision()) > before, 'another connection sees the rise');
      assert.ok((await rise(c.store, () => identity.updateUser({ ...user, enabled: false }))) >= 1, 'disable user');
      assert.ok((await rise(c.store, () => identity.updateUser({ ...user, enabled: true }))) >= 1, 'enable user');
      assert.ok(
        (await rise(c.store, () => identity.assignRole({ projectId: project.id, userId: user.id, role: 'member' }))) >=
          1,
        'assign',
      );
      assert.ok(
        (await rise(c.store, () =>
          identity.unassignRole({ projectId: project.id, userId: user.id, role: 'member' }),
        )) >= 1,
        'unassign',
      );
      await identity.assignRole({ projectId: project.id, userId: user.id, role: 'admin' });
      assert.ok(
        (await rise(c.store, () => identity.deleteProject(project.id))) >= 1,
        'a deleted project takes its roles',
      );
      assert.ok((await rise(c.store, () => identity.deleteUser(user.id))) >= 1, 'delete user');
    });

    it('stays as it was through writes to projects, tokens, access keys and instances', async () => {
      const { identity } = c.store;
      const user = makeUser();
      await identity.insertUser(user);
      const project = makeProject();
      assert.equal(await rise(c.store, () => identity.insertProject(project)), 0, 'insert project');
      const token = makeToken(user.id, project.id);
      assert.equal(await rise(c.store, () => identity.insertToken(token)), 0, 'insert token');
      assert.equal(await rise(c.store, () => identity.deleteTokensOfUser(user.id)), 0, 'delete tokens');
      const key = {
        accessKey: 'AKREVISION0000000001',
        userId: user.id,
        sealedSecret: 's',
        description: '',
        createdAt: T0,
        lastUsedAt: null,
      };
      assert.equal(await rise(c.store, () => identity.insertAccessKey(key)), 0, 'insert key');
      assert.equal(await rise(c.store, () => identity.touchAccessKey(key.accessKey, T0 + 60_000)), 0, 'touch key');
      assert.equal(
        await rise(c.store, () => c.store.instances.insert(makeInstance({ projectId: project.id }))),
        0,
        'insert instance',
      );
      assert.equal(
        await rise(c.store, () => identity.unassignRole({ projectId: project.id, userId: user.id, role: 'admin' })),
        0,
        'unassign nothing',
      );
    });

    it('is added to a database left at the migration before, keeping its rows', async () => {
      const names = Object.keys(migrationsFor(SQLITE_SCHEMA)).sort();
      const old = await c.anotherDatabase();
      await old.migrateTo(names[names.indexOf('0011-identity-revision') - 1]!);
      const store = c.track(old.connect());
      const user = makeUser();
      await store.identity.insertUser(user);
      await store.migrate();
      assert.deepEqual(await store.identity.getUser(user.id), user);
      assert.ok((await rise(store, () => store.identity.deleteUser(user.id))) >= 1);
    });
  });
}
