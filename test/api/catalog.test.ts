/**
 * The catalog extensions: `GET …/profiles` and `GET …/flavors` list what a create may name, and
 * each flavor shows the caller's live Table 7 state — sold out while its slots are taken, the
 * queue while a queueing flavor is full, not permitted outside its projects, the caller's count.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { assertError, create, createProject, CPU_PROFILE, GPU_PROFILE, member, waitStatus } from '../support/api.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

const ONE_SLOT = completeFlavor({ name: 'modelarts.vm.cpu.one', type: 'CPU', params: { CPU: 1 }, capacity: 1 });
const ONE_QUEUE = completeFlavor({
  name: 'modelarts.vm.cpu.line',
  type: 'CPU',
  params: { CPU: 1 },
  capacity: 1,
  queues: true,
  promo_type: 'Free',
});
const RESTRICTED = completeFlavor({
  name: 'modelarts.vm.cpu.private',
  type: 'CPU',
  allowed_projects: ['some-other-project'],
});
const FLAVORS = [...BUILTIN_CATALOG.flavors, ONE_SLOT, ONE_QUEUE, RESTRICTED];

describe('catalog extensions: profiles and flavors', () => {
  let t: TestApp;
  const profiles = (query = '', token?: string) =>
    t.http('GET', `/v1/${t.projectId}/demanager/profiles${query}`, token ? { token } : {});
  const flavors = (query = '', token?: string) =>
    t.http('GET', `/v1/${t.projectId}/demanager/flavors${query}`, token ? { token } : {});
  const flavorNamed = async (name: string, token?: string) =>
    (await flavors('', token)).body.flavors.find((f: any) => f.name === name);

  before(async () => {
    t = await startTestApp({ catalog: { flavors: FLAVORS } });
  });
  after(() => t.stop());

  it('lists every profile with the flavor types it runs on, and filters by flavor type', async () => {
    const all = await profiles();
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.profiles.map((p: any) => p.id),
      BUILTIN_CATALOG.profiles.map((p) => p.id),
    );
    assert.equal(all.body.total_count, BUILTIN_CATALOG.profiles.length);
    const gpu = all.body.profiles.find((p: any) => p.id === GPU_PROFILE);
    assert.deepEqual(gpu.flavor_types, ['GPU']);
    assert.equal(gpu.provision.spec.params.image_name, 'mul-kernel-gpu-cuda-cp36');
    const cpuOnly = await profiles('?de_type=Notebook&flavor_type=CPU');
    assert.deepEqual(
      cpuOnly.body.profiles.map((p: any) => p.id),
      ['Multi-Engine 1.0 (python3)-cpu', 'Multi-Engine 2.0 (python3)'],
    );
  });

  it('lists every flavor in catalog order with Table 7 fields, capacity and queueing, filtered by type or profile', async () => {
    const all = await flavors();
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.flavors.map((f: any) => f.name),
      FLAVORS.map((f) => f.name),
    );
    const free = all.body.flavors.find((f: any) => f.name === 'modelarts.vm.cpu.free');
    assert.deepEqual(
      {
        status: free.status,
        capacity: free.capacity,
        queues: free.queues,
        promo_type: free.promo_type,
        is_permitted: free.is_permitted,
        queuing_num: free.queuing_num,
      },
      { status: 'onSale', capacity: 5, queues: true, promo_type: 'Free', is_permitted: true, queuing_num: null },
    );
    const gpu = await flavors('?flavor_type=GPU');
    assert.deepEqual(
      gpu.body.flavors.map((f: any) => f.type),
      ['GPU', 'GPU'],
    );
    const forCpuProfile = await flavors(`?profile_id=${encodeURIComponent(CPU_PROFILE)}`);
    assert.ok(forCpuProfile.body.flavors.length > 0 && forCpuProfile.body.flavors.every((f: any) => f.type === 'CPU'));
  });

  it('shows a flavor restricted to other projects as not permitted', async () => {
    assert.equal((await flavorNamed(RESTRICTED.name)).is_permitted, false);
    assert.equal((await flavorNamed(ONE_SLOT.name)).is_permitted, true);
  });

  it("shows a full flavor sold out, a full queueing flavor with its line, and counts only the caller's instances", async () => {
    const someone = await member(t, 'catalog-member', t.projectId);
    const holder = await create(t, cpuBody('catalog-holder', ONE_SLOT.name));
    await waitStatus(t, holder.id, 'RUNNING');
    const full = await flavorNamed(ONE_SLOT.name);
    assert.deepEqual([full.status, full.instance_num, full.queuing_num], ['soldOut', 1, null]);
    assert.equal(
      (await flavorNamed(ONE_SLOT.name, someone.token)).instance_num,
      0,
      'another user has none of their own',
    );

    const first = await create(t, cpuBody('catalog-first', ONE_QUEUE.name));
    await waitStatus(t, first.id, 'RUNNING');
    const waiting = await create(t, cpuBody('catalog-waiting', ONE_QUEUE.name), { token: someone.token });
    assert.equal(waiting.status, 'CREATE_QUEUING');
    const line = await flavorNamed(ONE_QUEUE.name, someone.token);
    assert.equal(line.status, 'soldOut');
    assert.equal(line.queuing_num, 1);
    assert.ok(Number.isInteger(line.queue_left_time) && line.queue_left_time > 0, JSON.stringify(line));

    await t.http('POST', `${t.instances()}/${holder.id}/action`, { body: { action: 'stop' } });
    await waitStatus(t, holder.id, 'STOPPED');
    assert.equal((await flavorNamed(ONE_SLOT.name)).status, 'onSale');
  });

  it('answers bad input with ModelArts errors', async () => {
    assertError(await flavors('?profile_id=no-such-profile'), '6336');
    assertError(await flavors('?flavor_type=TPU'), '6336');
    assertError(await profiles('?flavor_type=TPU'), '6336');
    assertError(await profiles('?de_type=Other'), '6336');
  });

  it("is for authenticated callers of the path's project only", async () => {
    assertError(await t.http('GET', `/v1/${t.projectId}/demanager/profiles`, { token: null }), '0201', 401);
    assertError(await t.http('GET', `/v1/${t.projectId}/demanager/flavors`, { token: null }), '0201', 401);
    const other = await createProject(t, 'catalog-other');
    assertError(await t.http('GET', `/v1/${other}/demanager/flavors`), '0210', 403);
    assertError(await t.http('GET', `/v1/${other}/demanager/profiles`), '0210', 403);
  });
});
