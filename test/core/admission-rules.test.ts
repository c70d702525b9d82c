/**
 * Admission: a flavor admits at most its capacity of slot-holding instances, even under many
 * concurrent creates; a start on a full flavor is refused and changes nothing, a restart keeps its
 * slot; quotas refuse per user (6302) and per project (0113); a refused create writes nothing.
 * (The HTTP mapping of these refusals is in test/api/capacity.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DomainError } from '../../src/core/shared/errors.js';
import { SMALL } from '../support/rule-flavors.js';
import { cpuBody } from '../support/cpu-request.js';
import { ALICE, startCoreHarness, type CoreHarness } from '../support/core-harness.js';

const BOB = { ...ALICE, userId: 'u-bob', userName: 'bob' };

const refusedWith = (code: string) => (err: unknown) => err instanceof DomainError && err.code === code;

describe('flavor capacity (core)', () => {
  let h: CoreHarness;
  before(async () => {
    h = await startCoreHarness({ flavors: [SMALL] });
  });
  after(() => h.close());
  let admitted: string[] = [];

  it('admits exactly the capacity out of many concurrent creates; the rest get 6329 and write nothing', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => h.lifecycle.create(ALICE, cpuBody(`cap-${i}`, SMALL.name))),
    );
    admitted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    assert.equal(admitted.length, 3);
    for (const r of results) if (r.status === 'rejected') assert.ok(refusedWith('ModelArts.6329')(r.reason));
    const stored = await h.store.instances.listByStatus(['CREATING', 'STARTING', 'RUNNING'], SMALL.name);
    assert.equal(stored.length, 3, 'refused creates wrote nothing');
    for (const id of admitted) await h.until(id, 'RUNNING');
  });

  it('a start on a full flavor is refused unchanged; it succeeds once a slot frees; a restart keeps its slot', async () => {
    const [a, b] = admitted as [string, string];
    await h.lifecycle.act(ALICE, a, 'stop');
    await h.until(a, 'STOPPED');
    // Someone else takes the freed slot; the stopped instance cannot start until one frees again.
    await h.lifecycle.create(ALICE, cpuBody('cap-late', SMALL.name));
    await assert.rejects(h.lifecycle.act(ALICE, a, 'start'), refusedWith('ModelArts.6329'));
    assert.equal((await h.read(a))?.status, 'STOPPED');
    await h.lifecycle.act(ALICE, b, 'stop');
    await h.until(b, 'STOPPED');
    await h.lifecycle.act(ALICE, a, 'start');
    await h.until(a, 'RUNNING');
    await h.lifecycle.act(ALICE, a, 'restart');
  });

  it('flavors without a capacity are never full', async () => {
    for (let i = 0; i < 5; i++) await h.lifecycle.create(ALICE, cpuBody(`unbounded-${i}`, 'modelarts.vm.cpu.2u'));
  });
});

describe('instance quotas (core)', () => {
  let h: CoreHarness;
  before(async () => {
    h = await startCoreHarness({ quotas: { instancesPerUser: 2, instancesPerProject: 3 } });
  });
  after(() => h.close());

  it('a user over quota gets 6302, a project over quota 0113, and nothing is written', async () => {
    const create = (actor: typeof ALICE, name: string) =>
      h.lifecycle.create(actor, cpuBody(name, 'modelarts.vm.cpu.2u'));
    await create(ALICE, 'q-1');
    await create(ALICE, 'q-2');
    await assert.rejects(create(ALICE, 'q-3'), refusedWith('ModelArts.6302'));
    await create(BOB, 'q-4');
    await assert.rejects(create(BOB, 'q-5'), (err: unknown) => {
      assert.ok(refusedWith('ModelArts.0113')(err));
      assert.equal((err as Error).message, 'Create Notebook failed. Quota: instances is exhausted.');
      return true;
    });
    const page = await h.lifecycle.list(ALICE, {
      showSelf: false,
      sortBy: 'name',
      order: 'asc',
      offset: 0,
      limit: 0,
    });
    assert.deepEqual(
      page.items.map((i) => i.name),
      ['q-1', 'q-2', 'q-4'],
    );
  });
});
