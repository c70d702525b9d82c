/**
 * The store as the services see it (a real SQLite store underneath): every identity or instance
 * write bumps its generation once it has settled, failed writes included; reads and progress
 * entries do not; committed instance changes are published, and a compare-and-set that lost is not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InstanceChange } from '../../src/core/changes/instance-feed.js';
import { watchStore, type StoreChanges } from '../../src/core/changes/store-changes.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { makeEvent, makeInstance, makeUser } from '../store/fixtures.js';

describe('watchStore', () => {
  let store: Store;
  let changes: StoreChanges;
  const published: InstanceChange[] = [];

  before(async () => {
    const raw = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'demanager-changes-')), 'store.db')}`);
    ({ store, changes } = watchStore(raw, (change) => published.push(change)));
  });
  after(() => store.close());

  async function bumps(generation: 'identity' | 'instances', action: () => Promise<unknown>): Promise<number> {
    const before = changes[generation].value;
    await action().catch(() => undefined);
    return changes[generation].value - before;
  }

  it('counts identity writes, failed ones included, and not reads', async () => {
    const user = makeUser();
    assert.equal(await bumps('identity', () => store.identity.insertUser(user)), 1);
    assert.equal(
      await bumps('identity', () => store.identity.insertUser(user)),
      1,
      'a duplicate insert fails, and still counts',
    );
    assert.equal(await bumps('identity', () => store.identity.getUser(user.id)), 0);
    assert.equal(await bumps('identity', () => store.identity.listUsers()), 0);
    assert.equal(
      await bumps('instances', () => store.identity.deleteUser(user.id)),
      0,
      'identity writes leave the instance generation alone',
    );
  });

  it('counts instance writes and publishes what they committed; reads and progress entries neither', async () => {
    const instance = makeInstance();
    published.length = 0;
    assert.equal(await bumps('instances', () => store.instances.insert(instance)), 1);
    assert.equal(await bumps('instances', () => store.instances.get(instance.projectId, instance.id)), 0);
    assert.equal(
      await bumps('instances', () => store.instances.countByFlavor(instance.projectId, instance.user.id)),
      0,
    );
    assert.equal(await bumps('instances', () => store.instances.appendEvent(makeEvent(instance))), 0);
    const stored = (await store.instances.getById(instance.id))!;
    assert.equal(await bumps('instances', () => store.instances.update({ ...stored, status: 'STOPPING' })), 1);
    assert.equal(
      await bumps('instances', () => store.instances.update({ ...stored, status: 'STOPPED' })),
      1,
      'a lost compare-and-set still counts',
    );
    assert.equal(
      await bumps('instances', () => store.instances.delete(instance.id, stored.version + 1, makeEvent(instance))),
      1,
    );
    assert.equal(await bumps('identity', () => store.instances.delete(instance.id, stored.version + 1)), 0);
    assert.deepEqual(
      published.map((c) => (c.kind === 'changed' ? `${c.kind} ${c.instance.status}` : `${c.kind} ${c.id}`)),
      ['changed RUNNING', 'changed STOPPING', `deleted ${instance.id}`],
    );
  });
});
