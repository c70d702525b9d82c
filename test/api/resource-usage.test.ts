/**
 * The resource-usage extension's edge (`GET …/instances/{id}/usage`), run with
 * DEMANAGER_TEST_STORE=postgres too: where the runtime cannot measure (the simulated one), every
 * figure is null and `available` false — no number is made up; every member of the project may
 * read it, as the detail; another project and an unknown id are refused as the detail refuses them.
 * Real figures from a real control group: test/notebook/notebook-usage.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, create, createProject, member } from '../support/api.js';
import { cpuBody, INSTANT_PHASES, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

describe('the resource-usage extension', () => {
  let t: TestApp;
  let id = '';
  let sam: Awaited<ReturnType<typeof member>>;
  let otto: Awaited<ReturnType<typeof member>>;

  before(async () => {
    t = await startTestApp({ runtime: { simulated: { delays: INSTANT_PHASES } } });
    sam = await member(t, 'sam', t.projectId);
    otto = await member(t, 'otto', await createProject(t, 'elsewhere'));
    id = (await create(t, cpuBody('measured', 'modelarts.vm.cpu.2u'))).id;
    await waitForStatus(t, id, ['RUNNING']);
  });
  after(async () => {
    await t?.stop();
  });

  it('says "not available" with null figures where the runtime cannot measure, to every member', async () => {
    for (const token of [t.adminToken, sam.token]) {
      const res = await t.http('GET', `${t.instances()}/${id}/usage`, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const { timestamp, ...figures } = res.body;
      assert.equal(typeof timestamp, 'number');
      assert.deepEqual(figures, {
        available: false,
        cpu_cores: null,
        cpu_limit_cores: null,
        memory_bytes: null,
        memory_limit_bytes: null,
      });
    }
  });

  it('refuses another project and an unknown instance', async () => {
    assertError(await t.http('GET', `${t.instances()}/${id}/usage`, { token: otto.token }), 'ModelArts.0210', 403);
    assertError(
      await t.http('GET', `${t.instances(otto.projectId)}/${id}/usage`, { token: otto.token }),
      'ModelArts.6309',
    );
    assertError(
      await t.http('GET', `${t.instances()}/DE-00000000-0000-4000-8000-000000000000/usage`),
      'ModelArts.6309',
    );
  });
});
