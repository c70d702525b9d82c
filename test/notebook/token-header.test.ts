/**
 * The instance token in an `Authorization` header, as Jupyter clients send it, against the real
 * server with simulated instances whose endpoint is the echo workload (it answers with what it
 * received): `token` and `Bearer` in any case open the notebook for HTTP and WebSocket alike,
 * without the cookie redirect a link gets and without an Origin check, the header reaches the
 * workload only as the workload's own token, and the order query > header > cookie holds. A
 * refusal is JSON for such clients and a page with a link back to the console for a browser.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { consoleLinkFor, consoleLinkOnThisServer } from '../../src/proxy/console-link.js';
import { deniedPage } from '../../src/proxy/denied-page.js';
import { headerToken } from '../../src/proxy/notebook-access.js';
import { startEchoWorkload, type Echo, type EchoWorkload } from '../support/echo-workload.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const EVIL = 'http://evil.example';
const ID = 'DE-6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c';

describe('reading the Authorization header', () => {
  it('takes the token of the `token` and `Bearer` schemes, in any case, and nothing else', () => {
    const t = '0123456789abcdef0123456789abcdef';
    for (const header of [`token ${t}`, `Token ${t}`, `TOKEN  ${t}`, `Bearer ${t}`, `bearer\t${t} `])
      assert.equal(headerToken(header), t, header);
    for (const header of [undefined, '', 'token', 'token ', `Basic ${t}`, `tokens ${t}`, `token ${t} extra`])
      assert.equal(headerToken(header), undefined, String(header));
    assert.equal(headerToken('SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=0a'), undefined);
  });
});

describe('the page of a refusal', () => {
  it('links to the console only for an instance id, and escapes what it shows', () => {
    assert.equal(consoleLinkFor(ID, consoleLinkOnThisServer), `/console/#/instances/${ID}`);
    assert.equal(consoleLinkFor('<script>alert(1)</script>', consoleLinkOnThisServer), undefined);
    assert.equal(consoleLinkFor(`${ID}/x`, consoleLinkOnThisServer), undefined);
    const page = deniedPage('a <b> reason', 'https://nb.example/console/#/x?a=1&b="2"');
    assert.match(page, /<p>a &lt;b&gt; reason<\/p>/);
    assert.match(page, /<a href="https:\/\/nb\.example\/console\/#\/x\?a=1&amp;b=&quot;2&quot;">/);
    assert.doesNotMatch(deniedPage('no link'), /<a /);
  });
});

describe('the instance token in an Authorization header', () => {
  /** Two instances on one echo workload, the tokens of each and the cookie of A's link. */
  let [a, b, tokenA, tokenB, cookieA] = ['', '', '', '', ''];
  let t: TestApp;
  let workload: EchoWorkload;

  async function running(name: string): Promise<string> {
    const created = await t.http('POST', t.instances(), { body: cpuBody(name, 'modelarts.vm.cpu.2u') });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await waitForStatus(t, created.body.id, ['RUNNING']);
    await workload.serveFor(t, created.body.id);
    return created.body.id;
  }

  const tokenOf = async (id: string) => (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;

  function workloadTokenOf(id: string, runId: unknown): string {
    return t.app.services.instanceTokens.workloadToken(id, String(runId));
  }

  /** What the workload received for the upgrade, or the error of a refused one. */
  async function upgradeEcho(url: string, headers: Record<string, string>): Promise<Echo> {
    const ws = new WebSocket(url, { headers });
    try {
      const [data] = (await once(ws, 'message')) as [Buffer];
      return JSON.parse(String(data)) as Echo;
    } finally {
      ws.terminate();
    }
  }

  before(async () => {
    t = await startTestApp();
    workload = await startEchoWorkload();
    a = await running('header-a');
    b = await running('header-b');
    tokenA = await tokenOf(a);
    tokenB = await tokenOf(b);
    const link = await fetch(`${t.url}/notebook/${a}/?token=${tokenA}`, { redirect: 'manual' });
    cookieA = link.headers.get('set-cookie')!.split(';')[0]!;
  });
  after(async () => {
    await t.stop();
    await workload.close();
  });

  it('opens the notebook with `token` or `Bearer`, and reaches the workload only as its own token', async () => {
    const instance = (await t.app.services.store.instances.getById(a))!;
    const own = `token ${workloadTokenOf(a, instance.runtime!.data.runId)}`;
    for (const authorization of [`token ${tokenA}`, `Bearer ${tokenA}`, `TOKEN ${tokenA}`, `bearer ${tokenA}`]) {
      const res = await fetch(`${t.url}/notebook/${a}/api/contents`, { headers: { authorization } });
      assert.equal(res.status, 200, authorization);
      assert.equal(res.headers.get('set-cookie'), null, 'no cookie for a header');
      const echo = (await res.json()) as Echo;
      assert.equal(echo.headers.authorization, own);
      assert.ok(!JSON.stringify(echo).includes(tokenA), 'the instance token reached the workload');
    }
  });

  it('answers a GET of the notebook itself, not the cookie redirect a link gets', async () => {
    const res = await fetch(`${t.url}/notebook/${a}/`, {
      headers: { authorization: `token ${tokenA}` },
      redirect: 'manual',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.equal(((await res.json()) as Echo).url, `/notebook/${a}/`);
  });

  it('lets writes through from any origin, or none: the header is no ambient credential', async () => {
    for (const origin of [EVIL, undefined]) {
      const res = await fetch(`${t.url}/notebook/${a}/api/kernels`, {
        method: 'POST',
        headers: {
          authorization: `token ${tokenA}`,
          ...(origin ? { origin } : {}),
          'content-type': 'application/json',
        },
        body: '{}',
      });
      assert.equal(res.status, 200, String(origin));
      assert.equal(((await res.json()) as Echo).method, 'POST');
    }
  });

  it("approves no browser's preflight, so a page of another origin cannot send the header", async () => {
    const res = await fetch(`${t.url}/notebook/${a}/api/contents`, {
      method: 'OPTIONS',
      headers: {
        origin: EVIL,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(res.status, 403);
    assert.deepEqual(
      [...res.headers.keys()].filter((name) => name.startsWith('access-control-')),
      [],
    );
  });

  it('opens a WebSocket with the header and no Origin, and replaces it upstream', async () => {
    const instance = (await t.app.services.store.instances.getById(a))!;
    const url = `${t.url.replace('http', 'ws')}/notebook/${a}/api/kernels/k1/channels`;
    const echo = await upgradeEcho(url, { authorization: `Bearer ${tokenA}` });
    assert.equal(echo.url, `/notebook/${a}/api/kernels/k1/channels`);
    assert.equal(echo.headers.authorization, `token ${workloadTokenOf(a, instance.runtime!.data.runId)}`);
    assert.ok(!JSON.stringify(echo).includes(tokenA));
    await assert.rejects(upgradeEcho(url, { authorization: `token ${tokenB}` }), /403/, "B's token on A");
  });

  it('keeps a `?token=` out of what the workload gets, on writes and WebSockets', async () => {
    const post = await fetch(`${t.url}/notebook/${a}/api/kernels?token=${tokenA}&kind=x`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(((await post.json()) as Echo).url, `/notebook/${a}/api/kernels?kind=x`);
    const base = `${t.url.replace('http', 'ws')}/notebook/${a}/api/kernels/k1/channels`;
    const echo = await upgradeEcho(`${base}?session_id=s1&token=${tokenA}`, {});
    assert.equal(echo.url, `/notebook/${a}/api/kernels/k1/channels?session_id=s1`);
    assert.ok(!JSON.stringify(echo).includes(tokenA));
  });

  it('picks no WebSocket subprotocol, since it cannot know which the workload speaks', async () => {
    const url = `${t.url.replace('http', 'ws')}/notebook/${a}/api/kernels/k1/channels?token=${tokenA}`;
    const before = workload.received.length;
    const ws = new WebSocket(url, ['v1.kernel.websocket.jupyter.org']);
    // ws holds a server that answers none to the protocol it asked for; a browser takes it as ''.
    const [error] = (await once(ws, 'error')) as [Error];
    assert.match(error.message, /Server sent no subprotocol/);
    // The proxy opens the workload's side all the same; let it get there before the next test counts.
    while (workload.received.length === before) await new Promise((r) => setTimeout(r, 10));
  });

  it("refuses a wrong token, or another instance's, in JSON, before anything reaches the workload", async () => {
    const before = workload.received.length;
    for (const authorization of [`token ${'0'.repeat(32)}`, `token ${tokenB}`, 'Bearer nonsense']) {
      const res = await fetch(`${t.url}/notebook/${a}/api/contents`, { headers: { authorization } });
      assert.equal(res.status, 403, authorization);
      assert.match(res.headers.get('content-type')!, /^application\/json/);
      const body = (await res.json()) as Record<string, string>;
      assert.equal(body.error_code, 'ModelArts.0108');
      assert.match(body.error_msg!, /does not open this notebook/);
    }
    assert.equal(workload.received.length, before);
  });

  it('takes the query over the header, and falls back from a header that opens nothing to the cookie', async () => {
    const wrongQuery = await fetch(`${t.url}/notebook/${a}/api/contents?token=${tokenB}`, {
      headers: { authorization: `token ${tokenA}` },
    });
    assert.equal(wrongQuery.status, 403, 'a link decides alone');
    // A page of the notebook may send a token of its own there; the cookie still admits the tab,
    // and then under the Origin check of a cookie.
    const headers = { authorization: `token ${tokenB}`, cookie: cookieA };
    assert.equal((await fetch(`${t.url}/notebook/${a}/api/contents`, { headers })).status, 200);
    const post = (origin: string) =>
      fetch(`${t.url}/notebook/${a}/api/kernels`, { method: 'POST', headers: { ...headers, origin }, body: '{}' });
    assert.equal((await post(EVIL)).status, 403);
    assert.equal((await post(t.url)).status, 200);
  });

  it('shows a browser a page that links to the instance in the console, and an API client JSON', async () => {
    const page = await fetch(`${t.url}/notebook/${a}/tree`, { headers: { accept: 'text/html,*/*' } });
    assert.equal(page.status, 403);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(await page.text(), new RegExp(`<a href="/console/#/instances/${a}">`));
    const json = await fetch(`${t.url}/notebook/${a}/api/contents`, { headers: { accept: 'application/json' } });
    assert.equal(json.status, 403);
    assert.equal(((await json.json()) as Record<string, string>).error_code, 'ModelArts.0108');
    const odd = await fetch(`${t.url}/notebook/%3Cb%3Ex/tree`);
    assert.equal(odd.status, 403);
    const text = await odd.text();
    assert.doesNotMatch(text, /<a |<b>/, 'no link, nothing of the path, for what is not an instance id');
  });
});
