/**
 * Sharing a notebook over the wire (run with DEMANAGER_TEST_STORE=postgres too): the owner or a
 * project admin grants a member of the project, lists and revokes; a shared user gets a token of
 * their own and opens the notebook through the proxy (an echo server stands in for Jupyter), and
 * loses it at once on revocation. Every refusal is a ModelArts-style error; the audit trail shows
 * the grant, the opening and the revocation; a share goes with its instance and with its user.
 * With two replicas on one PostgreSQL, a share revoked through one ends the shared user's requests
 * and WebSocket through the other once the database's notification of it arrives there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ACCESS_WITHDRAWN } from '../../src/proxy/notebook-sockets.js';
import { OPEN_ACTION } from '../../src/proxy/notebook-opens.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../store/postgres-test-database.js';
import { assertError, createProject, member } from '../support/api.js';
import { startEchoWorkload, type EchoWorkload } from '../support/echo-workload.js';
import { openNotebook } from '../support/kernel-client.js';
import { NOTIFIED_MS } from '../support/notification-bound.js';
import { cpuBody, INSTANT_PHASES, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';

type Member = Awaited<ReturnType<typeof member>>;

const SHARES_ACTION = 'POST /v1/{project_id}/demanager/instances/{instance_id}/shares';
const UNSHARE_ACTION = 'DELETE /v1/{project_id}/demanager/instances/{instance_id}/shares/{user_id}';

describe('sharing a notebook', () => {
  let t: TestApp;
  let echo: EchoWorkload;
  let olive: Member;
  let sam: Member;
  let nina: Member;
  let uma: Member;
  let otto: Member;
  let otherProject = '';
  let id = '';

  before(async () => {
    t = await startTestApp({ runtime: { simulated: { delays: INSTANT_PHASES } } });
    echo = await startEchoWorkload();
    olive = await member(t, 'olive', t.projectId);
    sam = await member(t, 'sam', t.projectId);
    nina = await member(t, 'nina', t.projectId);
    uma = await member(t, 'uma', t.projectId);
    otherProject = await createProject(t, 'elsewhere');
    otto = await member(t, 'otto', otherProject);
    const created = await t.http('POST', t.instances(), {
      token: olive.token,
      body: cpuBody('shared', 'modelarts.vm.cpu.2u'),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    id = created.body.id;
    await waitForStatus(t, id, ['RUNNING']);
    await echo.serveFor(t, id);
  });
  after(async () => {
    await echo?.close();
    await t?.stop();
  });

  const shares = (instanceId = id) => `${t.instances()}/${instanceId}/shares`;
  const tokenOf = (user: { token: string }) => t.http('GET', `${t.instances()}/${id}/token`, { token: user.token });
  const revision = () => t.app.services.store.identity.revision();
  /** The trail is written once each answer has gone: the entries of `action` on the instance, once there are `count`. */
  async function trail(action: string, count: number): Promise<any[]> {
    for (let i = 0; i < 200; i++) {
      const res = await t.http('GET', `/v1/${t.projectId}/demanager/audit?limit=1000`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const found = (res.body.entries as any[]).filter((e) => e.action === action && e.target === id);
      if (found.length >= count) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`the trail never held ${count} ${action} entries`);
  }

  it('lets the owner share with a member by name, once however often asked', async () => {
    const before = await revision();
    const granted = await t.http('POST', shares(), { token: olive.token, body: { user_name: 'sam' } });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.deepEqual(
      { ...granted.body, granted_at: 0 },
      { user_id: sam.userId, user_name: 'sam', granted_by: olive.userId, granted_by_name: 'olive', granted_at: 0 },
    );
    assert.ok(Number.isInteger(granted.body.granted_at) && granted.body.granted_at > 0);
    assert.ok((await revision()) > before, 'a grant raises the identity revision');

    const again = await t.http('POST', shares(), { token: olive.token, body: { user_name: 'sam' } });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, granted.body, 'a repeated grant changes nothing');

    const listed = await t.http('GET', shares(), { token: olive.token });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body, { shares: [granted.body], total_count: 1 });
  });

  it('lets a project admin list and share by user id', async () => {
    const granted = await t.http('POST', shares(), { body: { user_id: uma.userId } });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(granted.body.user_name, 'uma');
    assert.equal(granted.body.granted_by_name, 'admin');
    const listed = await t.http('GET', shares());
    assert.deepEqual(
      listed.body.shares.map((s: { user_name: string }) => s.user_name),
      ['sam', 'uma'],
    );
  });

  it('tells each user which instances are shared with them, and only theirs', async () => {
    const sharedWith = (user?: { token: string }) =>
      t.http('GET', `/v1/${t.projectId}/demanager/shared-with-me`, user ? { token: user.token } : {});
    assert.deepEqual((await sharedWith(sam)).body, { instance_ids: [id], total_count: 1 });
    assert.deepEqual((await sharedWith(uma)).body, { instance_ids: [id], total_count: 1 });
    // The owner opens it as its owner, not by a share; nobody shared it with nina or the admin.
    for (const user of [olive, nina, undefined])
      assert.deepEqual((await sharedWith(user)).body, { instance_ids: [], total_count: 0 });
    assertError(await sharedWith(otto), '0210', 403, 'a token of another project');
  });

  it('refuses members who neither own the instance nor administer the project', async () => {
    assertError(await t.http('GET', shares(), { token: nina.token }), '0108', 403, 'list');
    assertError(await t.http('POST', shares(), { token: sam.token, body: { user_name: 'nina' } }), '0108', 403);
    assertError(await t.http('DELETE', `${shares()}/${uma.userId}`, { token: nina.token }), '0108', 403);
  });

  it('refuses whom it cannot share with, and bad bodies, with ModelArts errors', async () => {
    const grant = (body: unknown) => t.http('POST', shares(), { token: olive.token, body });
    assertError(await grant({ user_name: 'otto' }), '6390', 400, 'a user of another project');
    assertError(await grant({ user_name: 'olive' }), '6391', 400, 'the owner');
    assertError(await grant({ user_name: 'nobody' }), 'IAM.0002', 404, 'an unknown name');
    assertError(await grant({ user_id: 'no-such-id' }), 'IAM.0002', 404, 'an unknown id');
    assertError(await grant({}), '6335', 400, 'nobody named');
    assertError(await grant({ user_name: 'sam', user_id: sam.userId }), '6336', 400, 'both named');
    assertError(await grant({ user_name: 5 }), '6332', 400, 'a number');
    assertError(await grant({ user_name: '' }), '6336', 400, 'an empty name');

    const dora = await member(t, 'dora', t.projectId);
    assert.equal(
      (await t.http('PATCH', `/v3/users/${dora.userId}`, { body: { user: { enabled: false } } })).status,
      200,
    );
    assertError(await grant({ user_name: 'dora' }), '6392', 400, 'a disabled user');
  });

  it('refuses an unknown instance and one of another project', async () => {
    assertError(await t.http('GET', shares('no-such-instance')), '6309', 400);
    assertError(await t.http('POST', shares('no-such-instance'), { body: { user_name: 'sam' } }), '6309', 400);
    // Otto's token is scoped to his project: on this project's path, and on his own with our instance.
    assertError(await t.http('GET', shares(), { token: otto.token }), '0210', 403);
    const theirs = `${t.instances(otherProject)}/${id}/shares`;
    assertError(await t.http('GET', theirs, { token: otto.token }), '6309', 400);
    assertError(await t.http('DELETE', `${shares()}/${nina.userId}`, { token: olive.token }), '6393', 404);
  });

  it('gives a shared user a token of their own that opens the notebook, and nobody else one', async () => {
    const owners = await tokenOf(olive);
    const sams = await tokenOf(sam);
    assert.equal(sams.status, 200, JSON.stringify(sams.body));
    assert.match(sams.body.token, /^[0-9a-f]{32}$/);
    assert.notEqual(sams.body.token, owners.body.token);
    assertError(await tokenOf(nina), '0108', 403, "a member it isn't shared with");

    const cookie = await openNotebook(t.url, id, sams.body.token);
    const res = await fetch(`${t.url}/notebook/${id}/api/status`, { headers: { cookie } });
    assert.equal(res.status, 200);
    // Nina cannot use the owner's machinery either: no token of hers opens it.
    const ninas = await fetch(`${t.url}/notebook/${id}/?token=${'0'.repeat(32)}`, { redirect: 'manual' });
    assert.equal(ninas.status, 403);

    const [opened] = await trail(OPEN_ACTION, 1);
    assert.equal(opened.user_id, sam.userId);
    assert.equal(opened.user_name, 'sam');
    assert.equal(opened.origin, 'api');
    assert.equal(opened.outcome, 'success');
    assert.deepEqual(opened.detail, { as: 'shared' });
    // One entry per opening, not per request.
    await fetch(`${t.url}/notebook/${id}/api/contents`, { headers: { cookie } });
    assert.equal((await trail(OPEN_ACTION, 1)).length, 1);
  });

  it('ends a revoked share at once: cookie, link and token', async () => {
    const link = (await tokenOf(sam)).body.token as string;
    const cookie = await openNotebook(t.url, id, link);
    const before = await revision();
    const revoked = await t.http('DELETE', `${shares()}/${sam.userId}`, { token: olive.token });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.deepEqual(revoked.body, { user_id: sam.userId });
    assert.ok((await revision()) > before, 'a revocation raises the identity revision');

    assert.equal((await fetch(`${t.url}/notebook/${id}/api/status`, { headers: { cookie } })).status, 403);
    assert.equal((await fetch(`${t.url}/notebook/${id}/?token=${link}`, { redirect: 'manual' })).status, 403);
    assertError(await tokenOf(sam), '0108', 403);
    const listed = await t.http('GET', shares(), { token: olive.token });
    assert.deepEqual(
      listed.body.shares.map((s: { user_name: string }) => s.user_name),
      ['uma'],
    );
  });

  it('shows grants and revocations in the audit trail, with whom', async () => {
    const grants = await trail(SHARES_ACTION, 1);
    const byOlive = grants.filter((e) => e.user_id === olive.userId && e.outcome === 'success');
    assert.ok(byOlive.length >= 1, JSON.stringify(grants));
    assert.deepEqual(byOlive[0].detail, { user: 'sam' });
    const refused = grants.find((e) => e.outcome === 'ModelArts.6390');
    assert.deepEqual(refused?.detail, { user: 'otto' });
    const [revoked] = (await trail(UNSHARE_ACTION, 1)).filter((e) => e.outcome === 'success');
    assert.equal(revoked.user_id, olive.userId);
    assert.deepEqual(revoked.detail, { user: sam.userId });
  });

  it('forgets the shares of a deleted user and of a deleted instance', async () => {
    assert.equal((await t.http('DELETE', `/v3/users/${uma.userId}`)).status, 204);
    assert.deepEqual((await t.http('GET', shares())).body, { shares: [], total_count: 0 });

    const other = await t.http('POST', t.instances(), {
      token: olive.token,
      body: cpuBody('gone', 'modelarts.vm.cpu.2u'),
    });
    const otherId = other.body.id as string;
    await waitForStatus(t, otherId, ['RUNNING']);
    assert.equal((await t.http('POST', shares(otherId), { body: { user_name: 'nina' } })).status, 200);
    assert.equal(
      (await t.http('POST', `${t.instances()}/${otherId}/action`, { body: { action: 'stop' } })).status,
      200,
    );
    await waitForStatus(t, otherId, ['STOPPED']);
    assert.equal((await t.http('DELETE', `${t.instances()}/${otherId}`)).status, 200);
    for (let i = 0; i < 200 && (await t.app.services.store.instances.getById(otherId)); i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await t.app.services.store.shares.list(otherId), []);
  });
});

describe('sharing a notebook across replicas', () => {
  let db: ThrowawayDatabase;
  let here: TestApp;
  let elsewhere: TestApp;
  let echo: EchoWorkload;

  before(async () => {
    db = await createThrowawayDatabase();
    const shared = { databaseUrl: db.url, masterKey: TEST_MASTER_KEY };
    // Started first, this one holds the controller lease and runs the instance.
    here = await startTestApp({ ...shared, runtime: { simulated: { delays: INSTANT_PHASES } } });
    elsewhere = await startTestApp(shared);
    echo = await startEchoWorkload();
  });
  after(async () => {
    await echo?.close();
    await elsewhere?.stop();
    await here?.stop();
    await db?.drop();
  });

  it('ends a share revoked on another replica as the revoking call answers, and its WebSocket once notified', async () => {
    const sam = await member(here, 'sam', here.projectId);
    const created = await here.http('POST', here.instances(), { body: cpuBody('across', 'modelarts.vm.cpu.2u') });
    const id = created.body.id as string;
    await waitForStatus(here, id, ['RUNNING']);
    await echo.serveFor(here, id);
    const shares = `${elsewhere.instances()}/${id}/shares`;
    assert.equal((await elsewhere.http('POST', shares, { body: { user_name: 'sam' } })).status, 200);

    const link = await here.http('GET', `${here.instances()}/${id}/token`, { token: sam.token });
    assert.equal(link.status, 200, JSON.stringify(link.body));
    const cookie = await openNotebook(here.url, id, link.body.token);
    const ws = new WebSocket(`${here.url.replace('http', 'ws')}/notebook/${id}/api/kernels/k1/channels`, {
      headers: { cookie },
      origin: here.url,
    });
    const closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    await new Promise((resolve, reject) => ws.once('message', resolve).once('error', reject));

    assert.equal((await elsewhere.http('DELETE', `${shares}/${sam.userId}`)).status, 200);
    const revoked = Date.now();
    // The call answered once this replica had heard of it (api/heard-everywhere).
    assert.equal((await fetch(`${here.url}/notebook/${id}/api/status`, { headers: { cookie } })).status, 403);
    // Its WebSocket closes with the same notification; the bound keeps the margin of a scan interval.
    const outcome = await Promise.race([closed, new Promise((r) => setTimeout(r, NOTIFIED_MS + 4_000, 'still open'))]);
    assert.deepEqual(outcome, { code: ACCESS_WITHDRAWN.code, reason: ACCESS_WITHDRAWN.reason });
    assert.ok(Date.now() - revoked < NOTIFIED_MS + 4_000);
  });
});
