/**
 * A flavor whose admitted instances must be confirmed: the first in line gets a reserved slot in
 * READY_TO_START, its owner confirms with `start` within the window, or the slot goes to the next
 * in line and the instance rests in STOPPED with the reason recorded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertInstanceContract } from '../support/instance-contract.js';
import { cpuBody, INSTANT_PHASES, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const WINDOW_S = 300;
const CONFIRM = completeFlavor({
  name: 'modelarts.vm.cpu.confirm',
  type: 'CPU',
  params: { CPU: 1 },
  promo_type: 'Free',
  capacity: 1,
  queues: true,
  reservation_seconds: WINDOW_S,
});
const body = (name: string) => cpuBody(name, CONFIRM.name);

describe('reservation window (manual clock)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 10));
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      start: { clock },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, CONFIRM] },
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
  });
  after(() => t.stop());

  const get = async (id: string) => (await t.http('GET', `${t.instances()}/${id}`)).body;
  const act = (id: string, action: string) => t.http('POST', `${t.instances()}/${id}/action`, { body: { action } });
  const create = async (name: string) => (await t.http('POST', t.instances(), { body: body(name) })).body.id as string;
  const history = async (id: string) => (await t.http('GET', `${t.instances()}/${id}/events`)).body.events as any[];
  const advance = async (ms: number) => {
    clock.advance(ms);
    await new Promise((r) => setTimeout(r, 30));
  };

  let holder = '';
  let first = '';
  let second = '';
  let reservedAt = 0;

  it('a freed slot is reserved for the first in line, which waits in READY_TO_START for its owner', async () => {
    holder = await create('holder');
    await waitForStatus(t, holder, ['RUNNING']);
    // A second apart: queue order within one millisecond is by id, which is random.
    first = await create('first');
    await advance(1000);
    second = await create('second');
    await advance(1000);
    assert.equal((await get(first)).status, 'CREATE_QUEUING');

    await act(holder, 'stop');
    const reserved = await waitForStatus(t, first, ['READY_TO_START']);
    reservedAt = clock.now();
    assertInstanceContract(reserved, 'reserved instance');
    assert.equal(reserved.spec.resource_reserved_timestamp, clock.now());
    assert.equal(reserved.queuing_info, null);
    assert.equal(reserved.flavor_details.status, 'soldOut');
    // It stays reserved: nothing starts it but its owner.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await get(first)).status, 'READY_TO_START');
    assert.equal((await get(second)).queuing_info.rank, 1);
    // The slot is held: the holder cannot take it back by starting.
    await advance(1000);
    assert.equal((await act(holder, 'start')).status, 200);
    assert.equal((await get(holder)).status, 'START_QUEUING');
    assert.equal((await get(holder)).queuing_info.rank, 2);
  });

  it('start within the window confirms: a never-created instance goes through CREATING to RUNNING', async () => {
    await advance(reservedAt + (WINDOW_S - 1) * 1000 - clock.now());
    const res = await act(first, 'start');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await waitForStatus(t, first, ['RUNNING']);
    const events = (await history(first)).filter((e) => e.kind !== 'progress');
    assert.deepEqual(
      events.map((e) => [e.kind, e.from_status, e.to_status]),
      [
        ['create', null, 'CREATE_QUEUING'],
        ['admit', 'CREATE_QUEUING', 'READY_TO_START'],
        ['start', 'READY_TO_START', 'CREATING'],
        ['transition', 'CREATING', 'STARTING'],
        ['transition', 'STARTING', 'RUNNING'],
      ],
    );
  });

  it('an unconfirmed reservation expires after the window: STOPPED with the reason, and the slot goes on', async () => {
    await act(first, 'stop');
    await waitForStatus(t, second, ['READY_TO_START']);
    reservedAt = clock.now();
    assert.equal((await get(holder)).queuing_info.rank, 1);
    await advance(WINDOW_S * 1000 - 1);
    assert.equal((await get(second)).status, 'READY_TO_START');
    await advance(1);
    const expired = await waitForStatus(t, second, ['STOPPED']);
    assert.match(
      expired.spec.annotations['demanager/stop_reason'],
      /^reservation-expired: the reserved slot was not confirmed with start within 300 s/,
    );
    assert.equal(expired.queuing_info, null);
    assertInstanceContract(expired, 'expired reservation');
    const event = (await history(second)).find((e) => e.kind === 'reservation-expired');
    assert.deepEqual(
      [event.from_status, event.to_status, event.by, event.timestamp],
      ['READY_TO_START', 'STOPPED', 'system', reservedAt + WINDOW_S * 1000],
    );
    // The next in line (the old holder, queued by its start) now holds the reservation.
    await waitForStatus(t, holder, ['READY_TO_START']);
  });

  it('dequeue gives a reserved slot up at once; the never-created instance whose reservation expired then starts through CREATING', async () => {
    assert.equal((await act(holder, 'dequeue')).status, 200);
    assert.equal((await get(holder)).status, 'STOPPED');
    // The slot is free now: the instance whose reservation expired starts, creating it first.
    assert.equal((await act(second, 'start')).status, 200);
    await waitForStatus(t, second, ['RUNNING']);
    const start = (await history(second)).find((e) => e.kind === 'start');
    assert.deepEqual([start.from_status, start.to_status], ['STOPPED', 'CREATING']);
    assert.equal((await get(second)).spec.annotations['demanager/stop_reason'], undefined);
  });
});
