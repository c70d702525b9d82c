/**
 * The notebook log extension's edge (`GET …/instances/{id}/logs?tail=`), run with
 * DEMANAGER_TEST_STORE=postgres too: its bounds (1 … 1000 lines, integers only) and its readers
 * (the owner, a project admin and the users the notebook is shared with; not another member, nor
 * another project), each refusal a ModelArts-style error. The simulated runtime keeps no log, and
 * says so. What a real log holds, redacted, is test/notebook/notebook-log.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, create, createProject, member } from '../support/api.js';
import { cpuBody, INSTANT_PHASES, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

type Member = Awaited<ReturnType<typeof member>>;

describe('the notebook log extension', () => {
  let t: TestApp;
  let olive: Member;
  let sam: Member;
  let ada: Member;
  let otto: Member;
  let id = '';
  const logs = (query = '', token?: string, project = t.projectId) =>
    t.http('GET', `${t.instances(project)}/${id}/logs${query}`, token === undefined ? {} : { token });

  before(async () => {
    t = await startTestApp({ runtime: { simulated: { delays: INSTANT_PHASES } } });
    olive = await member(t, 'olive', t.projectId);
    sam = await member(t, 'sam', t.projectId);
    ada = await member(t, 'ada', t.projectId, 'admin');
    const elsewhere = await createProject(t, 'elsewhere');
    otto = await member(t, 'otto', elsewhere);
    id = (await create(t, cpuBody('logged', 'modelarts.vm.cpu.2u'), { token: olive.token })).id;
    await waitForStatus(t, id, ['RUNNING']);
  });
  after(async () => {
    await t?.stop();
  });

  it('answers the owner in JSON, and says when the runtime keeps no log', async () => {
    const res = await logs('', olive.token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(res.body, { lines: [], truncated: false, available: false });
    assert.equal((await logs('?tail=1000', olive.token)).status, 200, 'the largest tail');
    assert.equal((await logs('?tail=1', olive.token)).status, 200, 'the smallest tail');
  });

  it('refuses a tail out of 1 … 1000 with 6336 and one that is not an integer with 6332', async () => {
    for (const tail of ['0', '1001', '-5', '99999999999'])
      assertError(await logs(`?tail=${tail}`, olive.token), 'ModelArts.6336', 400, `tail=${tail}`);
    for (const tail of ['abc', '1.5', '10lines'])
      assertError(await logs(`?tail=${tail}`, olive.token), 'ModelArts.6332', 400, `tail=${tail}`);
    assert.equal((await logs('?tail=', olive.token)).status, 200, 'an empty tail is the default, as an empty limit is');
  });

  it('lets a project admin and a user it is shared with read it, and no other member', async () => {
    assert.equal((await logs('', ada.token)).status, 200, 'a project admin');
    assert.equal((await logs('', t.adminToken)).status, 200, 'the admin');
    assertError(await logs('', sam.token), 'ModelArts.0108', 403, 'a member it is not shared with');
    const shared = await t.http('POST', `${t.instances()}/${id}/shares`, {
      token: olive.token,
      body: { user_name: 'sam' },
    });
    assert.equal(shared.status, 200, JSON.stringify(shared.body));
    assert.equal((await logs('', sam.token)).status, 200, 'once shared');
    await t.http('DELETE', `${t.instances()}/${id}/shares/${sam.userId}`, { token: olive.token });
    assertError(await logs('', sam.token), 'ModelArts.0108', 403, 'once the share is revoked');
  });

  it('refuses another project, an unknown instance and a missing token', async () => {
    assertError(await logs('', otto.token), 'ModelArts.0210', 403, 'a token of another project');
    assertError(await logs('', otto.token, otto.projectId), 'ModelArts.6309', 400, 'through the other project');
    const unknown = await t.http('GET', `${t.instances()}/DE-00000000-0000-4000-8000-000000000000/logs`);
    assertError(unknown, 'ModelArts.6309');
    assert.equal((await logs('', '')).status, 401);
  });
});
