/**
 * Queues on the wire: a queued instance's queuing_info and flavor_details, the action answers of
 * start / dequeue / queue, and the refusal of queue. The queue order, ranks and estimates are in
 * test/core/queue-rules.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertError } from '../support/api.js';
import { assertInstanceContract } from '../support/instance-contract.js';
import { cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';
import { LINE } from '../support/rule-flavors.js';

const HOUR = 3_600_000;
const body = (name: string) => cpuBody(name, LINE.name);

describe('queues over HTTP (manual clock)', () => {
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

  it('a queued instance carries queuing_info and the line in flavor_details; the actions answer in the seed shape', async () => {
    const running: string[] = [];
    for (const n of [0, 1]) {
      running.push((await t.http('POST', t.instances(), { body: body(`line-${n}`) })).body.id);
      await until(running[n]!, 'RUNNING');
    }
    const start = clock.now();
    const res = await t.http('POST', t.instances(), { body: body('line-2') });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'CREATE_QUEUING');
    const view = await get(res.body.id);
    assertInstanceContract(view, 'queued instance');
    assert.deepEqual(Object.keys(view.queuing_info).sort(), [
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
    assert.deepEqual(
      [view.queuing_info.rank, view.queuing_info.end_timestamp, view.queuing_info.remain_time],
      [1, start + HOUR, 3600],
    );
    assert.deepEqual(
      [view.flavor_details.status, view.flavor_details.queuing_num, view.flavor_details.queue_left_time],
      ['soldOut', 1, 3600],
    );
    assert.equal((await get(running[0]!)).queuing_info, null);

    assertError(await act(running[1]!, 'queue'), '6357', 400, 'a running instance cannot queue');
    await act(running[0]!, 'stop');
    await until(running[0]!, 'STOPPED');
    await until(res.body.id, 'RUNNING');
    clock.advance(1000);
    assert.deepEqual((await act(running[0]!, 'start')).body, {
      current_status: 'START_QUEUING',
      previous_state: 'STOPPED',
    });
    assert.deepEqual((await act(running[0]!, 'dequeue')).body, {
      current_status: 'STOPPED',
      previous_state: 'START_QUEUING',
    });
    assert.deepEqual((await act(running[0]!, 'queue')).body, {
      current_status: 'START_QUEUING',
      previous_state: 'STOPPED',
    });
  });
});
