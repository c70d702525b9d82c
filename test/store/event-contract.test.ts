/**
 * @module test/store/event-contract
 * The instance-history part of the `Store` contract, on every implementation: events are written
 * in the same transaction as the change they describe and only when it wins, kept after the
 * instance is gone, and read back in write order a page at a time; and what changed in a project
 * since a time (instances written since, and those deleted since) is read from them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateNameError, type InstanceEvent } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { T0, makeEvent, makeInstance } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

const ALL = { offset: 0, limit: 0 } as const;

/** The events as written, with the store's `seq` taken from what it returned. */
function withSeqs(written: readonly InstanceEvent[], read: readonly InstanceEvent[]): InstanceEvent[] {
  return written.map((event, i) => ({ ...event, seq: read[i]?.seq }));
}

function kinds(events: readonly InstanceEvent[]): string[] {
  return events.map((e) => e.kind);
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: instance events (${factory.name})`, () => {
    const c = contractCase(factory);

    it('writes the event of an insert and reads it back whole, with a store-assigned seq', async () => {
      const instance = makeInstance();
      const event = makeEvent(instance, { kind: 'create', from: null, to: 'CREATING', seq: 999_999 });
      await c.store.instances.insert(instance, event);
      const page = await c.store.instances.listEvents(instance.id, ALL);
      assert.equal(page.total, 1);
      const [read] = page.items;
      assert.ok(read !== undefined && Number.isSafeInteger(read.seq) && read.seq !== 999_999, `seq ${read?.seq}`);
      assert.deepEqual(read, { ...event, seq: read.seq });
    });

    it('appends an event that accompanies no change after the ones before it', async () => {
      const instance = makeInstance();
      await c.store.instances.insert(instance, makeEvent(instance, { kind: 'create' }));
      await c.store.instances.appendEvent(makeEvent(instance, { kind: 'progress', detail: { message: 'cloning' } }));
      const page = await c.store.instances.listEvents(instance.id, ALL);
      assert.deepEqual(
        page.items.map((e) => e.kind),
        ['create', 'progress'],
      );
      assert.deepEqual(page.items[1]!.detail, { message: 'cloning' });
      assert.equal((await c.store.instances.getById(instance.id))!.version, 1, 'the instance itself is unchanged');
    });

    it('round-trips null statuses and detail, and an empty detail', async () => {
      const instance = makeInstance();
      const sparse = makeEvent(instance, { kind: 'delete', from: null, to: null, detail: null, by: 'system' });
      const empty = makeEvent(instance, { kind: 'modify', detail: {} });
      await c.store.instances.insert(instance, sparse);
      const written = await c.store.instances.update(instance, empty);
      assert.ok(written !== undefined);
      const { items } = await c.store.instances.listEvents(instance.id, ALL);
      assert.deepEqual(items, withSeqs([sparse, empty], items));
    });

    it('writes the event of an update only when the update wins', async () => {
      const instance = makeInstance({ status: 'RUNNING' });
      await c.store.instances.insert(instance, makeEvent(instance, { kind: 'create' }));
      const stop = makeEvent(instance, { kind: 'stop', from: 'RUNNING', to: 'STOPPING' });
      const written = await c.store.instances.update({ ...instance, status: 'STOPPING' }, stop);
      assert.equal(written?.version, 2);

      // A second writer still at version 1 loses, and its event must not claim a change.
      const lost = makeEvent(instance, { kind: 'start', from: 'RUNNING', to: 'STARTING' });
      assert.equal(await c.store.instances.update({ ...instance, status: 'STARTING' }, lost), undefined);
      assert.equal(await c.store.instances.update({ ...instance, id: 'DE-missing' }, lost), undefined);
      const { items, total } = await c.store.instances.listEvents(instance.id, ALL);
      assert.deepEqual(kinds(items), ['create', 'stop']);
      assert.equal(total, 2);
      assert.equal((await c.store.instances.getById(instance.id))?.status, 'STOPPING');
      assert.deepEqual(await c.store.instances.listEvents('DE-missing', ALL), { items: [], total: 0 });
    });

    it('writes the event of a delete only when the delete wins, and keeps the history afterwards', async () => {
      const instance = makeInstance();
      const created = makeEvent(instance, { kind: 'create', from: null, to: 'CREATING' });
      const modified = makeEvent(instance, { kind: 'modify' });
      const deleted = makeEvent(instance, { kind: 'delete', from: 'RUNNING', to: null });
      await c.store.instances.insert(instance, created);
      await c.store.instances.update(instance, modified);

      assert.equal(
        await c.store.instances.delete(instance.id, 1, makeEvent(instance, { kind: 'stale-delete' })),
        false,
      );
      assert.equal(await c.store.instances.delete(instance.id, 2, deleted), true);
      assert.equal(await c.store.instances.getById(instance.id), undefined);
      assert.equal(
        await c.store.instances.delete(instance.id, 2, makeEvent(instance, { kind: 'second-delete' })),
        false,
      );

      const { items, total } = await c.store.instances.listEvents(instance.id, ALL);
      assert.deepEqual(items, withSeqs([created, modified, deleted], items));
      assert.equal(total, 3);

      // A new instance reusing the name has a history of its own.
      const successor = makeInstance({ name: instance.name });
      await c.store.instances.insert(successor, makeEvent(successor, { kind: 'create' }));
      assert.equal((await c.store.instances.listEvents(instance.id, ALL)).total, 3);
      assert.equal((await c.store.instances.listEvents(successor.id, ALL)).total, 1);
    });

    it('writes no event when the insert is refused for a duplicate name', async () => {
      const first = makeInstance({ name: 'same' });
      const second = makeInstance({ name: 'same' });
      await c.store.instances.insert(first, makeEvent(first, { kind: 'create' }));
      await assert.rejects(c.store.instances.insert(second, makeEvent(second, { kind: 'create' })), DuplicateNameError);
      assert.deepEqual(await c.store.instances.listEvents(second.id, ALL), { items: [], total: 0 });
      assert.equal(await c.store.instances.getById(second.id), undefined);
    });

    it('writes no event when an update is refused for a duplicate name', async () => {
      const taken = makeInstance({ name: 'taken' });
      const renamed = makeInstance({ name: 'free' });
      await c.store.instances.insert(taken);
      await c.store.instances.insert(renamed);
      await assert.rejects(
        c.store.instances.update({ ...renamed, name: 'taken' }, makeEvent(renamed, { kind: 'modify' })),
        DuplicateNameError,
      );
      assert.deepEqual(await c.store.instances.listEvents(renamed.id, ALL), { items: [], total: 0 });
      assert.equal((await c.store.instances.getById(renamed.id))?.version, 1);
    });

    it('undoes the change when its event cannot be written', async () => {
      // A NOT NULL column left null: the database refuses the event after it accepted the change.
      const unwritable = (instance: { id: string; projectId: string }) =>
        makeEvent(instance, { by: null as unknown as string });
      const fresh = makeInstance();
      await assert.rejects(c.store.instances.insert(fresh, unwritable(fresh)));
      assert.equal(await c.store.instances.getById(fresh.id), undefined);

      const kept = makeInstance({ status: 'RUNNING' });
      await c.store.instances.insert(kept);
      await assert.rejects(c.store.instances.update({ ...kept, status: 'STOPPING' }, unwritable(kept)));
      assert.deepEqual(await c.store.instances.getById(kept.id), kept);
      await assert.rejects(c.store.instances.delete(kept.id, 1, unwritable(kept)));
      assert.deepEqual(await c.store.instances.getById(kept.id), kept);
      assert.equal((await c.store.instances.listEvents(kept.id, ALL)).total, 0);
    });

    it('of many concurrent writers of one version, records the event of the winner only', async () => {
      const instance = makeInstance();
      await c.store.instances.insert(instance);
      const writers = Array.from({ length: 12 }, (_, i) =>
        c.store.instances.update(
          { ...instance, description: `writer ${i}` },
          makeEvent(instance, { kind: 'modify', detail: { writer: String(i) } }),
        ),
      );
      const results = await Promise.all(writers);
      const winners = results.flatMap((r, i) => (r === undefined ? [] : [i]));
      assert.equal(winners.length, 1);
      const { items, total } = await c.store.instances.listEvents(instance.id, ALL);
      assert.equal(total, 1);
      assert.deepEqual(items[0]?.detail, { writer: String(winners[0]) });
    });

    it('lists in write order, whatever the event times say, and only the asked instance', async () => {
      const [a, b] = [makeInstance(), makeInstance()];
      // Replicas' clocks disagree: times going backwards must not reorder the history.
      const times = [T0 + 50, T0 + 10, T0 + 30, T0 + 20];
      await c.store.instances.insert(a, makeEvent(a, { kind: 'a0', at: times[0] }));
      await c.store.instances.insert(b, makeEvent(b, { kind: 'b0' }));
      let current = a;
      for (let i = 1; i < times.length; i += 1) {
        const next = await c.store.instances.update(current, makeEvent(a, { kind: `a${i}`, at: times[i] }));
        assert.ok(next !== undefined);
        current = next;
        await c.store.instances.update((await c.store.instances.getById(b.id))!, makeEvent(b, { kind: `b${i}` }));
      }
      const { items } = await c.store.instances.listEvents(a.id, ALL);
      assert.deepEqual(kinds(items), ['a0', 'a1', 'a2', 'a3']);
      assert.deepEqual(
        items.map((e) => e.at),
        times,
      );
      const seqs = items.map((e) => e.seq ?? Number.NaN);
      assert.ok(
        seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? Infinity)),
        `seqs ${seqs.join(',')}`,
      );
      assert.deepEqual(kinds((await c.store.instances.listEvents(b.id, ALL)).items), ['b0', 'b1', 'b2', 'b3']);
    });

    it('pages with offset and limit while total counts every event of the instance', async () => {
      const instance = makeInstance();
      await c.store.instances.insert(instance, makeEvent(instance, { kind: 'e0' }));
      let current = instance;
      for (let i = 1; i < 7; i += 1) {
        const next = await c.store.instances.update(current, makeEvent(instance, { kind: `e${i}` }));
        assert.ok(next !== undefined);
        current = next;
      }
      const page = (offset: number, limit: number) => c.store.instances.listEvents(instance.id, { offset, limit });
      const cases: Array<[number, number, string[]]> = [
        [0, 3, ['e0', 'e1', 'e2']],
        [3, 3, ['e3', 'e4', 'e5']],
        [6, 3, ['e6']],
        [7, 3, []],
        [100, 0, []],
        [0, 0, ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']],
        [5, 0, ['e5', 'e6']],
        [0, 100, ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']],
      ];
      for (const [offset, limit, expected] of cases) {
        const result = await page(offset, limit);
        assert.deepEqual(kinds(result.items), expected, `offset ${offset} limit ${limit}`);
        assert.equal(result.total, 7, `offset ${offset} limit ${limit}`);
      }
    });

    it('keeps events across close and reopen', async () => {
      const instance = makeInstance();
      const event = makeEvent(instance, { kind: 'create' });
      await c.store.instances.insert(instance, event);
      await c.store.close();
      const reopened = c.track(await c.database.open());
      const { items } = await reopened.instances.listEvents(instance.id, ALL);
      assert.deepEqual(items, withSeqs([event], items));
    });

    it('tells what changed in a project since a time: instances written at or after it, oldest first, and those deleted since', async () => {
      const project = `project-since-${factory.name}`;
      const at = (ms: number) => T0 + 1_000_000 + ms;
      const old = makeInstance({ projectId: project, updatedAt: at(0) });
      const later = makeInstance({ projectId: project, updatedAt: at(300) });
      const edge = makeInstance({ projectId: project, updatedAt: at(100) });
      const elsewhere = makeInstance({ projectId: 'project-other-since', updatedAt: at(500) });
      const goneBefore = makeInstance({ projectId: project, updatedAt: at(0) });
      const goneAfter = makeInstance({ projectId: project, updatedAt: at(0) });
      for (const instance of [old, later, edge, elsewhere, goneBefore, goneAfter])
        await c.store.instances.insert(instance);
      await c.store.instances.delete(
        goneBefore.id,
        1,
        makeEvent(goneBefore, { at: at(50), from: 'STOPPED', to: null }),
      );
      await c.store.instances.delete(goneAfter.id, 1, makeEvent(goneAfter, { at: at(200), from: 'STOPPED', to: null }));
      // A history entry that is not a deletion does not count as one.
      await c.store.instances.appendEvent(makeEvent(old, { kind: 'progress', at: at(400), to: 'RUNNING' }));

      const since = await c.store.instances.changesSince(project, at(100));
      assert.deepEqual(
        since.changed.map((i) => i.id),
        [edge.id, later.id],
      );
      assert.deepEqual(since.changed[1], { ...later, version: 1 });
      assert.deepEqual(since.deleted, [goneAfter.id]);
      assert.deepEqual(await c.store.instances.changesSince(project, at(1000)), { changed: [], deleted: [] });
    });
  });
}
