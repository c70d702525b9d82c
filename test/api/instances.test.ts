/**
 * @module test/api/instances
 * The DevEnviron operations end to end: create (sample, Go-client and EVS bodies), the lifecycle
 * through every action, token, delete, detail, and modify (description, auto stop, flavor).
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  CPU_FLAVOR,
  CPU_PROFILE,
  GPU_FLAVOR,
  GPU_FLAVOR_2,
  GPU_PROFILE,
  action,
  assertError,
  create,
  getInstance,
  ids,
  listInstances,
  timeless,
  waitGone,
  waitStatus,
} from '../support/api.js';
import { assertInstanceContract } from '../support/instance-contract.js';
import { STEPPING_RUNTIME, SteppingClock, stopWithClock } from '../support/stepping-clock.js';
import { createBody, startTestApp, type TestApp } from '../support/test-app.js';

const HEX32 = /^[0-9a-f]{32}$/;

function put(t: TestApp, id: string, body: unknown) {
  return t.http('PUT', `${t.instances()}/${id}`, { body });
}

describe('lifecycle, step by step (manual clock)', () => {
  const clock = new SteppingClock();
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: STEPPING_RUNTIME });
  });
  after(() => stopWithClock(t, clock));

  it('create → CREATING → STARTING → RUNNING; stop; start; restart; delete → 6309', async () => {
    const created = await create(t, createBody('life-nb'));
    assert.equal(created.status, 'CREATING');
    const id = created.id;
    assert.equal((await getInstance(t, id)).body.status, 'CREATING');
    assertError(await t.http('GET', `${t.instances()}/${id}/token`), '6327', 400, 'token while CREATING');

    await clock.phase('prepare');
    await waitStatus(t, id, 'STARTING');
    await clock.phase('start');
    const running = await waitStatus(t, id, 'RUNNING');
    assert.equal(running.creation_timestamp, created.creation_timestamp);
    assert.ok(Number(running.latest_update_timestamp) > Number(created.latest_update_timestamp));

    const token = await t.http('GET', `${t.instances()}/${id}/token`);
    assert.equal(token.status, 200);
    assert.deepEqual(Object.keys(token.body), ['token']);
    assert.match(token.body.token, HEX32);

    const stop = await action(t, id, 'stop');
    assert.equal(stop.status, 200);
    assert.deepEqual(stop.body, { current_status: 'STOPPING', previous_state: 'RUNNING' });
    assert.equal((await getInstance(t, id)).body.status, 'STOPPING');
    await clock.phase('stop');
    await waitStatus(t, id, 'STOPPED');
    assertError(await t.http('GET', `${t.instances()}/${id}/token`), '6327', 400, 'token while STOPPED');

    const start = await action(t, id, 'start');
    assert.deepEqual(start.body, { current_status: 'STARTING', previous_state: 'STOPPED' });
    assert.equal((await getInstance(t, id)).body.status, 'STARTING');
    await clock.phase('start');
    await waitStatus(t, id, 'RUNNING');

    const restart = await action(t, id, 'restart');
    assert.deepEqual(restart.body, { current_status: 'RESTARTING', previous_state: 'RUNNING' });
    assert.equal((await getInstance(t, id)).body.status, 'RESTARTING');
    await clock.phase('stop');
    await clock.phase('start');
    await waitStatus(t, id, 'RUNNING');
    assert.match((await t.http('GET', `${t.instances()}/${id}/token`)).body.token, HEX32);

    await action(t, id, 'stop');
    await clock.phase('stop');
    await waitStatus(t, id, 'STOPPED');

    const del = await t.http('DELETE', `${t.instances()}/${id}`);
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { instance_id: id });
    assert.equal((await getInstance(t, id)).body.status, 'DELETING');
    await clock.phase('remove');
    assertError(await waitGone(t, id), '6309', 400, 'GET after delete');
    assert.ok(!ids((await listInstances(t, 'show_self=false')).body).includes(id));
    assertError(await t.http('DELETE', `${t.instances()}/${id}`), '6309', 400, 'DELETE after delete');
    assertError(await action(t, id, 'start'), '6309', 400, 'start after delete');
  });

  it('a duration change on a RUNNING instance keeps the current deadline and applies at the next start', async () => {
    const inst = await create(
      t,
      createBody('life-duration', {
        spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: { enable: true, duration: 3600 } },
      }),
    );
    await clock.phase('prepare');
    await waitStatus(t, inst.id, 'STARTING');
    await clock.phase('start');
    const running = await waitStatus(t, inst.id, 'RUNNING');
    const deadline = running.spec.auto_stop.stop_timestamp;
    assert.equal(deadline, Number(running.latest_update_timestamp) + 3600_000);

    const changed = await put(t, inst.id, { spec: { auto_stop: { enable: true, duration: 7200 } } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.spec.auto_stop.duration, 7200);
    assert.equal(changed.body.spec.auto_stop.stop_timestamp, deadline);
    assert.equal(changed.body.status, 'RUNNING');

    await action(t, inst.id, 'stop');
    await clock.phase('stop');
    await waitStatus(t, inst.id, 'STOPPED');
    await action(t, inst.id, 'start');
    await clock.phase('start');
    const again = await waitStatus(t, inst.id, 'RUNNING');
    assert.equal(again.spec.auto_stop.stop_timestamp, Number(again.latest_update_timestamp) + 7200_000);
    assert.equal(again.spec.auto_stop.remain_time, 7200);
  });
});

describe('auto stop stops a RUNNING instance at its deadline (manual clock, liveness polling on)', () => {
  // Distinct from the 1 s poll interval, so that firing a phase never fires the poller.
  const delays = { prepare: 1_500, start: 2_500, stop: 3_500, remove: 4_500 };
  const clock = new SteppingClock();
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: { pollIntervalSeconds: 1, simulated: { delays } } });
  });
  after(() => stopWithClock(t, clock));

  it('RUNNING until stop_timestamp, then STOPPING → STOPPED; an instance without auto stop keeps running', async () => {
    const duration = 3600;
    const auto = await create(
      t,
      createBody('auto-stopper', {
        spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: { enable: true, duration } },
      }),
    );
    const manual = await create(
      t,
      createBody('auto-never', {
        spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: { enable: false } },
      }),
    );
    await clock.fire(delays.prepare, 2);
    await waitStatus(t, auto.id, 'STARTING');
    await waitStatus(t, manual.id, 'STARTING');
    await clock.fire(delays.start, 2);
    const running = await waitStatus(t, auto.id, 'RUNNING');
    await waitStatus(t, manual.id, 'RUNNING');
    const deadline: number = running.spec.auto_stop.stop_timestamp;

    // Ten seconds before the deadline nothing happens.
    clock.advance(deadline - 10_000 - clock.now());
    await delay(50);
    const before = (await getInstance(t, auto.id)).body;
    assert.equal(before.status, 'RUNNING');
    assert.equal(before.spec.auto_stop.remain_time, 10);

    // Walk past the deadline a second at a time; the instance must end STOPPED.
    let status = 'RUNNING';
    for (let i = 0; i < 60 && status !== 'STOPPED'; i++) {
      clock.advance(1_000);
      await delay(20);
      const now = (await getInstance(t, auto.id)).body;
      if (now.status !== 'RUNNING')
        assert.ok(clock.now() >= deadline, `left RUNNING ${deadline - clock.now()} ms before its deadline`);
      assert.ok(['RUNNING', 'STOPPING', 'STOPPED'].includes(now.status), `unexpected ${now.status}`);
      status = now.status;
    }
    assert.equal(
      status,
      'STOPPED',
      `auto stop did not stop the instance ${(clock.now() - deadline) / 1000} s after stop_timestamp`,
    );
    assert.equal((await getInstance(t, manual.id)).body.status, 'RUNNING');
  });
});

describe('create bodies, detail, token and modify (real clock)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it('the spec sample body: 200, CREATING, echoes what was sent, fills the defaults', async () => {
    const body = createBody('sample-nb', { description: 'from the spec sample' });
    const created = await create(t, body);
    assertInstanceContract(created, 'sample create');
    assert.equal(created.status, 'CREATING');
    assert.equal(created.name, 'sample-nb');
    assert.equal(created.description, 'from the spec sample');
    assert.equal(created.profile.id, GPU_PROFILE);
    assert.equal(created.flavor, GPU_FLAVOR);
    assert.equal(created.flavor_details.name, GPU_FLAVOR);
    assert.deepEqual(created.spec.storage.type, 'obs');
    assert.equal(created.spec.storage.location.path, '/bucket/work/');
    assert.deepEqual(
      {
        enable: created.spec.auto_stop.enable,
        duration: created.spec.auto_stop.duration,
        prompt: created.spec.auto_stop.prompt,
      },
      { enable: true, duration: 3600, prompt: true },
    );
    assert.deepEqual(created.workspace, { id: '0' });
    assert.deepEqual(created.ai_project, { id: 'default-ai-project' });
    assert.equal(created.pool, null);
    assert.equal(created.user.name, 'admin');
    assert.equal(created.creation_timestamp, created.latest_update_timestamp);
    assert.ok(Math.abs(Number(created.creation_timestamp) - Date.now()) < 60_000);
    const running = await waitStatus(t, created.id, 'RUNNING');
    assert.equal(running.id, created.id);
    assert.equal(running.description, 'from the spec sample');
  });

  it('a minimal body (name, profile_id, flavor, spec.storage) gets every documented default', async () => {
    const created = await create(t, {
      name: 'minimal-nb',
      profile_id: CPU_PROFILE,
      flavor: CPU_FLAVOR,
      spec: { storage: { type: 'obs', location: { path: '/bucket/min/' } } },
    });
    assertInstanceContract(created, 'minimal create');
    assert.equal(created.description, '');
    assert.deepEqual(created.workspace, { id: '0' });
    assert.deepEqual(created.ai_project, { id: 'default-ai-project' });
    assert.equal(created.spec.auto_stop.enable, false);
    assert.equal(created.spec.auto_stop.prompt, true);
    assert.equal(created.profile.flavor_type, 'CPU');
    const running = await waitStatus(t, created.id, 'RUNNING');
    assert.equal(running.spec.auto_stop.stop_timestamp, null);
  });

  it('a Go-client body (every field present, empty strings, empty pool, auto_stop {enable:false, duration:0}) is accepted', async () => {
    const body = {
      name: 'go-client-nb',
      description: '',
      profile_id: CPU_PROFILE,
      flavor: CPU_FLAVOR,
      spec: {
        storage: { type: 'obs', location: { path: '/bucket/go/', volume_size: 0 } },
        auto_stop: { enable: false, duration: 0, prompt: false },
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
      },
      workspace: { id: '' },
      pool: { id: '', name: '', type: '' },
      ai_project: { id: '' },
    };
    const created = await create(t, body);
    assertInstanceContract(created, 'Go-client create');
    assert.equal(created.pool, null, 'an all-empty pool means no pool');
    assert.deepEqual(created.workspace, { id: '0' });
    assert.deepEqual(created.ai_project, { id: 'default-ai-project' });
    assert.equal(created.spec.auto_stop.enable, false);
    assert.equal(created.spec.auto_stop.prompt, false);
    assert.ok(Number.isInteger(created.spec.auto_stop.duration));
    const running = await waitStatus(t, created.id, 'RUNNING');
    assertInstanceContract(running, 'Go-client RUNNING');
    assert.equal(running.spec.auto_stop.stop_timestamp, null);
    assert.equal(running.spec.auto_stop.remain_time, null);
  });

  it('a Go-client body with auto stop on', async () => {
    const created = await create(t, {
      name: 'go-client-auto',
      description: '',
      profile_id: CPU_PROFILE,
      flavor: CPU_FLAVOR,
      spec: {
        storage: { type: 'obs', location: { path: '/bucket/go/', volume_size: 0 } },
        auto_stop: { enable: true, duration: 3600, prompt: true },
      },
      workspace: { id: '0' },
      pool: { id: '', name: '', type: '' },
      ai_project: { id: '' },
    });
    const running = await waitStatus(t, created.id, 'RUNNING');
    assert.equal(running.spec.auto_stop.stop_timestamp, Number(running.latest_update_timestamp) + 3600_000);
  });

  it('evs storage: the requested volume size, 5 GB when not given', async () => {
    const sized = await create(
      t,
      createBody('evs-sized', {
        profile_id: CPU_PROFILE,
        flavor: CPU_FLAVOR,
        spec: { storage: { type: 'evs', location: { volume_size: 10 } } },
      }),
    );
    assertInstanceContract(sized, 'evs create');
    assert.equal(sized.spec.storage.type, 'evs');
    assert.equal(sized.spec.storage.location.volume_size, 10);
    const dflt = await create(
      t,
      createBody('evs-default', { profile_id: CPU_PROFILE, flavor: CPU_FLAVOR, spec: { storage: { type: 'evs' } } }),
    );
    assert.equal(dflt.spec.storage.location.volume_size, 5);
    const running = await waitStatus(t, sized.id, 'RUNNING');
    assert.equal(running.spec.storage.location.volume_size, 10);
  });

  it('efs storage on a GPU flavor is accepted', async () => {
    const created = await create(
      t,
      createBody('efs-gpu', { spec: { storage: { type: 'efs', location: { path: '/share/team/' } } } }),
    );
    assert.equal(created.spec.storage.type, 'efs');
    assert.equal(created.spec.storage.location.path, '/share/team/');
  });

  it('detail with ?de_type=Notebook answers the same instance; a name in place of the id answers 400 6309', async () => {
    const created = await create(t, createBody('detail-nb'));
    const running = await waitStatus(t, created.id, 'RUNNING');
    const plain = await getInstance(t, created.id);
    const typed = await getInstance(t, created.id, { query: '?de_type=Notebook' });
    assert.equal(typed.status, 200);
    assert.deepEqual(timeless(typed.body), timeless(plain.body));
    assert.equal(plain.body.latest_update_timestamp, running.latest_update_timestamp);
    // The CLI resolves names this way and falls back to listing on a 400.
    assertError(await getInstance(t, 'detail-nb', { query: '?de_type=Notebook' }), '6309', 400, 'GET by name');
  });

  it('the token is 32 hex while RUNNING, 6327 otherwise', async () => {
    const created = await create(t, createBody('token-nb'));
    await waitStatus(t, created.id, 'RUNNING');
    const res = await t.http('GET', `${t.instances()}/${created.id}/token?de_type=Notebook`);
    assert.equal(res.status, 200);
    assert.match(res.body.token, HEX32);
    await action(t, created.id, 'stop');
    await waitStatus(t, created.id, 'STOPPED');
    assertError(await t.http('GET', `${t.instances()}/${created.id}/token`), '6327', 400, 'token when STOPPED');
  });

  it('PUT description (and only it) changes the description and latest_update_timestamp', async () => {
    const created = await create(t, createBody('put-desc', { description: 'before' }));
    const running = await waitStatus(t, created.id, 'RUNNING');
    await delay(3);
    const res = await put(t, created.id, { description: 'after the change' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assertInstanceContract(res.body, 'PUT response');
    assert.equal(res.body.description, 'after the change');
    assert.equal(res.body.status, 'RUNNING');
    assert.equal(res.body.creation_timestamp, running.creation_timestamp);
    assert.ok(Number(res.body.latest_update_timestamp) > Number(running.latest_update_timestamp));
    assert.deepEqual(res.body.spec.auto_stop.enable, running.spec.auto_stop.enable);
    assert.deepEqual(res.body.spec.auto_stop.duration, running.spec.auto_stop.duration);
    const reread = (await getInstance(t, created.id)).body;
    assert.equal(reread.description, 'after the change');
    assert.equal(reread.name, 'put-desc');
    assert.equal(reread.flavor, running.flavor);
  });

  it('PUT auto_stop under spec and at the top level (the CLI form)', async () => {
    const created = await create(
      t,
      createBody('put-auto', {
        spec: { storage: { type: 'obs', location: { path: '/b/w/' } }, auto_stop: { enable: false } },
      }),
    );
    await waitStatus(t, created.id, 'RUNNING');
    await action(t, created.id, 'stop');
    await waitStatus(t, created.id, 'STOPPED');

    const underSpec = await put(t, created.id, {
      spec: { auto_stop: { enable: true, duration: 7200, prompt: false } },
    });
    assert.equal(underSpec.status, 200, JSON.stringify(underSpec.body));
    assert.equal(underSpec.body.spec.auto_stop.enable, true);
    assert.equal(underSpec.body.spec.auto_stop.duration, 7200);
    assert.equal(underSpec.body.spec.auto_stop.prompt, false);

    const topLevel = await put(t, created.id, { auto_stop: { enable: true, duration: 10800 } });
    assert.equal(topLevel.status, 200, JSON.stringify(topLevel.body));
    assert.equal(topLevel.body.spec.auto_stop.enable, true);
    assert.equal(topLevel.body.spec.auto_stop.duration, 10800);

    const off = await put(t, created.id, { auto_stop: { enable: false } });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.spec.auto_stop.enable, false);

    const on = await put(t, created.id, {
      description: 'both at once',
      spec: { auto_stop: { enable: true, duration: 3600 } },
    });
    assert.equal(on.body.description, 'both at once');
    assert.equal(on.body.spec.auto_stop.enable, true);
    assert.equal(on.body.spec.auto_stop.duration, 3600);

    await action(t, created.id, 'start');
    const running = await waitStatus(t, created.id, 'RUNNING');
    assert.equal(running.spec.auto_stop.stop_timestamp, Number(running.latest_update_timestamp) + 3600_000);
  });

  it('PUT flavor on a STOPPED instance: RESIZING → STOPPED with the new flavor; it then runs with it', async () => {
    const created = await create(t, createBody('resize-nb'));
    await waitStatus(t, created.id, 'RUNNING');
    await action(t, created.id, 'stop');
    await waitStatus(t, created.id, 'STOPPED');

    const res = await put(t, created.id, { flavor: GPU_FLAVOR_2 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'RESIZING');
    assertInstanceContract(res.body, 'RESIZING');
    const stopped = await waitStatus(t, created.id, 'STOPPED');
    assert.equal(stopped.flavor, GPU_FLAVOR_2);
    assert.equal(stopped.flavor_details.name, GPU_FLAVOR_2);
    assert.equal(stopped.flavor_details.params.gpu_type, 'v100');
    assert.equal(stopped.profile.id, GPU_PROFILE);

    await action(t, created.id, 'start');
    const running = await waitStatus(t, created.id, 'RUNNING');
    assert.equal(running.flavor, GPU_FLAVOR_2);
  });

  it('PUT flavor on a RUNNING instance answers 6347 and changes nothing', async () => {
    const created = await create(t, createBody('resize-running'));
    const running = await waitStatus(t, created.id, 'RUNNING');
    const res = await put(t, created.id, { flavor: GPU_FLAVOR_2 });
    assertError(res, '6347', 400, 'PUT flavor on RUNNING');
    const after = (await getInstance(t, created.id)).body;
    assert.equal(after.flavor, GPU_FLAVOR);
    assert.equal(after.status, 'RUNNING');
    assert.equal(after.latest_update_timestamp, running.latest_update_timestamp);
  });
});
