/**
 * @module test/api/errors
 * Every error the contract lists that the implementation can produce (api-reference.md §3–4):
 * the HTTP status, the code, both message fields, and — for every rejected request — that nothing
 * observable changed. Then authentication errors, routing errors, and a property: random create
 * bodies never produce a 5xx, only 200 or a ModelArts 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import type { Flavor } from '../../src/core/model/catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import {
  CPU_FLAVOR,
  CPU_PROFILE,
  GPU_FLAVOR,
  GPU_FLAVOR_2,
  GPU_PROFILE,
  action,
  assertError,
  assertRejected,
  create,
  createProject,
  getInstance,
  listInstances,
  member,
  snapshot,
  waitStatus,
} from '../support/api.js';
import { junk } from '../support/hostile-arbitraries.js';
import { assertInstanceContract } from '../support/instance-contract.js';
import { PHASES, SteppingClock, stopWithClock } from '../support/stepping-clock.js';
import { createBody, createBodyAt, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

const RESTRICTED_FLAVOR: Flavor = completeFlavor({
  name: 'modelarts.vm.cpu.restricted',
  type: 'CPU',
  params: { CPU: 4, memory: '16GiB' },
  allowed_projects: ['some-other-project'],
});

const storage = (location: unknown, type = 'obs') => ({
  storage: { type, ...(location === undefined ? {} : { location }) },
});

describe('business errors (manual clock: every status stays put while probed)', () => {
  const clock = new SteppingClock();
  let t: TestApp;
  const id: Record<'running' | 'stopped' | 'stopping' | 'failed' | 'starting' | 'creating', string> = {
    running: '',
    stopped: '',
    stopping: '',
    failed: '',
    starting: '',
    creating: '',
  };

  const post = (body: unknown) => () => t.http('POST', t.instances(), { body });
  const put = (which: keyof typeof id, body: unknown) => () => t.http('PUT', `${t.instances()}/${id[which]}`, { body });
  const act = (which: keyof typeof id, name: string) => () => action(t, id[which], name);
  const del = (which: keyof typeof id) => () => t.http('DELETE', `${t.instances()}/${id[which]}`);
  const rejects = (request: () => Promise<HttpResult>, code: string, context: string) =>
    assertRejected(t, request, code, 400, context);

  before(async () => {
    t = await startTestApp({
      start: { clock },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, RESTRICTED_FLAVOR] },
      runtime: { pollIntervalSeconds: 0, simulated: { delays: { ...PHASES }, failOn: { prepare: '^err-fail' } } },
    });
    for (const which of ['running', 'stopped', 'stopping', 'failed'] as const) {
      id[which] = (await create(t, createBody(`err-${which}`))).id;
    }
    await clock.phase('prepare', 4);
    await waitStatus(t, id.failed, 'CREATE_FAILED');
    await clock.phase('start', 3);
    for (const which of ['running', 'stopped', 'stopping'] as const) await waitStatus(t, id[which], 'RUNNING');
    await action(t, id.stopped, 'stop');
    await clock.phase('stop');
    await waitStatus(t, id.stopped, 'STOPPED');
    // Parked in transitional statuses: nothing advances the clock from here on.
    id.starting = (await create(t, createBody('err-starting'))).id;
    await clock.phase('prepare');
    await waitStatus(t, id.starting, 'STARTING');
    id.creating = (await create(t, createBody('err-creating'))).id;
    await action(t, id.stopping, 'stop');
    await waitStatus(t, id.stopping, 'STOPPING');
  });
  after(() => stopWithClock(t, clock));

  it('the fixture is in the expected statuses', async () => {
    const expected = {
      running: 'RUNNING',
      stopped: 'STOPPED',
      stopping: 'STOPPING',
      failed: 'CREATE_FAILED',
      starting: 'STARTING',
      creating: 'CREATING',
    };
    for (const [which, status] of Object.entries(expected)) {
      assert.equal((await getInstance(t, id[which as keyof typeof id])).body.status, status, which);
    }
  });

  it('6301: a second instance with the same name in the project', async () => {
    await rejects(post(createBody('err-running')), '6301', 'duplicate name');
    await rejects(
      post(createBody('err-stopped', { profile_id: CPU_PROFILE, flavor: CPU_FLAVOR })),
      '6301',
      'duplicate name, other flavor',
    );
  });

  it('6303: list sorted by an unsupported field', async () => {
    await rejects(() => listInstances(t, 'sortby=status'), '6303', 'sortby=status');
    await rejects(() => listInstances(t, 'sortby=description&order=desc'), '6303', 'sortby=description');
  });

  it('6304: delete a RUNNING instance', async () => {
    await rejects(del('running'), '6304', 'delete RUNNING');
  });

  it('6305: start a RUNNING instance', async () => {
    await rejects(act('running', 'start'), '6305', 'start RUNNING');
  });

  it('6306: start, stop, restart or delete a STARTING instance', async () => {
    for (const name of ['start', 'stop', 'restart']) await rejects(act('starting', name), '6306', `${name} STARTING`);
    await rejects(del('starting'), '6306', 'delete STARTING');
  });

  it('6307: stop a STOPPED instance', async () => {
    await rejects(act('stopped', 'stop'), '6307', 'stop STOPPED');
  });

  it('6308: start, stop, restart or delete a STOPPING instance', async () => {
    for (const name of ['start', 'stop', 'restart']) await rejects(act('stopping', name), '6308', `${name} STOPPING`);
    await rejects(del('stopping'), '6308', 'delete STOPPING');
  });

  it('6309: every operation on an id that does not exist', async () => {
    const missing = `DE-${crypto.randomUUID()}`;
    const base = `${t.instances()}/${missing}`;
    await rejects(() => t.http('GET', base), '6309', 'GET');
    await rejects(() => t.http('GET', `${base}?de_type=Notebook`), '6309', 'GET ?de_type');
    await rejects(() => t.http('PUT', base, { body: { description: 'x' } }), '6309', 'PUT');
    await rejects(() => t.http('DELETE', base), '6309', 'DELETE');
    await rejects(() => t.http('POST', `${base}/action`, { body: { action: 'start' } }), '6309', 'action');
    await rejects(() => t.http('GET', `${base}/token`), '6309', 'token');
    await rejects(() => t.http('GET', `${t.instances()}/not-an-id`), '6309', 'GET junk id');
    await rejects(
      () => t.http('GET', `${t.instances()}/${encodeURIComponent('err running')}`),
      '6309',
      'GET encoded name',
    );
    // A name is not an id (the CLI relies on the 400 to fall back to listing).
    await rejects(() => t.http('GET', `${t.instances()}/err-running?de_type=Notebook`), '6309', 'GET by name');
  });

  it('6316: no storage', async () => {
    await rejects(post(createBody('e6316-a', { spec: {} })), '6316', 'spec without storage');
    await rejects(post(createBody('e6316-b', { spec: { storage: null } })), '6316', 'storage null');
    await rejects(post(createBody('e6316-c', { spec: { auto_stop: { enable: false } } })), '6316', 'only auto_stop');
  });

  it('6317: OBS storage without a path', async () => {
    await rejects(post(createBody('e6317-a', { spec: storage(undefined) })), '6317', 'no location');
    await rejects(post(createBody('e6317-b', { spec: storage({}) })), '6317', 'empty location');
    await rejects(post(createBody('e6317-c', { spec: storage({ path: '' }) })), '6317', 'empty path');
    await rejects(post(createBody('e6317-d', { spec: storage(null) })), '6317', 'null location');
  });

  it('6318: a path that does not end with /', async () => {
    await rejects(post(createBody('e6318-a', { spec: storage({ path: '/bucket/dir' }) })), '6318', 'no trailing slash');
    await rejects(post(createBody('e6318-b', { spec: storage({ path: '/bucket/dir/file.ipynb' }) })), '6318', 'a file');
  });

  it('6358: a path that is an OBS bucket root', async () => {
    await rejects(post(createBody('e6358-a', { spec: storage({ path: '/bucket/' }) })), '6358', 'bucket root');
  });

  it('6323: a flavor that does not exist (create, and resize)', async () => {
    await rejects(post(createBody('e6323-a', { flavor: 'modelarts.vm.cpu.nope' })), '6323', 'unknown flavor');
    await rejects(post(createBody('e6323-b', { flavor: '' })), '6323', 'empty flavor');
    await rejects(put('stopped', { flavor: 'modelarts.vm.gpu.nope' }), '6323', 'resize to an unknown flavor');
  });

  it('6324: a storage type the flavor does not support', async () => {
    await rejects(
      post(
        createBody('e6324-a', {
          profile_id: CPU_PROFILE,
          flavor: CPU_FLAVOR,
          spec: storage({ path: '/share/x/' }, 'efs'),
        }),
      ),
      '6324',
      'efs on CPU',
    );
    await rejects(post(createBody('e6324-b', { spec: storage({ path: '/share/x/' }, 'nfs') })), '6324', 'unknown type');
    await rejects(
      post(createBody('e6324-c', { spec: storage({ path: '/share/x/' }, 'OBS') })),
      '6324',
      'upper-case OBS',
    );
  });

  it('6327: the token of an instance that is not RUNNING', async () => {
    for (const which of ['stopped', 'stopping', 'starting', 'creating', 'failed'] as const) {
      await rejects(() => t.http('GET', `${t.instances()}/${id[which]}/token`), '6327', `token ${which}`);
    }
  });

  it('6328: a flavor the project may not use (create, and resize)', async () => {
    await rejects(
      post(createBody('e6328-a', { profile_id: CPU_PROFILE, flavor: RESTRICTED_FLAVOR.name })),
      '6328',
      'restricted flavor',
    );
    await rejects(
      post(createBody('e6328-b', { profile_id: GPU_PROFILE, flavor: RESTRICTED_FLAVOR.name })),
      '6328',
      'restricted flavor, wrong profile too',
    );
  });

  it('6330: profile and flavor of different hardware (create, and resize)', async () => {
    await rejects(
      post(createBody('e6330-a', { profile_id: CPU_PROFILE, flavor: GPU_FLAVOR })),
      '6330',
      'CPU profile + GPU flavor',
    );
    await rejects(
      post(createBody('e6330-b', { profile_id: GPU_PROFILE, flavor: CPU_FLAVOR })),
      '6330',
      'GPU profile + CPU flavor',
    );
    await rejects(put('stopped', { flavor: CPU_FLAVOR }), '6330', 'resize a GPU instance to a CPU flavor');
  });

  it('6331: an EVS volume outside 5–4096 GB', async () => {
    const evs = (size: number) => ({
      profile_id: CPU_PROFILE,
      flavor: CPU_FLAVOR,
      spec: storage({ volume_size: size }, 'evs'),
    });
    for (const size of [1, 4, 4097, 100000, -5])
      await rejects(post(createBody(`e6331-${size}`, evs(size))), '6331', `volume_size ${size}`);
  });

  it('6332: a parameter of the wrong JSON type', async () => {
    await rejects(post(createBody('ignored', { name: 123 })), '6332', 'name: number');
    await rejects(post(createBody('e6332-b', { spec: 'obs' })), '6332', 'spec: string');
    await rejects(post(createBody('e6332-c', { description: 42 })), '6332', 'description: number');
    await rejects(
      post(
        createBody('e6332-d', {
          spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: { enable: 'yes', duration: 3600 } },
        }),
      ),
      '6332',
      'enable: string',
    );
    await rejects(
      post(
        createBody('e6332-e', {
          spec: {
            storage: { type: 'obs', location: { path: '/b/w/' } },
            auto_stop: { enable: true, duration: '3600' },
          },
        }),
      ),
      '6332',
      'duration: string',
    );
    await rejects(
      post(createBody('e6332-f', { spec: storage({ volume_size: 'ten' }, 'evs') })),
      '6332',
      'volume_size: string',
    );
    await rejects(put('stopped', { description: 7 }), '6332', 'PUT description: number');
    await rejects(() => listInstances(t, 'offset=abc'), '6332', 'offset=abc');
  });

  it('6334: a forbidden character in the name or the description', async () => {
    await rejects(post(createBody('bad!name')), '6334', 'name with !');
    await rejects(post(createBody('has space')), '6334', 'name with a space');
    await rejects(post(createBody('dots.are.bad')), '6334', 'name with .');
    for (const ch of ['<', '>', '&', '"', "'", '/']) {
      await rejects(post(createBody('e6334-desc', { description: `a ${ch} b` })), '6334', `description with ${ch}`);
    }
    await rejects(put('stopped', { description: 'x<script>' }), '6334', 'PUT description with <');
  });

  it('6335: a required property is missing', async () => {
    const body = createBody('e6335') as Record<string, unknown>;
    for (const field of ['name', 'profile_id', 'flavor', 'spec']) {
      const { [field]: _, ...rest } = body;
      const res = await rejects(post(rest), '6335', `without ${field}`);
      assert.ok(res.body.error_msg.includes(field), res.body.error_msg);
    }
    await rejects(
      () => t.http('POST', `${t.instances()}/${id.running}/action`, { body: {} }),
      '6335',
      'action without action',
    );
    await rejects(() => t.http('GET', t.instances()), '6335', 'list without de_type');
  });

  it('6336: a property value that is not allowed', async () => {
    await rejects(post(createBody('e6336-a', { profile_id: 'No Such Profile' })), '6336', 'unknown profile');
    await rejects(post(createBody('e6336-b', { workspace: { id: 'no-such-workspace' } })), '6336', 'unknown workspace');
    await rejects(
      post(createBody('e6336-c', { pool: { id: 'no-such-pool', name: 'x', type: 'USER_DEFINED' } })),
      '6336',
      'unknown pool',
    );
    await rejects(post(createBody('')), '6336', 'empty name');
    await rejects(post(createBody('n'.repeat(65))), '6336', '65-character name');
    await rejects(post(createBody('e6336-f', { description: 'd'.repeat(513) })), '6336', '513-character description');
    await rejects(() => listInstances(t, 'show_self=maybe'), '6336', 'show_self=maybe');
    await rejects(() => listInstances(t, 'order=sideways'), '6336', 'order=sideways');
    await rejects(() => listInstances(t, 'status=running'), '6336', 'status=running');
    await rejects(act('stopped', 'explode'), '6336', 'unknown action');
  });

  it('6347: a flavor change outside STOPPED', async () => {
    for (const which of ['running', 'starting', 'stopping', 'creating'] as const) {
      await rejects(put(which, { flavor: GPU_FLAVOR_2 }), '6347', `PUT flavor ${which}`);
    }
  });

  it('6348: auto stop enabled without a duration (create and PUT, under spec and top level)', async () => {
    const auto = (autoStop: unknown) => ({
      spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: autoStop },
    });
    await rejects(post(createBody('e6348-a', auto({ enable: true }))), '6348', 'create enable without duration');
    await rejects(
      post(createBody('e6348-b', auto({ enable: true, duration: null }))),
      '6348',
      'create enable, duration null',
    );
    await rejects(put('stopped', { spec: { auto_stop: { enable: true } } }), '6348', 'PUT spec.auto_stop');
    await rejects(put('stopped', { auto_stop: { enable: true } }), '6348', 'PUT top-level auto_stop');
  });

  it('6349: an auto stop duration outside 3600–86400 s (create and PUT)', async () => {
    const auto = (duration: number) => ({
      spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: { enable: true, duration } },
    });
    for (const duration of [60, 3599, 86401, -3600]) {
      await rejects(
        post(createBody(`e6349-${Math.abs(duration)}`, auto(duration))),
        '6349',
        `create duration ${duration}`,
      );
    }
    await rejects(put('stopped', { spec: { auto_stop: { enable: true, duration: 60 } } }), '6349', 'PUT duration 60');
    await rejects(
      put('running', { auto_stop: { enable: true, duration: 90000 } }),
      '6349',
      'PUT top-level duration 90000',
    );
  });

  it('6357: other requests the status does not allow', async () => {
    await rejects(act('stopped', 'restart'), '6357', 'restart STOPPED');
    await rejects(act('failed', 'stop'), '6357', 'stop CREATE_FAILED');
    await rejects(act('failed', 'restart'), '6357', 'restart CREATE_FAILED');
    for (const name of ['start', 'stop', 'restart']) await rejects(act('creating', name), '6357', `${name} CREATING`);
    await rejects(del('creating'), '6357', 'delete CREATING');
  });

  it('after every rejected request above, the fixture is as it was', async () => {
    const expected = {
      running: 'RUNNING',
      stopped: 'STOPPED',
      stopping: 'STOPPING',
      failed: 'CREATE_FAILED',
      starting: 'STARTING',
      creating: 'CREATING',
    };
    for (const [which, status] of Object.entries(expected)) {
      const body = (await getInstance(t, id[which as keyof typeof id])).body;
      assert.equal(body.status, status, which);
      assert.equal(body.flavor, GPU_FLAVOR, which);
      assert.equal(body.description, '', which);
    }
    assert.equal((await listInstances(t, 'show_self=false')).body.total_count, 6);
  });
});

describe('authentication and authorization errors', () => {
  let t: TestApp;
  let otherProject: string;
  let carol: Awaited<ReturnType<typeof member>>;
  let dave: Awaited<ReturnType<typeof member>>;
  let instanceId: string;
  const both = () => [{}, { token: carol.token, projectId: otherProject }];

  before(async () => {
    t = await startTestApp();
    otherProject = await createProject(t, 'project-b');
    carol = await member(t, 'carol', otherProject, 'admin');
    dave = await member(t, 'dave', t.projectId, 'member');
    instanceId = (await create(t, createBody('auth-nb'))).id;
    await waitStatus(t, instanceId, 'RUNNING');
    await create(t, createBodyAt('carol-nb', '/carol-bucket/work/'), { token: carol.token, projectId: otherProject });
  });
  after(() => t.stop());

  it('401 ModelArts.0201: no token, an unknown token, an unknown Bearer token', async () => {
    await assertRejected(
      t,
      () => t.http('GET', `${t.instances()}?de_type=Notebook`, { token: null }),
      'ModelArts.0201',
      401,
      'no token',
    );
    await assertRejected(
      t,
      () => t.http('POST', t.instances(), { token: null, body: createBody('auth-none') }),
      'ModelArts.0201',
      401,
      'create without token',
    );
    await assertRejected(
      t,
      () => t.http('GET', `${t.instances()}/${instanceId}`, { token: 'dm1.not-a-real-token' }),
      'ModelArts.0201',
      401,
      'unknown token',
    );
    await assertRejected(
      t,
      () =>
        t.http('POST', `${t.instances()}/${instanceId}/action`, {
          token: null,
          headers: { Authorization: 'Bearer dm1.not-a-real-token' },
          body: { action: 'stop' },
        }),
      'ModelArts.0201',
      401,
      'unknown Bearer token',
    );
    await assertRejected(
      t,
      () => t.http('DELETE', `${t.instances()}/${instanceId}`, { token: '' }),
      'ModelArts.0201',
      401,
      'empty token',
    );
    await assertRejected(
      t,
      () => t.http('GET', '/v3/users', { token: null }),
      'ModelArts.0201',
      401,
      'admin API without token',
    );
  });

  it("403 ModelArts.0210: a token of one project on another project's path", async () => {
    await assertRejected(
      t,
      () => t.http('GET', `${t.instances(otherProject)}?de_type=Notebook`),
      'ModelArts.0210',
      403,
      'admin token on project B',
      both(),
    );
    await assertRejected(
      t,
      () => t.http('POST', t.instances(otherProject), { body: createBody('cross-project') }),
      'ModelArts.0210',
      403,
      'create in project B',
      both(),
    );
    await assertRejected(
      t,
      () => t.http('GET', `${t.instances()}?de_type=Notebook`, { token: carol.token }),
      'ModelArts.0210',
      403,
      'carol on project A',
      both(),
    );
    await assertRejected(
      t,
      () => t.http('POST', `${t.instances()}/${instanceId}/action`, { token: carol.token, body: { action: 'stop' } }),
      'ModelArts.0210',
      403,
      "carol stops A's instance",
      both(),
    );
    await assertRejected(
      t,
      () => t.http('DELETE', `${t.instances('0123456789abcdef0123456789abcdef')}/${instanceId}`),
      'ModelArts.0210',
      403,
      'unknown project',
      both(),
    );
  });

  it('403 ModelArts.0108: a non-admin on the administration API', async () => {
    assertError(await t.http('GET', '/v3/users', { token: dave.token }), 'ModelArts.0108', 403, 'GET /v3/users');
    assertError(await t.http('GET', '/v3/projects', { token: dave.token }), 'ModelArts.0108', 403, 'GET /v3/projects');
    assertError(
      await t.http('GET', '/v3/role_assignments', { token: carol.token }),
      'ModelArts.0108',
      403,
      'project admin is no system admin',
    );
    assertError(
      await t.http('POST', '/v3/users', {
        token: dave.token,
        body: { user: { name: 'mallory', password: 'mallory-password' } },
      }),
      'ModelArts.0108',
      403,
      'POST /v3/users',
    );
    assertError(
      await t.http('PUT', `/v3/projects/${t.projectId}/users/${dave.userId}/roles/admin`, { token: dave.token }),
      'ModelArts.0108',
      403,
      'self-promotion',
    );
    const users = await t.http('GET', '/v3/users');
    assert.ok(!users.body.users.some((u: any) => u.name === 'mallory'));
    const roles = await t.http('GET', `/v3/role_assignments?scope.project.id=${t.projectId}&user.id=${dave.userId}`);
    assert.deepEqual(
      roles.body.role_assignments.map((a: any) => a.role.id),
      ['member'],
    );
  });
});

describe('an expired token answers 401 ModelArts.0202', () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ start: { clock }, tokenTtlSeconds: 3600 });
  });
  after(() => stopWithClock(t, clock));

  it('works until expires_at, then 0202; a new login works again', async () => {
    const login = await t.http('POST', '/v3/auth/tokens', {
      token: null,
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', password: 'admin-password-1', domain: { name: 'default' } } },
          },
        },
      },
    });
    const token = login.headers.get('x-subject-token')!;
    assert.equal(Date.parse(login.body.token.expires_at) - Date.parse(login.body.token.issued_at), 3600_000);
    assert.equal((await listInstances(t, '', { token })).status, 200);
    clock.advance(3599_000);
    assert.equal((await listInstances(t, '', { token })).status, 200);
    clock.advance(1_000);
    const fresh = await t.login('admin', 'admin-password-1');
    const as = [{ token: fresh.token }];
    await assertRejected(t, () => listInstances(t, '', { token }), 'ModelArts.0202', 401, 'expired token', as);
    await assertRejected(
      t,
      () => t.http('POST', t.instances(), { token, body: createBody('expired') }),
      'ModelArts.0202',
      401,
      'create with an expired token',
      as,
    );
    await assertRejected(
      t,
      () => t.http('GET', '/v3/users', { token }),
      'ModelArts.0202',
      401,
      'admin API with an expired token',
      as,
    );
    assert.equal((await listInstances(t, '', { token: fresh.token })).body.total_count, 0);
  });
});

describe('routing and transport errors answer JSON', () => {
  let t: TestApp;
  let instanceId: string;
  before(async () => {
    t = await startTestApp();
    instanceId = (await create(t, createBody('route-nb'))).id;
    await waitStatus(t, instanceId, 'RUNNING');
  });
  after(() => t.stop());

  it('an unknown route is a 404 with an error_code', async () => {
    for (const path of [
      '/nope',
      '/v1',
      `/v1/${t.projectId}/demanager/things`,
      `/v1/${t.projectId}/demanager/instances/${instanceId}/nothing`,
      '/v2/x/demanager/instances',
    ]) {
      const res = await t.http('GET', path);
      assert.equal(res.status, 404, path);
      assert.match(res.body.error_code, /^[A-Za-z]+\.\d{4}$/, path);
      assert.equal(typeof res.body.error_msg, 'string');
      assert.equal(res.body.error_message, res.body.error_msg);
    }
  });

  it('a wrong method on a known route is a 405 with an error_code, and does nothing', async () => {
    for (const [method, path] of [
      ['DELETE', t.instances()],
      ['PUT', t.instances()],
      ['PATCH', `${t.instances()}/${instanceId}`],
      ['POST', `${t.instances()}/${instanceId}`],
      ['GET', `${t.instances()}/${instanceId}/action`],
      ['DELETE', `${t.instances()}/${instanceId}/token`],
    ] as const) {
      await assertRejected(
        t,
        () => t.http(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: { action: 'stop' } }),
        'ModelArts.0405',
        405,
        `${method} ${path}`,
      );
    }
  });

  it('a malformed JSON body is a 400 with an error_code, and does nothing', async () => {
    await assertRejected(
      t,
      () => t.http('POST', t.instances(), { body: '{"name": "x",' }),
      'ModelArts.0400',
      400,
      'truncated create',
    );
    await assertRejected(
      t,
      () => t.http('PUT', `${t.instances()}/${instanceId}`, { body: '{description: x}' }),
      'ModelArts.0400',
      400,
      'unquoted PUT',
    );
    await assertRejected(
      t,
      () => t.http('POST', `${t.instances()}/${instanceId}/action`, { body: 'stop' }),
      'ModelArts.0400',
      400,
      'bare word action',
    );
  });

  it('a body that is JSON but not an object is a ModelArts 400, and does nothing', async () => {
    for (const body of ['[]', '"text"', '42', 'null', '{}']) {
      const before = await snapshot(t);
      const res = await t.http('POST', t.instances(), { body });
      assert.equal(res.status, 400, `create body ${body}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error_code, /^ModelArts\.\d{4}$/, `create body ${body}`);
      assert.equal(typeof res.body.error_msg, 'string');
      assert.equal(res.body.error_message, res.body.error_msg);
      assert.deepEqual(await snapshot(t), before, `create body ${body} changed something`);
    }
  });
});

describe('property: random create bodies never produce a 5xx', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ catalog: { workspaces: ['ws-1'] } });
  });
  after(() => t.stop());

  const PROFILES = [GPU_PROFILE, CPU_PROFILE, 'Multi-Engine 2.0 (python3)'];
  const FLAVORS = [CPU_FLAVOR, 'modelarts.vm.cpu.8u', 'modelarts.vm.cpu.free', GPU_FLAVOR, GPU_FLAVOR_2];
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: junk });
  const text = (values: string[]) =>
    maybe(
      fc.oneof(
        fc.constantFrom(...values),
        fc.string({ maxLength: 20 }),
        fc.string({ unit: 'grapheme', maxLength: 10 }),
      ),
    );
  const name = maybe(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      fc.string({ maxLength: 70 }),
      fc.constantFrom('', 'a!b', 'x'.repeat(65)),
    ),
  );
  const location = maybe(
    fc.record(
      {
        path: text(['/bucket/dir/', '/bucket/', '/bucket/dir', '', 'bucket/dir/', '/b/../x/', '/b/./c/', '/b/c\\d/']),
        volume_size: maybe(fc.oneof(fc.integer({ min: -10, max: 5000 }), fc.constantFrom(0, 5, 4096, 4097))),
        mount_path: text(['/home/ma-user/work', 'relative', '']),
      },
      { requiredKeys: [] },
    ),
  );
  const storageArb = maybe(
    fc.record({ type: text(['obs', 'evs', 'efs', 'obsfs', 'nfs', '']), location }, { requiredKeys: [] }),
  );
  const autoStop = maybe(
    fc.record(
      {
        enable: maybe(fc.boolean()),
        duration: maybe(fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.constantFrom(0, 3600, 86400, 86401))),
        prompt: maybe(fc.boolean()),
      },
      { requiredKeys: [] },
    ),
  );
  const credential = maybe(
    fc.record({ ssh_private_key: text(['', 'k']), access_token: text(['', 't']) }, { requiredKeys: [] }),
  );
  const spec = maybe(
    fc.record(
      {
        storage: storageArb,
        auto_stop: autoStop,
        annotations: maybe(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 })),
        extend_storage: maybe(fc.array(storageArb, { maxLength: 2 })),
        repository: maybe(
          fc.record(
            {
              branch: text(['main', '']),
              type: text(['GitHub', 'CodeClub', '']),
              connection_info: maybe(
                fc.record(
                  {
                    protocol: text(['https', 'ssh', 'ftp', '']),
                    url: text(['https://github.com/a/b', 'git@github.com:a/b', 'https://', '']),
                    credential,
                  },
                  { requiredKeys: [] },
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
        custom_script_path: text(['/scripts/init.sh', 'init.sh', '']),
        log_path: text(['/logs/', '../logs', '']),
        extend_params: maybe(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 })),
        credential,
      },
      { requiredKeys: [] },
    ),
  );
  const idRef = (values: string[]) => maybe(fc.record({ id: text(values) }, { requiredKeys: [] }));
  const randomRecord = fc.record(
    {
      name,
      description: text(['', 'a notebook', 'a < b', 'x'.repeat(513)]),
      profile_id: text(PROFILES),
      flavor: text(FLAVORS),
      spec,
      workspace: idRef(['0', 'ws-1', '', 'ws-2']),
      pool: maybe(
        fc.record(
          { id: text(['', 'pool-x']), name: text(['']), type: text(['', 'USER_DEFINED']) },
          { requiredKeys: [] },
        ),
      ),
      ai_project: idRef(['', 'default-ai-project', 'proj-x']),
    },
    { requiredKeys: [] },
  );

  /** A valid body (sample or Go-client style), then 0–3 random edits anywhere in it. */
  const PAIRS: [string, string][] = [
    [CPU_PROFILE, CPU_FLAVOR],
    [GPU_PROFILE, GPU_FLAVOR],
    ['Multi-Engine 2.0 (python3)', GPU_FLAVOR_2],
    ['Multi-Engine 2.0 (python3)', 'modelarts.vm.cpu.8u'],
  ];
  const validBase = fc
    .record({
      name: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      description: fc.stringMatching(/^[A-Za-z0-9 ,.]{0,30}$/),
      pair: fc.constantFrom(...PAIRS),
      storage: fc.oneof(
        fc.record({
          type: fc.constant('obs'),
          location: fc.record({ path: fc.stringMatching(/^\/[a-z0-9-]{1,10}\/[a-z0-9-]{1,10}\/$/) }),
        }),
        fc.record({
          type: fc.constant('evs'),
          location: fc.record({ volume_size: fc.integer({ min: 5, max: 4096 }) }),
        }),
      ),
      autoStop: fc.oneof(
        fc.record({ enable: fc.constant(true), duration: fc.integer({ min: 3600, max: 86400 }), prompt: fc.boolean() }),
        fc.constant({ enable: false, duration: 0, prompt: true }),
      ),
      goStyle: fc.boolean(),
    })
    .map((v) => ({
      name: v.name,
      description: v.description,
      profile_id: v.pair[0],
      flavor: v.pair[1],
      spec: {
        storage: v.storage,
        auto_stop: v.autoStop,
        ...(v.goStyle
          ? {
              annotations: {},
              extend_storage: [],
              repository: {
                id: '',
                branch: '',
                user_name: '',
                user_email: '',
                type: '',
                connection_info: { protocol: '', url: '', credential: { ssh_private_key: '', access_token: '' } },
              },
              custom_script_path: '',
              log_path: '',
              extend_params: {},
              credential: { ssh_private_key: '', access_token: '' },
            }
          : {}),
      },
      ...(v.goStyle
        ? { workspace: { id: '' }, pool: { id: '', name: '', type: '' }, ai_project: { id: '' } }
        : { workspace: { id: '0' } }),
    }));
  const PATHS = [
    'name',
    'description',
    'profile_id',
    'flavor',
    'spec',
    'spec.storage',
    'spec.storage.type',
    'spec.storage.location',
    'spec.storage.location.path',
    'spec.storage.location.volume_size',
    'spec.storage.location.mount_path',
    'spec.auto_stop',
    'spec.auto_stop.enable',
    'spec.auto_stop.duration',
    'spec.auto_stop.prompt',
    'spec.annotations',
    'spec.extend_storage',
    'spec.repository',
    'spec.repository.connection_info',
    'spec.repository.connection_info.url',
    'spec.repository.connection_info.protocol',
    'spec.repository.connection_info.credential',
    'spec.custom_script_path',
    'spec.log_path',
    'spec.extend_params',
    'spec.credential',
    'workspace',
    'workspace.id',
    'pool',
    'pool.id',
    'ai_project',
    'ai_project.id',
  ];
  const DELETE = Symbol('delete');
  const edit = fc.record({
    path: fc.constantFrom(...PATHS),
    value: fc.oneof(
      junk,
      fc.constant(DELETE),
      fc.constantFrom(
        '',
        'obs',
        'evs',
        'efs',
        '/bucket/',
        '/b/c/',
        'ws-1',
        'pool-x',
        'https://github.com/a/b',
        0,
        5,
        4097,
        3600,
        86401,
        true,
        {},
        [],
      ),
    ),
  });
  function applyEdit(target: any, path: string, value: unknown): void {
    const keys = path.split('.');
    let node = target;
    for (const key of keys.slice(0, -1)) {
      if (!node || typeof node !== 'object' || Array.isArray(node)) return;
      node[key] ??= {};
      node = node[key];
    }
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const last = keys[keys.length - 1]!;
    if (value === DELETE) delete node[last];
    else node[last] = value;
  }
  const edited = fc.tuple(validBase, fc.array(edit, { maxLength: 3 })).map(([base, edits]) => {
    const payload: any = JSON.parse(JSON.stringify(base));
    for (const e of edits) applyEdit(payload, e.path, e.value);
    return payload;
  });
  const body = fc.oneof(
    { weight: 6, arbitrary: edited },
    { weight: 3, arbitrary: randomRecord },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );

  it('answers 200 with a conforming instance, or a ModelArts 400 that created nothing', async () => {
    // Every workspace: an accepted body may name one other than `0`, which a plain list leaves out.
    const instancesInProject = async () =>
      (
        await t.app.services.store.instances.list({
          projectId: t.projectId,
          sortBy: 'name',
          order: 'asc',
          offset: 0,
          limit: 1,
        })
      ).total;
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const before = await instancesInProject();
        const res = await t.http('POST', t.instances(), { body: JSON.stringify(payload) });
        assert.ok(res.status < 500, `5xx for ${JSON.stringify(payload)}: ${res.status} ${JSON.stringify(res.body)}`);
        const after = await instancesInProject();
        if (res.status === 200) {
          accepted++;
          assertInstanceContract(res.body, 'random create');
          assert.equal(after, before + 1);
        } else {
          rejected++;
          assert.equal(res.status, 400, `${JSON.stringify(payload)} → ${res.status} ${JSON.stringify(res.body)}`);
          assert.match(res.body.error_code, /^ModelArts\.\d{4}$/);
          assert.equal(typeof res.body.error_msg, 'string');
          assert.equal(res.body.error_message, res.body.error_msg);
          assert.equal(after, before, `a rejected create (${res.body.error_code}) created an instance`);
        }
      }),
      { numRuns: 250 },
    );
    // The generator must exercise both outcomes, or the property proves little.
    assert.ok(accepted > 0 && rejected > 0, `accepted ${accepted}, rejected ${rejected}`);
  });

  it('valid bodies (random names, profiles, flavors, storage, auto stop) are always accepted', async () => {
    let n = 0;
    const valid = fc.record({
      description: fc.stringMatching(/^[A-Za-z0-9 _.,-]{0,40}$/),
      pair: fc.constantFrom<[string, string]>(
        [CPU_PROFILE, CPU_FLAVOR],
        [GPU_PROFILE, GPU_FLAVOR],
        ['Multi-Engine 2.0 (python3)', GPU_FLAVOR_2],
        ['Multi-Engine 2.0 (python3)', 'modelarts.vm.cpu.8u'],
      ),
      storage: fc.oneof(
        fc.record({
          type: fc.constant('obs'),
          location: fc.record({ path: fc.stringMatching(/^\/[a-z0-9-]{1,10}\/[a-z0-9-]{1,10}\/$/) }),
        }),
        fc.record({
          type: fc.constant('evs'),
          location: fc.record({ volume_size: fc.integer({ min: 5, max: 4096 }) }),
        }),
      ),
      auto_stop: fc.oneof(
        fc.record({ enable: fc.constant(true), duration: fc.integer({ min: 3600, max: 86400 }) }),
        fc.record({ enable: fc.constant(false) }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(valid, async (v) => {
        const res = await t.http('POST', t.instances(), {
          body: {
            name: `valid-${n++}`,
            description: v.description,
            profile_id: v.pair[0],
            flavor: v.pair[1],
            spec: { storage: v.storage, auto_stop: v.auto_stop },
          },
        });
        assert.equal(res.status, 200, `${JSON.stringify(v)} → ${JSON.stringify(res.body)}`);
        assertInstanceContract(res.body, 'valid random create');
        assert.equal(res.body.spec.storage.type, v.storage.type);
        assert.equal(res.body.spec.auto_stop.enable, v.auto_stop.enable);
      }),
      { numRuns: 40 },
    );
  });
});
