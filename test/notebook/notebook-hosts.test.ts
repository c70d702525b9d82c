/**
 * A host name per notebook (`notebookHost`) with two real notebooks, A and B, on the local runtime:
 * each opens on its own host (`<id>.nb.localhost`, which Chromium resolves to this machine) with a
 * host-only cookie; over plain HTTP (with the `Host` a browser sends, Node's resolver not knowing
 * `*.localhost`) A's cookie opens nothing of B, A's path is not served on B's host or the main one,
 * the API is not served on A's host, and a write to A is accepted only from A's own origin. In
 * Chromium, A opened from the console and B from its link, a script of A's page cannot read B, the
 * API or the console, nor open B's WebSocket, and the browser keeps A's cookie to A's host.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { action, create, CPU_FLAVOR, waitStatus } from '../support/api.js';
import { launchBrowser, signInWithKeyboard } from '../support/browser.js';
import { rawClient, type RawResponse } from '../support/raw-http.js';
import { ADMIN_PASSWORD, cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

interface Notebook {
  id: string;
  /** `spec.annotations.url`. */
  url: string;
  host: string;
  origin: string;
  token: string;
}

describe('a host name per notebook, with two real notebooks', { timeout: 240_000 }, () => {
  let t: TestApp;
  let raw: ReturnType<typeof rawClient>;
  let main = '';
  let a: Notebook;
  let b: Notebook;
  let browser: Browser | undefined;

  const send = (host: string, target: string, headers: Record<string, string> = {}, method = 'GET', body?: string) =>
    raw.send({
      method,
      target,
      headers: { host, ...headers },
      ...(body === undefined ? {} : { body: Buffer.from(body) }),
    });

  async function running(name: string): Promise<Notebook> {
    const id = (await create(t, { ...cpuBody(name, CPU_FLAVOR), spec: { storage: { type: 'evs' } } })).id as string;
    const detail = await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
    const url = detail.spec.annotations.url as string;
    const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
    return { id, url, host: new URL(url).host, origin: new URL(url).origin, token };
  }

  /** Trades the token for the cookie on the notebook's own host, as the browser does; answers `name=value`. */
  async function cookieOf(notebook: Notebook): Promise<string> {
    const res = await send(notebook.host, `/notebook/${notebook.id}/?token=${notebook.token}`);
    assert.equal(res.status, 302);
    return String(res.headers['set-cookie']).split(';')[0]!;
  }

  before(async () => {
    t = await startTestApp({ notebookHost: '{id}.nb.localhost', runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    raw = rawClient(t.url);
    main = new URL(t.url).host;
    [a, b] = await Promise.all([running('host-a'), running('host-b')]);
  });
  after(async () => {
    await browser?.close();
    raw?.close();
    // Local notebooks outlive the service by design: stopped through the API before it goes.
    for (const notebook of [a, b].filter(Boolean)) await action(t, notebook.id, 'stop');
    for (const notebook of [a, b].filter(Boolean)) await waitStatus(t, notebook.id, 'STOPPED', { timeoutMs: 60_000 });
    await t?.stop();
  });

  it("hands out each notebook's URL on its own host, and opens it there with a host-only cookie", async () => {
    const port = new URL(t.url).port;
    assert.equal(a.url, `http://${a.id.toLowerCase()}.nb.localhost:${port}/notebook/${a.id}/`);
    assert.equal(b.url, `http://${b.id.toLowerCase()}.nb.localhost:${port}/notebook/${b.id}/`);
    const res = await send(a.host, `/notebook/${a.id}/?token=${a.token}`);
    assert.equal(res.status, 302);
    // Relative: it stays on the host it came to, which can only be A's.
    assert.equal(res.headers.location, `/notebook/${a.id}/`);
    const setCookie = String(res.headers['set-cookie']);
    assert.match(
      setCookie,
      new RegExp(`^demanager-notebook=[0-9a-f]{32}; Path=/notebook/${a.id}/; HttpOnly; SameSite=Lax$`),
    );
    assert.doesNotMatch(setCookie, /domain=/i, 'host-only: no Domain, so no other host ever gets it');
    const status = await send(a.host, `/notebook/${a.id}/api/status`, { cookie: setCookie.split(';')[0]! });
    assert.equal(status.status, 200);
  });

  it("refuses what crosses hosts: A's cookie at B, A's path on B's host or the main host, the API on A's host", async () => {
    const cookieA = await cookieOf(a);
    const refused = (res: RawResponse, status: number, what: string) => assert.equal(res.status, status, what);
    refused(await send(b.host, `/notebook/${b.id}/api/status`, { cookie: cookieA }), 403, "A's cookie at B");
    refused(await send(b.host, `/notebook/${a.id}/api/status`, { cookie: cookieA }), 404, "A's path on B's host");
    refused(await send(main, `/notebook/${a.id}/api/status`, { cookie: cookieA }), 404, "A's path on the main host");
    refused(await send(b.host, `/notebook/${a.id}/?token=${a.token}`), 404, "A's link on B's host");
    const api = await send(a.host, `${t.instances()}/${a.id}`, { 'x-auth-token': t.adminToken });
    refused(api, 404, "the API on A's host");
    assert.equal(JSON.parse(api.text).error_code, 'ModelArts.0404');
    refused(await send(main, `${t.instances()}/${a.id}`, { 'x-auth-token': t.adminToken }), 200, 'the API at home');
  });

  it("accepts a write carrying A's cookie from A's own origin only, not the console's or B's", async () => {
    const cookie = await cookieOf(a);
    const post = (origin: string) =>
      send(
        a.host,
        `/notebook/${a.id}/api/contents`,
        { cookie, origin, 'content-type': 'application/json' },
        'POST',
        '{"type": "file", "ext": ".txt"}',
      );
    assert.equal((await post(a.origin)).status, 201);
    assert.equal((await post(t.url)).status, 403, "the console's origin");
    assert.equal((await post(b.origin)).status, 403, "B's origin");
  });

  describe('in Chromium, with both notebooks open', () => {
    let context: BrowserContext;
    let pageA: Page;

    before(async () => {
      browser = await launchBrowser();
      context = await browser.newContext();
      // A from the console's "Open", B from its link: `*.localhost` is this machine to Chromium.
      const consolePage = await context.newPage();
      await signInWithKeyboard(consolePage, t.url, 'admin', ADMIN_PASSWORD);
      await consolePage.getByRole('link', { name: 'host-a' }).click();
      const open = consolePage.getByRole('button', { name: 'Open' });
      await open.waitFor({ timeout: 30_000 });
      [pageA] = await Promise.all([context.waitForEvent('page'), open.click()]);
      const pageB = await context.newPage();
      await pageB.goto(`${b.url}?token=${b.token}`);
      for (const [page, notebook] of [
        [pageA, a],
        [pageB, b],
      ] as const)
        await page.waitForURL((url) => url.href.startsWith(`${notebook.url}tree`), { timeout: 30_000 });
    });

    it("keeps each cookie to its own notebook's host", async () => {
      const [ofA, ofB] = [await context.cookies(a.url), await context.cookies(b.url)];
      assert.deepEqual(
        ofA.filter((c) => c.name === 'demanager-notebook').map((c) => [c.domain, c.path, c.httpOnly]),
        [[a.host.split(':')[0], `/notebook/${a.id}/`, true]],
      );
      const [cookieA] = ofA.filter((c) => c.name === 'demanager-notebook');
      const sentToB = ofB.filter((c) => c.name === 'demanager-notebook');
      assert.deepEqual(
        sentToB.map((c) => c.domain),
        [b.host.split(':')[0]],
      );
      assert.ok(
        ofB.every((c) => c.value !== cookieA!.value),
        "A's cookie is not among those the browser sends to B",
      );
    });

    it('lets a script of A read its own notebook, and nothing of B, the API or the console', async () => {
      const targets = {
        own: `${a.url}api/contents`,
        ownApi: `/v1/${t.projectId}/demanager/instances?de_type=Notebook`,
        ownConsole: '/console/',
        b: `${b.url}api/contents`,
        api: `${t.url}/v1/${t.projectId}/demanager/instances?de_type=Notebook`,
        console: `${t.url}/console/`,
        bSocket: `${b.url.replace('http', 'ws')}api/kernels/none/channels`,
      };
      // No named function inside: the test's compiler would wrap it in a helper the page does not have.
      const seen = await pageA.evaluate(async (urls) => {
        const out: Record<string, string> = {};
        for (const [key, url] of Object.entries(urls)) {
          if (url.startsWith('ws')) {
            out[key] = await new Promise<string>((resolve) => {
              const ws = new WebSocket(url);
              ws.onopen = () => resolve('open');
              ws.onerror = () => resolve('error');
            });
            continue;
          }
          try {
            out[key] = String((await fetch(url, { credentials: 'include' })).status);
          } catch (error) {
            out[key] = (error as Error).name;
          }
        }
        // The same request to B without reading it goes through: only reading it is refused.
        out.bUnread = (await fetch(urls.b, { mode: 'no-cors', credentials: 'include' })).type;
        return out;
      }, targets);
      assert.deepEqual(seen, {
        own: '200',
        // Same origin as A's page, so readable: and what it reads is that nothing is here.
        ownApi: '404',
        ownConsole: '404',
        b: 'TypeError',
        api: 'TypeError',
        console: 'TypeError',
        bSocket: 'error',
        bUnread: 'opaque',
      });
    });
  });
});
