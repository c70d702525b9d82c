/**
 * @module test/client/client.test
 * `DemanagerClient` against the real server over HTTP: login through the token catalog, the
 * instance operations, the administration endpoints, and how failures surface.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DemanagerApiError,
  DemanagerClient,
  DemanagerError,
  DemanagerNetworkError,
  DemanagerResponseError,
  isNotFound,
  isUnauthorized,
  type CreateInstanceRequest,
} from '../../src/client/index.js';
import { closedPort } from '../cli/cli-harness.js';
import { ADMIN_PASSWORD, createBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const CPU_BODY = (name: string): CreateInstanceRequest => ({
  name,
  profile_id: 'Multi-Engine 1.0 (python3)-cpu',
  flavor: 'modelarts.vm.cpu.2u',
  spec: { storage: { type: 'evs' } },
});

/** Runs `fn` and answers what it threw (failing if it did not). */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

async function apiError(fn: () => Promise<unknown>): Promise<DemanagerApiError> {
  const error = await thrown(fn);
  assert.ok(error instanceof DemanagerApiError, `expected a DemanagerApiError, got ${String(error)}`);
  return error;
}

describe('DemanagerClient', () => {
  let t: TestApp;
  let client: DemanagerClient;

  before(async () => {
    t = await startTestApp();
    client = new DemanagerClient();
    await client.login({ url: t.url, user: 'admin', password: ADMIN_PASSWORD });
  });

  after(() => t.stop());

  describe('login', () => {
    it('answers the token, the project and the API base from the modelartsv1 catalog entry', async () => {
      const session = await new DemanagerClient().login({
        url: `${t.url}/`,
        user: 'admin',
        password: ADMIN_PASSWORD,
        domain: 'default',
        project: 'default',
      });
      assert.match(session.token, /^dm1\./);
      assert.equal(session.url, t.url);
      assert.equal(session.projectId, t.projectId);
      assert.equal(session.projectName, 'default');
      assert.equal(session.apiBase, `${t.url}/v1/${t.projectId}`);
      assert.equal(session.user.name, 'admin');
      assert.deepEqual(session.roles, ['admin']);
      assert.equal(session.isSystemAdmin, true);
      const ttl = Date.parse(session.expiresAt) - Date.now();
      assert.ok(ttl > 23.9 * 3600_000 && ttl <= 24 * 3600_000, session.expiresAt);
    });

    it('a wrong password is a 401 DemanagerApiError with the IAM code', async () => {
      const error = await apiError(() => new DemanagerClient().login({ url: t.url, user: 'admin', password: 'nope' }));
      assert.equal(error.status, 401);
      assert.equal(error.errorCode, 'IAM.0001');
      assert.equal(error.errorMsg, 'The username or password is incorrect.');
      assert.ok(isUnauthorized(error));
    });

    it('useToken adopts an existing token through GET /v3/auth/tokens', async () => {
      const other = new DemanagerClient({ url: t.url });
      const session = await other.useToken(t.adminToken);
      assert.equal(session.projectId, t.projectId);
      assert.equal(session.apiBase, `${t.url}/v1/${t.projectId}`);
      assert.equal((await other.list()).total_count, (await client.list()).total_count);
    });

    it('instance calls before a login fail clearly, without a request', async () => {
      const error = await thrown(() => new DemanagerClient({ url: t.url }).list());
      assert.ok(error instanceof DemanagerError);
      assert.match((error as Error).message, /not logged in/);
    });
  });

  describe('instances', () => {
    let id = '';

    it('create answers the instance in CREATING; get follows it to RUNNING', async () => {
      const created = await client.create(createBody('client-sample') as CreateInstanceRequest);
      assert.equal(created.name, 'client-sample');
      assert.equal(created.status, 'CREATING');
      assert.equal(typeof created.creation_timestamp, 'string');
      id = created.id;
      await waitForStatus(t, id, ['RUNNING']);
      const running = await client.get(id);
      assert.equal(running.status, 'RUNNING');
      assert.equal(typeof running.spec.auto_stop.remain_time, 'number');
    });

    it('list passes the filters and defaults de_type to Notebook', async () => {
      await client.create(CPU_BODY('client-second'));
      const all = await client.list({ sortby: 'name', order: 'desc' });
      assert.deepEqual(
        all.instances.map((i) => i.name),
        ['client-second', 'client-sample'],
      );
      const page = await client.list({ limit: 1, offset: 1, sortby: 'name' });
      assert.equal(page.total_count, 2);
      assert.deepEqual(
        page.instances.map((i) => i.name),
        ['client-second'],
      );
      const running = await client.list({ status: 'RUNNING', show_self: 'false' });
      assert.ok(running.instances.every((i) => i.status === 'RUNNING'));
      const error = await apiError(() => client.list({ sortby: 'flavor' }));
      assert.deepEqual([error.status, error.errorCode], [400, 'ModelArts.6303']);
    });

    it('update changes the description and auto-stop (spec form)', async () => {
      const updated = await client.update(id, {
        description: 'via client',
        spec: { auto_stop: { enable: true, duration: 7200 } },
      });
      assert.equal(updated.description, 'via client');
      assert.deepEqual([updated.spec.auto_stop.enable, updated.spec.auto_stop.duration], [true, 7200]);
    });

    it('token opens a running instance; action stops it; token then fails with 6327', async () => {
      assert.match((await client.token(id)).token, /^[0-9a-f]{32}$/);
      assert.deepEqual(await client.action(id, 'stop'), { current_status: 'STOPPING', previous_state: 'RUNNING' });
      await waitForStatus(t, id, ['STOPPED']);
      const error = await apiError(() => client.token(id));
      assert.deepEqual([error.status, error.errorCode], [400, 'ModelArts.6327']);
      const again = await apiError(() => client.action(id, 'stop'));
      assert.equal(again.errorCode, 'ModelArts.6307');
    });

    it("events answers the instance's history, oldest first, a page at a time", async () => {
      const history = await client.events(id);
      assert.deepEqual(
        history.events.slice(0, 2).map((e) => [e.kind, e.to_status]),
        [
          ['create', 'CREATING'],
          ['transition', 'STARTING'],
        ],
      );
      const page = await client.events(id, { offset: 1, limit: 1 });
      assert.equal(page.total_count, history.total_count);
      assert.deepEqual(page.events, history.events.slice(1, 2));
    });

    it('remove answers the id; get then fails with 400 ModelArts.6309 (isNotFound)', async () => {
      assert.deepEqual(await client.remove(id), { instance_id: id });
      await waitForStatus(t, id, ['GONE']);
      const error = await apiError(() => client.get(id));
      assert.deepEqual(
        [error.status, error.errorCode, error.errorMsg],
        [400, 'ModelArts.6309', 'The instance does not exist.'],
      );
      assert.ok(isNotFound(error));
      assert.equal(error.method, 'GET');
      assert.ok(error.url.endsWith(`/demanager/instances/${id}`));
    });

    it('validation errors carry the ModelArts code of the rule', async () => {
      const error = await apiError(() =>
        client.create({
          ...CPU_BODY('bad-storage'),
          spec: { storage: { type: 'obs', location: { path: '/bucket/no-slash' } } },
        }),
      );
      assert.equal(error.errorCode, 'ModelArts.6318');
    });
  });

  describe('catalog', () => {
    it('profiles and flavors list what a create may name, filtered as asked', async () => {
      const cpu = await client.profiles({ flavor_type: 'CPU' });
      assert.ok(cpu.profiles.length > 0 && cpu.profiles.every((p) => p.flavor_types.includes('CPU')));
      assert.equal(cpu.total_count, cpu.profiles.length);
      const flavors = await client.flavors({ profile_id: 'Multi-Engine 1.0 (python3)-gpu' });
      assert.ok(
        flavors.flavors.length > 0 &&
          flavors.flavors.every((f) => f.type === 'GPU' && f.status === 'onSale' && f.is_permitted),
      );
      const error = await apiError(() => client.flavors({ profile_id: 'none-such' }));
      assert.deepEqual([error.status, error.errorCode], [400, 'ModelArts.6336']);
    });
  });

  describe('administration', () => {
    it('creates a project and a member who sees only their own instances', async () => {
      const project = await client.createProject({ name: 'client-team', description: 'from the client' });
      assert.equal(project.description, 'from the client');
      const user = await client.createUser({ name: 'carol', password: 'carol-password-1' });
      assert.deepEqual([user.name, user.enabled, user.is_system_admin], ['carol', true, false]);
      assert.ok((await client.listUsers()).some((u) => u.id === user.id));
      assert.ok((await client.listProjects()).some((p) => p.id === project.id));

      await client.assignRole({ projectId: t.projectId, userId: user.id, role: 'member' });
      await client.assignRole({ projectId: project.id, userId: user.id, role: 'member' });
      const assignments = await client.listAssignments({ userId: user.id });
      assert.deepEqual(assignments.map((a) => a.scope.project.id).sort(), [t.projectId, project.id].sort());
      assert.deepEqual(await client.listAssignments({ userId: user.id, projectId: project.id }), [
        { role: { id: 'member', name: 'member' }, user: { id: user.id }, scope: { project: { id: project.id } } },
      ]);

      const carol = new DemanagerClient();
      const session = await carol.login({
        url: t.url,
        user: 'carol',
        password: 'carol-password-1',
        project: 'default',
      });
      assert.equal(session.projectId, t.projectId);
      assert.equal(session.isSystemAdmin, false);
      await carol.create(CPU_BODY('carols'));
      assert.deepEqual(
        (await carol.list()).instances.map((i) => i.name),
        ['carols'],
      );
      assert.ok(
        (await client.list({ show_self: 'false' })).instances.some((i) => i.name === 'carols'),
        'the project admin sees it',
      );

      const forbidden = await apiError(() => carol.listUsers());
      assert.deepEqual([forbidden.status, forbidden.errorCode], [403, 'ModelArts.0108']);

      const disabled = await client.updateUser(user.id, { enabled: false });
      assert.equal(disabled.enabled, false);
      const revoked = await apiError(() => carol.list());
      assert.equal(revoked.status, 401);

      await client.unassignRole({ projectId: project.id, userId: user.id, role: 'member' });
      await client.deleteProject(project.id);
      await client.deleteUser(user.id);
      const gone = await apiError(() => client.deleteUser(user.id));
      assert.deepEqual([gone.status, gone.errorCode], [404, 'IAM.0002']);
    });

    it("a member lists and reads the project's instances with show_self=false, but acts only on their own", async () => {
      await client.createUser({ name: 'dave', password: 'dave-password-1' });
      const dave = (await client.listUsers()).find((u) => u.name === 'dave')!;
      await client.assignRole({ projectId: t.projectId, userId: dave.id, role: 'member' });
      const member = new DemanagerClient();
      await member.login({ url: t.url, user: 'dave', password: 'dave-password-1' });
      assert.deepEqual(
        (await member.list({})).instances.filter((i) => i.user.name !== 'dave'),
        [],
      );
      const others = (await member.list({ show_self: 'false' })).instances.filter((i) => i.user.name !== 'dave');
      assert.ok(others.length > 0, 'the project has instances of other users');
      const other = others[0]!;
      assert.equal((await member.get(other.id)).id, other.id);
      for (const attempt of [
        () => member.action(other.id, 'stop'),
        () => member.remove(other.id),
        () => member.token(other.id),
      ]) {
        const error = await apiError(attempt);
        assert.deepEqual([error.status, error.errorCode], [403, 'ModelArts.0108']);
      }
      assert.equal((await client.get(other.id)).status, other.status);
    });
  });

  describe('failures', () => {
    it('an unreachable server is a DemanagerNetworkError naming the URL', async () => {
      const port = await closedPort();
      const error = await thrown(() =>
        new DemanagerClient().login({ url: `http://127.0.0.1:${port}`, user: 'a', password: 'b' }),
      );
      assert.ok(error instanceof DemanagerNetworkError);
      assert.equal(error.url, `http://127.0.0.1:${port}/v3/auth/tokens`);
      assert.match(
        error.message,
        new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port}/v3/auth/tokens: .*ECONNREFUSED`),
      );
    });

    it('an unknown token is a 401 ModelArts.0201', async () => {
      const error = await apiError(() => new DemanagerClient({ url: t.url }).useToken('dm1.unknown'));
      assert.deepEqual([error.status, error.errorCode], [401, 'ModelArts.0201']);
      assert.ok(isUnauthorized(error));
    });

    it('an error without an API body still carries the status; a 2xx that is not JSON is a DemanagerResponseError', async () => {
      const fake =
        (status: number, text: string): typeof fetch =>
        async () =>
          new Response(text, { status, statusText: 'Bad Gateway' });
      const gateway = new DemanagerClient({ url: 'http://proxy.test', fetch: fake(502, '<html>bad gateway</html>') });
      const error = await apiError(() => gateway.useToken('x'));
      assert.deepEqual([error.status, error.errorCode, error.errorMsg], [502, 'HTTP.502', 'Bad Gateway']);

      const garbled = new DemanagerClient({ url: 'http://proxy.test', fetch: fake(200, 'not json') });
      assert.ok((await thrown(() => garbled.useToken('x'))) instanceof DemanagerResponseError);
    });

    it('a login answer without X-Subject-Token is a DemanagerResponseError', async () => {
      const noHeader: typeof fetch = async () => new Response('{}', { status: 201 });
      const error = await thrown(() =>
        new DemanagerClient({ fetch: noHeader }).login({ url: 'http://x.test', user: 'a', password: 'b' }),
      );
      assert.ok(error instanceof DemanagerResponseError);
      assert.match((error as Error).message, /X-Subject-Token/);
    });
  });
});
