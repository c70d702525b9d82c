/**
 * @module test/api/identity
 * Login exactly as api-reference.md §5, the Keystone-shaped administration API, and isolation
 * between users of a project and between projects; secrets never reach the database in clear.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  action,
  assertError,
  assertRejected,
  assignRole,
  create,
  createProject,
  createUser,
  getInstance,
  ids,
  listInstances,
  loginBody,
  member,
  timeless,
  waitStatus,
} from '../support/api.js';
import { ADMIN_PASSWORD, createBody, createBodyAt, startTestApp, type TestApp } from '../support/test-app.js';
import { databaseBytes } from '../support/test-store.js';

describe('login (POST /v3/auth/tokens)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it('answers 201 with X-Subject-Token and the Keystone token body; the catalog points at /v1/<project_id>', async () => {
    const res = await t.http('POST', '/v3/auth/tokens', {
      token: null,
      body: loginBody('admin', ADMIN_PASSWORD, { name: 'default' }),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const subject = res.headers.get('x-subject-token');
    assert.ok(subject && subject.length >= 16, `X-Subject-Token: ${subject}`);
    const token = res.body.token;
    assert.deepEqual(token.methods, ['password']);
    for (const field of ['expires_at', 'issued_at']) {
      assert.equal(typeof token[field], 'string', field);
      assert.ok(!Number.isNaN(Date.parse(token[field])), `${field}: ${token[field]}`);
    }
    assert.equal(Date.parse(token.expires_at) - Date.parse(token.issued_at), 24 * 3600 * 1000, 'tokens last 24 h');
    assert.ok(Math.abs(Date.parse(token.issued_at) - Date.now()) < 60_000);
    assert.equal(token.user.name, 'admin');
    assert.equal(typeof token.user.id, 'string');
    assert.equal(typeof token.user.domain.name, 'string');
    assert.equal(token.project.id, t.projectId);
    assert.equal(token.project.name, 'default');
    assert.equal(typeof token.project.domain.name, 'string');
    assert.ok(Array.isArray(token.roles) && token.roles.length > 0);
    assert.ok(token.roles.some((r: any) => r.name === 'admin'));
    const entry = token.catalog.find((c: any) => c.type === 'modelartsv1');
    assert.ok(entry, JSON.stringify(token.catalog));
    assert.equal(entry.name, 'modelarts');
    const endpoint = entry.endpoints.find((e: any) => e.interface === 'public');
    assert.ok(endpoint, JSON.stringify(entry.endpoints));
    assert.equal(endpoint.url, `${t.url}/v1/${t.projectId}`);
    assert.equal(typeof endpoint.region, 'string');
    assert.equal(endpoint.region_id, endpoint.region);
    // The token works on the API the catalog names, as a client would call it.
    const list = await t.http('GET', `${endpoint.url.slice(t.url.length)}/demanager/instances?de_type=Notebook`, {
      token: subject,
    });
    assert.equal(list.status, 200);
  });

  it("scopes by project id, by project name, or (unscoped) to the user's project", async () => {
    const byId = await t.http('POST', '/v3/auth/tokens', {
      token: null,
      body: loginBody('admin', ADMIN_PASSWORD, { id: t.projectId }),
    });
    assert.equal(byId.status, 201);
    assert.equal(byId.body.token.project.id, t.projectId);
    const unscoped = await t.http('POST', '/v3/auth/tokens', { token: null, body: loginBody('admin', ADMIN_PASSWORD) });
    assert.equal(unscoped.status, 201);
    assert.equal(unscoped.body.token.project.id, t.projectId);
  });

  it('Authorization: Bearer <token> is accepted like X-Auth-Token', async () => {
    const res = await t.http('GET', `${t.instances()}?de_type=Notebook`, {
      token: null,
      headers: { Authorization: `Bearer ${t.adminToken}` },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const created = await t.http('POST', t.instances(), {
      token: null,
      headers: { Authorization: `Bearer ${t.adminToken}` },
      body: createBody('bearer-nb'),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.user.name, 'admin');
  });

  it('a wrong password, an unknown user, or a project the user is not in answers 401 with an error body and no token', async () => {
    for (const [what, body] of [
      ['wrong password', loginBody('admin', 'not-the-password')],
      ['unknown user', loginBody('nobody', ADMIN_PASSWORD)],
      ['unknown project', loginBody('admin', ADMIN_PASSWORD, { name: 'no-such-project' })],
    ] as const) {
      const res = await t.http('POST', '/v3/auth/tokens', { token: null, body });
      assert.equal(res.status, 401, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.headers.get('x-subject-token'), null, what);
      assert.equal(typeof res.body.error_code, 'string', what);
      assert.equal(res.body.error_message, res.body.error_msg, what);
    }
  });
});

describe('administration API (system admin)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it('creates projects and users, assigns, lists and removes roles', async () => {
    const projectId = await createProject(t, 'team-b');
    const projects = await t.http('GET', '/v3/projects');
    assert.equal(projects.status, 200);
    assert.deepEqual(projects.body.projects.map((p: any) => p.name).sort(), ['default', 'team-b']);

    const userId = await createUser(t, 'erin', 'erin-password-1');
    const users = await t.http('GET', '/v3/users');
    assert.equal(users.status, 200);
    assert.deepEqual(users.body.users.map((u: any) => u.name).sort(), ['admin', 'erin']);
    for (const u of users.body.users)
      assert.ok(!('password' in u) && !JSON.stringify(u).includes('password-1'), JSON.stringify(u));

    const roles = await t.http('GET', '/v3/roles');
    assert.equal(roles.status, 200);
    assert.deepEqual(roles.body.roles.map((r: any) => r.name).sort(), ['admin', 'member']);

    // Not yet a member anywhere: no login.
    assert.equal(
      (await t.http('POST', '/v3/auth/tokens', { token: null, body: loginBody('erin', 'erin-password-1') })).status,
      401,
    );

    await assignRole(t, projectId, userId, 'member');
    const assignments = await t.http('GET', `/v3/role_assignments?scope.project.id=${projectId}`);
    assert.equal(assignments.status, 200);
    assert.deepEqual(assignments.body.role_assignments, [
      { role: { id: 'member', name: 'member' }, user: { id: userId }, scope: { project: { id: projectId } } },
    ]);
    const session = await t.login('erin', 'erin-password-1', { name: 'team-b' });
    assert.equal(session.projectId, projectId);
    assert.equal((await listInstances(t, '', { token: session.token, projectId })).status, 200);

    const removed = await t.http('DELETE', `/v3/projects/${projectId}/users/${userId}/roles/member`);
    assert.equal(removed.status, 204);
    assert.deepEqual((await t.http('GET', `/v3/role_assignments?user.id=${userId}`)).body.role_assignments, []);
    assert.equal(
      (
        await t.http('POST', '/v3/auth/tokens', {
          token: null,
          body: loginBody('erin', 'erin-password-1', { id: projectId }),
        })
      ).status,
      401,
    );
    // The session of a user who lost the role no longer works.
    assert.equal((await listInstances(t, '', { token: session.token, projectId })).status, 401);
  });

  it('refuses a user or project name equal to another but for case with 409 IAM.0003, creating nothing', async () => {
    // `ADMIN` beside `admin` reads as the same account: the database's lower(name) index refuses it.
    for (const name of ['ADMIN', 'Admin', 'aDmIn']) {
      const res = await t.http('POST', '/v3/users', { body: { user: { name, password: 'A-long-enough-password-1' } } });
      assertError(res, 'IAM.0003', 409, name);
    }
    assertError(
      await t.http('POST', '/v3/projects', { body: { project: { name: 'DEFAULT' } } }),
      'IAM.0003',
      409,
      'DEFAULT',
    );
    await createProject(t, 'Case-Team');
    assertError(
      await t.http('POST', '/v3/projects', { body: { project: { name: 'case-team' } } }),
      'IAM.0003',
      409,
      'case-team',
    );
    const users = (await t.http('GET', '/v3/users')).body.users.map((u: { name: string }) => u.name.toLowerCase());
    assert.equal(users.filter((n: string) => n === 'admin').length, 1);
    const projects = (await t.http('GET', '/v3/projects')).body.projects.map((p: { name: string }) =>
      p.name.toLowerCase(),
    );
    assert.deepEqual(
      [
        projects.filter((n: string) => n === 'default').length,
        projects.filter((n: string) => n === 'case-team').length,
      ],
      [1, 1],
    );
  });

  it('refuses control characters in a project or access key description with IAM.0004, creating nothing', async () => {
    const me = (await t.http('GET', '/v3/auth/tokens')).body.token.user.id;
    for (const description of ['x\u0007\u001b[31my', 'a\u009bb', 'right\u202eleft', 'two\nlines']) {
      const project = await t.http('POST', '/v3/projects', { body: { project: { name: 'controlled', description } } });
      assert.equal(project.body.error_code, 'IAM.0004', JSON.stringify(description));
      assert.match(project.body.error_msg, /control character \\u00(07|9b|0a)|\\u202e/);
      const key = await t.http('POST', '/v3.0/OS-CREDENTIAL/credentials', {
        body: { credential: { user_id: me, description } },
      });
      assert.equal(key.body.error_code, 'IAM.0004', JSON.stringify(description));
    }
    const projects = await t.http('GET', '/v3/projects');
    assert.ok(!projects.body.projects.some((p: { name: string }) => p.name === 'controlled'));
    assert.equal((await t.http('GET', `/v3.0/OS-CREDENTIAL/credentials?user_id=${me}`)).body.credentials.length, 0);
  });
});

describe('isolation between users and projects', () => {
  let t: TestApp;
  let alice: Awaited<ReturnType<typeof member>>;
  let bob: Awaited<ReturnType<typeof member>>;
  let carol: Awaited<ReturnType<typeof member>>;
  let projectB: string;
  const inst: Record<string, any> = {};

  before(async () => {
    t = await startTestApp();
    alice = await member(t, 'alice', t.projectId);
    bob = await member(t, 'bob', t.projectId);
    projectB = await createProject(t, 'project-b');
    carol = await member(t, 'carol', projectB, 'admin');
    inst.alice = await create(t, createBody('alice-nb'), { token: alice.token });
    inst.bob = await create(t, createBody('bob-nb'), { token: bob.token });
    inst.admin = await create(t, createBody('admin-nb'));
    inst.carol = await create(t, createBodyAt('carol-nb', '/carol-bucket/work/'), {
      token: carol.token,
      projectId: projectB,
    });
    for (const who of ['alice', 'bob', 'admin']) await waitStatus(t, inst[who].id, 'RUNNING');
    await waitStatus(t, inst.carol.id, 'RUNNING', { token: carol.token, projectId: projectB });
  });
  after(() => t.stop());

  it('an instance belongs to its creator', () => {
    assert.equal(inst.alice.user.id, alice.userId);
    assert.equal(inst.alice.user.name, 'alice');
    assert.equal(inst.bob.user.name, 'bob');
  });

  it("a member lists only their own instances by default; show_self=false shows the project's", async () => {
    assert.deepEqual(ids((await listInstances(t, '', { token: alice.token })).body), [inst.alice.id]);
    assert.deepEqual(ids((await listInstances(t, 'show_self=True', { token: alice.token })).body), [inst.alice.id]);
    const all = (await listInstances(t, 'show_self=false', { token: alice.token })).body;
    assert.deepEqual(ids(all).sort(), [inst.admin.id, inst.alice.id, inst.bob.id].sort());
    assert.equal(all.total_count, 3);
    assert.ok(!ids(all).includes(inst.carol.id));
  });

  // Policy of commit 96b041b ("members read project instances, act on their own"): what a
  // project lists (show_self=false), its members may read; only the owner or a project admin may
  // change an instance or open its notebook (403 ModelArts.0108, api-reference §4).
  it("a member reads another member's instance: the same object its owner sees", async () => {
    const asAlice = await getInstance(t, inst.bob.id, { token: alice.token, query: '?de_type=Notebook' });
    assert.equal(asAlice.status, 200, JSON.stringify(asAlice.body));
    const asBob = await getInstance(t, inst.bob.id, { token: bob.token });
    assert.deepEqual(timeless(asAlice.body), timeless(asBob.body));
    assert.equal(asAlice.body.user.name, 'bob');
    assertError(
      await getInstance(t, `DE-${crypto.randomUUID()}`, { token: alice.token }),
      '6309',
      400,
      'never-existing id',
    );
  });

  it("a member cannot stop, restart, modify, delete or open another member's instance: 403 ModelArts.0108, and nothing changes", async () => {
    const bobPath = `${t.instances()}/${inst.bob.id}`;
    for (const [what, request] of [
      ['stop', () => action(t, inst.bob.id, 'stop', { token: alice.token })],
      ['restart', () => action(t, inst.bob.id, 'restart', { token: alice.token })],
      ['PUT description', () => t.http('PUT', bobPath, { token: alice.token, body: { description: 'mine' } })],
      ['PUT auto_stop', () => t.http('PUT', bobPath, { token: alice.token, body: { auto_stop: { enable: false } } })],
      ['DELETE', () => t.http('DELETE', bobPath, { token: alice.token })],
      ['token', () => t.http('GET', `${bobPath}/token`, { token: alice.token })],
    ] as const) {
      await assertRejected(t, request, 'ModelArts.0108', 403, `alice ${what} bob's instance`);
    }
    const bobs = (await getInstance(t, inst.bob.id, { token: bob.token })).body;
    assert.equal(bobs.status, 'RUNNING');
    assert.equal(bobs.description, '');
    // The owner still can.
    assert.equal((await t.http('GET', `${bobPath}/token`, { token: bob.token })).status, 200);
  });

  it('the project admin sees and acts on every instance of the project', async () => {
    assert.deepEqual(ids((await listInstances(t)).body), [inst.admin.id], 'default list: own instances');
    assert.deepEqual(
      ids((await listInstances(t, 'show_self=false')).body).sort(),
      [inst.admin.id, inst.alice.id, inst.bob.id].sort(),
    );
    assert.equal((await getInstance(t, inst.alice.id)).status, 200);
    const put = await t.http('PUT', `${t.instances()}/${inst.alice.id}`, { body: { description: 'set by admin' } });
    assert.equal(put.status, 200);
    assert.equal(put.body.user.name, 'alice', 'the owner stays alice');
    assert.equal((await getInstance(t, inst.alice.id, { token: alice.token })).body.description, 'set by admin');
    assert.equal((await action(t, inst.bob.id, 'stop')).status, 200);
    await waitStatus(t, inst.bob.id, 'STOPPED', { token: bob.token });
  });

  it("another project's instance id answers 6309 with the same body as a never-existing id", async () => {
    const never = await getInstance(t, `DE-${crypto.randomUUID()}`);
    const foreign = await getInstance(t, inst.carol.id);
    assertError(foreign, '6309', 400, 'admin GET carol');
    assert.deepEqual(foreign.body, never.body);
    assertError(await action(t, inst.carol.id, 'stop'), '6309', 400, 'admin stops carol');
    assertError(await t.http('DELETE', `${t.instances()}/${inst.carol.id}`), '6309', 400, 'admin deletes carol');
    // And the other way round, within carol's own project path.
    assertError(
      await getInstance(t, inst.alice.id, { token: carol.token, projectId: projectB }),
      '6309',
      400,
      'carol GET alice',
    );
    assert.deepEqual(
      ids((await listInstances(t, 'show_self=false', { token: carol.token, projectId: projectB })).body),
      [inst.carol.id],
    );
    assert.equal(
      (await getInstance(t, inst.carol.id, { token: carol.token, projectId: projectB })).body.status,
      'RUNNING',
    );
  });

  it('the same name may exist in two projects', async () => {
    const res = await t.http('POST', t.instances(projectB), {
      token: carol.token,
      body: createBodyAt('admin-nb', '/carol-bucket/work/'),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
});

describe('sessions end with the account; no secret is stored in clear', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it('disabling a user ends their sessions and logins; enabling restores logins', async () => {
    const frank = await member(t, 'frank', t.projectId);
    assert.equal((await listInstances(t, '', { token: frank.token })).status, 200);
    const disabled = await t.http('PATCH', `/v3/users/${frank.userId}`, { body: { user: { enabled: false } } });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.user.enabled, false);
    const res = await listInstances(t, '', { token: frank.token });
    assert.equal(res.status, 401, JSON.stringify(res.body));
    assert.ok(['ModelArts.0201', 'ModelArts.0203'].includes(res.body.error_code), res.body.error_code);
    assert.equal(
      (await t.http('POST', '/v3/auth/tokens', { token: null, body: loginBody('frank', frank.password) })).status,
      401,
    );
    await t.http('PATCH', `/v3/users/${frank.userId}`, { body: { user: { enabled: true } } });
    const again = await t.login('frank', frank.password);
    assert.equal((await listInstances(t, '', { token: again.token })).status, 200);
    assert.equal((await listInstances(t, '', { token: frank.token })).status, 401, 'the old session stays dead');
  });

  it('changing a password ends the sessions; only the new password logs in', async () => {
    const grace = await member(t, 'grace', t.projectId);
    const changed = await t.http('PATCH', `/v3/users/${grace.userId}`, {
      body: { user: { password: 'grace-new-password' } },
    });
    assert.equal(changed.status, 200);
    const res = await listInstances(t, '', { token: grace.token });
    assert.equal(res.status, 401);
    assert.ok(['ModelArts.0201', 'ModelArts.0203'].includes(res.body.error_code), res.body.error_code);
    assert.equal(
      (await t.http('POST', '/v3/auth/tokens', { token: null, body: loginBody('grace', grace.password) })).status,
      401,
    );
    const fresh = await t.login('grace', 'grace-new-password');
    assert.equal((await listInstances(t, '', { token: fresh.token })).status, 200);
  });

  it("a deleted user's session stops working", async () => {
    const heidi = await member(t, 'heidi', t.projectId);
    assert.equal((await t.http('DELETE', `/v3/users/${heidi.userId}`)).status, 204);
    assert.equal((await listInstances(t, '', { token: heidi.token })).status, 401);
  });

  it('the database files hold no password and no token in clear', async () => {
    const ivan = await member(t, 'ivan', t.projectId);
    const second = await t.login('ivan', ivan.password);
    await t.http('PATCH', `/v3/users/${ivan.userId}`, { body: { user: { password: 'ivan-changed-password' } } });
    const third = await t.login('ivan', 'ivan-changed-password');
    const secrets = [
      ADMIN_PASSWORD,
      ivan.password,
      'ivan-changed-password',
      t.adminToken,
      ivan.token,
      second.token,
      third.token,
    ];
    // Everything the store holds: the SQLite files with their WAL, or a dump of the PostgreSQL database.
    const bytes = databaseBytes(t.dataDir);
    assert.ok(bytes.length > 0);
    // Sanity: the user name is there, so the grep reads the right files.
    assert.ok(bytes.includes('ivan'), 'the user record is in the database files');
    for (const secret of secrets) {
      assert.ok(!bytes.includes(secret), `found ${secret.slice(0, 12)}… in clear in the database`);
      // Nor hex- or base64-encoded as is.
      assert.ok(!bytes.includes(Buffer.from(secret).toString('hex')), `found ${secret.slice(0, 12)}… hex-encoded`);
      assert.ok(
        !bytes.includes(Buffer.from(secret).toString('base64')),
        `found ${secret.slice(0, 12)}… base64-encoded`,
      );
    }
  });

  it('instance credentials are not stored in clear either (api-reference §2: stored encrypted)', async () => {
    const secrets = ['ssh-key-AT-REST-5e1f', 'access-token-AT-REST-9d0c', 'repo-token-AT-REST-77ab'];
    const created = await create(
      t,
      createBody('cred-at-rest', {
        spec: {
          storage: { type: 'obs', location: { path: '/bucket/cred/' } },
          credential: { ssh_private_key: secrets[0], access_token: secrets[1] },
          repository: {
            connection_info: {
              protocol: 'https',
              url: 'https://github.com/example/x.git',
              credential: { access_token: secrets[2] },
            },
          },
        },
      }),
    );
    await waitStatus(t, created.id, 'RUNNING');
    const bytes = databaseBytes(t.dataDir);
    assert.ok(bytes.includes('cred-at-rest'), 'the instance record is in the database files');
    for (const secret of secrets)
      assert.ok(!bytes.includes(secret), `instance credential ${secret} is stored in clear`);
  });
});
