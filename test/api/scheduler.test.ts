/**
 * Time-driven work on the wire: an auto-stopped instance's reason and history entry, and renew's
 * answers and errors. The rules (auto-stop, renew bounds, retention, idle stop) are in
 * test/core/scheduler-rules.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertError } from '../support/api.js';
import { cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const body = (name: string) => cpuBody(name, 'modelarts.vm.cpu.2u');

describe('scheduled work over HTTP (manual clock)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 8));
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      start: { clock },
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
  });
  after(() => t.stop());

  const get = async (id: string) => (await t.http('GET', `${t.instances()}/${id}`)).body;
  async function until(id: string, status: string): Promise<any> {
    for (let i = 0; i < 500; i++) {
      const body = await get(id);
      if (body.status === status) return body;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${id} never became ${status}; is ${(await get(id)).status}`);
  }
  /** Moves the clock and lets the service react. */
  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await new Promise((r) => setTimeout(r, 30));
  }

  it('an auto-stopped instance shows its reason and history entry; renew answers the new deadline, or the spec errors', async () => {
    const id = (await t.http('POST', t.instances(), { body: body('renewed') })).body.id;
    const running = await until(id, 'RUNNING');
    const deadline = running.spec.auto_stop.stop_timestamp as number;
    assert.equal(deadline, clock.now() + HOUR);
    const renew = (stop_timestamp: number) =>
      t.http('PUT', `${t.instances()}/${id}`, { body: { spec: { auto_stop: { stop_timestamp } } } });
    assertError(await renew(clock.now() - 1), '6346');
    assertError(await renew(deadline - 60_000), '6336');
    const renewed = await renew(deadline + HOUR / 2);
    assert.equal(renewed.status, 200);
    assert.equal(renewed.body.spec.auto_stop.stop_timestamp, deadline + HOUR / 2);
    assert.equal(renewed.body.spec.auto_stop.remain_time, 5400);

    await advance(HOUR + HOUR / 2);
    const stopped = await until(id, 'STOPPED');
    assert.match(stopped.spec.annotations['demanager/stop_reason'], /^auto-stop: the running time of 3600 s ended at /);
    const events = (await t.http('GET', `${t.instances()}/${id}/events`)).body.events;
    assert.ok(
      events.some((e: any) => e.kind === 'auto-stop' && e.by === 'system' && /auto-stop/.test(e.detail.reason)),
    );
    const notRunning = await renew(clock.now() + HOUR);
    assertError(notRunning, '6347');
    assert.equal(
      notRunning.body.error_msg,
      "When the instance is in the 'STOPPED' status, the 'stop_timestamp' parameter cannot be modified.",
    );
  });
});
