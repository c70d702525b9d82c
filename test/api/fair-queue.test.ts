/**
 * A flavor's queue policy over HTTP (manual clock): under `fair` the user who used the flavor least
 * over its window is admitted first though a heavier one queued before, the ranks GET detail and
 * the live stream show are the order served, and a line moved by an arrival or an admission is
 * told again with its new ranks; `fifo` keeps arrival order; `max_waiting_per_user` refuses a
 * create or start that would put one more of a user's instances in line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { resolveConfig } from '../../src/server/config.js';
import { assertRejected, create, member, waitStatus } from '../support/api.js';
import { openEventStream, type StreamEvent } from '../support/event-stream-client.js';
import { cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const oneSlot = (name: string, extra: Parameters<typeof completeFlavor>[0] extends infer O ? Partial<O> : never) =>
  completeFlavor({ name, type: 'CPU', params: { CPU: 1 }, promo_type: 'Free', capacity: 1, queues: true, ...extra });
const FAIR = oneSlot('modelarts.vm.cpu.fair', { queue_policy: 'fair' });
const FIFO = oneSlot('modelarts.vm.cpu.fifo', {});
const TWO_SLOTS = oneSlot('modelarts.vm.cpu.fair2', { queue_policy: 'fair', capacity: 2 });
const LIMITED = oneSlot('modelarts.vm.cpu.limited', { queue_policy: 'fair', max_waiting_per_user: 1 });

describe('queue policies over HTTP (manual clock)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 9));
  let t: TestApp;
  let heavy: { token: string };
  let light: { token: string };
  before(async () => {
    t = await startTestApp({
      start: { clock },
      tokenTtlSeconds: 86_400,
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, FAIR, FIFO, TWO_SLOTS, LIMITED] },
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
    heavy = await member(t, 'fair-heavy', t.projectId);
    assert.deepEqual(
      (await t.http('GET', `/v1/${t.projectId}/demanager/flavors`)).body.flavors
        .filter((f: any) => f.name === LIMITED.name)
        .map((f: any) => [f.queue_policy, f.fair_window_days, f.max_waiting_per_user]),
      [['fair', 7, 1]],
      'the catalog shows the policy',
    );
    light = await member(t, 'fair-light', t.projectId);
  });
  after(() => t.stop());

  const detail = async (id: string) => (await t.http('GET', `${t.instances()}/${id}`)).body;
  const rank = async (id: string) => (await detail(id)).queuing_info?.rank;

  /**
   * The heavy user runs one instance for half an hour and queues a second; a minute later the light
   * user, who never used the flavor, queues one. Returns the ids, before the running one's deadline.
   */
  async function heavyThenLight(flavor: string) {
    const prefix = flavor.split('.').at(-1);
    const running = await create(t, cpuBody(`${prefix}-h1`, flavor), { token: heavy.token });
    await waitStatus(t, running.id, 'RUNNING');
    clock.advance(30 * MINUTE);
    const heavyWaiting = await create(t, cpuBody(`${prefix}-h2`, flavor), { token: heavy.token });
    assert.equal(heavyWaiting.status, 'CREATE_QUEUING');
    clock.advance(MINUTE);
    const lightWaiting = await create(t, cpuBody(`${prefix}-l1`, flavor), { token: light.token });
    assert.equal(lightWaiting.status, 'CREATE_QUEUING');
    return { running, heavyWaiting, lightWaiting, deadline: (await detail(running.id)).spec.auto_stop.stop_timestamp };
  }

  it('fair: the light user is admitted before the heavy one who queued first, in the order and at the times shown', async () => {
    const stream = await openEventStream(`${t.url}/v1/${t.projectId}/demanager/instance-changes`, {
      'X-Auth-Token': t.adminToken,
    });
    try {
      await stream.next((e) => e.event === 'ready');
      const { running, heavyWaiting, lightWaiting, deadline } = await heavyThenLight(FAIR.name);
      const light1 = await detail(lightWaiting.id);
      const heavy2 = await detail(heavyWaiting.id);
      assert.deepEqual(
        [light1.queuing_info.rank, heavy2.queuing_info.rank],
        [1, 2],
        'the light user is shown first in line',
      );
      assert.equal(light1.queuing_info.end_timestamp, deadline, 'the light one gets the slot its holder frees');
      assert.equal(heavy2.queuing_info.end_timestamp, deadline + HOUR, 'the heavy one after the light one runs');
      // The stream told the heavy one's move back when the light one joined ahead of it.
      const movedBack = (e: StreamEvent) =>
        e.event === 'instance' &&
        JSON.parse(e.data).id === heavyWaiting.id &&
        JSON.parse(e.data).queuing_info?.rank === 2;
      await stream.next(movedBack);

      clock.advance(deadline - clock.now());
      await waitStatus(t, running.id, 'STOPPED');
      await waitStatus(t, lightWaiting.id, 'RUNNING');
      assert.equal((await detail(heavyWaiting.id)).status, 'CREATE_QUEUING', 'the heavy one still waits');
      assert.equal(await rank(heavyWaiting.id), 1);
      await stream.next(
        (e) =>
          e.event === 'instance' &&
          JSON.parse(e.data).id === heavyWaiting.id &&
          JSON.parse(e.data).queuing_info?.rank === 1,
      );

      clock.advance(heavy2.queuing_info.end_timestamp - clock.now());
      await waitStatus(t, heavyWaiting.id, 'RUNNING');
      assert.equal(clock.now(), heavy2.queuing_info.end_timestamp, 'admitted when shown');
    } finally {
      stream.close();
    }
  });

  it('fair: a user holding a slot grows heavier while others wait, and the ranks shown count it', async () => {
    const flavor = TWO_SLOTS.name;
    const body = (name: string, minutes: number) => ({
      ...cpuBody(name, flavor),
      spec: { storage: { type: 'evs' }, auto_stop: { enable: true, duration: minutes * 60 } },
    });
    // The light user has used the flavor an hour; the heavy one has held a slot for 20 minutes and
    // keeps it for two hours and 40 more, while an admin's instance frees the other slot in an hour.
    const past = await create(t, body('acc-l0', 60), { token: light.token });
    await waitStatus(t, past.id, 'RUNNING');
    clock.advance(HOUR);
    await waitStatus(t, past.id, 'STOPPED');
    const holding = await create(t, body('acc-h0', 180), { token: heavy.token });
    await waitStatus(t, holding.id, 'RUNNING');
    clock.advance(20 * MINUTE);
    const other = await create(t, body('acc-a0', 60));
    await waitStatus(t, other.id, 'RUNNING');
    const heavyWaiting = await create(t, body('acc-h1', 60), { token: heavy.token });
    clock.advance(MINUTE);
    const lightWaiting = await create(t, body('acc-l1', 60), { token: light.token });
    // Now the heavy user has used 21 minutes, the light one 60; when the slot frees in 59 minutes
    // the heavy one will have used 80: the light one goes first.
    assert.deepEqual([await rank(lightWaiting.id), await rank(heavyWaiting.id)], [1, 2]);
    const freesAt = (await detail(other.id)).spec.auto_stop.stop_timestamp;
    assert.equal((await detail(lightWaiting.id)).queuing_info.end_timestamp, freesAt);
    clock.advance(freesAt - clock.now());
    await waitStatus(t, lightWaiting.id, 'RUNNING');
    assert.equal((await detail(heavyWaiting.id)).status, 'CREATE_QUEUING');
  });

  it('fifo: the first to queue is admitted first, whatever their usage', async () => {
    const { running, heavyWaiting, lightWaiting, deadline } = await heavyThenLight(FIFO.name);
    assert.deepEqual([await rank(heavyWaiting.id), await rank(lightWaiting.id)], [1, 2]);
    clock.advance(deadline - clock.now());
    await waitStatus(t, running.id, 'STOPPED');
    await waitStatus(t, heavyWaiting.id, 'RUNNING');
    assert.equal((await detail(lightWaiting.id)).status, 'CREATE_QUEUING');
  });

  it('max_waiting_per_user refuses a create or a start that would put one more in line, and writes nothing', async () => {
    const opts = { token: heavy.token };
    // Only the flavor's own line counts: the heavy user waits for another flavor too.
    assert.equal((await create(t, cpuBody('limited-elsewhere', FIFO.name), opts)).status, 'CREATE_QUEUING');
    await waitStatus(t, (await create(t, cpuBody('limited-run', LIMITED.name), opts)).id, 'RUNNING');
    const waiting = await create(t, cpuBody('limited-wait', LIMITED.name), opts);
    assert.equal(waiting.status, 'CREATE_QUEUING');
    const refused = await assertRejected(
      t,
      () => t.http('POST', t.instances(), { body: cpuBody('limited-more', LIMITED.name), token: heavy.token }),
      '0113',
      400,
      'a second waiting create',
    );
    assert.match(refused.body.error_msg, /waiting for modelarts\.vm\.cpu\.limited per user \(1\)/);
    // Another user's place in line is theirs.
    assert.equal(
      (await create(t, cpuBody('limited-other', LIMITED.name), { token: light.token })).status,
      'CREATE_QUEUING',
    );
    // Out of line and back: the start of a stopped one queues only while the user has no other waiting.
    const act = (id: string, action: string) =>
      t.http('POST', `${t.instances()}/${id}/action`, { body: { action }, token: heavy.token });
    assert.equal((await act(waiting.id, 'dequeue')).status, 200);
    const second = await create(t, cpuBody('limited-second', LIMITED.name), opts);
    assert.equal(second.status, 'CREATE_QUEUING');
    await assertRejected(t, () => act(waiting.id, 'start'), '0113', 400, 'a start that would queue');
    await assertRejected(t, () => act(waiting.id, 'queue'), '0113', 400, 'a queue action');
  });
});

describe('queue settings of a configured flavor', () => {
  const flavorOf = (settings: object) =>
    resolveConfig({ catalog: { flavors: [{ name: 'q', type: 'CPU', ...settings }] } }).catalog.flavors[0]!;

  it('default to a fifo line, a week of usage, and no limit on waiting', () => {
    const { queue_policy, fair_window_days, max_waiting_per_user } = flavorOf({});
    assert.deepEqual([queue_policy, fair_window_days, max_waiting_per_user], ['fifo', 7, 0]);
    assert.equal(flavorOf({ queue_policy: 'fair', fair_window_days: 0.5 }).fair_window_days, 0.5);
  });

  it('are refused with the flavor, the field and the value at fault', () => {
    assert.throws(
      () => flavorOf({ queue_policy: 'lottery' }),
      /flavor "q": queue_policy must be "fifo" or "fair", got "lottery"/,
    );
    assert.throws(() => flavorOf({ fair_window_days: 0 }), /flavor "q": fair_window_days must be .*, got 0/);
    assert.throws(() => flavorOf({ fair_window_days: '7' }), /fair_window_days must be .*, got "7"/);
    assert.throws(() => flavorOf({ max_waiting_per_user: -1 }), /flavor "q": max_waiting_per_user must be .*, got -1/);
    assert.throws(() => flavorOf({ max_waiting_per_user: 1.5 }), /max_waiting_per_user must be .*, got 1.5/);
  });
});

describe('warm slots of a configured flavor', () => {
  const flavorOf = (settings: object) =>
    resolveConfig({ catalog: { flavors: [{ name: 'w', type: 'CPU', ...settings }] } }).catalog.flavors[0]!;

  it('default to none and take a whole number of servers per profile', () => {
    assert.equal(flavorOf({}).warm, 0);
    assert.equal(flavorOf({ warm: 2 }).warm, 2);
  });

  it('are refused with the flavor, the field and the value at fault', () => {
    assert.throws(() => flavorOf({ warm: -1 }), /flavor "w": warm must be a whole number .*, got -1/);
    assert.throws(() => flavorOf({ warm: 1.5 }), /warm must be .*, got 1.5/);
    assert.throws(() => flavorOf({ warm: '1' }), /warm must be .*, got "1"/);
    assert.throws(() => flavorOf({ warm: 65 }), /warm must be .* from 0 to 64 .*, got 65/);
  });
});
