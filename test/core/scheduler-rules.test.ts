/**
 * Time-driven work on a manual clock: auto-stop at the deadline records its reason (a start clears
 * it), renew moves the current run's deadline within its bounds, retention deletes instances unused
 * past their flavor's store_time (failed ones included; -1 keeps them), idle stop stops notebooks
 * unused for the flavor's idle time. (The wire errors of renew are in test/api/scheduler.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { STOP_REASON_ANNOTATION } from '../../src/core/model/instance.js';
import { DomainError } from '../../src/core/shared/errors.js';
import { cpuBody } from '../support/cpu-request.js';
import { ALICE, startCoreHarness, type CoreHarness } from '../support/core-harness.js';

const HOUR = 3_600_000;
const KEPT = completeFlavor({ name: 'modelarts.vm.cpu.kept', type: 'CPU', params: { CPU: 1 }, store_time: 1 });
const reasonOf = (instance: { spec: { annotations?: Record<string, string> | null } } | undefined) =>
  instance?.spec.annotations?.[STOP_REASON_ANNOTATION];
const refusedWith = (code: string) => (err: unknown) => err instanceof DomainError && err.code === code;

describe('scheduled work (core, manual clock)', () => {
  let h: CoreHarness;
  before(async () => {
    h = await startCoreHarness({ flavors: [KEPT], startAt: Date.UTC(2026, 10, 28, 8), failStart: '^fails' });
  });
  after(() => h.close());

  const create = async (name: string, flavor = KEPT.name, autoStop = true) =>
    (await h.lifecycle.create(ALICE, cpuBody(name, flavor, autoStop))).id;

  it('auto-stop records why the instance stopped, and a start clears it', async () => {
    const id = await create('auto');
    const running = await h.until(id, 'RUNNING');
    assert.equal(running?.stopAt, h.clock.now() + HOUR);
    await h.advance(HOUR);
    const stopped = await h.until(id, 'STOPPED');
    assert.match(reasonOf(stopped) ?? '', /^auto-stop: the running time of 3600 s ended at /);
    assert.ok(
      (await h.history(id)).some(
        (e) => e.kind === 'auto-stop' && e.by === 'system' && /auto-stop/.test(e.detail?.reason ?? ''),
      ),
    );
    await h.lifecycle.act(ALICE, id, 'start');
    assert.equal(reasonOf(await h.until(id, 'RUNNING')), undefined);
    await h.lifecycle.act(ALICE, id, 'stop');
    await h.until(id, 'STOPPED');
  });

  it('renew moves the deadline of the current run later, within its bounds, only while running', async () => {
    const id = await create('renewed', 'modelarts.vm.cpu.2u');
    const deadline = (await h.until(id, 'RUNNING'))?.stopAt as number;
    const renew = (stop_timestamp: number) =>
      h.lifecycle.modify(ALICE, id, { spec: { auto_stop: { stop_timestamp } } });
    await assert.rejects(renew(h.clock.now() - 1), refusedWith('ModelArts.6346'));
    await assert.rejects(renew(deadline - 60_000), refusedWith('ModelArts.6336'));
    await assert.rejects(renew(h.clock.now() + 25 * HOUR), refusedWith('ModelArts.6336'));
    assert.equal((await renew(deadline + HOUR / 2)).stopAt, deadline + HOUR / 2);
    await h.advance(HOUR + 1000);
    assert.equal((await h.read(id))?.status, 'RUNNING', 'the old deadline passed without a stop');
    await h.advance(HOUR / 2);
    await h.until(id, 'STOPPED');
    await assert.rejects(renew(h.clock.now() + HOUR), refusedWith('ModelArts.6347'));
  });

  it('retention deletes an instance unused for store_time hours, failed ones included; -1 keeps them', async () => {
    const kept = await create('kept-forever', 'modelarts.vm.cpu.2u', false);
    const stale = await create('stale', KEPT.name, false);
    const failed = await create('fails-start', KEPT.name, false);
    await h.until(failed, 'CREATE_FAILED');
    for (const id of [kept, stale]) {
      await h.until(id, 'RUNNING');
      await h.lifecycle.act(ALICE, id, 'stop');
      await h.until(id, 'STOPPED');
    }
    await h.advance(HOUR - 60_000);
    assert.equal((await h.read(stale))?.status, 'STOPPED');
    assert.equal((await h.read(failed))?.status, 'CREATE_FAILED');
    await h.advance(2 * 60_000);
    await h.until(stale, 'GONE');
    await h.until(failed, 'GONE');
    await h.advance(1000 * HOUR);
    assert.equal((await h.read(kept))?.status, 'STOPPED');
  });
});

describe('idle stop (core, manual clock, liveness polling every minute)', () => {
  const IDLE = completeFlavor({
    name: 'modelarts.vm.cpu.idle',
    type: 'CPU',
    params: { CPU: 1 },
    idle_stop_seconds: 600,
  });
  let h: CoreHarness;
  before(async () => {
    h = await startCoreHarness({ flavors: [IDLE], startAt: Date.UTC(2026, 10, 28, 10), pollIntervalMs: 60_000 });
  });
  after(() => h.close());

  it("stops a notebook unused for the flavor's idle time and says why; other flavors keep running", async () => {
    const idle = (await h.lifecycle.create(ALICE, cpuBody('idle-one', IDLE.name, false))).id;
    const busy = (await h.lifecycle.create(ALICE, cpuBody('no-idle-stop', 'modelarts.vm.cpu.2u', false))).id;
    for (const id of [idle, busy]) await h.until(id, 'RUNNING');
    for (let minute = 1; minute <= 9; minute++) await h.advance(60_000);
    assert.equal((await h.read(idle))?.status, 'RUNNING', 'not idle for 10 minutes yet');
    await h.advance(60_000);
    const stopped = await h.until(idle, 'STOPPED');
    assert.match(reasonOf(stopped) ?? '', /^idle-stop: no activity since .* \(limit 600 s\)$/);
    assert.ok(
      (await h.history(idle)).some((e) => e.kind === 'idle-stop' && e.from === 'RUNNING' && e.to === 'STOPPING'),
    );
    assert.equal((await h.read(busy))?.status, 'RUNNING');
  });
});
