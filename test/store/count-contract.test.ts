/**
 * Contract: the instance counters (migration 0006) agree with the instances, on every dialect.
 * Random inserts, updates and deletes, some with a stale version that must change nothing, are
 * checked against counts computed from a model of the rows; concurrent writers moving instances
 * between the same counters in opposite directions neither deadlock nor lose a count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Instance } from '../../src/core/model/instance.js';
import type { InstanceStatus } from '../../src/core/model/statuses.js';
import type { InstanceQuery, Store } from '../../src/core/ports/store.js';
import { contractCase } from './contract-case.js';
import { makeInstance } from './fixtures.js';
import { STORE_FACTORIES } from './store-factories.js';

const PROJECTS = ['pa', 'pb'];
const USERS = ['ua', 'ub'];
const WORKSPACES = ['0', 'w1'];
const FLAVORS = ['small', 'large'];
const STATUSES: InstanceStatus[] = ['RUNNING', 'STOPPED', 'START_QUEUING', 'CREATING'];

type Op =
  | { kind: 'insert'; project: number; user: number; workspace: number; flavor: number; status: number }
  | { kind: 'update'; pick: number; flavor: number; status: number; stale: boolean }
  | { kind: 'delete'; pick: number; stale: boolean };

const index = (n: number) => fc.nat({ max: n - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    project: index(2),
    user: index(2),
    workspace: index(2),
    flavor: index(2),
    status: index(STATUSES.length),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    pick: fc.nat(),
    flavor: index(2),
    status: index(STATUSES.length),
    stale: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(), stale: fc.boolean() }),
);

function tally<K>(rows: Iterable<Instance>, key: (i: Instance) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const i of rows) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return counts;
}

async function apply(store: Store, live: Map<string, Instance>, o: Op, n: number): Promise<void> {
  const existing = [...live.values()];
  if (o.kind === 'insert') {
    const instance = makeInstance({
      name: `c${n}`,
      projectId: PROJECTS[o.project]!,
      user: { id: USERS[o.user]!, name: USERS[o.user]! },
      workspaceId: WORKSPACES[o.workspace]!,
      flavor: FLAVORS[o.flavor]!,
      status: STATUSES[o.status]!,
    });
    await store.instances.insert(instance);
    live.set(instance.id, { ...instance, version: 1 });
    return;
  }
  if (existing.length === 0) return;
  const target = existing[o.pick % existing.length]!;
  const version = o.stale ? target.version + 1 : target.version;
  if (o.kind === 'update') {
    const next = await store.instances.update({
      ...target,
      version,
      flavor: FLAVORS[o.flavor]!,
      status: STATUSES[o.status]!,
    });
    assert.equal(next === undefined, o.stale);
    if (next) live.set(next.id, next);
  } else {
    assert.equal(await store.instances.delete(target.id, version), !o.stale);
    if (!o.stale) live.delete(target.id);
  }
}

async function assertCounts(store: Store, live: Map<string, Instance>): Promise<void> {
  const rows = [...live.values()];
  assert.deepEqual(
    await store.instances.countByStatus(),
    tally(rows, (i) => i.status),
  );
  for (const statuses of [['RUNNING', 'CREATING'], ['START_QUEUING'], []] as InstanceStatus[][]) {
    assert.deepEqual(
      await store.instances.countInStatuses(statuses),
      tally(
        rows.filter((i) => statuses.includes(i.status)),
        (i) => i.flavor,
      ),
    );
  }
  for (const projectId of PROJECTS) {
    for (const userId of USERS) {
      const mine = rows.filter((i) => i.projectId === projectId && i.user.id === userId);
      assert.deepEqual(
        await store.instances.countByFlavor(projectId, userId),
        tally(mine, (i) => i.flavor),
      );
    }
    const filters: Array<Partial<InstanceQuery>> = [
      {},
      { userId: 'ua' },
      { status: 'RUNNING' },
      { workspaceId: '0' },
      { userId: 'ub', status: 'STOPPED', workspaceId: 'w1' },
    ];
    for (const filter of filters) {
      const expected = rows.filter(
        (i) =>
          i.projectId === projectId &&
          (filter.userId === undefined || i.user.id === filter.userId) &&
          (filter.status === undefined || i.status === filter.status) &&
          (filter.workspaceId === undefined || i.workspaceId === filter.workspaceId),
      ).length;
      const page = await store.instances.list({
        projectId,
        sortBy: 'name',
        order: 'asc',
        offset: 0,
        limit: 1,
        ...filter,
      });
      assert.equal(page.total, expected, `total of ${projectId} ${JSON.stringify(filter)}`);
    }
  }
}

for (const factory of STORE_FACTORIES) {
  describe(`instance counters (${factory.name})`, () => {
    const c = contractCase(factory);

    it('agree with the rows after any sequence of inserts, updates and deletes, stale ones included', async () => {
      const live = new Map<string, Instance>();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
          for (const o of ops) await apply(c.store, live, o, n++);
          await assertCounts(c.store, live);
        }),
        { numRuns: 20 },
      );
    });

    it('stay exact when writers move instances between two counters in opposite directions at once', async () => {
      // A second store stands for another replica. better-sqlite3 is synchronous: a second SQLite
      // connection in this thread would block it waiting for the first, so there one store serves all.
      const other = factory.name === 'sqlite' ? c.store : c.track(c.database.connect());
      const instances = Array.from({ length: 16 }, (_, i) =>
        makeInstance({
          name: `m${i}`,
          projectId: 'pa',
          user: { id: 'ua', name: 'ua' },
          workspaceId: '0',
          flavor: 'small',
          status: i % 2 ? 'RUNNING' : 'STOPPED',
        }),
      );
      for (const instance of instances) await c.store.instances.insert(instance);
      // Each flips its status, through either store: half go RUNNING → STOPPED, half the other way.
      const flipped = await Promise.all(
        instances.map((instance, i) =>
          (i % 4 < 2 ? c.store : other).instances.update({
            ...instance,
            version: 1,
            status: instance.status === 'RUNNING' ? 'STOPPED' : 'RUNNING',
          }),
        ),
      );
      assert.ok(flipped.every((f) => f !== undefined));
      const live = new Map(flipped.map((f) => [f!.id, f!]));
      await assertCounts(c.store, live);
    });
  });
}
