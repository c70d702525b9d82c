/**
 * @module test/api/user-instances
 * A user's instances across projects, for system admins (`GET /v3/users/{id}/instances`, `POST
 * /v3/users/{id}/instances/{instance_id}/action`): a system admin whose token is scoped to one
 * project sees and stops a user's notebook in another; members are refused 403 ModelArts.0108,
 * and every refusal is a ModelArts-style error that changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assignRole, create, createProject, member, waitStatus } from '../support/api.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

const FLAVOR = 'modelarts.vm.cpu.2u';

describe('administration: a user’s instances in every project', () => {
  let t: TestApp;
  let dana: Awaited<ReturnType<typeof member>>;
  let danaInB: { token: string; projectId: string };
  let other: Awaited<ReturnType<typeof member>>;
  let here = '';
  let there = '';
  let others = '';

  before(async () => {
    t = await startTestApp();
    const teamB = await createProject(t, 'team-b');
    dana = await member(t, 'dana', t.projectId);
    await assignRole(t, teamB, dana.userId, 'member');
    danaInB = await t.login('dana', dana.password, { id: teamB });
    other = await member(t, 'olga', t.projectId);
    here = (await create(t, cpuBody('dana-here', FLAVOR), { token: dana.token })).id;
    there = (await create(t, cpuBody('dana-there', FLAVOR), danaInB)).id;
    others = (await create(t, cpuBody('olga-nb', FLAVOR), { token: other.token })).id;
    await waitStatus(t, there, 'RUNNING', danaInB);
  });
  after(() => t.stop());

  const path = (userId: string, instanceId?: string) =>
    `/v3/users/${userId}/instances${instanceId ? `/${instanceId}/action` : ''}`;
  const stop = (userId: string, instanceId: string, token?: string, action = 'stop') =>
    t.http('POST', path(userId, instanceId), { body: { action }, ...(token ? { token } : {}) });

  it('lists the user’s instances of every project, with the project, and no one else’s', async () => {
    const res = await t.http('GET', path(dana.userId));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.total_count, 2);
    const byName = Object.fromEntries(res.body.instances.map((i: any) => [i.name, i]));
    assert.deepEqual(Object.keys(byName).sort(), ['dana-here', 'dana-there']);
    assert.equal(byName['dana-here'].project_name, 'default');
    assert.equal(byName['dana-here'].project_id, t.projectId);
    assert.equal(byName['dana-there'].project_name, 'team-b');
    assert.equal(byName['dana-there'].project_id, danaInB.projectId);
    assert.equal(byName['dana-there'].id, there);
    assert.equal(byName['dana-there'].status, 'RUNNING');
    assert.equal(byName['dana-there'].flavor, FLAVOR);
    assert.match(byName['dana-there'].creation_timestamp, /^\d{13}$/);
    assert.ok(!res.body.instances.some((i: any) => i.id === others));
  });

  it('stops a user’s running instance in a project the admin’s token is not scoped to', async () => {
    // The project paths refuse it: the admin's token is scoped to another project.
    assertError(
      await t.http('POST', `${t.instances(danaInB.projectId)}/${there}/action`, { body: { action: 'stop' } }),
      '0210',
      403,
    );
    const res = await stop(dana.userId, there);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { current_status: 'STOPPING', previous_state: 'RUNNING' });
    await waitStatus(t, there, 'STOPPED', danaInB);
    const adminId = (await t.http('GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': t.adminToken } })).body
      .token.user.id;
    const events = await t.http('GET', `${t.instances(danaInB.projectId)}/${there}/events`, { token: danaInB.token });
    assert.ok(
      events.body.events.some((e: any) => e.kind === 'stop' && e.by === adminId),
      `the history says the admin stopped it: ${JSON.stringify(events.body.events)}`,
    );
    assertError(await stop(dana.userId, there), '6307', 400, 'stopped already');
  });

  it('refuses members, unknown users, others’ instances and other actions, changing nothing', async () => {
    await waitStatus(t, here, 'RUNNING', { token: dana.token });
    assertError(await t.http('GET', path(dana.userId), { token: dana.token }), '0108', 403, 'a member lists');
    assertError(await stop(dana.userId, here, dana.token), '0108', 403, 'a member stops their own');
    assertError(await stop(other.userId, here, other.token), '0108', 403, 'a member stops another’s');
    assertError(await t.http('GET', path(dana.userId), { token: null }), '0201', 401, 'no token');
    assertError(await t.http('GET', path('no-such-user')), 'IAM.0002', 404, 'unknown user');
    assertError(await stop(dana.userId, others), '6309', 400, 'olga’s instance under dana’s path');
    assertError(await stop(dana.userId, 'no-such-instance'), '6309', 400, 'unknown instance');
    assertError(await stop(dana.userId, here, undefined, 'start'), '6336', 400, 'only stop');
    assertError(await t.http('POST', path(dana.userId, here), { body: {} }), '6335', 400, 'the action is required');
    assert.equal((await t.http('GET', `${t.instances()}/${here}`, { token: dana.token })).body.status, 'RUNNING');
    assert.equal((await t.http('GET', `${t.instances()}/${others}`, { token: other.token })).body.status, 'RUNNING');
  });
});
