/**
 * Queue order: a full queueing flavor puts creates and starts in line (CREATE_QUEUING /
 * START_QUEUING) in arrival order, with a rank and an expected time; a freed slot goes to the first
 * in line; dequeue and queue move instances out of and into the line; deadlines free slots for it.
 * (How a queued instance looks on the wire is in test/api/queue.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DomainError } from '../../src/core/shared/errors.js';
import { cpuBody } from '../support/cpu-request.js';
import { ALICE, startCoreHarness, type CoreHarness } from '../support/core-harness.js';
import { LINE } from '../support/rule-flavors.js';

const HOUR = 3_600_000;

describe('queues (core, manual clock)', () => {
  let h: CoreHarness;
  before(async () => {
    h = await startCoreHarness({ flavors: [LINE] });
  });
  after(() => h.close());

  const ids: string[] = [];
  const create = async (name: string, flavor = LINE.name) =>
    (await h.lifecycle.create(ALICE, cpuBody(name, flavor))).id;
  const ranks = async () => {
    const { positions } = await h.queue.snapshot(LINE.name);
    return new Map([...positions].map(([id, p]) => [id, p.rank]));
  };

  it('creates beyond the capacity wait in line, each with its own rank and expected time', async () => {
    for (const n of [0, 1]) {
      ids.push(await create(`line-${n}`));
      await h.until(ids[n]!, 'RUNNING');
    }
    const start = h.clock.now();
    const queued = await Promise.all([2, 3, 4].map((n) => h.lifecycle.create(ALICE, cpuBody(`line-${n}`, LINE.name))));
    for (const instance of queued) assert.equal(instance.status, 'CREATE_QUEUING');
    const snapshot = await h.queue.snapshot(LINE.name);
    const line = [...snapshot.positions].sort(([, a], [, b]) => a.rank - b.rank);
    assert.deepEqual(
      line.map(([, p]) => p.rank),
      [1, 2, 3],
    );
    ids.push(...line.map(([id]) => id));
    // Both slots free when the running two reach their deadline; the third waits a run more.
    assert.deepEqual(
      line.map(([, p]) => p.expectedAt),
      [start + HOUR, start + HOUR, start + 2 * HOUR],
    );
    assert.equal(snapshot.length, 3);
    assert.equal(snapshot.nextFreeAt, start + 2 * HOUR);
  });

  it('a freed slot goes to the first in line, and the ranks move up', async () => {
    await h.lifecycle.act(ALICE, ids[0]!, 'stop');
    await h.until(ids[0]!, 'STOPPED');
    await h.until(ids[2]!, 'RUNNING');
    const r = await ranks();
    assert.deepEqual([r.get(ids[3]!), r.get(ids[4]!)], [1, 2]);
  });

  it('a start on the full flavor joins the line; dequeue leaves it; queue joins it again; a running instance cannot queue', async () => {
    // Arrival order is by time (ties, within one millisecond, go by id): let time pass between arrivals.
    await h.advance(1000);
    assert.deepEqual(await h.lifecycle.act(ALICE, ids[0]!, 'start'), { previous: 'STOPPED', current: 'START_QUEUING' });
    assert.equal((await ranks()).get(ids[0]!), 3);
    assert.deepEqual(await h.lifecycle.act(ALICE, ids[3]!, 'dequeue'), {
      previous: 'CREATE_QUEUING',
      current: 'STOPPED',
    });
    let r = await ranks();
    assert.deepEqual([r.get(ids[4]!), r.get(ids[0]!)], [1, 2]);
    await h.advance(1000);
    assert.equal((await h.lifecycle.act(ALICE, ids[3]!, 'queue')).current, 'START_QUEUING');
    r = await ranks();
    assert.equal(r.get(ids[3]!), 3);
    await assert.rejects(
      h.lifecycle.act(ALICE, ids[1]!, 'queue'),
      (err: unknown) => err instanceof DomainError && err.code === 'ModelArts.6357',
    );
  });

  it('deadlines free slots for the line; a queued instance can be deleted', async () => {
    await h.lifecycle.remove(ALICE, ids[3]!);
    await h.advance(HOUR);
    // The two running instances stop at their deadline; the next two in line run.
    await h.until(ids[4]!, 'RUNNING');
    await h.until(ids[0]!, 'RUNNING');
  });

  it('queue on a flavor that does not queue is refused', async () => {
    const plain = await create('plain', 'modelarts.vm.cpu.2u');
    await h.until(plain, 'RUNNING');
    await h.lifecycle.act(ALICE, plain, 'stop');
    await h.until(plain, 'STOPPED');
    await assert.rejects(
      h.lifecycle.act(ALICE, plain, 'queue'),
      (err: unknown) => err instanceof DomainError && err.code === 'ModelArts.6357',
    );
  });
});
