/**
 * Notebook access ends with the user's, against a real Jupyter through the real proxy: the owner
 * and project admins each open the notebook with a token of their own (cookie, `?token=` link and
 * a kernel WebSocket), then one is deleted, one disabled and one taken out of the project — each
 * time that user's next request and link are refused with a page that says why, their open
 * WebSocket is closed (4403, with a reason) within a bound, and everyone else carries on. With two
 * replicas on one PostgreSQL, a user deleted through the other replica is refused here and their
 * WebSocket closed as soon as the database's notification arrives (within a bound). A link made the way releases up to
 * 0.1.0 made them (naming no user) opens nothing. And the CORS headers Jupyter sends
 * to a token-authenticated request (it reflects any `Origin`) never leave the proxy.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { runIdOf } from '../../src/core/identity/instance-tokens.js';
import { deriveKey } from '../../src/core/secrets/box.js';
import { loadOrCreateKey } from '../../src/server/key-file.js';
import { ACCESS_WITHDRAWN } from '../../src/proxy/notebook-sockets.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../store/postgres-test-database.js';
import { action, member, waitStatus } from '../support/api.js';
import { execute, openNotebook, startKernel } from '../support/kernel-client.js';
import { NOTIFIED_MS } from '../support/notification-bound.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';

const EVIL = 'http://evil.example';
const CPU = {
  profile_id: 'Multi-Engine 1.0 (python3)-cpu',
  flavor: 'modelarts.vm.cpu.2u',
  spec: { storage: { type: 'evs' } },
};
const LOCAL = { driver: 'local' as const, pollIntervalSeconds: 1 };
/** How long a socket may stay open after its user lost access on this replica (a local write wakes the check). */
const HERE_MS = 3_000;
/** After a change on another replica: once its notification arrives, with the same margin as here. */
const ELSEWHERE_MS = NOTIFIED_MS + HERE_MS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface User {
  name: string;
  userId: string;
  token: string;
}

/** One user's hold on the notebook: their link, the cookie it became, and an open kernel WebSocket. */
interface Session {
  user: User;
  link: string;
  cookie: string;
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}

function connect(url: string, cookie: string, origin: string): Promise<Pick<Session, 'ws' | 'closed'>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?session_id=${randomUUID()}`, { headers: { cookie }, origin });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: String(reason) })),
    );
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('error', reject);
  });
}

/** A real notebook on `t`, owned by `owner`, with one kernel; answers its id and the kernel's WebSocket URL. */
async function runningNotebook(t: TestApp, name: string, owner: User): Promise<{ id: string; kernelUrl: string }> {
  const created = await t.http('POST', t.instances(), { token: owner.token, body: { name, ...CPU } });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = created.body.id as string;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const res = await t.http('GET', `${t.instances()}/${id}`);
    if (res.body.status === 'RUNNING') break;
    assert.ok(Date.now() < deadline, `still ${res.body.status}: ${JSON.stringify(res.body.spec?.failed_reasons)}`);
    await sleep(200);
  }
  const token = (await t.http('GET', `${t.instances()}/${id}/token`, { token: owner.token })).body.token as string;
  return { id, kernelUrl: await startKernel(t.url, id, await openNotebook(t.url, id, token)) };
}

async function openSession(t: TestApp, notebook: { id: string; kernelUrl: string }, user: User): Promise<Session> {
  const res = await t.http('GET', `${t.instances()}/${notebook.id}/token`, { token: user.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const link = res.body.token as string;
  const cookie = await openNotebook(t.url, notebook.id, link);
  return { user, link, cookie, ...(await connect(notebook.kernelUrl, cookie, t.url)) };
}

/** The session's WebSocket was closed by the proxy, saying why, within `ms` of now. */
async function closedWithin(session: Session, ms: number): Promise<void> {
  const outcome = await Promise.race([session.closed, sleep(ms).then(() => 'still open')]);
  assert.deepEqual(
    outcome,
    { code: ACCESS_WITHDRAWN.code, reason: ACCESS_WITHDRAWN.reason },
    `${session.user.name}'s socket`,
  );
}

/** The session's cookie, link and a new upgrade are all refused, with a page that says why. */
async function refused(t: TestApp, notebook: { id: string; kernelUrl: string }, session: Session): Promise<void> {
  const base = `${t.url}/notebook/${notebook.id}/`;
  const byCookie = await fetch(`${base}api/status`, { headers: { cookie: session.cookie } });
  assert.equal(byCookie.status, 403, `${session.user.name}'s cookie`);
  assert.match(await byCookie.text(), /your account may no longer open it/);
  const byLink = await fetch(`${base}?token=${session.link}`, { redirect: 'manual' });
  assert.equal(byLink.status, 403, `${session.user.name}'s link`);
  await assert.rejects(connect(notebook.kernelUrl, session.cookie, t.url), /403/, `${session.user.name}'s new upgrade`);
}

/** Everyone in `kept` still has their socket open, their cookie working, and code running. */
async function unaffected(t: TestApp, notebook: { id: string; kernelUrl: string }, kept: Session[]): Promise<void> {
  for (const session of kept) {
    assert.equal(session.ws.readyState, WebSocket.OPEN, `${session.user.name}'s socket`);
    const res = await fetch(`${t.url}/notebook/${notebook.id}/api/status`, { headers: { cookie: session.cookie } });
    assert.equal(res.status, 200, `${session.user.name}'s cookie`);
  }
  assert.equal(await execute(notebook.kernelUrl, kept[0]!.cookie, 'print(6 * 7)', t.url), '42\n');
}

/** Notebooks outlive the service that started them: stopped through the API before it goes. */
async function stopNotebook(t: TestApp | undefined, id: string | undefined): Promise<void> {
  if (!t || !id) return;
  await action(t, id, 'stop');
  await waitStatus(t, id, 'STOPPED', { timeoutMs: 30_000 });
}

describe('notebook access ends with the user', () => {
  let t: TestApp;
  let notebook: { id: string; kernelUrl: string };
  const sessions = new Map<string, Session>();

  before(async () => {
    t = await startTestApp({ runtime: LOCAL });
    const owner = await member(t, 'nb-owner', t.projectId);
    notebook = await runningNotebook(t, 'revocation', owner);
    const admin = { name: 'admin', userId: '', token: t.adminToken };
    sessions.set('owner', await openSession(t, notebook, owner));
    sessions.set('admin', await openSession(t, notebook, admin));
    for (const name of ['alice', 'bob', 'carol'])
      sessions.set(name, await openSession(t, notebook, await member(t, `nb-${name}`, t.projectId, 'admin')));
  });
  after(async () => {
    for (const session of sessions.values()) session.ws.terminate();
    await stopNotebook(t, notebook?.id);
    await t.stop();
  });

  const session = (name: string) => sessions.get(name)!;

  it('gives each user a token of their own', () => {
    const links = new Set([...sessions.values()].map((s) => s.link));
    assert.equal(links.size, sessions.size);
    for (const link of links) assert.match(link, /^[0-9a-f]{32}$/);
  });

  it('refuses a link made before links named their user (an upgrade voids them)', async () => {
    const instance = (await t.app.services.store.instances.getById(notebook.id))!;
    const key = deriveKey(loadOrCreateKey(t.dataDir, t.app.services.config.masterKey), 'instance-token');
    const unnamed = createHmac('sha256', key)
      .update(`${notebook.id}\0${runIdOf(instance)}`)
      .digest('hex')
      .slice(0, 32);
    const res = await fetch(`${t.url}/notebook/${notebook.id}/?token=${unnamed}`, { redirect: 'manual' });
    assert.equal(res.status, 403);
  });

  it("ends a deleted user's access: cookie, link and open WebSocket", async () => {
    const alice = session('alice');
    assert.equal((await t.http('DELETE', `/v3/users/${alice.user.userId}`)).status, 204);
    await closedWithin(alice, HERE_MS);
    await refused(t, notebook, alice);
    await unaffected(t, notebook, ['owner', 'admin', 'bob', 'carol'].map(session));
  });

  it("ends a disabled user's access", async () => {
    const bob = session('bob');
    assert.equal(
      (await t.http('PATCH', `/v3/users/${bob.user.userId}`, { body: { user: { enabled: false } } })).status,
      200,
    );
    await closedWithin(bob, HERE_MS);
    await refused(t, notebook, bob);
    await unaffected(t, notebook, ['owner', 'admin', 'carol'].map(session));
  });

  it('ends the access of a user whose role in the project is removed', async () => {
    const carol = session('carol');
    assert.equal(
      (await t.http('DELETE', `/v3/projects/${t.projectId}/users/${carol.user.userId}/roles/admin`)).status,
      204,
    );
    await closedWithin(carol, HERE_MS);
    await refused(t, notebook, carol);
    await unaffected(t, notebook, ['owner', 'admin'].map(session));
  });

  it('keeps the CORS headers Jupyter sends from leaving the proxy', async () => {
    // Jupyter answers a token-authenticated request with `Access-Control-Allow-Origin` set to its
    // `Origin`, whatever it is (and the proxy authenticates every request with the workload token).
    const instance = (await t.app.services.store.instances.getById(notebook.id))!;
    const workloadToken = t.app.services.instanceTokens.workloadToken(notebook.id, runIdOf(instance)!);
    const direct = await fetch(`${instance.runtime!.endpoint}/notebook/${notebook.id}/api/status`, {
      headers: { authorization: `token ${workloadToken}`, origin: EVIL },
    });
    assert.equal(direct.headers.get('access-control-allow-origin'), EVIL, 'Jupyter itself reflects the origin');

    const proxied = await fetch(`${t.url}/notebook/${notebook.id}/api/status`, {
      headers: { cookie: session('owner').cookie, origin: EVIL },
    });
    assert.equal(proxied.status, 200);
    const cors = [...proxied.headers.keys()].filter((name) => name.startsWith('access-control-'));
    assert.deepEqual(cors, []);
  });
});

describe('notebook access ends with the user, changed on another replica', () => {
  let db: ThrowawayDatabase;
  let here: TestApp;
  let elsewhere: TestApp;
  let notebook: { id: string; kernelUrl: string };
  let dave: Session;
  let keeper: Session;

  before(async () => {
    db = await createThrowawayDatabase();
    const shared = { databaseUrl: db.url, masterKey: TEST_MASTER_KEY };
    // Started first, this one holds the controller lease and runs the notebook.
    here = await startTestApp({ ...shared, runtime: LOCAL });
    elsewhere = await startTestApp(shared);
    const admin = { name: 'admin', userId: '', token: here.adminToken };
    notebook = await runningNotebook(here, 'revocation-replicas', admin);
    keeper = await openSession(here, notebook, admin);
    dave = await openSession(here, notebook, await member(here, 'nb-dave', here.projectId, 'admin'));
  });
  after(async () => {
    dave?.ws.terminate();
    keeper?.ws.terminate();
    await stopNotebook(here, notebook?.id);
    await elsewhere?.stop();
    await here?.stop();
    await db?.drop();
  });

  it("refuses the user's requests as the deleting call answers, and closes their WebSocket once notified", async () => {
    assert.equal((await elsewhere.http('DELETE', `/v3/users/${dave.user.userId}`)).status, 204);
    const deleted = Date.now();
    // The call answered once this replica had heard of it (api/heard-everywhere).
    const next = await fetch(`${here.url}/notebook/${notebook.id}/api/status`, { headers: { cookie: dave.cookie } });
    assert.equal(next.status, 403);
    await closedWithin(dave, ELSEWHERE_MS - (Date.now() - deleted));
    await refused(here, notebook, dave);
    await unaffected(here, notebook, [keeper]);
  });
});
