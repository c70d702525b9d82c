/**
 * @module test/api/budgets
 * Budgets (issue 20, item 2) through the real API, on the store the run selects, with the manual
 * clock: system admins set, list and remove them (and nobody else may); members see their
 * project's budget and their own; the figures follow the usage periods.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertError, createProject, member, waitStatus } from '../support/api.js';
import { cpuBody, createBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 30, 12);

/** A GPU instance (one GPU, eight CPUs) that does not stop on its own; a bucket per project. */
const gpuBody = (name: string, bucket = 'budget') =>
  createBody(name, {
    spec: { storage: { type: 'obs', location: { path: `/${bucket}/work/` } }, auto_stop: { enable: false } },
  });

describe('budgets (manual clock)', () => {
  const clock = new ManualClock(START);
  let t: TestApp;
  let project = '';
  let alice: Awaited<ReturnType<typeof member>>;
  let bob: Awaited<ReturnType<typeof member>>;
  /** Alice's GPU instance, stopped after an hour. */
  let gaugeId = '';
  before(async () => {
    // Tokens outlive the month the clock crosses.
    t = await startTestApp({
      start: { clock },
      tokenTtlSeconds: 90 * 86_400,
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
    project = await createProject(t, 'budgeted');
    alice = await member(t, 'budget-alice', project);
    bob = await member(t, 'budget-bob', project, 'admin');
  });
  after(() => t.stop());

  const putBudget = (path: string, body: unknown, token?: string) =>
    t.http('PUT', path, { body, ...(token ? { token } : {}) });
  const mine = async (who: { token: string }) => {
    const res = await t.http('GET', `/v1/${project}/demanager/budgets`, { token: who.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.budgets as any[];
  };

  /** The budget entries of an instance's history, and a clock advance that waits until they satisfy `until`. */
  const watch = (projectId: string, id: string, token: string) => {
    const budgetEvents = async () =>
      (
        (await t.http('GET', `${t.instances(projectId)}/${id}/events?limit=100`, { token })).body.events as any[]
      ).filter((e) => e.kind.startsWith('budget-'));
    async function settle(ms: number, until: (events: any[]) => boolean): Promise<any[]> {
      clock.advance(ms);
      for (let i = 0; i < 300; i++) {
        const events = await budgetEvents();
        if (until(events)) return events;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`never settled: ${JSON.stringify(await budgetEvents())}`);
    }
    const detail = async () => (await t.http('GET', `${t.instances(projectId)}/${id}`, { token })).body;
    return { budgetEvents, settle, detail };
  };

  it('system admins set, list and remove budgets; bad figures, periods and targets are refused', async () => {
    const set = await putBudget(`/v3/projects/${project}/budget`, { gpu_hours: 10, cpu_hours: null, period: 'month' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.budget, {
      scope: 'project',
      id: project,
      name: 'budgeted',
      period: 'month',
      gpu_hours: 10,
      cpu_hours: null,
      used: { gpu_hours: 0, cpu_hours: 0 },
      renews_at: Date.UTC(2026, 11, 1),
      exhausted: false,
      runs_out_at: null,
    });
    const user = await putBudget(`/v3/users/${alice.userId}/budget`, { cpu_hours: 100, period: 'rolling_30d' });
    assert.equal(user.status, 200, JSON.stringify(user.body));
    assert.equal(user.body.budget.renews_at, null);
    assert.equal(user.body.budget.name, 'budget-alice');

    const all = await t.http('GET', '/v3/budgets');
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.budgets.map((b: any) => `${b.scope}:${b.name}:${b.gpu_hours}:${b.cpu_hours}:${b.period}`),
      ['project:budgeted:10:null:month', 'user:budget-alice:null:100:rolling_30d'],
    );

    const bad = `/v3/projects/${project}/budget`;
    assertError(await putBudget(bad, { gpu_hours: -1, period: 'month' }), 'ModelArts.6336', 400, 'negative');
    assertError(await putBudget(bad, { gpu_hours: null, cpu_hours: null, period: 'month' }), 'ModelArts.6336', 400);
    assertError(await putBudget(bad, { gpu_hours: 1, period: 'week' }), 'ModelArts.6336', 400, 'period');
    assertError(await putBudget(bad, { gpu_hours: 1 }), 'ModelArts.6335', 400, 'no period');
    assertError(await putBudget('/v3/projects/nope/budget', { gpu_hours: 1, period: 'month' }), 'IAM.0002', 404);
    assertError(await putBudget('/v3/users/nope/budget', { gpu_hours: 1, period: 'month' }), 'IAM.0002', 404);
    assertError(await t.http('DELETE', '/v3/users/nope/budget'), 'IAM.0002', 404);
    const refusedPut = await putBudget(bad, { gpu_hours: -1, period: 'month' });
    assert.match(refusedPut.body.error_msg, /gpu_hours/);

    // Not for project admins, let alone members.
    for (const who of [alice, bob]) {
      assertError(await putBudget(bad, { gpu_hours: 99, period: 'month' }, who.token), 'ModelArts.0108', 403);
      assertError(await t.http('DELETE', bad, { token: who.token }), 'ModelArts.0108', 403);
      assertError(await t.http('GET', '/v3/budgets', { token: who.token }), 'ModelArts.0108', 403);
    }
    assert.equal((await t.http('GET', '/v3/budgets')).body.budgets[0].gpu_hours, 10, 'unchanged');

    // The audit trail has the admin's changes and the refusals (written once each answer has gone).
    const wanted = [
      'PUT /v3/projects/{project_id}/budget success',
      'PUT /v3/projects/{project_id}/budget ModelArts.0108',
      'PUT /v3/users/{user_id}/budget success',
    ];
    let actions: string[] = [];
    for (let i = 0; i < 200 && !wanted.every((w) => actions.includes(w)); i++) {
      await new Promise((r) => setTimeout(r, 10));
      actions = (await t.http('GET', '/v3/audit?limit=1000')).body.entries.map((e: any) => `${e.action} ${e.outcome}`);
    }
    for (const w of wanted) assert.ok(actions.includes(w), `${w} in ${actions.join('\n')}`);

    assert.equal((await t.http('DELETE', `/v3/users/${alice.userId}/budget`)).status, 204);
    assert.deepEqual(
      (await t.http('GET', '/v3/budgets')).body.budgets.map((b: any) => b.scope),
      ['project'],
    );
  });

  it("members see their project's budget and their own, with what was used and when it runs out", async () => {
    await putBudget(`/v3/users/${alice.userId}/budget`, { gpu_hours: 5, cpu_hours: 80, period: 'month' });
    const id = (await t.http('POST', t.instances(project), { token: alice.token, body: gpuBody('gauge') })).body.id;
    gaugeId = id;
    await waitStatus(t, id, 'RUNNING', { token: alice.token, projectId: project });
    clock.advance(HOUR);
    const seen = await mine(alice);
    assert.deepEqual(
      seen.map((b) => [b.scope, b.name]),
      [
        ['project', 'budgeted'],
        ['user', 'budget-alice'],
      ],
    );
    const [projectBudget, own] = seen;
    assert.deepEqual(projectBudget.used, { gpu_hours: 1, cpu_hours: 8 });
    assert.equal(projectBudget.runs_out_at, clock.now() + 9 * HOUR);
    // Alice's own: 4 GPU-hours left at one GPU, 72 CPU-hours at eight CPUs: the GPUs run out first.
    assert.equal(own.runs_out_at, clock.now() + 4 * HOUR);
    assert.equal(own.exhausted, false);
    // Bob has no budget of his own: he sees only the project's.
    assert.deepEqual(
      (await mine(bob)).map((b) => b.scope),
      ['project'],
    );
    assert.equal(
      (await t.http('POST', `${t.instances(project)}/${id}/action`, { token: alice.token, body: { action: 'stop' } }))
        .status,
      200,
    );
    await waitStatus(t, id, 'STOPPED', { token: alice.token, projectId: project });
    assert.equal((await mine(alice))[0].runs_out_at, null, 'nothing runs');
    await t.http('DELETE', `/v3/users/${alice.userId}/budget`);
  });

  it("a user's budget holds their instances, whoever starts them, and no one else's", async () => {
    // Alice ran eight CPUs for an hour this month (the test above).
    await putBudget(`/v3/users/${alice.userId}/budget`, { cpu_hours: 8, period: 'month' });
    const start = (token: string) =>
      t.http('POST', `${t.instances(project)}/${gaugeId}/action`, { token, body: { action: 'start' } });
    for (const who of [alice, bob]) {
      const refused = await start(who.token);
      assertError(refused, 'ModelArts.6394', 400);
      assert.equal(
        refused.body.error_msg,
        'The user budget of budget-alice is exhausted: 8 of 8 CPU-hours used this month; it renews at 2026-12-01T00:00:00.000Z.',
      );
    }
    // Bob's own instances are not held by Alice's budget.
    const bobs = await t.http('POST', t.instances(project), {
      token: bob.token,
      body: cpuBody('bobs', 'modelarts.vm.cpu.2u', false),
    });
    assert.equal(bobs.status, 200, JSON.stringify(bobs.body));
    await t.http('DELETE', `/v3/users/${alice.userId}/budget`);
  });

  it('warns a running instance at 80 % and 10 minutes left, stops it when the budget runs out, refuses starts until the month renews', async () => {
    const team = await createProject(t, 'gpu-team');
    const carol = await member(t, 'budget-carol', team);
    const as = { token: carol.token, projectId: team };
    const set = await putBudget(`/v3/projects/${team}/budget`, { gpu_hours: 2, period: 'month' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const T0 = clock.now();
    const id = (await t.http('POST', t.instances(team), { token: carol.token, body: gpuBody('burner', 'team') })).body
      .id;
    await waitStatus(t, id, 'RUNNING', as);
    // A CPU instance is not held to a GPU-hours budget.
    const cpuCreated = await t.http('POST', t.instances(team), {
      token: carol.token,
      body: cpuBody('cpu-only', 'modelarts.vm.cpu.2u', false),
    });
    assert.equal(cpuCreated.status, 200, JSON.stringify(cpuCreated.body));
    const cpu = cpuCreated.body.id;
    await waitStatus(t, cpu, 'RUNNING', as);

    const { budgetEvents, settle, detail } = watch(team, id, carol.token);

    // 80 % of 2 GPU-hours at one GPU: 1.6 hours in, to the millisecond.
    const at80 = T0 + 1.6 * HOUR;
    await settle(at80 - 1 - clock.now(), (events) => events.length === 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await budgetEvents(), [], 'no warning a millisecond early');
    const [warning] = await settle(1, (events) => events.length === 1);
    assert.equal(warning.timestamp, at80);
    assert.equal(warning.detail.level, '80%');
    assert.match(warning.detail.message, /project gpu-team budget has used 1\.6 of 2 GPU-hours this month/);
    assert.match((await detail()).spec.annotations['demanager/budget_warning'], /1\.6 of 2 GPU-hours/);

    // Ten minutes before it runs out.
    const runsOut = T0 + 2 * HOUR;
    const members = (await t.http('GET', `/v1/${team}/demanager/budgets`, { token: carol.token })).body.budgets;
    assert.equal(members[0].runs_out_at, runsOut);
    await settle(runsOut - 10 * 60_000 - clock.now(), (events) => events.length === 2);
    const last = (await budgetEvents())[1];
    assert.equal(last.timestamp, runsOut - 10 * 60_000);
    assert.equal(last.detail.level, '10min');

    // Stopped when it runs out, exactly then, saying why.
    await settle(runsOut - 1 - clock.now(), (events) => events.length === 2);
    assert.equal((await detail()).status, 'RUNNING');
    const events = await settle(1, (es) => es.length === 3);
    assert.equal(events[2].kind, 'budget-stop');
    assert.equal(events[2].timestamp, runsOut);
    const stopped = await waitStatus(t, id, 'STOPPED', as);
    assert.equal(
      stopped.spec.annotations['demanager/stop_reason'],
      'budget-exhausted: project gpu-team used 2 of 2 GPU-hours this month',
    );
    assert.equal((await detail()).status, 'STOPPED');
    assert.equal((await t.http('GET', `${t.instances(team)}/${cpu}`, { token: carol.token })).body.status, 'RUNNING');

    // Create and start refused, saying how much was used and when it renews.
    const refusedCreate = await t.http('POST', t.instances(team), {
      token: carol.token,
      body: gpuBody('another', 'team'),
    });
    assertError(refusedCreate, 'ModelArts.6394', 400);
    assert.equal(
      refusedCreate.body.error_msg,
      'The project budget of gpu-team is exhausted: 2 of 2 GPU-hours used this month; it renews at 2026-12-01T00:00:00.000Z.',
    );
    const start = () =>
      t.http('POST', `${t.instances(team)}/${id}/action`, { token: carol.token, body: { action: 'start' } });
    assertError(await start(), 'ModelArts.6394', 400);
    // A flavor without GPUs is not refused by a spent GPU-hours budget.
    const cpuAgain = await t.http('POST', t.instances(team), {
      token: carol.token,
      body: cpuBody('cpu-after', 'modelarts.vm.cpu.2u', false),
    });
    assert.equal(cpuAgain.status, 200, JSON.stringify(cpuAgain.body));
    assert.equal(
      (await t.http('GET', `/v1/${team}/demanager/budgets`, { token: carol.token })).body.budgets[0].exhausted,
      true,
    );

    // A new month renews it.
    clock.advance(Date.UTC(2026, 11, 1) - clock.now());
    const renewed = await start();
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    await waitStatus(t, id, 'RUNNING', as);
    const fresh = (await t.http('GET', `/v1/${team}/demanager/budgets`, { token: carol.token })).body.budgets[0];
    assert.deepEqual([fresh.used.gpu_hours, fresh.exhausted, fresh.renews_at], [0, false, Date.UTC(2027, 0, 1)]);
    assert.equal((await detail()).spec.annotations['demanager/budget_warning'], undefined, 'the banner is gone');
  });

  it('warnings outlive a stop and a start within the month, and start afresh when it renews', async () => {
    const team = await createProject(t, 'restart-team');
    const frank = await member(t, 'budget-frank', team);
    const as = { token: frank.token, projectId: team };
    assert.equal((await putBudget(`/v3/projects/${team}/budget`, { gpu_hours: 2, period: 'month' })).status, 200);
    const T0 = clock.now();
    const id = (await t.http('POST', t.instances(team), { token: frank.token, body: gpuBody('restarted', 'restart') }))
      .body.id;
    await waitStatus(t, id, 'RUNNING', as);
    const { budgetEvents, settle, detail } = watch(team, id, frank.token);
    const banner = async () => (await detail()).spec.annotations['demanager/budget_warning'];
    const action = async (name: string) =>
      assert.equal(
        (await t.http('POST', `${t.instances(team)}/${id}/action`, { token: frank.token, body: { action: name } }))
          .status,
        200,
      );

    await settle(T0 + 1.6 * HOUR - clock.now(), (events) => events.length === 1);
    const warned = await banner();
    assert.match(warned, /1\.6 of 2 GPU-hours/);
    // Stopped for an hour and started again: the banner is back at once, and not given twice.
    await action('stop');
    await waitStatus(t, id, 'STOPPED', as);
    clock.advance(HOUR);
    await action('start');
    const restarted = await waitStatus(t, id, 'RUNNING', as);
    assert.equal(restarted.spec.annotations['demanager/budget_warning'], warned, 'the banner at once');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await budgetEvents()).length, 1, 'the 80 % warning is given once this month');
    // The last 0.4 GPU-hours from the restart: warned ten minutes before, stopped at the end.
    const runsOut = clock.now() + 0.4 * HOUR;
    const [, last] = await settle(runsOut - 10 * 60_000 - clock.now(), (events) => events.length === 2);
    assert.deepEqual([last.detail.level, last.timestamp], ['10min', runsOut - 10 * 60_000]);
    assert.match(await banner(), /runs out at/);
    await settle(runsOut - clock.now(), (events) => events.length === 3);
    await waitStatus(t, id, 'STOPPED', as);

    // An instance that runs into a new month: its banner of the month before is taken down then, and
    // the new month warns afresh.
    const late = await createProject(t, 'month-end-team');
    assert.equal((await putBudget(`/v3/projects/${late}/budget`, { gpu_hours: 2, period: 'month' })).status, 200);
    const grace = await member(t, 'budget-grace', late);
    clock.advance(Date.UTC(2026, 11, 31, 22) - clock.now());
    const night = (await t.http('POST', t.instances(late), { token: grace.token, body: gpuBody('night', 'night') }))
      .body.id;
    await waitStatus(t, night, 'RUNNING', { token: grace.token, projectId: late });
    const nightWatch = watch(late, night, grace.token);
    const nightBanner = async () => (await nightWatch.detail()).spec.annotations['demanager/budget_warning'];
    await nightWatch.settle(Date.UTC(2026, 11, 31, 23, 36) - clock.now(), (events) => events.length === 1);
    assert.match(await nightBanner(), /1\.6 of 2 GPU-hours this month/);
    const renewal = Date.UTC(2027, 0, 1);
    clock.advance(renewal - clock.now());
    for (let i = 0; i < 300 && (await nightBanner()) !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await nightBanner(), undefined, 'taken down at the renewal');
    assert.equal((await nightWatch.detail()).status, 'RUNNING');
    const fresh = await nightWatch.settle(1.6 * HOUR, (events) => events.length === 2);
    assert.deepEqual([fresh[1].detail.level, fresh[1].timestamp], ['80%', renewal + 1.6 * HOUR]);
    assert.match(await nightBanner(), /1\.6 of 2 GPU-hours this month/);
  });
});
