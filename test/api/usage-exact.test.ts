/**
 * Usage adds up exactly, end to end: instances that ran, failed to start (holding a slot while
 * STARTING), waited in a queue (no usage while waiting), were put back in line by the runtime and
 * crashed (marked by the reconciler when the workload died) each count precisely the time they held
 * a slot, as the manual clock stepped it, split at UTC midnight, open ones up to now.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { flavorSize } from '../../src/core/model/flavor-size.js';
import { WorkloadError } from '../../src/core/ports/runtime.js';
import { SimulatedDriver } from '../../src/runtime/simulated/simulated-driver.js';
import { CPU_FLAVOR, member } from '../support/api.js';
import { SteppingClock, STEPPING_RUNTIME, stopWithClock } from '../support/stepping-clock.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const S = 1000;
const HOUR = 3600 * S;
const T0 = Date.UTC(2026, 11, 6, 23);
/** One slot and a line behind it. */
const ONE = completeFlavor({
  name: 'modelarts.vm.cpu.one',
  type: 'CPU',
  params: { CPU: 4, memory: '16GiB' },
  capacity: 1,
  queues: true,
});
const cpu = flavorSize(BUILTIN_CATALOG.flavors.find((f) => f.name === CPU_FLAVOR)!);
const one = flavorSize(ONE);

describe('usage adds up exactly (stepping clock)', () => {
  const clock = new SteppingClock(T0);
  let t: TestApp;
  let driver: SimulatedDriver;
  const users: Record<string, Awaited<ReturnType<typeof member>>> = {};
  const ids: Record<string, string> = {};

  const act = async (who: string, action: string) => {
    const res = await t.http('POST', `${t.instances()}/${ids[who]}/action`, {
      body: { action },
      token: users[who]!.token,
    });
    assert.equal(res.status, 200, `${who} ${action}: ${JSON.stringify(res.body)}`);
  };
  const status = (who: string, statuses: string[]) => waitForStatus(t, ids[who]!, statuses, users[who]!.token);
  async function create(who: string, flavor: string, expect = 'CREATING') {
    const res = await t.http('POST', t.instances(), { body: cpuBody(who, flavor, false), token: users[who]!.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    ids[who] = res.body.id;
    await status(who, [expect]);
  }
  /** Creates and runs `who`'s instance: 3 s (prepare 1 s, start 2 s). */
  async function createRunning(who: string, flavor: string) {
    await create(who, flavor);
    await clock.phase('prepare');
    await status(who, ['STARTING']);
    await clock.phase('start');
    await status(who, ['RUNNING']);
  }
  /** Stops `who`'s instance: 3 s of STOPPING. */
  async function stop(who: string) {
    await act(who, 'stop');
    await status(who, ['STOPPING']);
    await clock.phase('stop');
    await status(who, ['STOPPED']);
  }

  before(async () => {
    t = await startTestApp({
      start: { clock },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, ONE] },
      runtime: STEPPING_RUNTIME,
    });
    assert.ok(t.app.services.driver instanceof SimulatedDriver);
    driver = t.app.services.driver;
    for (const who of ['ran', 'crashed', 'failed', 'first', 'queued']) users[who] = await member(t, who, t.projectId);

    await createRunning('ran', CPU_FLAVOR); // holds from 0 s, still running at the end
    await createRunning('crashed', CPU_FLAVOR); // from 3 s
    await createRunning('failed', CPU_FLAVOR); // from 6 s
    await stop('failed'); // to 12 s: 6 s
    driver.inject(ids.failed!, 'start', new WorkloadError('the image would not start', 'ModelArts.6361'));
    await act('failed', 'start'); // 12 s
    await status('failed', ['STARTING']);
    await clock.phase('start');
    await status('failed', ['START_FAILED']); // 14 s: it held the slot 2 s while STARTING
    await createRunning('first', ONE.name); // from 14 s, ONE's only slot
    await create('queued', ONE.name, 'CREATE_QUEUING'); // 17 s, waits in line: no usage

    clock.advance(HOUR); // 3617 s
    driver.crash(ids.crashed!);
    await t.app.services.reconciler.pollRunning();
    await status('crashed', ['UNAVAILABLE']); // 3617 s: 3614 s
    await stop('first'); // 3620 s: 3606 s; the slot goes to the queued one
    await status('queued', ['CREATING']); // from 3620 s
    await clock.phase('prepare');
    await clock.phase('start');
    await status('queued', ['RUNNING']); // 3623 s
    await stop('queued'); // 3626 s: 6 s
    // The runtime finds no room: back in line (no usage), admitted again at once, then it runs.
    driver.inject(ids.first!, 'start', new WorkloadError('no room on the host', 'ModelArts.6360'));
    await act('first', 'start'); // 3626 s
    await status('first', ['STARTING']);
    await clock.phase('start'); // 3628 s: requeued and admitted again
    await status('first', ['STARTING']);
    await clock.phase('start');
    await status('first', ['RUNNING']); // 3630 s
    clock.advance(5400 * S - (clock.now() - T0)); // 5400 s: 00:30 on Dec 7
  });
  after(() => stopWithClock(t, clock));

  /** What `seconds` of a slot of `size` come to, as the API rounds them. */
  const figures = (seconds: number, size: typeof cpu) => {
    const h = seconds / 3600;
    const round = (x: number) => Math.round(x * 10_000) / 10_000;
    return {
      cpu_hours: round(size.cpus * h),
      gpu_hours: round(size.gpus * h),
      memory_gib_hours: round(size.memoryGib * h),
      instance_hours: round(h),
    };
  };

  it('counts each instance the time it held a slot, per user', async () => {
    assert.equal(clock.now(), T0 + 5400 * S);
    const res = await t.http('GET', `/v1/${t.projectId}/demanager/usage?since=${T0 - HOUR}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const expected: Record<string, number> = {
      ran: 5400 - 0,
      crashed: 3617 - 3,
      failed: 12 - 6 + (14 - 12),
      first: 3620 - 14 + (3628 - 3626) + (5400 - 3628),
      queued: 3626 - 3620,
    };
    const byName = Object.fromEntries(res.body.groups.map((g: any) => [g.name, g]));
    for (const [who, seconds] of Object.entries(expected)) {
      const size = who === 'first' || who === 'queued' ? one : cpu;
      assert.deepEqual(byName[who], { key: users[who]!.userId, name: who, ...figures(seconds, size) }, who);
    }
    assert.equal(res.body.groups.length, 5);
    assert.equal(res.body.total.instance_hours, figures(5400 + 3614 + 8 + 5380 + 6, cpu).instance_hours);
  });

  it('splits the same time at UTC midnight, and by flavor', async () => {
    const since = `?since=${T0 - HOUR}`;
    const byDay = (await t.http('GET', `/v1/${t.projectId}/demanager/usage${since}&group_by=day`)).body;
    // Until midnight (3600 s): ran 3600, crashed 3597, failed 8, first 3586; after: ran 1800,
    // crashed 17, first 20 + 2 + 1772, queued 6.
    assert.deepEqual(
      byDay.groups.map((g: any) => [g.key, g.instance_hours]),
      [
        ['2026-12-06', figures(3600 + 3597 + 8 + 3586, cpu).instance_hours],
        ['2026-12-07', figures(1800 + 17 + 1794 + 6, cpu).instance_hours],
      ],
    );
    assert.equal(byDay.groups[0].cpu_hours, figures(3600 + 3597 + 8, cpu).cpu_hours + figures(3586, one).cpu_hours);
    const byFlavor = (await t.http('GET', `/v1/${t.projectId}/demanager/usage${since}&group_by=flavor`)).body;
    assert.deepEqual(byFlavor.groups, [
      { key: CPU_FLAVOR, name: CPU_FLAVOR, ...figures(5400 + 3614 + 8, cpu) },
      { key: ONE.name, name: ONE.name, ...figures(5380 + 6, one) },
    ]);
  });
});
