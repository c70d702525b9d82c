/**
 * Time-driven work on a manual clock: auto-stop records its reason, renew moves a running
 * deadline later, retention deletes instances unused past their flavor's store_time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { ADMIN_PASSWORD, cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const KEPT = completeFlavor({ name: 'modelarts.vm.cpu.kept', type: 'CPU', params: { CPU: 1 }, store_time: 1 });
const body = (name: string, flavor = KEPT.name, autoStop = true) => cpuBody(name, flavor, autoStop);

describe('scheduled work (manual clock)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 8));
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      start: { clock },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, KEPT] },
      runtime: { simulated: { delays: INSTANT_PHASES, failOn: { start: '^fails' } } },
    });
  });
  after(() => t.stop());

  const get = async (id: string) => (await t.http('GET', `${t.instances()}/${id}`)).body;
  async function until(id: string, status: string): Promise<any> {
    for (let i = 0; i < 500; i++) {
      const body = await get(id);
      if (body.status === status || (status === 'GONE' && body.error_code === 'ModelArts.6309')) return body;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${id} never became ${status}; is ${(await get(id)).status}`);
  }
  /** Moves the clock and lets the service react. */
  async function advance(ms: number): Promise<void> {
    clock.advance(ms);
    await new Promise((r) => setTimeout(r, 30));
  }

  it('auto-stop records why the instance stopped, and a start clears it', async () => {
    const id = (await t.http('POST', t.instances(), { body: body('auto') })).body.id;
    const running = await until(id, 'RUNNING');
    assert.equal(running.spec.auto_stop.stop_timestamp, clock.now() + HOUR);
    await advance(HOUR);
    const stopped = await until(id, 'STOPPED');
    assert.match(stopped.spec.annotations['demanager/stop_reason'], /^auto-stop: the running time of 3600 s ended at /);
    const events = (await t.http('GET', `${t.instances()}/${id}/events`)).body.events;
    assert.ok(
      events.some((e: any) => e.kind === 'auto-stop' && e.by === 'system' && /auto-stop/.test(e.detail.reason)),
    );
    await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'start' } });
    const again = await until(id, 'RUNNING');
    assert.equal(again.spec.annotations['demanager/stop_reason'], undefined);
    await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'stop' } });
    await until(id, 'STOPPED');
  });

  it('renew moves the deadline of the current run later, with the spec errors for bad values', async () => {
    const id = (await t.http('POST', t.instances(), { body: body('renewed', 'modelarts.vm.cpu.2u') })).body.id;
    const running = await until(id, 'RUNNING');
    const deadline = running.spec.auto_stop.stop_timestamp as number;
    const renew = (stop_timestamp: number) =>
      t.http('PUT', `${t.instances()}/${id}`, { body: { spec: { auto_stop: { stop_timestamp } } } });
    assert.equal((await renew(clock.now() - 1)).body.error_code, 'ModelArts.6346');
    assert.equal((await renew(deadline - 60_000)).body.error_code, 'ModelArts.6336');
    assert.equal((await renew(clock.now() + 25 * HOUR)).body.error_code, 'ModelArts.6336');
    const renewed = await renew(deadline + HOUR / 2);
    assert.equal(renewed.status, 200);
    assert.equal(renewed.body.spec.auto_stop.stop_timestamp, deadline + HOUR / 2);
    assert.equal(renewed.body.spec.auto_stop.remain_time, 5400);
    await advance(HOUR + 1000);
    assert.equal((await get(id)).status, 'RUNNING', 'the old deadline passed without a stop');
    await advance(HOUR / 2);
    await until(id, 'STOPPED');
    const notRunning = await renew(clock.now() + HOUR);
    assert.deepEqual(
      [notRunning.body.error_code, notRunning.body.error_msg],
      [
        'ModelArts.6347',
        "When the instance is in the 'STOPPED' status, the 'stop_timestamp' parameter cannot be modified.",
      ],
    );
  });

  it('retention deletes an instance unused for store_time hours, failed ones included; -1 keeps them', async () => {
    const kept = (await t.http('POST', t.instances(), { body: body('kept-forever', 'modelarts.vm.cpu.2u', false) }))
      .body.id;
    const stale = (await t.http('POST', t.instances(), { body: body('stale', KEPT.name, false) })).body.id;
    const failed = (await t.http('POST', t.instances(), { body: body('fails-start', KEPT.name, false) })).body.id;
    await until(failed, 'CREATE_FAILED');
    for (const id of [kept, stale]) {
      await until(id, 'RUNNING');
      await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'stop' } });
      await until(id, 'STOPPED');
    }
    await advance(HOUR - 60_000);
    assert.equal((await get(stale)).status, 'STOPPED');
    assert.equal((await get(failed)).status, 'CREATE_FAILED');
    await advance(2 * 60_000);
    await until(stale, 'GONE');
    await until(failed, 'GONE');
    await advance(1000 * HOUR);
    // A fresh login: the admin's token expired during those thousand hours.
    const { token } = await t.login('admin', ADMIN_PASSWORD);
    assert.equal((await t.http('GET', `${t.instances()}/${kept}`, { token })).body.status, 'STOPPED');
  });
});

describe('idle stop (manual clock, liveness polling every minute)', () => {
  const IDLE = completeFlavor({
    name: 'modelarts.vm.cpu.idle',
    type: 'CPU',
    params: { CPU: 1 },
    idle_stop_seconds: 600,
  });
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 10));
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      start: { clock },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, IDLE] },
      runtime: { pollIntervalSeconds: 60, simulated: { delays: INSTANT_PHASES } },
    });
  });
  after(() => t.stop());

  it("stops a notebook unused for the flavor's idle time and says why; other flavors keep running", async () => {
    const create = async (name: string, flavor: string) =>
      (
        await t.http('POST', t.instances(), {
          body: { name, profile_id: 'Multi-Engine 1.0 (python3)-cpu', flavor, spec: { storage: { type: 'evs' } } },
        })
      ).body.id as string;
    const idle = await create('idle-one', IDLE.name);
    const busy = await create('no-idle-stop', 'modelarts.vm.cpu.2u');
    const status = async (id: string) => (await t.http('GET', `${t.instances()}/${id}`)).body;
    for (const id of [idle, busy]) {
      for (let i = 0; i < 200 && (await status(id)).status !== 'RUNNING'; i++)
        await new Promise((r) => setTimeout(r, 5));
    }
    for (let minute = 1; minute <= 9; minute++) {
      clock.advance(60_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await status(idle)).status, 'RUNNING', 'not idle for 10 minutes yet');
    clock.advance(60_000);
    let stopped: any;
    for (let i = 0; i < 200; i++) {
      stopped = await status(idle);
      if (stopped.status === 'STOPPED') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(stopped.status, 'STOPPED');
    assert.match(
      stopped.spec.annotations['demanager/stop_reason'],
      /^idle-stop: no activity since .* \(limit 600 s\)$/,
    );
    const events = (await t.http('GET', `${t.instances()}/${idle}/events`)).body.events as any[];
    assert.ok(events.some((e) => e.kind === 'idle-stop' && e.from_status === 'RUNNING' && e.to_status === 'STOPPING'));
    assert.equal((await status(busy)).status, 'RUNNING');
  });
});
