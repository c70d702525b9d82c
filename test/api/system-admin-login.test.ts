/**
 * @module test/api/system-admin-login
 * A system admin can always sign in, whatever roles were removed (issue 19: one click on "Remove"
 * locked the only admin out): to any project, or without a scope, holding no role there. Such a
 * token administers (/v3) and acts in no project (/v1 answers 403); other users keep the rule
 * that a login needs a role in its project.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, createProject, listInstances, loginBody, member } from '../support/api.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

describe('a system admin signs in without a role', () => {
  let t: TestApp;
  let adminId: string;
  let lab: string;
  before(async () => {
    t = await startTestApp();
    adminId = (await t.http('GET', '/v3/auth/tokens')).body.token.user.id;
    lab = await createProject(t, 'lab');
  });
  after(() => t.stop());

  it('to a project where they hold no role, by name or id: no roles, the administration API works, /v1 answers 403', async () => {
    for (const scope of [{ name: 'lab' }, { id: lab }]) {
      const res = await t.http('POST', '/v3/auth/tokens', {
        token: null,
        body: loginBody('admin', ADMIN_PASSWORD, scope),
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.token.project.id, lab);
      assert.deepEqual(res.body.token.roles, []);
      assert.equal(res.body.token.user.is_system_admin, true);
      const token = res.headers.get('x-subject-token')!;
      assert.equal((await t.http('GET', '/v3/projects', { token })).status, 200);
      assert.equal((await t.http('GET', '/v3/auth/tokens', { token })).status, 200);
      const list = await listInstances(t, '', { token, projectId: lab });
      assertError(list, 'ModelArts.0108', 403);
      assert.match(list.body.error_msg, /no role in its project/);
    }
  });

  it('removing their own last role keeps the session for administration, and a login without scope still works', async () => {
    const removed = await t.http('DELETE', `/v3/projects/${t.projectId}/users/${adminId}/roles/admin`);
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    // The session that removed the role goes on administering; its project's paths are closed.
    assert.equal((await t.http('GET', '/v3/users')).status, 200);
    assertError(await listInstances(t), 'ModelArts.0108', 403);
    // Unscoped: no project holds a role of theirs, so the first project of all (by name).
    const unscoped = await t.http('POST', '/v3/auth/tokens', { token: null, body: loginBody('admin', ADMIN_PASSWORD) });
    assert.equal(unscoped.status, 201, JSON.stringify(unscoped.body));
    assert.equal(unscoped.body.token.project.name, 'default');
    assert.deepEqual(unscoped.body.token.roles, []);
    const token = unscoped.headers.get('x-subject-token')!;
    // …and with it they give themselves the role back, then work in the project again.
    const put = await t.http('PUT', `/v3/projects/${t.projectId}/users/${adminId}/roles/admin`, { token });
    assert.equal(put.status, 204, JSON.stringify(put.body));
    const again = await t.login('admin', ADMIN_PASSWORD, { name: 'default' });
    assert.equal((await listInstances(t, '', { token: again.token })).status, 200);
    assert.equal((await listInstances(t, '', { token })).status, 200, 'the roleless token has its role now');
  });

  it('a wrong password is still refused, and an unknown project too', async () => {
    for (const body of [
      loginBody('admin', 'not-the-password', { name: 'lab' }),
      loginBody('admin', ADMIN_PASSWORD, { name: 'nowhere' }),
    ]) {
      const res = await t.http('POST', '/v3/auth/tokens', { token: null, body });
      assertError(res, 'IAM.0001', 401);
    }
  });

  it('other users still need a role in the project they sign in to, and a session whose role goes ends', async () => {
    const ivan = await member(t, 'ivan', t.projectId);
    assertError(
      await t.http('POST', '/v3/auth/tokens', { token: null, body: loginBody('ivan', ivan.password, { name: 'lab' }) }),
      'IAM.0001',
      401,
    );
    assert.equal((await t.http('DELETE', `/v3/projects/${t.projectId}/users/${ivan.userId}/roles/member`)).status, 204);
    assertError(
      await t.http('POST', '/v3/auth/tokens', { token: null, body: loginBody('ivan', ivan.password) }),
      'IAM.0001',
      401,
    );
    assertError(await listInstances(t, '', { token: ivan.token }), 'ModelArts.0203', 401);
  });

  it('a user who stops being a system admin loses the roleless session', async () => {
    const judy = await member(t, 'judy', t.projectId);
    assert.equal(
      (await t.http('PATCH', `/v3/users/${judy.userId}`, { body: { user: { is_system_admin: true } } })).status,
      200,
    );
    const session = await t.login('judy', judy.password, { id: lab });
    assert.equal((await t.http('GET', '/v3/users', { token: session.token })).status, 200);
    assert.equal(
      (await t.http('PATCH', `/v3/users/${judy.userId}`, { body: { user: { is_system_admin: false } } })).status,
      200,
    );
    assertError(await t.http('GET', '/v3/users', { token: session.token }), 'ModelArts.0203', 401);
  });
});
