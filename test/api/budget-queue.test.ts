/**
 * @module test/api/budget-queue
 * A spent budget and the queue (issue 20), through the real API on the store the run selects, with
 * the manual clock: an instance already waiting whose owner's budget runs out is held in its line,
 * not admitted (and then stopped); the next in line takes the slot instead; the held one says why
 * (a history entry, and the `demanager/budget_hold` annotation while the hold lasts), keeps its
 * place, and its rank and estimate are the order and time it is served in: at the month's renewal,
 * to the millisecond, or at once when its budget is raised. No polling: only the renewal's due time
 * and the budget's change wake the line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { ONE } from '../support/rule-flavors.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { create, member, waitStatus } from '../support/api.js';
import { cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.UTC(2026, 10, 30, 12);
const RENEWAL = Date.UTC(2026, 11, 1);
const TWO_CPUS = 'modelarts.vm.cpu.2u';

describe('a spent budget holds a waiting instance in its line (manual clock)', () => {
  const clock = new ManualClock(START);
  let t: TestApp;
  let project = '';
  let dave: Awaited<ReturnType<typeof member>>;
  let erin: Awaited<ReturnType<typeof member>>;
  before(async () => {
    t = await startTestApp({
      start: { clock },
      tokenTtlSeconds: 30 * 86_400,
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, ONE] },
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
    project = t.projectId;
    dave = await member(t, 'held-dave', project);
    erin = await member(t, 'held-erin', project);
  });
  after(() => t.stop());

  const as = (who: { token: string }) => ({ token: who.token, projectId: project });
  const detail = async (id: string) => (await t.http('GET', `${t.instances(project)}/${id}`)).body;
  const events = async (id: string) =>
    (await t.http('GET', `${t.instances(project)}/${id}/events?limit=100`)).body.events as any[];
  const putBudget = (cpuHours: number) =>
    t.http('PUT', `/v3/users/${dave.userId}/budget`, { body: { cpu_hours: cpuHours, period: 'month' } });
  const make = async (who: { token: string }, name: string, flavor = ONE.name, autoStop = true) =>
    (await create(t, cpuBody(name, flavor, autoStop), as(who))).id as string;
  /** Advances the clock and waits until `ready` holds (the scheduler and reconciler run on real time). */
  async function settle(ms: number, ready: () => Promise<boolean>): Promise<void> {
    clock.advance(ms);
    for (let i = 0; i < 500; i++) {
      if (await ready()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail('never settled');
  }
  /** Dave's instance held until the renewal, running from it. */
  let renewedId = '';
  const admittedAt = async (id: string) => (await events(id)).find((e) => e.kind === 'admit')?.timestamp;

  it('is passed over for the next in line, says why, and is served in the order and at the time shown', async () => {
    assert.equal((await putBudget(1)).status, 200);
    // Erin holds the only slot for an hour; Dave runs two CPUs elsewhere, spending his hour in 30 minutes.
    const e1 = await make(erin, 'e1');
    await waitStatus(t, e1, 'RUNNING');
    const d0 = await make(dave, 'd0', TWO_CPUS, false);
    await waitStatus(t, d0, 'RUNNING');
    // Dave's next waits first in line, Erin's a minute later second: Dave has half his hour left.
    const d1 = await make(dave, 'd1');
    renewedId = d1;
    clock.advance(MINUTE);
    const e2 = await make(erin, 'e2');
    assert.deepEqual(
      [(await detail(d1)).queuing_info.rank, (await detail(e2)).queuing_info.rank, (await detail(d1)).status],
      [1, 2, 'CREATE_QUEUING'],
    );
    assert.equal((await detail(d1)).spec.annotations['demanager/budget_hold'], undefined);

    // Dave's budget runs out: his running instance is stopped, and his waiting one is held.
    await settle(29 * MINUTE, async () => (await detail(d0)).status === 'STOPPED');
    const e1End = (await detail(e1)).spec.auto_stop.stop_timestamp as number;
    assert.equal(e1End, START + HOUR);
    const shownE2 = (await detail(e2)).queuing_info;
    const shownD1 = (await detail(d1)).queuing_info;
    assert.deepEqual([shownE2.rank, shownE2.end_timestamp], [1, e1End], 'Erin goes first, when the slot frees');
    assert.deepEqual([shownD1.rank, shownD1.end_timestamp], [2, RENEWAL], 'Dave when his budget renews');
    assert.match(
      (await detail(d1)).spec.annotations['demanager/budget_hold'],
      /^Held in the queue: the user held-dave budget has used 1 of 1 CPU-hours this month; it can be admitted from 2026-12-01T00:00:00\.000Z\./,
    );

    // The slot frees: Erin's is admitted, Dave's keeps waiting (first in line still) and its history says why.
    await settle(e1End - clock.now(), async () => (await detail(e2)).status === 'RUNNING');
    assert.equal(await admittedAt(e2), shownE2.end_timestamp);
    assert.equal((await detail(d1)).status, 'CREATE_QUEUING');
    const holds = (await events(d1)).filter((e) => e.kind === 'budget-hold');
    assert.equal(holds.length, 1);
    assert.equal(holds[0].timestamp, e1End);
    assert.equal(holds[0].detail.budget, `user:${dave.userId}`);
    assert.match(holds[0].detail.message, /1 of 1 CPU-hours this month/);
    assert.deepEqual(
      [(await detail(d1)).queuing_info.rank, (await detail(d1)).queuing_info.end_timestamp],
      [1, RENEWAL],
    );
    assert.ok(!(await events(d1)).some((e) => e.kind === 'admit'), 'never admitted, so never stopped');

    // Erin's run ends at 14:00; the slot stays free for Dave, who waits for his budget, a millisecond short of it.
    await settle(RENEWAL - 1 - clock.now(), async () => (await detail(e2)).status === 'STOPPED');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await detail(d1)).status, 'CREATE_QUEUING');
    // The renewal is a due time: the line moves at it, to the millisecond.
    await settle(1, async () => (await detail(d1)).status === 'RUNNING');
    assert.equal(await admittedAt(d1), RENEWAL);
    assert.equal((await detail(d1)).spec.annotations['demanager/budget_hold'], undefined, 'the hold is over');
    assert.equal((await events(d1)).filter((e) => e.kind === 'budget-hold').length, 1, 'said once');
  });

  it('a raised budget frees the instance it held at once', async () => {
    // December: Dave's one hour runs on the only slot while his next waits behind it.
    const d1 = renewedId;
    const d2 = await make(dave, 'd2');
    assert.equal((await detail(d2)).status, 'CREATE_QUEUING');
    // The hour is spent: d1 is stopped, the slot is free, and d2 is held.
    await settle(HOUR, async () => (await events(d2)).some((e) => e.kind === 'budget-hold'));
    assert.equal((await detail(d1)).status, 'STOPPED');
    assert.equal((await detail(d2)).status, 'CREATE_QUEUING');
    assert.ok((await detail(d2)).spec.annotations['demanager/budget_hold']);
    // Raising the budget wakes the line, with no clock moving.
    assert.equal((await putBudget(5)).status, 200);
    await settle(0, async () => (await detail(d2)).status === 'RUNNING');
    assert.equal(await admittedAt(d2), clock.now());
    assert.equal((await detail(d2)).spec.annotations['demanager/budget_hold'], undefined);
  });
});
