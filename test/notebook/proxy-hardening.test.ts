/**
 * The notebook proxy's defences, against the real server with simulated instances whose endpoint
 * is a small echo server standing in for Jupyter (it answers with what it received): demanager
 * credentials never reach the workload while Jupyter's own cookies do, every answer carries the
 * security headers, an access cookie opens only its own instance and run, and cookie-borne writes
 * and WebSocket upgrades from another origin are refused before they reach the workload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startEchoWorkload, type Echo, type EchoWorkload } from '../support/echo-workload.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const EVIL = 'http://evil.example';
const JUPYTER_COOKIES = '_xsrf=2|1f2e|3d4c|1700000000; username-127-0-0-1-8080="2|1:0|10:17|uid"';

async function runningInstance(t: TestApp, name: string, workload: EchoWorkload): Promise<string> {
  const created = await t.http('POST', t.instances(), { body: cpuBody(name, 'modelarts.vm.cpu.2u') });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await waitForStatus(t, created.body.id, ['RUNNING']);
  await workload.serveFor(t, created.body.id);
  return created.body.id;
}

async function accessToken(t: TestApp, id: string): Promise<string> {
  return (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
}

/** Opens the notebook with its link and answers the access cookie (`name=value`). */
async function openNotebook(t: TestApp, id: string): Promise<string> {
  const res = await fetch(`${t.url}/notebook/${id}/?token=${await accessToken(t, id)}`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** The first message of a WebSocket through the proxy (the echo of the upgrade), or the refusal. */
function upgrade(url: string, headers: Record<string, string>, origin?: string): Promise<Echo> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, ...(origin ? { origin } : {}) });
    ws.on('error', reject);
    ws.on('message', (data) => {
      ws.close();
      resolve(JSON.parse(String(data)) as Echo);
    });
  });
}

describe('notebook proxy hardening', () => {
  let t: TestApp;
  let workload: EchoWorkload;
  let framed: EchoWorkload;
  let a = '';
  let b = '';
  let cookieA = '';
  let cookieB = '';

  before(async () => {
    t = await startTestApp();
    workload = await startEchoWorkload();
    framed = await startEchoWorkload({
      'x-frame-options': 'ALLOWALL',
      'content-security-policy': "frame-ancestors 'self'; report-uri /csp",
    });
    a = await runningInstance(t, 'harden-a', workload);
    b = await runningInstance(t, 'harden-b', framed);
    cookieA = await openNotebook(t, a);
    cookieB = await openNotebook(t, b);
  });
  after(async () => {
    await t.stop();
    await workload.close();
    await framed.close();
  });

  function workloadTokenOf(instance: { id: string; runtime: { data: Record<string, unknown> } | null }): string {
    return t.app.services.instanceTokens.workloadToken(instance.id, String(instance.runtime!.data.runId));
  }

  function assertNoDemanagerCredential(echo: Echo, workloadToken: string, secrets: string[]) {
    assert.equal(echo.headers.authorization, `token ${workloadToken}`);
    assert.equal(echo.headers['x-auth-token'], undefined);
    assert.equal(echo.headers.cookie, JUPYTER_COOKIES, 'only Jupyter’s own cookies pass');
    for (const secret of secrets)
      assert.ok(!JSON.stringify(echo).includes(secret), `${secret.slice(0, 12)}… reached the workload`);
  }

  it('strips API tokens, signatures and foreign cookies from HTTP requests, and keeps Jupyter’s cookies', async () => {
    const instance = (await t.app.services.store.instances.getById(a))!;
    const signature = 'SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-sdk-date, Signature=0a1b2c3d4e5f';
    const cookie = `${cookieA}; ${JUPYTER_COOKIES}; api-session=s3cr3t-api; demanager-notebook-other=${cookieB.split('=')[1]}`;
    for (const authorization of [`Bearer ${t.adminToken}`, signature]) {
      const res = await fetch(`${t.url}/notebook/${a}/api/status`, {
        headers: { cookie, authorization, 'x-auth-token': t.adminToken },
      });
      assert.equal(res.status, 200);
      const echo = (await res.json()) as Echo;
      assert.equal(echo.url, `/notebook/${a}/api/status`);
      assertNoDemanagerCredential(echo, workloadTokenOf(instance), [
        t.adminToken,
        cookieA.split('=')[1]!,
        cookieB.split('=')[1]!,
        's3cr3t-api',
        'AKEXAMPLE',
      ]);
    }
  });

  it('strips them from WebSocket upgrades too', async () => {
    const instance = (await t.app.services.store.instances.getById(a))!;
    const url = `${t.url.replace('http', 'ws')}/notebook/${a}/api/kernels/k1/channels`;
    const headers = {
      cookie: `${cookieA}; ${JUPYTER_COOKIES}; api-session=s3cr3t-api`,
      authorization: `Bearer ${t.adminToken}`,
      'x-auth-token': t.adminToken,
    };
    const echo = await upgrade(url, headers, t.url);
    assert.equal(echo.url, `/notebook/${a}/api/kernels/k1/channels`);
    assertNoDemanagerCredential(echo, workloadTokenOf(instance), [t.adminToken, cookieA.split('=')[1]!, 's3cr3t-api']);
  });

  it('puts the security headers on proxied answers, over what the workload sent', async () => {
    const own = await fetch(`${t.url}/notebook/${a}/tree`, { headers: { cookie: cookieA } });
    assert.equal(own.status, 200);
    assert.equal(own.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(own.headers.get('referrer-policy'), 'same-origin');
    assert.equal(own.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.equal(own.headers.get('content-security-policy'), "frame-ancestors 'self'");
    const loose = await fetch(`${t.url}/notebook/${b}/tree`, { headers: { cookie: cookieB } });
    assert.equal(loose.headers.get('x-frame-options'), 'SAMEORIGIN', 'the workload cannot allow framing');
    assert.equal(
      loose.headers.get('content-security-policy'),
      "frame-ancestors 'self'; report-uri /csp",
      'a policy of its own is kept',
    );
    const denied = await fetch(`${t.url}/notebook/${a}/tree`);
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('x-frame-options'), 'SAMEORIGIN');
  });

  it('opens an instance only with its own cookie or token, not another instance’s of the same owner', async () => {
    const before = framed.received.length;
    const crossCookie = await fetch(`${t.url}/notebook/${b}/api/status`, { headers: { cookie: cookieA } });
    assert.equal(crossCookie.status, 403);
    const crossToken = await fetch(`${t.url}/notebook/${b}/api/status?token=${await accessToken(t, a)}`, {
      redirect: 'manual',
    });
    assert.equal(crossToken.status, 403);
    assert.equal(framed.received.length, before, 'nothing reached instance B');
    assert.equal((await fetch(`${t.url}/notebook/${b}/api/status`, { headers: { cookie: cookieB } })).status, 200);
  });

  it('refuses cross-origin writes carrying the cookie, before they reach the workload', async () => {
    const before = workload.received.length;
    const url = `${t.url}/notebook/${a}/api/kernels`;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(url, {
        method,
        headers: { cookie: cookieA, origin: EVIL, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(res.status, 403, `${method} from another origin`);
    }
    const refused: Record<string, string>[] = [
      { origin: 'null' },
      { referer: `${EVIL}/notebook/${a}/tree` },
      {},
      { origin: EVIL, referer: `${t.url}/notebook/${a}/tree` },
    ];
    for (const headers of refused) {
      const res = await fetch(url, { method: 'POST', headers: { cookie: cookieA, ...headers }, body: '{}' });
      assert.equal(res.status, 403, JSON.stringify(headers));
    }
    assert.equal(workload.received.length, before, 'no refused request was forwarded');
  });

  it('forwards same-origin writes (Origin, or Referer without it), cookie-borne reads, and writes with the token', async () => {
    const sameOrigin: Record<string, string>[] = [{ origin: t.url }, { referer: `${t.url}/notebook/${a}/tree` }];
    for (const headers of sameOrigin) {
      const res = await fetch(`${t.url}/notebook/${a}/api/kernels`, {
        method: 'POST',
        headers: { cookie: cookieA, ...headers },
        body: '{}',
      });
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.equal(((await res.json()) as Echo).method, 'POST');
    }
    // A link followed from another site is a read, and the token in a query is no ambient credential.
    assert.equal(
      (await fetch(`${t.url}/notebook/${a}/tree`, { headers: { cookie: cookieA, referer: `${EVIL}/` } })).status,
      200,
    );
    const withToken = await fetch(`${t.url}/notebook/${a}/api/kernels?token=${await accessToken(t, a)}`, {
      method: 'POST',
      headers: { origin: EVIL },
      body: '{}',
    });
    assert.equal(withToken.status, 200);
  });

  it('refuses a cross-origin WebSocket upgrade carrying the cookie, and opens a same-origin one', async () => {
    const url = `${t.url.replace('http', 'ws')}/notebook/${a}/api/kernels/k1/channels`;
    const before = workload.received.length;
    await assert.rejects(upgrade(url, { cookie: cookieA }, EVIL), /403/);
    await assert.rejects(upgrade(url, { cookie: cookieA }), /403/, 'an upgrade without Origin');
    assert.equal(workload.received.length, before);
    assert.equal((await upgrade(url, { cookie: cookieA }, t.url)).method, 'GET');
  });

  it('refuses the cookie of a previous run after stop and start', async () => {
    const old = cookieA;
    assert.equal((await t.http('POST', `${t.instances()}/${a}/action`, { body: { action: 'stop' } })).status, 200);
    await waitForStatus(t, a, ['STOPPED']);
    assert.equal((await t.http('POST', `${t.instances()}/${a}/action`, { body: { action: 'start' } })).status, 200);
    await waitForStatus(t, a, ['RUNNING']);
    await workload.serveFor(t, a);
    assert.equal((await fetch(`${t.url}/notebook/${a}/api/status`, { headers: { cookie: old } })).status, 403);
    cookieA = await openNotebook(t, a);
    assert.notEqual(cookieA, old);
    assert.equal((await fetch(`${t.url}/notebook/${a}/api/status`, { headers: { cookie: cookieA } })).status, 200);
  });
});

describe('notebook proxy behind a public URL', () => {
  let t: TestApp;
  let workload: EchoWorkload;
  let id = '';
  let cookie = '';
  const publicUrl = 'https://notebooks.example';

  before(async () => {
    t = await startTestApp({ publicUrl });
    workload = await startEchoWorkload();
    id = await runningInstance(t, 'harden-public', workload);
    cookie = await openNotebook(t, id);
  });
  after(async () => {
    await t.stop();
    await workload.close();
  });

  it('accepts writes from the public origin as well as from the request’s own host', async () => {
    for (const origin of [publicUrl, t.url]) {
      const res = await fetch(`${t.url}/notebook/${id}/api/kernels`, {
        method: 'POST',
        headers: { cookie, origin },
        body: '{}',
      });
      assert.equal(res.status, 200, origin);
    }
    const res = await fetch(`${t.url}/notebook/${id}/api/kernels`, {
      method: 'POST',
      headers: { cookie, origin: 'http://notebooks.example' },
      body: '{}',
    });
    assert.equal(res.status, 403, 'the public origin’s scheme counts');
  });
});
