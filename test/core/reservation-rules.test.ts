/**
 * The reservation window: on a flavor whose admitted instances must be confirmed, a freed slot is
 * reserved for the first in line (READY_TO_START), held until its owner confirms with `start`
 * within the window, or given to the next in line when the window ends (STOPPED, reason recorded);
 * dequeue gives it up at once. (The wire view of a reserved instance is in test/api/reservation.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STOP_REASON_ANNOTATION } from '../../src/core/model/instance.js';
import { cpuBody } from '../support/cpu-request.js';
import { ALICE, startCoreHarness, type CoreHarness } from '../support/core-harness.js';
import { CONFIRM, RESERVATION_SECONDS } from '../support/rule-flavors.js';

describe('reservation window (core, manual clock)', () => {
  let h: CoreHarness;
  before(async () => {
    h = await startCoreHarness({ flavors: [CONFIRM], startAt: Date.UTC(2026, 10, 28, 10) });
  });
  after(() => h.close());

  const create = async (name: string) => (await h.lifecycle.create(ALICE, cpuBody(name, CONFIRM.name))).id;
  const status = async (id: string) => (await h.read(id))?.status;
  const rank = async (id: string) => (await h.queue.snapshot(CONFIRM.name)).positions.get(id)?.rank;
  const transitions = async (id: string) => (await h.history(id)).map((e) => [e.kind, e.from, e.to]);

  let holder = '';
  let first = '';
  let second = '';
  let reservedAt = 0;

  it('a freed slot is reserved for the first in line, held for its owner: nothing else starts it or takes it', async () => {
    holder = await create('holder');
    await h.until(holder, 'RUNNING');
    // A second apart: queue order within one millisecond is by id, which is random.
    first = await create('first');
    await h.advance(1000);
    second = await create('second');
    await h.advance(1000);
    assert.equal(await status(first), 'CREATE_QUEUING');

    await h.lifecycle.act(ALICE, holder, 'stop');
    const reserved = await h.until(first, 'READY_TO_START');
    reservedAt = h.clock.now();
    assert.equal(reserved?.reservedAt, reservedAt);
    await h.settle();
    assert.equal(await status(first), 'READY_TO_START');
    assert.equal(await rank(second), 1);
    // The slot is held: the holder cannot take it back by starting.
    await h.advance(1000);
    assert.equal((await h.lifecycle.act(ALICE, holder, 'start')).current, 'START_QUEUING');
    assert.equal(await rank(holder), 2);
  });

  it('start within the window confirms: a never-created instance goes through CREATING to RUNNING', async () => {
    await h.advance(reservedAt + (RESERVATION_SECONDS - 1) * 1000 - h.clock.now());
    await h.lifecycle.act(ALICE, first, 'start');
    await h.until(first, 'RUNNING');
    assert.deepEqual(await transitions(first), [
      ['create', null, 'CREATE_QUEUING'],
      ['admit', 'CREATE_QUEUING', 'READY_TO_START'],
      ['start', 'READY_TO_START', 'CREATING'],
      ['transition', 'CREATING', 'STARTING'],
      ['transition', 'STARTING', 'RUNNING'],
    ]);
  });

  it('an unconfirmed reservation expires after the window: STOPPED with the reason, and the slot goes on', async () => {
    await h.lifecycle.act(ALICE, first, 'stop');
    await h.until(second, 'READY_TO_START');
    reservedAt = h.clock.now();
    assert.equal(await rank(holder), 1);
    await h.advance(RESERVATION_SECONDS * 1000 - 1);
    assert.equal(await status(second), 'READY_TO_START');
    await h.advance(1);
    const expired = await h.until(second, 'STOPPED');
    assert.match(
      expired?.spec.annotations?.[STOP_REASON_ANNOTATION] ?? '',
      /^reservation-expired: the reserved slot was not confirmed with start within 300 s/,
    );
    const event = (await h.history(second)).find((e) => e.kind === 'reservation-expired');
    assert.deepEqual(
      [event?.from, event?.to, event?.by, event?.at],
      ['READY_TO_START', 'STOPPED', 'system', reservedAt + RESERVATION_SECONDS * 1000],
    );
    // The next in line (the old holder, queued by its start) now holds the reservation.
    await h.until(holder, 'READY_TO_START');
  });

  it('dequeue gives a reserved slot up at once; the never-created instance whose reservation expired then starts through CREATING', async () => {
    await h.lifecycle.act(ALICE, holder, 'dequeue');
    assert.equal(await status(holder), 'STOPPED');
    await h.lifecycle.act(ALICE, second, 'start');
    const running = await h.until(second, 'RUNNING');
    const start = (await h.history(second)).find((e) => e.kind === 'start');
    assert.deepEqual([start?.from, start?.to], ['STOPPED', 'CREATING']);
    assert.equal(running?.spec.annotations?.[STOP_REASON_ANNOTATION], undefined);
  });
});
