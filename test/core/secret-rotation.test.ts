/**
 * @module test/core/secret-rotation.test
 * Re-sealing every stored secret under a new master key, on every store: instance credentials
 * (the spec's and the repository's) and access keys' secrets end up sealed with the new key only;
 * values of the first format and values an interrupted run already re-sealed are handled; a second
 * run changes nothing; a live instance or a value neither key opens stops it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Credential, Instance } from '../../src/core/model/instance.js';
import { sealingBoxes, type SealingBoxes } from '../../src/core/secrets/box.js';
import { resealSecrets, RotationRefused } from '../../src/core/secrets/rotation.js';
import type { Store } from '../../src/core/ports/store.js';
import { contractCase } from '../store/contract-case.js';
import { makeInstance, makeUser, T0 } from '../store/fixtures.js';
import { STORE_FACTORIES } from '../store/store-factories.js';

const OLD = randomBytes(32);
const NEW = randomBytes(32);

/** An instance whose spec and repository carry `credential`, sealed by `boxes`. */
function withCredential(boxes: SealingBoxes, credential: Credential, overrides: Partial<Instance> = {}): Instance {
  const base = makeInstance({ status: 'STOPPED', ...overrides });
  const sealed = boxes.secrets.sealCredential(credential);
  return {
    ...base,
    spec: {
      ...base.spec,
      credential: sealed,
      repository: {
        connection_info: {
          protocol: 'https',
          url: 'https://git.example/r.git',
          credential: boxes.secrets.sealCredential(credential)!,
        },
      },
    },
  };
}

function sealedValues(instance: Instance): string[] {
  const values = [instance.spec.credential, instance.spec.repository?.connection_info?.credential].flatMap((c) =>
    Object.values(c ?? {}),
  );
  return values as string[];
}

async function seedKey(store: Store, boxes: SealingBoxes, secret: string): Promise<string> {
  const user = makeUser();
  await store.identity.insertUser(user);
  const accessKey = `AK${randomBytes(9).toString('hex').toUpperCase()}`;
  await store.identity.insertAccessKey({
    accessKey,
    userId: user.id,
    sealedSecret: boxes.accessKeys.seal(secret),
    description: '',
    createdAt: T0,
    lastUsedAt: null,
  });
  return accessKey;
}

for (const factory of STORE_FACTORIES) {
  describe(`master key rotation (${factory.name})`, () => {
    const c = contractCase(factory);
    const before = sealingBoxes(OLD);
    const rotation = sealingBoxes(NEW, [OLD]);
    const after = sealingBoxes(NEW);

    it('re-seals instance credentials and access keys with the new key; a second run changes nothing', async () => {
      const credential = { ssh_private_key: 'ssh-secret', access_token: 'token-secret' };
      const instance = withCredential(before, credential);
      const bare = makeInstance({
        status: 'STOPPED',
        spec: { ...makeInstance().spec, credential: null, repository: null },
      });
      for (const i of [instance, bare]) await c.store.instances.insert(i);
      const accessKey = await seedKey(c.store, before, 'sk-secret');

      const result = await resealSecrets(c.store, rotation);
      assert.deepEqual(result, { instances: { sealed: 1, resealed: 1 }, accessKeys: { sealed: 1, resealed: 1 } });

      const stored = (await c.store.instances.getById(instance.id))!;
      assert.equal(stored.version, instance.version + 1);
      assert.equal(stored.updatedAt, instance.updatedAt, 'a rotation is no change of the instance');
      assert.deepEqual(stored.spec.credential && Object.keys(stored.spec.credential), [
        'ssh_private_key',
        'access_token',
      ]);
      for (const value of sealedValues(stored)) {
        assert.ok(after.secrets.isCurrent(value));
        assert.ok(['ssh-secret', 'token-secret'].includes(after.secrets.open(value)));
        assert.throws(() => before.secrets.open(value));
      }
      const key = (await c.store.identity.getAccessKey(accessKey))!;
      assert.equal(after.accessKeys.open(key.sealedSecret), 'sk-secret');
      assert.throws(() => before.accessKeys.open(key.sealedSecret));
      assert.deepEqual(await c.store.instances.getById(bare.id), bare);

      assert.deepEqual(await resealSecrets(c.store, rotation), {
        instances: { sealed: 1, resealed: 0 },
        accessKeys: { sealed: 1, resealed: 0 },
      });
      assert.deepEqual(await c.store.instances.getById(instance.id), stored);
    });

    it('finishes an interrupted rotation: values already under the new key stay, the rest are re-sealed', async () => {
      const done = withCredential(after, { access_token: 'already-rotated' });
      const pending = withCredential(before, { access_token: 'not-yet' });
      for (const i of [done, pending]) await c.store.instances.insert(i);
      const doneKey = await seedKey(c.store, after, 'sk-done');
      const pendingKey = await seedKey(c.store, before, 'sk-pending');

      const result = await resealSecrets(c.store, rotation);
      assert.deepEqual(result, { instances: { sealed: 2, resealed: 1 }, accessKeys: { sealed: 2, resealed: 1 } });
      assert.deepEqual(await c.store.instances.getById(done.id), done);
      for (const value of sealedValues((await c.store.instances.getById(pending.id))!))
        assert.equal(after.secrets.open(value), 'not-yet');
      assert.equal(after.accessKeys.open((await c.store.identity.getAccessKey(doneKey))!.sealedSecret), 'sk-done');
      assert.equal(
        after.accessKeys.open((await c.store.identity.getAccessKey(pendingKey))!.sealedSecret),
        'sk-pending',
      );
    });

    it('refuses while an instance may have a live workload, changing nothing', async () => {
      const running = withCredential(before, { access_token: 'live' }, { status: 'RUNNING' });
      const stopped = withCredential(before, { access_token: 'resting' });
      for (const i of [running, stopped]) await c.store.instances.insert(i);
      await assert.rejects(resealSecrets(c.store, rotation), (err: Error) => {
        assert.ok(err instanceof RotationRefused);
        assert.match(err.message, new RegExp(`stop these instances first.*${running.id}, RUNNING`));
        return true;
      });
      assert.deepEqual(await c.store.instances.getById(stopped.id), { ...stopped, version: 1 });
    });

    it('stops at a value neither key opens, naming its row', async () => {
      const foreign = withCredential(sealingBoxes(randomBytes(32)), { access_token: 'foreign' });
      await c.store.instances.insert(foreign);
      await assert.rejects(
        resealSecrets(c.store, rotation),
        new RegExp(`instance ${foreign.id}: sealed with a key this server does not have`),
      );
    });
  });
}
