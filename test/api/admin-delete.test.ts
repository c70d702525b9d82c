/**
 * @module test/api/admin-delete
 * Deleting users and projects (`DELETE /v3/users/{id}`, `DELETE /v3/projects/{id}`) with the
 * rules an administrator relies on: a deleted user's sessions and access keys stop working at
 * once; no one deletes their own account, nor demotes or disables the last system admin; a
 * project that still holds instances, or that the caller's session is in, is refused — each
 * refusal a ModelArts-style error that changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, create, createProject, listInstances, member, waitGone, waitStatus } from '../support/api.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

const CREDENTIALS = '/v3.0/OS-CREDENTIAL/credentials';

describe('administration: deleting users and projects', () => {
  let t: TestApp;
  let adminId = '';
  before(async () => {
    t = await startTestApp();
    adminId = (await t.http('GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': t.adminToken } })).body.token.user
      .id;
  });
  after(() => t.stop());

  const userNames = async () => (await t.http('GET', '/v3/users')).body.users.map((u: any) => u.name).sort();
  const projectNames = async () => (await t.http('GET', '/v3/projects')).body.projects.map((p: any) => p.name).sort();

  it('deleting a user ends their sessions and voids their access keys at once; their role assignments go too', async () => {
    const kim = await member(t, 'del-kim', t.projectId);
    const key = await t.http('POST', CREDENTIALS, {
      body: { credential: { user_id: kim.userId, description: "kim's" } },
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    assert.equal((await listInstances(t, '', { token: kim.token })).status, 200);

    assert.equal((await t.http('DELETE', `/v3/users/${kim.userId}`)).status, 204);
    assertError(await listInstances(t, '', { token: kim.token }), '0201', 401, 'the session is over');
    assertError(
      await t.http('GET', `${CREDENTIALS}/${key.body.credential.access}`),
      'IAM.0002',
      404,
      'the key is gone',
    );
    assert.deepEqual((await t.http('GET', `/v3/role_assignments?user.id=${kim.userId}`)).body.role_assignments, []);
    assertError(await t.http('GET', `/v3/users/${kim.userId}`), 'IAM.0002', 404);
    assertError(await t.http('DELETE', `/v3/users/${kim.userId}`), 'IAM.0002', 404, 'twice');
  });

  it('keeps the instances of a deleted user in their project, for its admins to manage', async () => {
    const lee = await member(t, 'del-lee', t.projectId);
    const made = await create(t, cpuBody('del-lee-notebook', 'modelarts.vm.cpu.2u'), { token: lee.token });
    await waitStatus(t, made.id, 'RUNNING');
    assert.equal((await t.http('DELETE', `/v3/users/${lee.userId}`)).status, 204);
    const listed = await listInstances(t, 'show_self=false');
    assert.ok(
      listed.body.instances.some((i: any) => i.id === made.id),
      'still listed',
    );
    assert.equal(
      (await t.http('POST', `${t.instances()}/${made.id}/action`, { body: { action: 'stop' } })).status,
      200,
    );
    await waitStatus(t, made.id, 'STOPPED');
    assert.equal((await t.http('DELETE', `${t.instances()}/${made.id}`)).status, 200);
    await waitGone(t, made.id);
  });

  it('refuses to delete your own account, or to demote or disable the last system admin', async () => {
    const before = await userNames();
    assertError(await t.http('DELETE', `/v3/users/${adminId}`), 'IAM.0004', 400, 'self');
    for (const change of [{ is_system_admin: false }, { enabled: false }]) {
      const res = await t.http('PATCH', `/v3/users/${adminId}`, { body: { user: change } });
      assertError(res, 'IAM.0004', 400, JSON.stringify(change));
      assert.match(res.body.error_msg, /last enabled system admin/);
    }
    assert.deepEqual(await userNames(), before);
    const me = (await t.http('GET', `/v3/users/${adminId}`)).body.user;
    assert.deepEqual([me.enabled, me.is_system_admin], [true, true], 'nothing changed');
    assert.equal((await listInstances(t)).status, 200, 'the session still works');
  });

  it('lets one system admin delete another once there are two', async () => {
    const made = await t.http('POST', '/v3/users', {
      body: { user: { name: 'del-second-admin', password: 'second-admin-pw-1', is_system_admin: true } },
    });
    assert.equal(made.status, 201);
    // With a second one, the first may step down; then the second is the last and stays.
    assert.equal(
      (await t.http('PATCH', `/v3/users/${made.body.user.id}`, { body: { user: { enabled: false } } })).status,
      200,
    );
    assertError(
      await t.http('PATCH', `/v3/users/${adminId}`, { body: { user: { is_system_admin: false } } }),
      'IAM.0004',
      400,
      'the other is disabled',
    );
    assert.equal((await t.http('DELETE', `/v3/users/${made.body.user.id}`)).status, 204);
  });

  it('refuses to delete a project that still holds instances, and deletes it once they are gone', async () => {
    const projectId = await createProject(t, 'del-busy');
    const owner = await member(t, 'del-busy-owner', projectId, 'admin');
    const made = await create(t, cpuBody('del-busy-notebook', 'modelarts.vm.cpu.2u'), {
      token: owner.token,
      projectId,
    });
    const refused = await t.http('DELETE', `/v3/projects/${projectId}`);
    assertError(refused, 'IAM.0004', 400);
    assert.match(refused.body.error_msg, /still has 1 instance/);
    assert.ok((await projectNames()).includes('del-busy'));
    assert.equal(
      (await listInstances(t, '', { token: owner.token, projectId })).body.instances.length,
      1,
      'the instance is untouched',
    );

    const opts = { token: owner.token, projectId };
    await waitStatus(t, made.id, 'RUNNING', opts);
    assert.equal(
      (
        await t.http('POST', `${t.instances(projectId)}/${made.id}/action`, {
          token: owner.token,
          body: { action: 'stop' },
        })
      ).status,
      200,
    );
    await waitStatus(t, made.id, 'STOPPED', opts);
    assert.equal((await t.http('DELETE', `${t.instances(projectId)}/${made.id}`, { token: owner.token })).status, 200);
    await waitGone(t, made.id, opts);

    assert.equal((await t.http('DELETE', `/v3/projects/${projectId}`)).status, 204);
    assert.ok(!(await projectNames()).includes('del-busy'));
    assertError(await listInstances(t, '', opts), '0201', 401, 'sessions in the project end with it');
    assert.deepEqual(
      (await t.http('GET', `/v3/role_assignments?scope.project.id=${projectId}`)).body.role_assignments,
      [],
    );
    assertError(await t.http('DELETE', `/v3/projects/${projectId}`), 'IAM.0002', 404, 'twice');
  });

  it("refuses to delete the project the caller's own session is in", async () => {
    const res = await t.http('DELETE', `/v3/projects/${t.projectId}`);
    assertError(res, 'IAM.0004', 400);
    assert.match(res.body.error_msg, /your session is in/);
    assert.ok((await projectNames()).includes('default'));
  });

  it('lets only system admins delete', async () => {
    const plain = await member(t, 'del-plain', t.projectId, 'admin');
    const victim = await member(t, 'del-victim', t.projectId);
    const projectId = await createProject(t, 'del-kept');
    assertError(await t.http('DELETE', `/v3/users/${victim.userId}`, { token: plain.token }), '0108', 403);
    assertError(await t.http('DELETE', `/v3/projects/${projectId}`, { token: plain.token }), '0108', 403);
    assert.ok((await userNames()).includes('del-victim'));
    assert.ok((await projectNames()).includes('del-kept'));
  });
});
