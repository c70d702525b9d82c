/**
 * The reservation window on the wire: how a reserved (READY_TO_START) and an expired instance look,
 * and their history entries. The window's rules are in test/core/reservation-rules.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertInstanceContract } from '../support/instance-contract.js';
import { cpuBody, INSTANT_PHASES, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';
import { CONFIRM, RESERVATION_SECONDS } from '../support/rule-flavors.js';

const body = (name: string) => cpuBody(name, CONFIRM.name);

describe('reservation window over HTTP (manual clock)', () => {
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

  const act = (id: string, action: string) => t.http('POST', `${t.instances()}/${id}/action`, { body: { action } });
  const create = async (name: string) => (await t.http('POST', t.instances(), { body: body(name) })).body.id as string;
  const history = async (id: string) => (await t.http('GET', `${t.instances()}/${id}/events`)).body.events as any[];
  const advance = async (ms: number) => {
    clock.advance(ms);
    await new Promise((r) => setTimeout(r, 30));
  };

  it('a reserved instance shows its reservation; an expired one its reason and history entry; start confirms', async () => {
    const holder = await create('holder');
    await waitForStatus(t, holder, ['RUNNING']);
    // A second apart: queue order within one millisecond is by id, which is random.
    const first = await create('first');
    await advance(1000);
    const second = await create('second');
    await advance(1000);

    await act(holder, 'stop');
    const reserved = await waitForStatus(t, first, ['READY_TO_START']);
    const reservedAt = clock.now();
    assertInstanceContract(reserved, 'reserved instance');
    assert.equal(reserved.spec.resource_reserved_timestamp, reservedAt);
    assert.equal(reserved.queuing_info, null);
    assert.equal(reserved.flavor_details.status, 'soldOut');

    await advance(RESERVATION_SECONDS * 1000);
    const expired = await waitForStatus(t, first, ['STOPPED']);
    assert.match(
      expired.spec.annotations['demanager/stop_reason'],
      /^reservation-expired: the reserved slot was not confirmed with start within 300 s/,
    );
    assert.equal(expired.queuing_info, null);
    assertInstanceContract(expired, 'expired reservation');
    const event = (await history(first)).find((e) => e.kind === 'reservation-expired');
    assert.deepEqual(
      [event.from_status, event.to_status, event.by, event.timestamp],
      ['READY_TO_START', 'STOPPED', 'system', reservedAt + RESERVATION_SECONDS * 1000],
    );

    await waitForStatus(t, second, ['READY_TO_START']);
    const res = await act(second, 'start');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await waitForStatus(t, second, ['RUNNING']);
  });
});
