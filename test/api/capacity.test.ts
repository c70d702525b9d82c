/**
 * Capacity and quotas: a flavor admits at most its capacity of slot-holding instances, even under
 * many concurrent requests; a sold-out flavor says so in flavor_details; quotas answer 6302 / 0113;
 * a refused request writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SMALL = completeFlavor({
  name: 'modelarts.vm.cpu.small',
  type: 'CPU',
  params: { CPU: 1, memory: '2GiB' },
  capacity: 3,
});
const body = (name: string, flavor = SMALL.name) => ({
  name,
  profile_id: 'Multi-Engine 1.0 (python3)-cpu',
  flavor,
  spec: { storage: { type: 'evs' } },
});

async function rest(t: TestApp, id: string, status: string): Promise<any> {
  for (let i = 0; i < 500; i++) {
    const res = await t.http('GET', `${t.instances()}/${id}`);
    if (res.body.status === status) return res.body;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${id} never became ${status}`);
}

describe('flavor capacity', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ catalog: { flavors: [...BUILTIN_CATALOG.flavors, SMALL] } });
  });
  after(() => t.stop());

  it('admits exactly the capacity out of many concurrent creates, and refuses the rest with 6329', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.http('POST', t.instances(), { body: body(`cap-${i}`) })),
    );
    const admitted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    assert.equal(admitted.length, 3);
    for (const r of refused) assert.deepEqual([r.status, r.body.error_code], [400, 'ModelArts.6329']);
    const listed = await t.http('GET', `${t.instances()}?de_type=Notebook&limit=100`);
    assert.equal(
      listed.body.instances.filter((i: any) => i.flavor === SMALL.name).length,
      3,
      'refused creates wrote nothing',
    );
    for (const r of admitted) await rest(t, r.body.id, 'RUNNING');
  });

  it('shows the flavor soldOut while full and onSale once a slot frees; a start on a full flavor is refused unchanged', async () => {
    const listed = (await t.http('GET', `${t.instances()}?de_type=Notebook&limit=100`)).body.instances.filter(
      (i: any) => i.flavor === SMALL.name,
    );
    assert.ok(listed.every((i: any) => i.flavor_details.status === 'soldOut'));
    const [a, b] = listed;
    await t.http('POST', `${t.instances()}/${a.id}/action`, { body: { action: 'stop' } });
    const stopped = await rest(t, a.id, 'STOPPED');
    assert.equal(stopped.flavor_details.status, 'onSale');
    // Someone else takes the freed slot; the stopped instance cannot start until one frees again.
    const other = await t.http('POST', t.instances(), { body: body('cap-late') });
    assert.equal(other.status, 200);
    const refused = await t.http('POST', `${t.instances()}/${a.id}/action`, { body: { action: 'start' } });
    assert.deepEqual([refused.status, refused.body.error_code], [400, 'ModelArts.6329']);
    assert.equal((await t.http('GET', `${t.instances()}/${a.id}`)).body.status, 'STOPPED');
    await t.http('POST', `${t.instances()}/${b.id}/action`, { body: { action: 'stop' } });
    await rest(t, b.id, 'STOPPED');
    assert.equal((await t.http('POST', `${t.instances()}/${a.id}/action`, { body: { action: 'start' } })).status, 200);
    // A restart keeps its slot: it is never refused for capacity.
    await rest(t, a.id, 'RUNNING');
    assert.equal(
      (await t.http('POST', `${t.instances()}/${a.id}/action`, { body: { action: 'restart' } })).status,
      200,
    );
  });

  it('flavors without a capacity are never sold out', async () => {
    const res = await t.http('POST', t.instances(), { body: body('unbounded', 'modelarts.vm.cpu.2u') });
    assert.equal(res.body.flavor_details.status, 'onSale');
  });
});

describe('instance quotas', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ quotas: { instancesPerUser: 2, instancesPerProject: 3 } });
  });
  after(() => t.stop());

  it('a user over quota gets 6302, a project over quota 0113, and nothing is written', async () => {
    assert.equal((await t.http('POST', t.instances(), { body: body('q-1', 'modelarts.vm.cpu.2u') })).status, 200);
    assert.equal((await t.http('POST', t.instances(), { body: body('q-2', 'modelarts.vm.cpu.2u') })).status, 200);
    const third = await t.http('POST', t.instances(), { body: body('q-3', 'modelarts.vm.cpu.2u') });
    assert.deepEqual([third.status, third.body.error_code], [400, 'ModelArts.6302']);

    const user = await t.http('POST', '/v3/users', {
      body: { user: { name: 'quota-member', password: 'quota-member-1' } },
    });
    await t.http('PUT', `/v3/projects/${t.projectId}/users/${user.body.user.id}/roles/member`);
    const member = await t.login('quota-member', 'quota-member-1');
    assert.equal(
      (await t.http('POST', t.instances(), { token: member.token, body: body('q-4', 'modelarts.vm.cpu.2u') })).status,
      200,
    );
    const over = await t.http('POST', t.instances(), { token: member.token, body: body('q-5', 'modelarts.vm.cpu.2u') });
    assert.deepEqual(
      [over.status, over.body.error_code, over.body.error_msg],
      [400, 'ModelArts.0113', 'Create Notebook failed. Quota: instances is exhausted.'],
    );
    const all = await t.http('GET', `${t.instances()}?de_type=Notebook&show_self=false`);
    assert.deepEqual(all.body.instances.map((i: any) => i.name).sort(), ['q-1', 'q-2', 'q-4']);
  });
});
