/**
 * @module test/store/access-key-contract
 * The access-key part of the `Store` contract, on every implementation: keys round-trip with every
 * field, belong to one user (listed oldest first, gone with the user), are unique, record their
 * last use, have their sealed secret replaced by compare-and-set; and a database left at the migration before 0004 gains the table keeping its rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredAccessKey } from '../../src/core/model/identity-types.js';
import { DuplicateKeyError } from '../../src/core/ports/store.js';
import { migrationsFor } from '../../src/store/migrations/index.js';
import { SQLITE_SCHEMA } from '../../src/store/migrations/schema-dialect.js';
import { contractCase } from './contract-case.js';
import { T0, makeToken, makeUser, makeProject } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

let sequence = 0;

function makeAccessKey(userId: string, overrides: Partial<StoredAccessKey> = {}): StoredAccessKey {
  sequence += 1;
  return {
    accessKey: `AK${String(sequence).padStart(18, '0')}`,
    userId,
    sealedSecret: `sealed:v1:secret-${sequence}`,
    description: `key "${sequence}" ✓`,
    createdAt: T0 + sequence,
    lastUsedAt: null,
    ...overrides,
  };
}

/** The migration that runs just before access keys exist. */
function migrationBefore(name: string): string {
  const names = Object.keys(migrationsFor(SQLITE_SCHEMA)).sort();
  const previous = names[names.indexOf(name) - 1];
  if (!previous) throw new Error(`no migration before ${name}`);
  return previous;
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: access keys (${factory.name})`, () => {
    const c = contractCase(factory);

    it('inserts and reads a key with every field', async () => {
      const user = makeUser();
      await c.store.identity.insertUser(user);
      const fresh = makeAccessKey(user.id);
      const used = makeAccessKey(user.id, { lastUsedAt: T0 + 5_000, description: '' });
      await c.store.identity.insertAccessKey(fresh);
      await c.store.identity.insertAccessKey(used);
      assert.deepEqual(await c.store.identity.getAccessKey(fresh.accessKey), fresh);
      assert.deepEqual(await c.store.identity.getAccessKey(used.accessKey), used);
      assert.equal(await c.store.identity.getAccessKey('AK-MISSING'), undefined);
    });

    it('rejects a duplicate access key, and a key of no user', async () => {
      const [alice, bob] = [makeUser(), makeUser()];
      for (const user of [alice, bob]) await c.store.identity.insertUser(user);
      const key = makeAccessKey(alice.id);
      await c.store.identity.insertAccessKey(key);
      await assert.rejects(
        c.store.identity.insertAccessKey(makeAccessKey(bob.id, { accessKey: key.accessKey })),
        DuplicateKeyError,
      );
      await assert.rejects(c.store.identity.insertAccessKey(makeAccessKey('user-missing')));
      assert.deepEqual(await c.store.identity.listAccessKeys(alice.id), [key]);
      assert.deepEqual(await c.store.identity.listAccessKeys(bob.id), []);
    });

    it("lists one user's keys, oldest first (ties by access key)", async () => {
      const [alice, bob] = [makeUser(), makeUser()];
      for (const user of [alice, bob]) await c.store.identity.insertUser(user);
      const late = makeAccessKey(alice.id, { accessKey: 'AAAAAAAAAAAAAAAAAAA1', createdAt: T0 + 100 });
      const tieB = makeAccessKey(alice.id, { accessKey: 'BBBBBBBBBBBBBBBBBBBB', createdAt: T0 + 10 });
      const tieA = makeAccessKey(alice.id, { accessKey: 'ABBBBBBBBBBBBBBBBBBB', createdAt: T0 + 10 });
      const bobs = makeAccessKey(bob.id, { createdAt: T0 });
      for (const key of [late, tieB, bobs, tieA]) await c.store.identity.insertAccessKey(key);
      assert.deepEqual(await c.store.identity.listAccessKeys(alice.id), [tieA, tieB, late]);
      assert.deepEqual(await c.store.identity.listAccessKeys(bob.id), [bobs]);
    });

    it('deletes a key once, and records its last use', async () => {
      const user = makeUser();
      await c.store.identity.insertUser(user);
      const [gone, kept] = [makeAccessKey(user.id), makeAccessKey(user.id)];
      for (const key of [gone, kept]) await c.store.identity.insertAccessKey(key);
      assert.equal(await c.store.identity.deleteAccessKey(gone.accessKey), true);
      assert.equal(await c.store.identity.deleteAccessKey(gone.accessKey), false);
      assert.equal(await c.store.identity.getAccessKey(gone.accessKey), undefined);

      await c.store.identity.touchAccessKey(kept.accessKey, T0 + 60_000);
      assert.deepEqual(await c.store.identity.getAccessKey(kept.accessKey), { ...kept, lastUsedAt: T0 + 60_000 });
      await c.store.identity.touchAccessKey(gone.accessKey, T0 + 60_000);
      assert.equal(await c.store.identity.getAccessKey(gone.accessKey), undefined);
    });

    it('replaces a sealed secret only while it is still the expected one', async () => {
      const user = makeUser();
      await c.store.identity.insertUser(user);
      const key = makeAccessKey(user.id);
      await c.store.identity.insertAccessKey(key);
      assert.equal(
        await c.store.identity.replaceSealedSecret(key.accessKey, 'sealed:v1:stale', 'sealed:v2:lost'),
        false,
      );
      assert.equal(await c.store.identity.replaceSealedSecret(key.accessKey, key.sealedSecret, 'sealed:v2:new'), true);
      assert.deepEqual(await c.store.identity.getAccessKey(key.accessKey), { ...key, sealedSecret: 'sealed:v2:new' });
      assert.equal(await c.store.identity.replaceSealedSecret('AK-MISSING', key.sealedSecret, 'sealed:v2:x'), false);
    });

    it("removes a user's keys with the user", async () => {
      const [gone, kept] = [makeUser(), makeUser()];
      for (const user of [gone, kept]) await c.store.identity.insertUser(user);
      const [goneKey, keptKey] = [makeAccessKey(gone.id), makeAccessKey(kept.id)];
      for (const key of [goneKey, keptKey]) await c.store.identity.insertAccessKey(key);
      assert.equal(await c.store.identity.deleteUser(gone.id), true);
      assert.equal(await c.store.identity.getAccessKey(goneKey.accessKey), undefined);
      assert.deepEqual(await c.store.identity.listAccessKeys(gone.id), []);
      assert.deepEqual(await c.store.identity.getAccessKey(keptKey.accessKey), keptKey);
    });

    it('adds the table to a database left at the migration before, keeping its rows', async () => {
      const old = await c.anotherDatabase();
      await old.migrateTo(migrationBefore('0004-access-keys'));
      const store = c.track(old.connect());
      assert.ok((await store.pendingMigrations()).includes('0004-access-keys'));
      const user = makeUser();
      const project = makeProject();
      const token = makeToken(user.id, project.id);
      await store.identity.insertUser(user);
      await store.identity.insertProject(project);
      await store.identity.insertToken(token);

      await store.migrate();
      assert.deepEqual(await store.pendingMigrations(), []);
      assert.deepEqual(await store.identity.getUser(user.id), user);
      assert.deepEqual(await store.identity.findToken(token.hash), token);
      const key = makeAccessKey(user.id);
      await store.identity.insertAccessKey(key);
      assert.deepEqual(await store.identity.listAccessKeys(user.id), [key]);
    });
  });
}
