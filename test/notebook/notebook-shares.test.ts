/**
 * A shared notebook against a real Jupyter through the real proxy: a member the owner shared it
 * with asks for a token of their own, opens the link (a cookie), starts a kernel and runs code
 * over its WebSocket; a member it is not shared with is refused by `…/token` and by the proxy,
 * even holding a token made for them. Revoking the share refuses the shared user's next request
 * and closes their open WebSocket (4403); stopping the instance kills their token, and the share,
 * which outlives the stop, gives them a new one once it runs again.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ACCESS_WITHDRAWN } from '../../src/proxy/notebook-sockets.js';
import { action, assertError, member, waitStatus } from '../support/api.js';
import { execute, openNotebook, startKernel } from '../support/kernel-client.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

type Member = Awaited<ReturnType<typeof member>>;

/** How long a socket may stay open after its user lost access on this replica (a local write wakes the check). */
const WITHDRAWN_WITHIN_MS = 3_000;

/**
 * A kernel WebSocket held open, and how it ended once it does. `opened` waits for the kernel's
 * answer to a `kernel_info_request`, not only for the client's `open`: the proxy accepts the
 * upgrade before the workload's side connects, which Jupyter holds until the kernel has started
 * (seconds on a loaded machine), and a revocation's clock must start on a socket that is through.
 */
function holdSocket(url: string, cookie: string, origin: string) {
  const ws = new WebSocket(`${url}?session_id=${randomUUID()}`, { headers: { cookie }, origin });
  const ended = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const msgId = randomUUID();
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify(kernelInfoRequest(msgId))));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { parent_header?: { msg_id?: string }; msg_type?: string };
      if (msg.msg_type === 'kernel_info_reply' && msg.parent_header?.msg_id === msgId) resolve();
    });
    ws.once('error', reject);
    ws.once('close', () => reject(new Error('the socket closed before the kernel answered')));
  });
  return { ws, ended, opened };
}

function kernelInfoRequest(msgId: string) {
  const header = { msg_id: msgId, username: 'test', session: randomUUID(), msg_type: 'kernel_info_request' };
  return {
    header: { ...header, version: '5.3', date: new Date().toISOString() },
    parent_header: {},
    metadata: {},
    content: {},
    channel: 'shell',
    buffers: [],
  };
}

describe('a shared notebook (real Jupyter)', () => {
  let t: TestApp;
  let olive: Member;
  let sam: Member;
  let nina: Member;
  let id = '';

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    olive = await member(t, 'sh-olive', t.projectId);
    sam = await member(t, 'sh-sam', t.projectId);
    nina = await member(t, 'sh-nina', t.projectId);
    const created = await t.http('POST', t.instances(), {
      token: olive.token,
      body: cpuBody('shared-notebook', 'modelarts.vm.cpu.2u'),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    id = created.body.id;
    await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
    const shared = await t.http('POST', `${t.instances()}/${id}/shares`, {
      token: olive.token,
      body: { user_name: 'sh-sam' },
    });
    assert.equal(shared.status, 200, JSON.stringify(shared.body));
  });
  after(async () => {
    // Notebooks outlive the service that started them: stopped through the API before it goes.
    if (id) {
      await action(t, id, 'stop');
      await waitStatus(t, id, 'STOPPED', { timeoutMs: 30_000 });
    }
    await t?.stop();
  });

  const tokenOf = (user: Member) => t.http('GET', `${t.instances()}/${id}/token`, { token: user.token });
  const status = (cookie: string) => fetch(`${t.url}/notebook/${id}/api/status`, { headers: { cookie } });

  /** The user's own link, traded for the cookie, and a kernel started with it. */
  async function open(user: Member): Promise<{ link: string; cookie: string; kernelUrl: string }> {
    const res = await tokenOf(user);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const cookie = await openNotebook(t.url, id, res.body.token);
    return { link: res.body.token, cookie, kernelUrl: await startKernel(t.url, id, cookie) };
  }

  it('lets the shared user open it and run code over a kernel WebSocket', async () => {
    const { cookie, kernelUrl } = await open(sam);
    assert.equal(await execute(kernelUrl, cookie, 'print(6 * 7)', t.url), '42\n');
  });

  it('refuses a member it is not shared with, at …/token and at the proxy', async () => {
    assertError(await tokenOf(nina), '0108', 403);
    // Even a token made for her by the service's own key opens nothing: she may not open it.
    const instance = (await t.app.services.store.instances.getById(id))!;
    const hers = t.app.services.instanceTokens.issue(instance, nina.userId);
    const res = await fetch(`${t.url}/notebook/${id}/?token=${hers}`, { redirect: 'manual' });
    assert.equal(res.status, 403);
  });

  it('ends a revoked share at once: the next request is refused and the open WebSocket closed', async () => {
    const { link, cookie, kernelUrl } = await open(sam);
    const socket = holdSocket(kernelUrl, cookie, t.url);
    await socket.opened;
    const owners = await open(olive);

    const revoked = await t.http('DELETE', `${t.instances()}/${id}/shares/${sam.userId}`, { token: olive.token });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal((await status(cookie)).status, 403, "sam's next request");
    const ended = await Promise.race([socket.ended, new Promise((r) => setTimeout(r, WITHDRAWN_WITHIN_MS, 'open'))]);
    assert.deepEqual(ended, { code: ACCESS_WITHDRAWN.code, reason: ACCESS_WITHDRAWN.reason });
    assert.equal((await fetch(`${t.url}/notebook/${id}/?token=${link}`, { redirect: 'manual' })).status, 403);
    assertError(await tokenOf(sam), '0108', 403);
    // The owner carries on.
    assert.equal(await execute(owners.kernelUrl, owners.cookie, 'print(1 + 1)', t.url), '2\n');
  });

  it("kills the shared user's token when the instance stops; the share outlives it", async () => {
    const again = await t.http('POST', `${t.instances()}/${id}/shares`, {
      token: olive.token,
      body: { user_name: 'sh-sam' },
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const before = await open(sam);
    assert.equal((await status(before.cookie)).status, 200);

    assert.equal((await action(t, id, 'stop')).status, 200);
    await waitStatus(t, id, 'STOPPED', { timeoutMs: 30_000 });
    assert.equal((await status(before.cookie)).status, 403, 'the cookie after the stop');
    assertError(await tokenOf(sam), '6327', 400, 'no token while stopped');

    assert.equal((await action(t, id, 'start')).status, 200);
    await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
    assert.equal((await status(before.cookie)).status, 403, "the last run's cookie");
    const after = await open(sam);
    assert.notEqual(after.link, before.link);
    assert.equal(await execute(after.kernelUrl, after.cookie, 'print("again")', t.url), 'again\n');
  });

  it('shows in the audit trail each time the shared user opened it', async () => {
    const res = await t.http('GET', `/v1/${t.projectId}/demanager/audit?limit=1000`);
    const opens = (res.body.entries as any[]).filter(
      (e) => e.action === 'GET /notebook/{instance_id}/' && e.target === id && e.user_id === sam.userId,
    );
    // Four openings: one per link traded for a cookie (the first test, the revocation, before and after the stop).
    assert.equal(opens.length, 4, JSON.stringify(opens));
    for (const entry of opens) assert.deepEqual(entry.detail, { as: 'shared' });
  });
});
