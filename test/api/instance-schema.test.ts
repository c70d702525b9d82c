/**
 * @module test/api/instance-schema
 * The Instance object as the server returns it, checked against an independent reading of the
 * seed tables (test/support/instance-contract.ts) in every status the simulated runtime reaches,
 * against the key paths of the seed sample, and for the derived fields (URL, auto-stop deadline,
 * masked credentials).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SimulatedDriver } from '../../src/runtime/simulated/simulated-driver.js';
import {
  CPU_FLAVOR,
  CPU_PROFILE,
  GPU_FLAVOR_2,
  action,
  create,
  getInstance,
  listInstances,
  waitGone,
  waitStatus,
} from '../support/api.js';
import {
  assertInstanceContract,
  assertStatusRules,
  contractViolations,
  samplePathViolations,
  statusViolations,
} from '../support/instance-contract.js';
import { PHASES, SteppingClock, stopWithClock } from '../support/stepping-clock.js';
import { createBody, startTestApp, type TestApp } from '../support/test-app.js';

const SAMPLE = JSON.parse(readFileSync(new URL('./fixtures/sample-instance.json', import.meta.url), 'utf8'));

/** Every status the simulated driver can reach; each must be seen and must conform. */
const REACHABLE = [
  'CREATING',
  'STARTING',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'RESTARTING',
  'START_FAILED',
  'CREATE_FAILED',
  'UNAVAILABLE',
  'DELETING',
  'RESIZING',
];

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('instance contract checker (self-test: it can fail)', () => {
  it('finds the fields the sample leaves out, and nothing wrong with the fields it has', () => {
    const errors = contractViolations(SAMPLE);
    // The sample omits some fields of the tables; each omission is reported as missing, nothing else.
    assert.ok(errors.length > 0);
    for (const e of errors) assert.match(e, /: missing$/, e);
    assert.ok(errors.includes('pool: missing'));
    assert.ok(errors.includes('flavor_details.storage_list: missing'));
    assert.deepEqual(samplePathViolations(SAMPLE, SAMPLE), []);
  });

  it('rejects wrong types, nulls, unknown keys and bad ids in an otherwise complete instance', () => {
    // Complete the sample with every absent field, then break it one way at a time.
    const full = clone(SAMPLE);
    Object.assign(full, { pool: null, error_code: null, queuing_info: null });
    Object.assign(full.flavor_details, {
      queuing_num: null,
      queue_left_time: null,
      storage_list: ['obs'],
      is_permitted: true,
      promo_type: 'NoDiscount',
      instance_num: 1,
      duration: 3600,
      store_time: -1,
      billing_flavor: null,
      billing_params: null,
    });
    full.profile.labels = null;
    Object.assign(full.spec, {
      log_path: null,
      custom_script_path: null,
      credential: null,
      resource_reserved_timestamp: null,
    });
    full.spec.storage.location.path = '/home/ma-user/work/';
    full.spec.storage.location.volume_size = null;
    full.spec.storage.location.mount_path = null;
    full.id = 'DE-7d558ef8-c73d-11ea-964c-0255ac100033';
    assert.deepEqual(contractViolations(full), []);

    const broken: [string, (i: any) => void][] = [
      ['creation_timestamp as a number', (i) => (i.creation_timestamp = 1594887749962)],
      ['latest_update_timestamp not digits', (i) => (i.latest_update_timestamp = '2020-07-16T08:22:29Z')],
      ['stop_timestamp as a string', (i) => (i.spec.auto_stop.stop_timestamp = '1594891408723')],
      ['remain_time as a float', (i) => (i.spec.auto_stop.remain_time = 1.5)],
      ['missing duration', (i) => delete i.spec.auto_stop.duration],
      ['null profile', (i) => (i.profile = null)],
      ['null description', (i) => (i.description = null)],
      ['unknown key', (i) => (i.runtime = { pid: 1 })],
      ['id without DE-', (i) => (i.id = '7d558ef8-c73d-11ea-964c-0255ac100033')],
      ['unknown status', (i) => (i.status = 'running')],
      ['map with a number', (i) => (i.spec.annotations.port = 8888)],
      ['USER_DEFINED pool without owner', (i) => (i.pool = { id: 'p', name: 'p', type: 'USER_DEFINED', owner: null })],
      ['obs storage without path', (i) => (i.spec.storage.location.path = null)],
      [
        'queuing_info begin_timestamp as a string',
        (i) => {
          i.queuing_info = {
            id: i.id,
            name: i.name,
            de_type: 'Notebook',
            flavor: i.flavor,
            flavor_details: clone(i.flavor_details),
            status: 'START_QUEUING',
            begin_timestamp: '1594887749962',
            remain_time: 10,
            end_timestamp: 1594887759962,
            rank: 1,
          };
        },
      ],
    ];
    for (const [what, mutate] of broken) {
      const instance = clone(full);
      mutate(instance);
      assert.ok(contractViolations(instance).length > 0, `the checker accepted: ${what}`);
    }
  });

  it('status rules catch a URL outside RUNNING and a deadline on a stopped instance', () => {
    const running = {
      status: 'RUNNING',
      spec: {
        annotations: { url: '' },
        auto_stop: { enable: true, stop_timestamp: null, remain_time: null },
        failed_reasons: null,
      },
    };
    assert.ok(statusViolations(running).length >= 3);
    const stopped = {
      status: 'STOPPED',
      spec: {
        annotations: { url: 'http://x' },
        auto_stop: { enable: true, stop_timestamp: 1594891408723, remain_time: 3 },
        failed_reasons: null,
      },
    };
    assert.equal(statusViolations(stopped).length, 3);
  });
});

describe('Instance responses conform in every reachable status', () => {
  const clock = new SteppingClock();
  let t: TestApp;
  let driver: SimulatedDriver;
  const seen = new Map<string, any>();

  /** Checks one response and remembers its status. */
  function conforms(instance: any, context: string): any {
    assertInstanceContract(instance, context);
    assertStatusRules(instance);
    seen.set(instance.status, instance);
    return instance;
  }

  async function toRunning(id: string) {
    await clock.phase('prepare');
    conforms(await waitStatus(t, id, 'STARTING'), 'STARTING');
    await clock.phase('start');
    return conforms(await waitStatus(t, id, 'RUNNING'), 'RUNNING');
  }

  before(async () => {
    t = await startTestApp({
      start: { clock },
      runtime: {
        pollIntervalSeconds: 0,
        simulated: { delays: { ...PHASES }, failOn: { prepare: '^failprep-', start: '^failstart-' } },
      },
    });
    assert.ok(t.app.services.driver instanceof SimulatedDriver);
    driver = t.app.services.driver;
  });
  after(() => stopWithClock(t, clock));

  it('create → CREATING → STARTING → RUNNING → RESTARTING → RUNNING → STOPPING → STOPPED → RESIZING → STOPPED → DELETING', async () => {
    const created = conforms(await create(t, createBody('schema-life')), 'create response');
    assert.equal(created.status, 'CREATING');
    const id = created.id;
    conforms((await getInstance(t, id)).body, 'CREATING');
    await toRunning(id);

    assert.equal((await action(t, id, 'restart')).status, 200);
    conforms(await waitStatus(t, id, 'RESTARTING'), 'RESTARTING');
    await clock.phase('stop');
    await clock.phase('start');
    conforms(await waitStatus(t, id, 'RUNNING'), 'RUNNING after restart');

    assert.equal((await action(t, id, 'stop')).status, 200);
    conforms(await waitStatus(t, id, 'STOPPING'), 'STOPPING');
    await clock.phase('stop');
    conforms(await waitStatus(t, id, 'STOPPED'), 'STOPPED');

    const resized = await t.http('PUT', `${t.instances()}/${id}`, { body: { flavor: GPU_FLAVOR_2 } });
    assert.equal(resized.status, 200, JSON.stringify(resized.body));
    assert.equal(resized.body.status, 'RESIZING');
    conforms(resized.body, 'RESIZING (PUT response)');
    conforms(await waitStatus(t, id, 'STOPPED'), 'STOPPED after resize');

    assert.equal((await t.http('DELETE', `${t.instances()}/${id}`)).status, 200);
    conforms(await waitStatus(t, id, 'DELETING'), 'DELETING');
    await clock.phase('remove');
    await waitGone(t, id);
  });

  it('CREATE_FAILED (prepare fails, and start fails during create) and START_FAILED (start fails on a later start)', async () => {
    const prep = await create(t, createBody('failprep-a'));
    await clock.phase('prepare');
    const failedPrep = conforms(await waitStatus(t, prep.id, 'CREATE_FAILED'), 'CREATE_FAILED after prepare');
    assert.equal(typeof failedPrep.spec.failed_reasons.code, 'string');

    const start = await create(t, createBody('failstart-a'));
    await clock.phase('prepare');
    await waitStatus(t, start.id, 'STARTING');
    await clock.phase('start');
    conforms(await waitStatus(t, start.id, 'CREATE_FAILED'), 'CREATE_FAILED after start');

    const again = await action(t, start.id, 'start');
    assert.equal(again.status, 200, JSON.stringify(again.body));
    conforms(await waitStatus(t, start.id, 'STARTING'), 'STARTING from CREATE_FAILED');
    await clock.phase('start');
    const failedStart = conforms(await waitStatus(t, start.id, 'START_FAILED'), 'START_FAILED');
    assert.ok(failedStart.spec.failed_reasons.message.length > 0);
  });

  it('UNAVAILABLE (the workload exits on its own)', async () => {
    const inst = await create(t, createBody('schema-crash'));
    await toRunning(inst.id);
    driver.crash(inst.id);
    await t.app.services.reconciler.pollRunning();
    conforms(await waitStatus(t, inst.id, 'UNAVAILABLE'), 'UNAVAILABLE');
  });

  it('the list response conforms: {instances: [Instance…], total_count: Integer}', async () => {
    const res = await listInstances(t, 'show_self=false');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['instances', 'total_count']);
    assert.ok(Number.isInteger(res.body.total_count));
    assert.equal(res.body.total_count, res.body.instances.length);
    assert.ok(res.body.instances.length >= 3);
    for (const instance of res.body.instances) {
      assertInstanceContract(instance, `list item ${instance.name}`);
      assertStatusRules(instance);
    }
  });

  it('every reachable status was seen and conformed', () => {
    assert.deepEqual(
      REACHABLE.filter((s) => !seen.has(s)),
      [],
    );
  });

  it("a RUNNING instance has every key path of the seed sample, with the sample's JSON type", async () => {
    const inst = await create(t, {
      name: 'schema-sample',
      description: '',
      profile_id: SAMPLE.profile.id,
      flavor: SAMPLE.flavor,
      spec: {
        storage: { type: 'obs', location: { path: '/bucket/work/' } },
        auto_stop: { enable: true, duration: 3600, prompt: true },
      },
      workspace: { id: '0' },
    });
    const running = await toRunning(inst.id);
    assert.deepEqual(samplePathViolations(SAMPLE, running), []);
    // The values the sample fixes for this profile and flavor.
    assert.deepEqual(running.flavor_details.params, SAMPLE.flavor_details.params);
    assert.deepEqual(running.profile.provision, SAMPLE.profile.provision);
    assert.equal(running.profile.flavor_type, 'GPU');
    assert.deepEqual(running.workspace, { id: '0' });
    assert.deepEqual(running.ai_project, { id: 'default-ai-project' });
  });

  it('auto stop: stop_timestamp = start + duration*1000, remain_time counts down, both null when not running', async () => {
    const duration = 7200;
    const inst = await create(
      t,
      createBody('schema-autostop', {
        spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: { enable: true, duration } },
      }),
    );
    assert.equal(inst.spec.auto_stop.stop_timestamp, null);
    assert.equal(inst.spec.auto_stop.remain_time, null);
    const running = await toRunning(inst.id);
    const startedAt = Number(running.latest_update_timestamp);
    assert.equal(startedAt, clock.now());
    assert.equal(running.spec.auto_stop.stop_timestamp, startedAt + duration * 1000);
    assert.equal(running.spec.auto_stop.remain_time, duration);
    assert.equal(running.spec.auto_stop.duration, duration);

    clock.advance(90_000);
    const later = (await getInstance(t, inst.id)).body;
    assert.equal(later.spec.auto_stop.stop_timestamp, startedAt + duration * 1000);
    assert.equal(later.spec.auto_stop.remain_time, duration - 90);
    clock.advance(1_000);
    assert.equal((await getInstance(t, inst.id)).body.spec.auto_stop.remain_time, duration - 91);

    await action(t, inst.id, 'stop');
    const stopping = conforms(await waitStatus(t, inst.id, 'STOPPING'), 'STOPPING');
    assert.equal(stopping.spec.auto_stop.stop_timestamp, null);
    assert.equal(stopping.spec.auto_stop.remain_time, null);
    await clock.phase('stop');
    const stopped = conforms(await waitStatus(t, inst.id, 'STOPPED'), 'STOPPED');
    assert.equal(stopped.spec.auto_stop.stop_timestamp, null);
    assert.equal(stopped.spec.auto_stop.remain_time, null);
    assert.equal(stopped.spec.auto_stop.enable, true);
    assert.equal(stopped.spec.auto_stop.duration, duration);
  });

  it('auto stop disabled: no deadline even while RUNNING', async () => {
    const inst = await create(
      t,
      createBody('schema-noautostop', {
        spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: { enable: false } },
      }),
    );
    const running = await toRunning(inst.id);
    assert.equal(running.spec.auto_stop.enable, false);
    assert.equal(running.spec.auto_stop.stop_timestamp, null);
    assert.equal(running.spec.auto_stop.remain_time, null);
  });

  it('spec.annotations.url is non-empty only while RUNNING; target_domain is the server', async () => {
    const inst = await create(t, createBody('schema-url'));
    assert.equal(inst.spec.annotations.url, '');
    const running = await toRunning(inst.id);
    assert.ok(running.spec.annotations.url.length > 0);
    assert.ok(running.spec.annotations.url.includes(inst.id), running.spec.annotations.url);
    assert.equal(running.spec.annotations.target_domain, t.url);
    assert.ok(running.spec.annotations.url.startsWith(t.url), running.spec.annotations.url);
    await action(t, inst.id, 'stop');
    assert.equal((await waitStatus(t, inst.id, 'STOPPING')).spec.annotations.url, '');
    await clock.phase('stop');
    assert.equal((await waitStatus(t, inst.id, 'STOPPED')).spec.annotations.url, '');
  });
});

describe('credentials are never echoed in clear', () => {
  let t: TestApp;
  const SECRETS = ['ssh-SECRET-7f3a9c', 'token-SECRET-19be77', 'repo-ssh-SECRET-55aa01', 'repo-token-SECRET-c0ffee'];
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  function assertNoSecret(body: unknown, where: string) {
    const text = JSON.stringify(body);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} echoes ${secret}: ${text}`);
  }

  it('create, get, list, put, action and token responses mask spec.credential and the repository credential', async () => {
    const body = createBody('cred-nb', {
      profile_id: CPU_PROFILE,
      flavor: CPU_FLAVOR,
      spec: {
        storage: { type: 'obs', location: { path: '/bucket/cred/' } },
        credential: { ssh_private_key: SECRETS[0], access_token: SECRETS[1] },
        repository: {
          branch: 'main',
          type: 'GitHub',
          connection_info: {
            protocol: 'https',
            url: 'https://github.com/example/repo.git',
            credential: { ssh_private_key: SECRETS[2], access_token: SECRETS[3] },
          },
        },
      },
    });
    const created = await create(t, body);
    assertNoSecret(created, 'create');
    assertInstanceContract(created, 'create with credentials');
    // Present (masked), not dropped: the client can tell a credential is set.
    assert.notEqual(created.spec.credential, null);
    assert.notEqual(created.spec.repository?.connection_info?.credential, null);
    assert.equal(created.spec.repository.connection_info.url, 'https://github.com/example/repo.git');

    const running = await waitStatus(t, created.id, 'RUNNING');
    assertNoSecret(running, 'get');
    assertNoSecret((await getInstance(t, created.id, { query: '?de_type=Notebook' })).body, 'get ?de_type');
    assertNoSecret((await listInstances(t)).body, 'list');
    assertNoSecret((await listInstances(t, 'show_self=false')).body, 'list show_self=false');
    const put = await t.http('PUT', `${t.instances()}/${created.id}`, { body: { description: 'changed' } });
    assert.equal(put.status, 200);
    assertNoSecret(put.body, 'put');
    const token = await t.http('GET', `${t.instances()}/${created.id}/token`);
    assertNoSecret(token.body, 'token');
    const stop = await action(t, created.id, 'stop');
    assertNoSecret(stop.body, 'action');
  });
});
