/**
 * @module test/cli/admin-cli.test
 * `users`, `projects`, `roles` and `buckets` end to end: an administrator creates a project and a user and
 * gives roles; the new user logs in with the CLI and sees only their own instances.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { explain, jsonOf, removeDir, runCli, tempDir, type CliResult } from './cli-harness.js';

const ALICE_PASSWORD = 'alice-password-1';
const CPU = ['--profile', 'Multi-Engine 1.0 (python3)-cpu', '--flavor', 'modelarts.vm.cpu.2u'];

describe('demanager users, projects and roles (CLI)', () => {
  let t: TestApp;
  let adminDir: string;
  let aliceDir: string;
  let teamId = '';
  const admin = (...args: string[]) => runCli(args, { configDir: adminDir });
  const alice = (...args: string[]) => runCli(args, { configDir: aliceDir });
  const ok = (result: CliResult) => assert.equal(result.code, 0, explain(result));

  before(async () => {
    t = await startTestApp();
    adminDir = tempDir();
    aliceDir = tempDir();
    const login = await runCli(['login', '--url', t.url, '--user', 'admin', '--password', ADMIN_PASSWORD], {
      configDir: adminDir,
    });
    ok(login);
    // An instance of the admin's that alice may read but not act on.
    await t.http('POST', t.instances(), {
      body: {
        name: 'admins-nb',
        profile_id: 'Multi-Engine 1.0 (python3)-cpu',
        flavor: 'modelarts.vm.cpu.2u',
        spec: { storage: { type: 'evs' } },
      },
    });
  });

  after(async () => {
    await t.stop();
    removeDir(adminDir);
    removeDir(aliceDir);
  });

  it('projects create and list', async () => {
    const created = await admin('projects', 'create', 'team', '--description', 'the team', '--json');
    ok(created);
    teamId = jsonOf(created).project.id;
    const list = await admin('projects', 'list');
    ok(list);
    assert.match(list.stdout, /^ID\s+NAME\s+DOMAIN\s+DESCRIPTION$/m);
    assert.match(list.stdout, new RegExp(`^${teamId}\\s+team\\s+default\\s+the team$`, 'm'));
  });

  it('users create takes the password from stdin', async () => {
    const created = await runCli(['users', 'create', 'alice'], { configDir: adminDir, input: `${ALICE_PASSWORD}\n` });
    ok(created);
    assert.match(created.stdout, /^\S+\s+alice\s+default\s+yes\s+no$/m);
    const users = (await t.http('GET', '/v3/users')).body.users;
    assert.deepEqual(users.map((u: any) => u.name).sort(), ['admin', 'alice']);
  });

  it('roles assign by names, and roles list shows them', async () => {
    const users = (await t.http('GET', '/v3/users')).body.users;
    const aliceId = users.find((u: any) => u.name === 'alice').id;
    assert.equal((await t.http('PUT', `/v3/projects/${t.projectId}/users/${aliceId}/roles/member`)).status, 204);
    const assigned = await admin('roles', 'assign', 'member', '--user', 'alice', '--project', teamId);
    ok(assigned);
    assert.equal(assigned.stdout, 'assigned member of alice in project team\n');
    const list = await admin('roles', 'list', '--user', 'alice');
    ok(list);
    const rows = list.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/).slice(0, 3).join(' '))
      .sort();
    assert.deepEqual(rows, ['member alice default', 'member alice team']);
  });

  it('the new user logs in with the CLI, lists only their own instances and cannot act on others', async () => {
    const login = await runCli(['login', '--url', t.url, '--user', 'alice', '--project', 'default'], {
      configDir: aliceDir,
      env: { DEMANAGER_PASSWORD: ALICE_PASSWORD },
    });
    ok(login);
    assert.ok(!readFileSync(join(aliceDir, 'session.json'), 'utf8').includes(ALICE_PASSWORD));
    ok(await alice('instances', 'create', '--name', 'alices-nb', ...CPU, '--wait'));
    const mine = jsonOf(await alice('instances', 'list', '--json'));
    assert.equal(mine.total_count, 1);
    assert.deepEqual(
      mine.instances.map((i: any) => [i.name, i.user.name]),
      [['alices-nb', 'alice']],
    );

    // Members read what their project lists, but act only on their own instances.
    ok(await alice('instances', 'show', 'admins-nb'));
    const stop = await alice('instances', 'stop', 'admins-nb');
    assert.equal(stop.code, 1, explain(stop));
    assert.match(stop.stderr, /\(ModelArts\.0108\)/);
  });

  it('a member may not administer users (403 ModelArts.0108, exit 1)', async () => {
    const result = await alice('users', 'list');
    assert.equal(result.code, 1, explain(result));
    assert.equal(result.stderr, 'error: You are not authorized to perform this operation. (ModelArts.0108)\n');
  });

  it('login --project scopes the session to that project', async () => {
    const dir = tempDir();
    try {
      const login = await runCli(
        ['login', '--url', t.url, '--user', 'alice', '--project', 'team', '--password', ALICE_PASSWORD, '--json'],
        { configDir: dir },
      );
      ok(login);
      const session = jsonOf(login);
      assert.equal(session.projectId, teamId);
      assert.equal(session.apiBase, `${t.url}/v1/${teamId}`);
    } finally {
      removeDir(dir);
    }
  });

  it('disabling a user ends their session (exit 3)', async () => {
    ok(await admin('users', 'update', 'alice', '--disable'));
    const users = await admin('users', 'list');
    ok(users);
    assert.match(users.stdout, /^ID\s+NAME\s+DOMAIN\s+ENABLED\s+SYSTEM-ADMIN$/m);
    assert.match(users.stdout, /^\S+\s+alice\s+default\s+no\s+no$/m);
    assert.match(users.stdout, /^\S+\s+admin\s+default\s+yes\s+yes$/m);
    const result = await alice('instances', 'list');
    assert.equal(result.code, 3, explain(result));
  });

  it('buckets list, assign and release; a project holding one is not deleted', async () => {
    const made = await t.http('POST', t.instances(), {
      body: {
        name: 'bucket-nb',
        profile_id: 'Multi-Engine 1.0 (python3)-cpu',
        flavor: 'modelarts.vm.cpu.2u',
        spec: { storage: { type: 'obs', location: { path: '/cli-bucket/work/' } } },
      },
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const list = await admin('buckets', 'list');
    ok(list);
    assert.match(list.stdout, /^NAME\s+PROJECT\s+INSTANCES\s+SINCE\s+ASSIGNED BY$/m);
    assert.match(list.stdout, new RegExp(`^cli-bucket\\s+${t.projectId}\\s+1\\s+\\S+Z\\s+-$`, 'm'));

    const assigned = await admin('buckets', 'assign', 'spare', '--project', 'team', '--json');
    ok(assigned);
    assert.equal(jsonOf(assigned).bucket.project_id, teamId);
    assert.equal(jsonOf(assigned).bucket.instances, 0);
    const refused = await admin('projects', 'delete', 'team');
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stderr, /holds the obs bucket\(s\) spare.*\(IAM\.0004\)/);

    const inUse = await admin('buckets', 'release', 'cli-bucket');
    assert.equal(inUse.code, 1, explain(inUse));
    assert.match(inUse.stderr, /\(IAM\.0004\)/);
    const released = await admin('buckets', 'release', 'spare');
    ok(released);
    assert.equal(released.stdout, 'released obs bucket spare\n');
    assert.deepEqual(
      jsonOf(await admin('buckets', 'list', '--json')).buckets.map((b: any) => b.name),
      ['cli-bucket'],
    );
  });

  it('budgets set, list and remove; members list theirs with --mine; members may not set one', async () => {
    const set = await admin('budgets', 'set', '--project', 'team', '--gpu-hours', '12.5', '--json');
    ok(set);
    assert.deepEqual(
      [jsonOf(set).budget.name, jsonOf(set).budget.gpu_hours, jsonOf(set).budget.cpu_hours],
      ['team', 12.5, null],
    );
    ok(await admin('budgets', 'set', '--user', 'alice', '--cpu-hours', '40', '--period', 'rolling_30d'));
    const list = await admin('budgets', 'list');
    ok(list);
    assert.match(list.stdout, /^SCOPE\s+NAME\s+PERIOD\s+GPU-HOURS\s+CPU-HOURS\s+EXHAUSTED\s+RUNS OUT\s+RENEWS$/m);
    assert.match(list.stdout, /^project\s+team\s+month\s+0 \/ 12\.5\s+-\s+no\s+-\s+\S+ \S+$/m);
    // Alice's instance runs: her CPU-hours grow, and at their rate run out some day.
    assert.match(list.stdout, /^user\s+alice\s+rolling_30d\s+-\s+[\d.]+ \/ 40\s+no\s+\S+ \S+\s+-$/m);
    // Alice was disabled above: enabled again and logged in to the team.
    ok(await admin('users', 'update', 'alice', '--enable'));
    ok(await alice('login', '--url', t.url, '--user', 'alice', '--project', 'team', '--password', ALICE_PASSWORD));
    const mine = await alice('budgets', 'list', '--mine', '--json');
    ok(mine);
    assert.deepEqual(
      jsonOf(mine).budgets.map((b: any) => b.scope),
      ['project', 'user'],
    );
    const refused = await alice('budgets', 'set', '--project', 'team', '--gpu-hours', '99');
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stderr, /ModelArts\.0108/);
    const neither = await admin('budgets', 'remove');
    assert.equal(neither.code, 2, explain(neither));
    const removed = await admin('budgets', 'remove', '--user', 'alice');
    ok(removed);
    assert.equal(removed.stdout, 'removed the budget of user alice\n');
    ok(await admin('budgets', 'remove', '--project', 'team'));
    assert.deepEqual(jsonOf(await admin('budgets', 'list', '--json')).budgets, []);
  });

  it('roles unassign, users delete and projects delete clean up', async () => {
    ok(await admin('roles', 'unassign', 'member', '--user', 'alice', '--project', 'team'));
    ok(await admin('projects', 'delete', 'team'));
    const deleted = await admin('users', 'delete', 'alice');
    ok(deleted);
    assert.match(deleted.stdout, /^deleted user alice /);
    const users = (await t.http('GET', '/v3/users')).body.users.map((u: any) => u.name);
    assert.deepEqual(users, ['admin']);
  });
});
