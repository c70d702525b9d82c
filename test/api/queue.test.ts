/**
 * Queues: a full queueing flavor puts creates and starts in line (CREATE_QUEUING / START_QUEUING)
 * with an exact rank and a wait estimate; a freed slot goes to the first in line; queue and
 * dequeue move instances in and out of the line; queued responses keep the seed's shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertInstanceContract } from '../support/instance-contract.js';
import { cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const LINE = completeFlavor({
  name: 'modelarts.vm.cpu.line',
  type: 'CPU',
  params: { CPU: 1 },
  promo_type: 'Free',
  capacity: 2,
  queues: true,
});
const body = (name: string) => cpuBody(name, LINE.name);

describe('queues (manual clock)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 9));
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      start: { clock },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, LINE] },
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
  });
  after(() => t.stop());

  const get = async (id: string) => (await t.http('GET', `${t.instances()}/${id}`)).body;
  const act = (id: string, action: string) => t.http('POST', `${t.instances()}/${id}/action`, { body: { action } });
  async function until(id: string, status: string): Promise<any> {
    for (let i = 0; i < 500; i++) {
      const b = await get(id);
      if (b.status === status) return b;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${id} never became ${status}; is ${(await get(id)).status}`);
  }
  const ids: string[] = [];

  it('creates beyond the capacity wait in line, in arrival order, with rank and estimate', async () => {
    for (const n of [0, 1]) {
      ids.push((await t.http('POST', t.instances(), { body: body(`line-${n}`) })).body.id);
      await until(ids[n]!, 'RUNNING');
    }
    const start = clock.now();
    // Fired at once: every one is accepted into the line, each with its own place.
    const queued = await Promise.all([2, 3, 4].map((n) => t.http('POST', t.instances(), { body: body(`line-${n}`) })));
    for (const res of queued) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'CREATE_QUEUING');
      ids.push(res.body.id);
    }
    const views = await Promise.all(ids.slice(2).map(get));
    assert.deepEqual(views.map((v) => v.queuing_info.rank).sort(), [1, 2, 3]);
    views.sort((a, b) => a.queuing_info.rank - b.queuing_info.rank);
    ids.splice(2, 3, ...views.map((v) => v.id));
    // Both slots free when the running two reach their deadline; the third waits a run more.
    assert.deepEqual(
      views.map((v) => [v.queuing_info.end_timestamp, v.queuing_info.remain_time]),
      [
        [start + HOUR, 3600],
        [start + HOUR, 3600],
        [start + 2 * HOUR, 7200],
      ],
    );
    for (const v of views) {
      assertInstanceContract(v, 'queued instance');
      assert.deepEqual(Object.keys(v.queuing_info).sort(), [
        'begin_timestamp',
        'de_type',
        'end_timestamp',
        'flavor',
        'flavor_details',
        'id',
        'name',
        'rank',
        'remain_time',
        'status',
      ]);
      assert.equal(v.flavor_details.status, 'soldOut');
      assert.equal(v.flavor_details.queuing_num, 3);
      assert.equal(v.flavor_details.queue_left_time, 7200);
    }
    const running = await get(ids[0]!);
    assert.equal(running.queuing_info, null);
  });

  it('a freed slot goes to the first in line, and the ranks move up', async () => {
    assert.equal((await act(ids[0]!, 'stop')).status, 200);
    await until(ids[0]!, 'STOPPED');
    const admitted = await until(ids[2]!, 'RUNNING');
    assert.equal(admitted.queuing_info, null);
    assert.equal((await get(ids[3]!)).queuing_info.rank, 1);
    assert.equal((await get(ids[4]!)).queuing_info.rank, 2);
  });

  it('a start on the full flavor joins the line; dequeue leaves it; queue joins it again', async () => {
    // Arrival order is by time (ties, within one millisecond, go by id): let time pass between arrivals.
    clock.advance(1000);
    const started = await act(ids[0]!, 'start');
    assert.deepEqual(started.body, { current_status: 'START_QUEUING', previous_state: 'STOPPED' });
    assert.equal((await get(ids[0]!)).queuing_info.rank, 3);
    const left = await act(ids[3]!, 'dequeue');
    assert.deepEqual(left.body, { current_status: 'STOPPED', previous_state: 'CREATE_QUEUING' });
    assert.equal((await get(ids[4]!)).queuing_info.rank, 1);
    assert.equal((await get(ids[0]!)).queuing_info.rank, 2);
    clock.advance(1000);
    const back = await act(ids[3]!, 'queue');
    assert.equal(back.body.current_status, 'START_QUEUING');
    assert.equal((await get(ids[3]!)).queuing_info.rank, 3);
    assert.equal((await act(ids[1]!, 'queue')).body.error_code, 'ModelArts.6357', 'a running instance cannot queue');
  });

  it('deadlines free slots for the line; a queued instance can be deleted', async () => {
    assert.equal((await t.http('DELETE', `${t.instances()}/${ids[3]!}`)).status, 200);
    clock.advance(HOUR);
    // The two running instances stop at their deadline; the next two in line run.
    await until(ids[4]!, 'RUNNING');
    await until(ids[0]!, 'RUNNING');
  });

  it('queue on a flavor that does not queue is refused', async () => {
    const plain = (await t.http('POST', t.instances(), { body: { ...body('plain'), flavor: 'modelarts.vm.cpu.2u' } }))
      .body.id;
    await until(plain, 'RUNNING');
    await act(plain, 'stop');
    await until(plain, 'STOPPED');
    assert.equal((await act(plain, 'queue')).body.error_code, 'ModelArts.6357');
  });
});
