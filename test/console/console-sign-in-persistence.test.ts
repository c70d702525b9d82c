/**
 * Whether a sign-in survives a reload, in Chromium, both ways the console keeps it.
 *
 * With a host name per notebook, under names of one site (`console.example.test` and
 * `<id>.nb.example.test`, mapped to this machine): the console signs in with a cookie that is
 * host-only, HttpOnly and SameSite=Strict, at `/v1/` and `/v3/`; a reload stays signed in. A
 * script in a notebook's page (the attacker's seat: any code a notebook runs in the browser)
 * cannot read the cookie, the session, the CSRF value or the console, and its forged change
 * reaches the API with the cookie (same site) and is refused there; the notebook host never
 * receives the cookie. Sign-out revokes the token.
 *
 * The same attack again from JavaScript a real kernel's cell puts out in a real notebook page (Jupyter
 * runs it as the page's own script), the way a notebook someone was handed would carry it.
 *
 * With notebooks on the console's origin (the default): nothing is stored where a script could
 * read it, a reload signs out, the sign-in page says so, and signing out revokes the token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CPU_FLAVOR, create, getInstance, waitStatus } from '../support/api.js';
import { consoleFixture, docsScreenshot, launchBrowser, signInWithKeyboard } from '../support/browser.js';
import { startEchoWorkload, type EchoWorkload } from '../support/echo-workload.js';
import { ADMIN_PASSWORD, cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };
const SESSION_COOKIE = 'demanager-session';

/** What a page's own script can see of stored credentials. */
function storedByPage(page: Page) {
  return page.evaluate(() => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
  }));
}

/**
 * The forged stop of `id` changed nothing, and the audit trail shows why: refused with 0108, not
 * 0201, so it did carry the cookie (notebook hosts are the same site) and the CSRF check stopped it.
 */
async function assertForgedStopRefused(t: TestApp, id: string): Promise<void> {
  assert.equal((await getInstance(t, id)).body.status, 'RUNNING', 'the forged stop changed nothing');
  const trail = await t.http('GET', `/v1/${t.projectId}/demanager/audit?limit=100`);
  const forged = (trail.body.entries as { action: string; target: string; outcome: string }[]).filter(
    (e) => e.action.endsWith('/action') && e.target === id,
  );
  assert.deepEqual(
    forged.map((e) => e.outcome),
    ['ModelArts.0108'],
  );
}

describe('sign-in with a host name per notebook: a cookie that survives a reload', { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let echo: EchoWorkload;
  let base = '';

  before(async () => {
    t = await startTestApp({ notebookHost: '{id}.nb.example.test' });
    echo = await startEchoWorkload();
    base = `http://console.example.test:${new URL(t.url).port}`;
    browser = await launchBrowser(['--host-resolver-rules=MAP *.example.test 127.0.0.1']);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await echo?.close();
    await t?.stop();
  });

  const sessionCookies = async (url?: string) => (await context.cookies(url)).filter((c) => c.name === SESSION_COOKIE);

  it('signs in with a host-only, HttpOnly, SameSite=Strict cookie at /v1/ and /v3/ that no script sees', async () => {
    await signInWithKeyboard(page, base, 'admin', ADMIN_PASSWORD);
    const cookies = await sessionCookies();
    assert.deepEqual(cookies.map((c) => [c.domain, c.path, c.httpOnly, c.sameSite, c.secure, c.expires]).sort(), [
      ['console.example.test', '/v1/', true, 'Strict', false, -1],
      ['console.example.test', '/v3/', true, 'Strict', false, -1],
    ]);
    assert.deepEqual(await storedByPage(page), { cookie: '', local: 0, session: 0 });
  });

  it('stays signed in across a reload', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Notebook instances' }).waitFor(WAIT);
    assert.equal(await page.getByLabel('User name').count(), 0);
    await page.locator('[data-live="live"]').waitFor(WAIT);
  });

  it("keeps the cookie and the session out of a notebook page's script, and refuses its forged change", async () => {
    const id = (await create(t, cpuBody('target', CPU_FLAVOR))).id as string;
    const detail = await waitStatus(t, id, 'RUNNING');
    await echo.serveFor(t, id);
    const url = detail.spec.annotations.url as string;
    assert.match(url, /^http:\/\/de-[0-9a-f-]+\.nb\.example\.test:\d+\/notebook\//i);
    const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
    const notebook = await context.newPage();
    await notebook.goto(`${url}?token=${token}`);
    await notebook.waitForURL(url, WAIT);

    const targets = {
      console: base,
      session: `${base}/v3/auth/session`,
      list: `${base}/v1/${t.projectId}/demanager/instances?de_type=Notebook`,
      action: `${base}/v1/${t.projectId}/demanager/instances/${id}/action`,
    };
    // No named function inside: the test's compiler would wrap it in a helper the page does not have.
    const seen = await notebook.evaluate(async (urls) => {
      const body = JSON.stringify({ action: 'stop' });
      const framed = await new Promise<string>((resolve) => {
        const frame = document.createElement('iframe');
        frame.src = `${urls.console}/console/`;
        frame.onload = () => {
          try {
            resolve(frame.contentDocument === null ? 'unreadable' : (frame.contentDocument.body?.innerText ?? ''));
          } catch (error) {
            resolve((error as Error).name);
          }
        };
        document.body.append(frame);
      });
      const requests = {
        session: fetch(urls.session, { credentials: 'include' }),
        list: fetch(urls.list, { credentials: 'include' }),
        // The change a form could post: no preflight, so it goes, with the cookie (same site).
        forged: fetch(urls.action, { method: 'POST', mode: 'no-cors', credentials: 'include', body }),
        // With the header the cookie needs, the browser asks first (a preflight), which is never approved.
        withHeader: fetch(urls.action, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json', 'x-demanager-csrf': 'guess' },
          body,
        }),
        signOut: fetch(urls.session, { method: 'DELETE', credentials: 'include' }),
      };
      const out: Record<string, string> = { cookie: document.cookie, framed };
      for (const [key, request] of Object.entries(requests))
        out[key] = await request.then(
          (r) => (r.type === 'opaque' ? 'opaque' : String(r.status)),
          (e: Error) => e.name,
        );
      return out;
    }, targets);
    assert.deepEqual(seen, {
      cookie: '',
      session: 'TypeError',
      list: 'TypeError',
      forged: 'opaque',
      withHeader: 'TypeError',
      signOut: 'TypeError',
      framed: 'unreadable',
    });

    await assertForgedStopRefused(t, id);
    assert.deepEqual(await sessionCookies(url), [], "the browser would send no session cookie to the notebook's host");
    const reached = echo.received.filter((r) => String(r.headers.cookie ?? '').includes(SESSION_COOKIE));
    assert.deepEqual(reached, [], 'the notebook received no session cookie');
    await notebook.close();
    // Still signed in: the forged sign-out did not go through either.
    await page.reload();
    await page.getByRole('heading', { name: 'Notebook instances' }).waitFor(WAIT);
  });

  it('signs out: the token is revoked and the cookie gone, and a reload asks to sign in', async () => {
    const [cookie] = await sessionCookies();
    const signedOut = page.waitForResponse(
      (r) => r.url().endsWith('/v3/auth/session') && r.request().method() === 'DELETE',
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User name').waitFor(WAIT);
    assert.equal((await signedOut).status(), 204);
    assert.deepEqual(await sessionCookies(), []);
    const res = await t.http('GET', `${t.instances()}?de_type=Notebook`, { token: cookie!.value });
    assert.equal(res.status, 401);
    assert.equal(res.body.error_code, 'ModelArts.0201');
    await page.reload();
    await page.getByLabel('User name').waitFor(WAIT);
    assert.equal(await page.locator('#sign-in-memory').count(), 0, 'no in-memory notice here');
  });
});

describe('the cookie against code a real kernel runs in its notebook page', { timeout: 240_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let id = '';

  before(async () => {
    t = await startTestApp({
      notebookHost: '{id}.nb.example.test',
      runtime: { driver: 'local', pollIntervalSeconds: 1 },
    });
    browser = await launchBrowser(['--host-resolver-rules=MAP *.example.test 127.0.0.1']);
  });
  after(async () => {
    await browser?.close();
    // A local notebook outlives the service by design: stopped through the API before it goes.
    if (id) {
      await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'stop' } });
      await waitStatus(t, id, 'STOPPED', { timeoutMs: 60_000 });
    }
    await t?.stop();
  });

  it("lets a cell's JavaScript output neither read the console's session nor act with its cookie", async () => {
    const base = `http://console.example.test:${new URL(t.url).port}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await signInWithKeyboard(await context.newPage(), base, 'admin', ADMIN_PASSWORD);
    id = (await create(t, { ...cpuBody('kernel-attack', CPU_FLAVOR), spec: { storage: { type: 'evs' } } }))
      .id as string;
    const url = (await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 })).spec.annotations.url as string;
    const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
    const notebook = await context.newPage();
    await notebook.goto(`${url}?token=${token}`);
    await notebook.waitForURL((u) => u.href.startsWith(`${url}tree`), { timeout: 30_000 });

    // What the notebook's user (or a notebook they were handed) runs: Python whose output is script.
    const urls = {
      session: `${base}/v3/auth/session`,
      action: `${base}/v1/${t.projectId}/demanager/instances/${id}/action`,
    };
    const script = `(async () => {
      const urls = ${JSON.stringify(urls)};
      const body = JSON.stringify({ action: 'stop' });
      const outcome = (p) => p.then((r) => (r.type === 'opaque' ? 'opaque' : String(r.status)), (e) => e.name);
      const out = {
        cookie: document.cookie.includes('${SESSION_COOKIE}') ? 'seen' : 'unseen',
        session: await outcome(fetch(urls.session, { credentials: 'include' })),
        forged: await outcome(fetch(urls.action, { method: 'POST', mode: 'no-cors', credentials: 'include', body })),
        withHeader: await outcome(fetch(urls.action, { method: 'POST', credentials: 'include', body,
          headers: { 'content-type': 'application/json', 'x-demanager-csrf': 'guess' } })),
      };
      document.body.dataset.attack = JSON.stringify(out);
    })();`;
    const cell = `from IPython.display import Javascript, display\ndisplay(Javascript(${JSON.stringify(script)}))`;
    const saved = await notebook.evaluate(
      async ([target, source]) =>
        (
          await fetch(target, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              type: 'notebook',
              content: {
                cells: [{ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }],
                metadata: {},
                nbformat: 4,
                nbformat_minor: 5,
              },
            }),
          })
        ).status,
      [`${url}api/contents/attack.ipynb`, cell] as const,
    );
    assert.equal(saved, 201);
    await notebook.goto(`${url}notebooks/attack.ipynb`);
    await notebook.locator('.CodeMirror').first().click({ timeout: 30_000 });
    await notebook.keyboard.press('Shift+Enter');
    await notebook.locator('body[data-attack]').waitFor({ state: 'attached', timeout: 60_000 });
    const seen = JSON.parse((await notebook.locator('body').getAttribute('data-attack')) ?? '{}');
    assert.deepEqual(seen, { cookie: 'unseen', session: 'TypeError', forged: 'opaque', withHeader: 'TypeError' });
    await assertForgedStopRefused(t, id);
  });
});

describe('sign-in with notebooks on the console origin: in memory only', { timeout: 120_000 }, () => {
  const f = consoleFixture();

  it('says so on the sign-in page, at both sizes', async () => {
    await f.page.goto(`${f.t.url}/console/`);
    const notice = f.page.locator('#sign-in-memory');
    await notice.waitFor(WAIT);
    assert.match(await notice.innerText(), /until you reload or close this page: notebooks share this address/);
    await f.page.setViewportSize({ width: 390, height: 844 });
    assert.equal(
      await f.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      true,
      'no sideways scrolling',
    );
    await docsScreenshot(f.page, 'console-sign-in-phone');
    await f.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('stores nothing a script could read, and a reload signs out', async () => {
    await signInWithKeyboard(f.page, f.t.url, 'admin', ADMIN_PASSWORD);
    assert.deepEqual(await storedByPage(f.page), { cookie: '', local: 0, session: 0 });
    assert.deepEqual(await f.page.context().cookies(), []);
    await f.page.reload();
    await f.page.getByLabel('User name').waitFor(WAIT);
    assert.equal(await f.page.getByRole('heading', { name: 'Notebook instances' }).count(), 0);
  });

  it('signs out by revoking the token on the server, not only forgetting it', async () => {
    const login = f.page.waitForResponse((r) => r.url().endsWith('/v3/auth/tokens') && r.request().method() === 'POST');
    await signInWithKeyboard(f.page, f.t.url, 'admin', ADMIN_PASSWORD);
    const token = (await (await login).headerValue('x-subject-token')) ?? '';
    const list = `${f.t.instances()}?de_type=Notebook`;
    assert.equal((await f.t.http('GET', list, { token })).status, 200);
    const revoked = f.page.waitForResponse(
      (r) => r.url().endsWith('/v3/auth/tokens') && r.request().method() === 'DELETE',
    );
    await f.page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal((await revoked).status(), 204);
    await f.page.getByLabel('User name').waitFor(WAIT);
    const res = await f.t.http('GET', list, { token });
    assert.equal(res.status, 401);
    assert.equal(res.body.error_code, 'ModelArts.0201');
  });
});
