/**
 * Capacity and quotas on the wire: a full flavor answers 6329 and says soldOut in flavor_details;
 * quotas answer 6302 / 0113. The admission rules are in test/core/admission-rules.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { assertError } from '../support/api.js';
import { SMALL } from '../support/rule-flavors.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

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

describe('flavor capacity over HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ catalog: { flavors: [...BUILTIN_CATALOG.flavors, SMALL] } });
  });
  after(() => t.stop());

  // The admission rules themselves (concurrent creates, starts on a full flavor, restarts) are in
  // test/core/admission-rules.test.ts; here, how a full flavor shows on the wire.
  it('a create on a full flavor answers 400 6329; the flavor shows soldOut while full and onSale once a slot frees', async () => {
    const admitted = [];
    for (let i = 0; i < 3; i++) admitted.push((await t.http('POST', t.instances(), { body: body(`cap-${i}`) })).body);
    assertError(await t.http('POST', t.instances(), { body: body('cap-over') }), '6329');
    const [a] = await Promise.all(admitted.map((i) => rest(t, i.id, 'RUNNING')));
    assert.equal(a.flavor_details.status, 'soldOut');
    await t.http('POST', `${t.instances()}/${a.id}/action`, { body: { action: 'stop' } });
    const stopped = await rest(t, a.id, 'STOPPED');
    assert.equal(stopped.flavor_details.status, 'onSale');
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

  it('a user over quota gets 400 6302, a project over quota 400 0113 with its message', async () => {
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
  });
});
