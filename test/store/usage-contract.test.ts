/**
 * @module test/store/usage-contract
 * Usage periods on every store: the instance repository opens one when an instance takes a slot and
 * closes it when it gives the slot up or is deleted, in the transaction of that change, and a write
 * that loses its compare-and-set records nothing; a window reads the periods that overlap it, of a
 * project, user or flavor; the open ones are read on their own; periods outlive their instance.
 * Each closed period is added, in ms times its size, to its project's and flavor's totals in the
 * transaction that closes it (migration 0016, which adds up the periods closed before it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageSize } from '../../src/core/model/flavor-size.js';
import type { Instance } from '../../src/core/model/instance.js';
import type { ClosedUsage } from '../../src/core/model/usage.js';
import type { InstanceStatus } from '../../src/core/model/statuses.js';
import type { InstanceEvent, Store } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { T0, makeInstance, rowAt0001 } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

const MIN = 60_000;

function event(instance: Instance, from: InstanceStatus | null, to: InstanceStatus | null, at: number): InstanceEvent {
  return {
    instanceId: instance.id,
    projectId: instance.projectId,
    at,
    kind: 'transition',
    from,
    to,
    by: 'system',
    replica: 'r1',
    detail: null,
  };
}

/** Moves the stored instance to `status` at `at`, as a writer would; returns what was written. */
async function move(store: Store, instance: Instance, status: InstanceStatus, at: number, flavor = instance.flavor) {
  const next = { ...instance, status, flavor, updatedAt: at };
  const written = await store.instances.update(next, event(instance, instance.status, status, at));
  assert.ok(written, `moved to ${status}`);
  return written;
}

/** The totals `minutes` of one instance of `size` add up to. */
function closedUsage(projectId: string, flavor: string, minutes: number, size: UsageSize): ClosedUsage {
  const ms = minutes * MIN;
  return {
    projectId,
    flavor,
    instanceMs: ms,
    cpuMs: ms * size.cpus,
    memoryGibMs: ms * size.memoryGib,
    gpuMs: ms * size.gpus,
  };
}

for (const factory of STORE_FACTORIES) {
  describe(`Store contract: usage periods (${factory.name})`, () => {
    const c = contractCase(factory);

    it('opens a period on admission and closes it when the slot is given up, with the flavor’s sizes', async () => {
      const created = makeInstance({
        status: 'CREATING',
        flavor: 'modelarts.vm.gpu.v100',
        createdAt: T0,
        updatedAt: T0,
      });
      await c.store.instances.insert(created, event(created, null, 'CREATING', T0));
      let current = await move(c.store, created, 'RUNNING', T0 + MIN);
      current = await move(c.store, current, 'STOPPING', T0 + 30 * MIN);
      current = await move(c.store, current, 'STOPPED', T0 + 31 * MIN);
      const periods = await c.store.usage.overlapping({ since: T0 - MIN, until: T0 + 60 * MIN });
      assert.deepEqual(
        periods.map(({ seq: _seq, ...rest }) => rest),
        [
          {
            instanceId: created.id,
            instanceName: created.name,
            projectId: created.projectId,
            userId: created.user.id,
            userName: created.user.name,
            flavor: 'modelarts.vm.gpu.v100',
            cpus: 8,
            memoryGib: 64,
            gpus: 1,
            start: T0,
            end: T0 + 31 * MIN,
          },
        ],
      );
      assert.deepEqual(await c.store.usage.open({}), []);
    });

    it('records nothing for a write that loses its compare-and-set, nor for moves between idle statuses', async () => {
      const stopped = makeInstance({ status: 'STOPPED' });
      await c.store.instances.insert(stopped);
      const stale = { ...stopped, status: 'STARTING' as const };
      await move(c.store, stopped, 'START_QUEUING', T0 + MIN);
      assert.equal(
        await c.store.instances.update(stale, event(stopped, 'STOPPED', 'STARTING', T0 + 2 * MIN)),
        undefined,
      );
      assert.deepEqual(await c.store.usage.overlapping({ since: 0, until: T0 + 10 * MIN }), []);
    });

    it('keeps one period per stretch: a requeued instance and a restart make two and one', async () => {
      const first = makeInstance({ status: 'STOPPED' });
      await c.store.instances.insert(first);
      let current = await move(c.store, first, 'STARTING', T0);
      current = await move(c.store, current, 'RUNNING', T0 + MIN);
      current = await move(c.store, current, 'RESTARTING', T0 + 2 * MIN);
      current = await move(c.store, current, 'RUNNING', T0 + 3 * MIN);
      current = await move(c.store, current, 'START_QUEUING', T0 + 4 * MIN);
      current = await move(c.store, current, 'READY_TO_START', T0 + 6 * MIN);
      current = await move(c.store, current, 'STARTING', T0 + 7 * MIN);
      const periods = await c.store.usage.overlapping({ since: 0, until: T0 + 60 * MIN });
      assert.deepEqual(
        periods.map((p) => [p.start, p.end]),
        [
          [T0, T0 + 4 * MIN],
          [T0 + 6 * MIN, null],
        ],
      );
      assert.deepEqual(
        (await c.store.usage.open({ userId: first.user.id })).map((p) => p.start),
        [T0 + 6 * MIN],
      );
    });

    it('closes a period on a change of flavor while holding a slot, and when the instance is deleted', async () => {
      const held = makeInstance({ status: 'STOPPED' });
      await c.store.instances.insert(held);
      let current = await move(c.store, held, 'RUNNING', T0);
      current = await move(c.store, current, 'RUNNING', T0 + MIN, 'modelarts.vm.cpu.8u');
      assert.equal(
        await c.store.instances.delete(held.id, current.version, event(current, 'RUNNING', null, T0 + 2 * MIN)),
        true,
      );
      const periods = await c.store.usage.overlapping({ since: 0, until: T0 + 60 * MIN });
      assert.deepEqual(
        periods.map((p) => [p.flavor, p.cpus, p.start, p.end]),
        [
          ['modelarts.vm.cpu.2u', 2, T0, T0 + MIN],
          ['modelarts.vm.cpu.8u', 8, T0 + MIN, T0 + 2 * MIN],
        ],
        'the periods outlive their instance',
      );
    });

    it('reads the periods that overlap a window, by project, user and flavor', async () => {
      const spans: Array<[Partial<Instance>, number, number]> = [
        [{ projectId: 'project-a', user: { id: 'u-1', name: 'alice' } }, 0, 10],
        [{ projectId: 'project-a', user: { id: 'u-1', name: 'alice' }, flavor: 'modelarts.vm.cpu.8u' }, 20, 40],
        [{ projectId: 'project-a', user: { id: 'u-2', name: 'bob' } }, 35, 50],
        [{ projectId: 'project-b', user: { id: 'u-3', name: 'carol' } }, 30, 31],
        [{ projectId: 'project-a', user: { id: 'u-2', name: 'bob' } }, 60, 70],
      ];
      for (const [overrides, from, to] of spans) {
        const instance = makeInstance({ ...overrides, status: 'STOPPED' });
        await c.store.instances.insert(instance);
        const running = await move(c.store, instance, 'RUNNING', T0 + from * MIN);
        await move(c.store, running, 'STOPPED', T0 + to * MIN);
      }
      const window = { since: T0 + 10 * MIN, until: T0 + 60 * MIN };
      const starts = async (query: object) =>
        (await c.store.usage.overlapping({ ...window, ...query })).map((p) => (p.start - T0) / MIN);
      assert.deepEqual(await starts({}), [20, 30, 35], 'ended at the window’s start, or began at its end: outside');
      assert.deepEqual(await starts({ projectId: 'project-a' }), [20, 35]);
      assert.deepEqual(await starts({ userId: 'u-1' }), [20]);
      assert.deepEqual(await starts({ flavor: 'modelarts.vm.cpu.2u' }), [30, 35]);
      assert.deepEqual(await starts({ projectId: 'project-a', userId: 'u-2', flavor: 'modelarts.vm.cpu.2u' }), [35]);
    });

    it('migrates a database whose instances hold slots: each gets an open period from its last write', async () => {
      const old = await c.anotherDatabase();
      await old.migrateTo('0014-instance-shares');
      const running = makeInstance({ status: 'RUNNING', flavor: 'modelarts.vm.cpu.8u', updatedAt: T0 + 5 * MIN });
      const stopped = makeInstance({ status: 'STOPPED', updatedAt: T0 });
      await old.withKysely(async (db) => {
        for (const instance of [running, stopped])
          await db.insertInto('instances').values(rowAt0001(instance)).execute();
      });
      const store = c.track(old.connect());
      await store.migrate();
      assert.deepEqual(
        (await store.usage.open({})).map((p) => [p.instanceId, p.userName, p.flavor, p.cpus, p.memoryGib, p.start]),
        [[running.id, running.user.name, 'modelarts.vm.cpu.8u', 8, 32, T0 + 5 * MIN]],
        'sizes not on record read as the flavor’s today',
      );
      // The open period closes like any other.
      const current = (await store.instances.getById(running.id))!;
      await move(store, current, 'STOPPED', T0 + 65 * MIN);
      assert.deepEqual(await store.usage.open({}), []);
    });

    it('adds each closed period to its project and flavor, in ms times its size; the open ones come with them', async () => {
      // modelarts.vm.gpu.v100: 8 CPUs, 64 GiB, 1 GPU; modelarts.vm.cpu.2u: 2 CPUs, 8 GiB.
      const gpu = makeInstance({ status: 'STOPPED', projectId: 'project-a', flavor: 'modelarts.vm.gpu.v100' });
      const cpu = makeInstance({ status: 'STOPPED', projectId: 'project-a' });
      const other = makeInstance({ status: 'STOPPED', projectId: 'project-b' });
      for (const instance of [gpu, cpu, other]) await c.store.instances.insert(instance);
      let g = await move(c.store, gpu, 'STARTING', T0);
      g = await move(c.store, g, 'RUNNING', T0 + MIN, 'modelarts.vm.gpu.v100');
      g = await move(c.store, g, 'STOPPED', T0 + 30 * MIN);
      g = await move(c.store, g, 'STARTING', T0 + 40 * MIN);
      g = await move(c.store, g, 'START_FAILED', T0 + 43 * MIN);
      let k = await move(c.store, cpu, 'RUNNING', T0);
      k = await move(c.store, k, 'RUNNING', T0 + 10 * MIN, 'modelarts.vm.cpu.8u'); // 8 CPUs, 32 GiB
      assert.equal(await c.store.instances.delete(k.id, k.version, event(k, 'RUNNING', null, T0 + 15 * MIN)), true);
      await move(c.store, other, 'RUNNING', T0); // still open
      // A write that loses its compare-and-set closes nothing.
      assert.equal(
        await c.store.instances.update(
          { ...g, status: 'STOPPED', version: g.version - 1 },
          event(g, 'RUNNING', 'STOPPED', T0),
        ),
        undefined,
      );
      assert.deepEqual((await c.store.usage.ledger()).closed, [
        closedUsage('project-a', 'modelarts.vm.cpu.2u', 10, { cpus: 2, memoryGib: 8, gpus: 0 }),
        closedUsage('project-a', 'modelarts.vm.cpu.8u', 5, { cpus: 8, memoryGib: 32, gpus: 0 }),
        closedUsage('project-a', 'modelarts.vm.gpu.v100', 33, { cpus: 8, memoryGib: 64, gpus: 1 }),
      ]);
      assert.deepEqual(
        (await c.store.usage.ledger()).open.map((p) => [p.instanceId, p.start]),
        [[other.id, T0]],
      );
    });

    it('migrates a database with closed periods: 0016 adds them up', async () => {
      const old = await c.anotherDatabase();
      await old.migrateTo('0015-usage-periods');
      await old.withKysely(async (db) => {
        const period = (instance: string, started: number, ended: number | null, cpus: number | null) => ({
          instance_id: instance,
          instance_name: instance,
          project_id: 'project-a',
          user_id: 'u-1',
          user_name: 'alice',
          flavor: 'modelarts.vm.cpu.2u',
          cpus,
          memory_gib: cpus === null ? null : 8,
          gpus: cpus === null ? null : 0,
          started_at: started,
          ended_at: ended,
        });
        await db
          .insertInto('usage_periods')
          .values([
            period('DE-1', T0, T0 + 20 * MIN, 2),
            period('DE-2', T0, T0 + 10 * MIN, 2),
            period('DE-3', T0, null, 2),
          ])
          .execute();
      });
      const store = c.track(old.connect());
      await store.migrate();
      assert.deepEqual((await store.usage.ledger()).closed, [
        closedUsage('project-a', 'modelarts.vm.cpu.2u', 30, { cpus: 2, memoryGib: 8, gpus: 0 }),
      ]);
    });
  });
}
