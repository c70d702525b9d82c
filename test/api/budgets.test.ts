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
import { createBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 30, 12);

/** A GPU instance (one GPU, eight CPUs) that does not stop on its own. */
const gpuBody = (name: string) =>
  createBody(name, {
    spec: { storage: { type: 'obs', location: { path: '/budget/work/' } }, auto_stop: { enable: false } },
  });

describe('budgets (manual clock)', () => {
  const clock = new ManualClock(START);
  let t: TestApp;
  let project = '';
  let alice: Awaited<ReturnType<typeof member>>;
  let bob: Awaited<ReturnType<typeof member>>;
  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
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
});
