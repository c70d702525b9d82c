import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { Catalog } from '../../src/core/model/catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import type { Instance, RuntimeState } from '../../src/core/model/instance.js';
import { LifecycleService, type Actor } from '../../src/core/instances/lifecycle-service.js';
import { QueueService } from '../../src/core/instances/queue-service.js';
import { Reconciler } from '../../src/core/instances/reconciler.js';
import { SecretBox } from '../../src/core/secrets/box.js';
import { WorkloadError, type Health, type RuntimeDriver, type Workload } from '../../src/core/ports/runtime.js';
import type { Store } from '../../src/core/ports/store.js';
import { SimulatedDriver } from '../../src/runtime/simulated/simulated-driver.js';
import { openStore } from '../../src/store/open-store.js';
import { makeInstance } from '../store/fixtures.js';

const silent = { info() {}, warn() {}, error() {} };
const actor: Actor = { userId: 'u1', userName: 'alice', projectId: 'p1', isProjectAdmin: false };
const catalog = new Catalog(BUILTIN_CATALOG);
const body = (name: string) => ({
  name,
  profile_id: 'Multi-Engine 1.0 (python3)-cpu',
  flavor: 'modelarts.vm.cpu.2u',
  spec: { storage: { type: 'evs' }, auto_stop: { enable: true, duration: 3600 } },
});

/** Lets every pending promise chain (store calls, driver steps) run to its next wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe('reconciler', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'demanager-reconciler-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function setup(driver: RuntimeDriver, clock: ManualClock, startTimeoutMs = 60_000) {
    const reconciler = new Reconciler({
      store,
      driver,
      catalog,
      clock,
      log: silent,
      replica: 'test',
      startTimeoutMs,
      pollIntervalMs: 0,
      scanIntervalMs: 0,
    });
    const lifecycle = new LifecycleService({
      store,
      catalog,
      clock,
      trigger: reconciler,
      secrets: new SecretBox(randomBytes(32)),
      replica: 'test',
    });
    return { reconciler, lifecycle };
  }

  /** Builds and starts a reconciler, as the lease holder does. */
  async function started(driver: RuntimeDriver, clock: ManualClock, startTimeoutMs?: number) {
    const parts = setup(driver, clock, startTimeoutMs);
    await parts.reconciler.start();
    return parts;
  }

  it('walks create through CREATING and STARTING to RUNNING on the clock, and sets the auto-stop deadline', async () => {
    store = await openStore(join(dir, 'a.db'));
    const clock = new ManualClock();
    const driver = new SimulatedDriver(clock, {
      delays: { prepare: 1000, start: 2000, stop: 500, remove: 100 },
      failOn: {},
    });
    const { reconciler, lifecycle } = await started(driver, clock);
    const created = await lifecycle.create(actor, body('walk'));
    await settle();
    assert.equal((await store.instances.getById(created.id))!.status, 'CREATING');
    clock.advance(1000);
    await settle();
    assert.equal((await store.instances.getById(created.id))!.status, 'STARTING');
    clock.advance(1999);
    await settle();
    assert.equal((await store.instances.getById(created.id))!.status, 'STARTING');
    clock.advance(1);
    await settle();
    const running = (await store.instances.getById(created.id))!;
    assert.equal(running.status, 'RUNNING');
    assert.equal(running.stopAt, clock.now() + 3600 * 1000);
    await reconciler.close();
    await store.close();
  });

  it('resumes CREATING, STARTING, STOPPING and RESTARTING from the store alone; leaves RUNNING and STOPPED untouched', async () => {
    store = await openStore(join(dir, 'b.db'));
    const clock = new ManualClock();
    // The first process (its reconciler and driver) runs on its own clock: once that process
    // "dies", its steps and timers in flight never fire (a graceful close would instead wait for
    // the stop in flight to end).
    const firstProcessClock = new ManualClock(clock.now());
    const step = 10_000;
    const slow = new SimulatedDriver(firstProcessClock, {
      delays: { prepare: step, start: step, stop: step, remove: 10 },
      failOn: {},
    });
    const first = await started(slow, firstProcessClock);
    const made: Record<string, string> = {};
    for (const name of ['keep-running', 'keep-stopped', 'to-stop', 'to-restart'])
      made[name] = (await first.lifecycle.create(actor, body(name))).id;
    const advance = async (ms: number) => {
      await settle();
      clock.advance(ms);
      firstProcessClock.advance(ms);
      await settle();
    };
    await advance(step);
    await advance(step);
    await first.lifecycle.act(actor, made['keep-stopped']!, 'stop');
    await advance(step);
    made['was-starting'] = (await first.lifecycle.create(actor, body('was-starting'))).id;
    await advance(step);
    made['was-creating'] = (await first.lifecycle.create(actor, body('was-creating'))).id;
    await first.lifecycle.act(actor, made['to-stop']!, 'stop');
    await first.lifecycle.act(actor, made['to-restart']!, 'restart');
    await settle(); // then the first process dies: nothing in flight finishes
    const atCrash = new Map<string, Instance>();
    for (const [name, id] of Object.entries(made)) atCrash.set(name, (await store.instances.getById(id))!);
    assert.deepEqual([...atCrash].map(([name, i]) => `${name}:${i.status}`).sort(), [
      'keep-running:RUNNING',
      'keep-stopped:STOPPED',
      'to-restart:RESTARTING',
      'to-stop:STOPPING',
      'was-creating:CREATING',
      'was-starting:STARTING',
    ]);

    clock.advance(60_000);
    const fast = new SimulatedDriver(clock, { delays: { prepare: 0, start: 0, stop: 0, remove: 0 }, failOn: {} });
    const second = await started(fast, clock);
    await settle();
    await second.reconciler.idle();
    const rested = new Map<string, Instance>();
    for (const [name, id] of Object.entries(made)) rested.set(name, (await store.instances.getById(id))!);
    assert.deepEqual(Object.fromEntries([...rested].map(([name, i]) => [name, i.status])), {
      'keep-running': 'RUNNING',
      'keep-stopped': 'STOPPED',
      'to-stop': 'STOPPED',
      'to-restart': 'RUNNING',
      'was-starting': 'RUNNING',
      'was-creating': 'RUNNING',
    });
    for (const name of ['keep-running', 'keep-stopped'])
      assert.deepEqual(rested.get(name), atCrash.get(name), `${name}: not even its update time moved`);
    for (const name of ['to-restart', 'was-starting', 'was-creating']) {
      const resumed = rested.get(name)!;
      assert.equal(resumed.stopAt, clock.now() + 3600 * 1000, `${name}: a new auto-stop deadline from its new start`);
      assert.equal(resumed.failedReasons, null, name);
    }
    await second.reconciler.close();

    // A further start (a third process) finds everything at rest and changes nothing.
    const third = await started(fast, clock);
    await settle();
    await third.reconciler.pollRunning();
    await third.reconciler.idle();
    for (const [name, id] of Object.entries(made))
      assert.deepEqual(await store.instances.getById(id), rested.get(name), `${name} after a third start`);
    await third.reconciler.close();
    await store.close();
  });

  it('fails a start that takes longer than the start timeout, stops what it began, and records why', async () => {
    store = await openStore(join(dir, 'c.db'));
    const clock = new ManualClock();
    const calls: string[] = [];
    const hanging: RuntimeDriver = {
      name: 'hanging',
      async prepare() {},
      start(_w: Workload, signal: AbortSignal) {
        calls.push('start');
        return new Promise<RuntimeState>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
      async stop() {
        calls.push('stop');
      },
      async poll(): Promise<Health> {
        return { state: 'running' };
      },
      async remove() {},
    };
    const { reconciler, lifecycle } = await started(hanging, clock, 30_000);
    const created = await lifecycle.create(actor, body('hangs'));
    await settle();
    clock.advance(30_000);
    await settle();
    await reconciler.idle();
    const failed = (await store.instances.getById(created.id))!;
    assert.equal(failed.status, 'CREATE_FAILED');
    assert.match(failed.failedReasons!.message, /did not start within 30 s/);
    assert.equal(failed.errorCode, 'ModelArts.6361');
    assert.deepEqual(calls, ['start', 'stop']);
    await reconciler.close();
    await store.close();
  });

  it('marks a RUNNING instance whose workload died UNAVAILABLE, and a later start brings it back', async () => {
    store = await openStore(join(dir, 'd.db'));
    const clock = new ManualClock();
    const driver = new SimulatedDriver(clock, { delays: { prepare: 0, start: 0, stop: 0, remove: 0 }, failOn: {} });
    const { reconciler, lifecycle } = await started(driver, clock);
    const created = await lifecycle.create(actor, body('crashy'));
    await settle();
    await reconciler.idle();
    driver.crash(created.id);
    await reconciler.pollRunning();
    const down = (await store.instances.getById(created.id))!;
    assert.equal(down.status, 'UNAVAILABLE');
    assert.equal(down.runtime, null);
    assert.ok(down.failedReasons);
    await lifecycle.act(actor, created.id, 'start');
    await settle();
    await reconciler.idle();
    const up = (await store.instances.getById(created.id))!;
    assert.equal(up.status, 'RUNNING');
    assert.equal(up.failedReasons, null);
    await reconciler.close();
    await store.close();
  });

  it('a start failure after create is CREATE_FAILED, after a later start START_FAILED, with the driver code', async () => {
    store = await openStore(join(dir, 'e.db'));
    const clock = new ManualClock();
    const driver = new SimulatedDriver(clock, { delays: { prepare: 0, start: 0, stop: 0, remove: 0 }, failOn: {} });
    const { reconciler, lifecycle } = await started(driver, clock);
    const created = await lifecycle.create(actor, body('flaky'));
    driver.inject(created.id, 'start', new WorkloadError('no GPU left', 'ModelArts.6360', { gpu: '0' }));
    await settle();
    await reconciler.idle();
    let current = (await store.instances.getById(created.id))!;
    assert.equal(current.status, 'CREATE_FAILED');
    assert.deepEqual(current.failedReasons, { code: 'ModelArts.6360', message: 'no GPU left', detail: { gpu: '0' } });
    await lifecycle.act(actor, created.id, 'start');
    await settle();
    await reconciler.idle();
    assert.equal((await store.instances.getById(created.id))!.status, 'RUNNING');
    await lifecycle.act(actor, created.id, 'stop');
    await settle();
    await reconciler.idle();
    driver.inject(created.id, 'start', new WorkloadError('still no GPU', 'ModelArts.6360'));
    await lifecycle.act(actor, created.id, 'start');
    await settle();
    await reconciler.idle();
    current = (await store.instances.getById(created.id))!;
    assert.equal(current.status, 'START_FAILED');
    assert.equal(current.errorCode, 'ModelArts.6360');
    await reconciler.close();
    await store.close();
  });

  it('a start that finds no room (6360) on a flavor that queues goes back to the end of its line with the reason, and is admitted again', async () => {
    store = await openStore(join(dir, 'f.db'));
    const clock = new ManualClock();
    const driver = new SimulatedDriver(clock, { delays: { prepare: 0, start: 0, stop: 0, remove: 0 }, failOn: {} });
    const { reconciler, lifecycle } = await started(driver, clock);
    const queue = new QueueService({ store, catalog, clock, trigger: reconciler, log: silent, replica: 'test' });
    const free = { ...body('roomless'), flavor: 'modelarts.vm.cpu.free' };
    const created = await lifecycle.create(actor, free);
    driver.inject(
      created.id,
      'start',
      new WorkloadError('No node has enough free CPU for this flavor.', 'ModelArts.6360', { reason: 'Unschedulable' }),
    );
    await settle();
    await reconciler.idle();
    let current = (await store.instances.getById(created.id))!;
    assert.equal(current.status, 'CREATE_QUEUING', 'the first start of a new instance waits in the create line');
    assert.deepEqual(current.failedReasons, {
      code: 'ModelArts.6360',
      message: 'No node has enough free CPU for this flavor.',
      detail: { reason: 'Unschedulable' },
    });
    assert.equal(current.queuedAt, clock.now());
    assert.equal(current.runtime, null);
    const history = await store.instances.listEvents(created.id, { offset: 0, limit: 50 });
    const requeue = history.items.find((event) => event.kind === 'requeue');
    assert.deepEqual(
      [requeue?.from, requeue?.to, requeue?.detail],
      [
        'STARTING',
        'CREATE_QUEUING',
        { code: 'ModelArts.6360', message: 'No node has enough free CPU for this flavor.' },
      ],
    );
    assert.deepEqual(
      (await queue.line('modelarts.vm.cpu.free')).map((i) => i.id),
      [created.id],
    );

    await queue.admitNext('modelarts.vm.cpu.free');
    await settle();
    await reconciler.idle();
    current = (await store.instances.getById(created.id))!;
    assert.equal(current.status, 'RUNNING');
    assert.equal(current.failedReasons, null);

    await lifecycle.act(actor, created.id, 'stop');
    await settle();
    await reconciler.idle();
    clock.advance(1000);
    driver.inject(
      created.id,
      'start',
      new WorkloadError('No node has enough free CPU for this flavor.', 'ModelArts.6360'),
    );
    await lifecycle.act(actor, created.id, 'start');
    await settle();
    await reconciler.idle();
    current = (await store.instances.getById(created.id))!;
    assert.equal(current.status, 'START_QUEUING', 'a later start waits in the start line');
    assert.equal(current.queuedAt, clock.now());
    assert.equal(current.errorCode, 'ModelArts.6360');
    await reconciler.close();
    await store.close();
  });

  it('on start, finds the workloads that exited while no one watched, even with a driver that reports exits', async () => {
    store = await openStore(join(dir, 'g.db'));
    const clock = new ManualClock();
    const driver = new SimulatedDriver(clock, { delays: { prepare: 0, start: 0, stop: 0, remove: 0 }, failOn: {} });
    const first = await started(driver, clock);
    const created = await first.lifecycle.create(actor, body('died-while-down'));
    await settle();
    await first.reconciler.idle();
    await first.reconciler.close();
    driver.crash(created.id); // reported to a reconciler that no longer runs
    assert.equal((await store.instances.getById(created.id))!.status, 'RUNNING');
    const second = await started(driver, clock);
    assert.equal((await store.instances.getById(created.id))!.status, 'UNAVAILABLE');
    await second.reconciler.close();
    await store.close();
  });

  it('on start, looks at every running instance a batch at a time, letting the event loop turn between batches', async () => {
    store = await openStore(join(dir, 'h.db'));
    const clock = new ManualClock();
    // Their workloads are not the driver's (a restart lost them): every one has exited.
    const lost = Array.from({ length: 1_201 }, (_, n) =>
      makeInstance({
        name: `lost-${n}`,
        profileId: body('x').profile_id,
        status: 'RUNNING',
        runtime: { endpoint: null, data: { lost: true } },
      }),
    );
    for (const instance of lost) await store.instances.insert(instance);
    let turns = 0;
    const counting = setInterval(() => (turns += 1), 0);
    const { reconciler } = await started(
      new SimulatedDriver(clock, { delays: { prepare: 0, start: 0, stop: 0, remove: 0 }, failOn: {} }),
      clock,
    );
    clearInterval(counting);
    assert.deepEqual(await store.instances.idsInStatus('RUNNING'), []);
    assert.equal((await store.instances.idsInStatus('UNAVAILABLE')).length, lost.length);
    // The SQLite store answers without waiting: only the reconciler's own yields let a timer run.
    assert.ok(turns >= 2, `the event loop turned ${turns} times during start`);
    await reconciler.close();
    await store.close();
  });
});
