/**
 * The console's cookie session (`/v3/auth/session`) over real HTTP. With a host name per notebook:
 * the sign-in sets a host-only, HttpOnly, SameSite=Strict cookie at `/v1/` and `/v3/` (Secure
 * behind an HTTPS public URL) and hands out no token; the cookie reads the API; a state-changing
 * request it authenticates is refused (403 ModelArts.0108) without the CSRF value, with a wrong
 * one, from a notebook's origin or from another site; header-token clients are untouched; sign-out
 * revokes the token and clears the cookie. With notebooks on the console's origin (the default)
 * the cookie is neither offered nor honoured.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, CPU_FLAVOR } from '../support/api.js';
import { cpuBody, startTestApp, ADMIN_PASSWORD, type HttpResult, type TestApp } from '../support/test-app.js';

const LOGIN = {
  auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: ADMIN_PASSWORD } } } },
};
const NOTEBOOK_ORIGIN = (port: string) => `http://de-0123.nb.localhost:${port}`;

function assertRefused(res: HttpResult, code: 'ModelArts.0108' | 'ModelArts.0201', what: string) {
  assertError(res, code, code === 'ModelArts.0108' ? 403 : 401, what);
}

/** `name=value` of each `Set-Cookie`. */
function cookiePairs(res: HttpResult): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]!);
}

describe('cookie session, with a host name per notebook', () => {
  let t: TestApp;
  let origin = '';
  let port = '';
  /** Signs in as the console does; answers the cookie to send back and the CSRF value. */
  async function signIn(): Promise<{ cookie: string; csrf: string; res: HttpResult }> {
    const res = await t.http('POST', '/v3/auth/session', {
      token: null,
      body: LOGIN,
      headers: { origin, 'x-demanager-csrf': 'sign-in', 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { cookie: cookiePairs(res)[0]!, csrf: res.body.session.csrf_token, res };
  }

  before(async () => {
    t = await startTestApp({ notebookHost: '{id}.nb.localhost' });
    origin = t.url;
    port = new URL(t.url).port;
  });
  after(() => t?.stop());

  it('signs in with a host-only HttpOnly SameSite=Strict cookie at /v1/ and /v3/, and hands out no token', async () => {
    const { res, csrf } = await signIn();
    const set = res.headers.getSetCookie();
    assert.equal(set.length, 2);
    const token = set[0]!.split(';')[0]!.split('=')[1]!;
    assert.match(token, /^dm1\./);
    assert.deepEqual(set, [
      `demanager-session=${token}; Path=/v1/; HttpOnly; SameSite=Strict`,
      `demanager-session=${token}; Path=/v3/; HttpOnly; SameSite=Strict`,
    ]);
    assert.equal(res.headers.get('x-subject-token'), null, 'no token header');
    assert.ok(!JSON.stringify(res.body).includes(token), 'no token in the body');
    assert.equal(res.body.token.user.name, 'admin');
    assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.session.cookie, true);
  });

  it('reads the API and the session with the cookie alone, and tells the same CSRF value again', async () => {
    const { cookie, csrf } = await signIn();
    const list = await t.http('GET', `${t.instances()}?de_type=Notebook`, { token: null, headers: { cookie } });
    assert.equal(list.status, 200);
    const session = await t.http('GET', '/v3/auth/session', { token: null, headers: { cookie } });
    assert.equal(session.status, 200);
    assert.equal(session.body.session.csrf_token, csrf);
    assert.equal(session.body.token.project.id, t.projectId);
    assert.deepEqual((await t.http('GET', '/v3/auth/session', { token: null })).body, { session: { cookie: true } });
  });

  it('refuses a change the cookie authenticates without the CSRF value, with a wrong one, or from elsewhere', async () => {
    const { cookie, csrf } = await signIn();
    const create = (headers: Record<string, string>) =>
      t.http('POST', t.instances(), {
        token: null,
        body: cpuBody('by-cookie', CPU_FLAVOR),
        headers: { cookie, ...headers },
      });
    assertRefused(await create({ origin }), 'ModelArts.0108', 'no CSRF header');
    assertRefused(await create({ origin, 'x-demanager-csrf': 'guess' }), 'ModelArts.0108', 'a wrong value');
    assertRefused(await create({ 'x-demanager-csrf': csrf }), 'ModelArts.0108', 'no Origin');
    const notebook = NOTEBOOK_ORIGIN(port);
    assertRefused(
      await create({ origin: notebook, 'x-demanager-csrf': csrf }),
      'ModelArts.0108',
      "a notebook's origin",
    );
    assertRefused(
      await create({ origin, 'x-demanager-csrf': csrf, 'sec-fetch-site': 'same-site' }),
      'ModelArts.0108',
      'a same-site page',
    );
    const refused = await create({ origin });
    assert.match(refused.body.error_msg, /X-Demanager-CSRF/);
    const ok = await create({ origin, 'x-demanager-csrf': csrf, 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.name, 'by-cookie');
  });

  it("refuses a sign-in without the header or from a notebook's origin, before looking at the password", async () => {
    const post = (headers: Record<string, string>) =>
      t.http('POST', '/v3/auth/session', { token: null, body: LOGIN, headers });
    const refused = [
      await post({ origin }),
      await post({ origin: NOTEBOOK_ORIGIN(port), 'x-demanager-csrf': 'sign-in' }),
      await post({ 'x-demanager-csrf': 'sign-in' }),
    ];
    for (const res of refused) {
      assertRefused(res, 'ModelArts.0108', 'sign-in');
      assert.deepEqual(res.headers.getSetCookie(), []);
    }
  });

  it('leaves header-token clients as they were, a cookie beside the header or not', async () => {
    const { cookie } = await signIn();
    const stale = 'demanager-session=dm1.not-a-token';
    const variants: Record<string, string>[] = [{}, { cookie }, { cookie: stale }];
    for (const [i, headers] of variants.entries()) {
      const res = await t.http('POST', t.instances(), { body: cpuBody(`by-header-${i}`, CPU_FLAVOR), headers });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
  });

  it('signs out: refused without the CSRF value, then the token is revoked and the cookie cleared', async () => {
    const { cookie, csrf } = await signIn();
    const token = cookie.split('=')[1]!;
    const out = (headers: Record<string, string>) => t.http('DELETE', '/v3/auth/session', { token: null, headers });
    assertRefused(await out({ cookie, origin }), 'ModelArts.0108', 'sign-out without the header');
    assert.equal((await t.http('GET', `${t.instances()}?de_type=Notebook`, { token })).status, 200, 'still signed in');
    const res = await out({ cookie, origin, 'x-demanager-csrf': csrf });
    assert.equal(res.status, 204);
    assert.deepEqual(res.headers.getSetCookie(), [
      'demanager-session=; Path=/v1/; Max-Age=0; HttpOnly; SameSite=Strict',
      'demanager-session=; Path=/v3/; Max-Age=0; HttpOnly; SameSite=Strict',
    ]);
    assertRefused(
      await t.http('GET', `${t.instances()}?de_type=Notebook`, { token }),
      'ModelArts.0201',
      'the token as a header',
    );
    assertRefused(
      await t.http('GET', `${t.instances()}?de_type=Notebook`, { token: null, headers: { cookie } }),
      'ModelArts.0201',
      'the cookie',
    );
    const session = await t.http('GET', '/v3/auth/session', { token: null, headers: { cookie } });
    assert.deepEqual(session.body, { session: { cookie: true } });
    assert.equal(session.headers.getSetCookie().length, 2, 'the browser is told to forget it');
  });
});

describe('cookie session behind an HTTPS public URL', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ notebookHost: '{id}.nb.example.test', publicUrl: 'https://demanager.example.test' });
  });
  after(() => t?.stop());

  it("marks the cookie Secure and takes the public URL's origin as the console's", async () => {
    const res = await t.http('POST', '/v3/auth/session', {
      token: null,
      body: LOGIN,
      headers: { origin: 'https://demanager.example.test', 'x-demanager-csrf': 'sign-in' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    for (const set of res.headers.getSetCookie()) assert.match(set, /; HttpOnly; SameSite=Strict; Secure$/);
  });
});

describe('cookie session, with notebooks on the console origin (the default)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.stop());

  it('is not offered: the console keeps its token in memory, and says why', async () => {
    assert.deepEqual((await t.http('GET', '/v3/auth/session', { token: null })).body, { session: { cookie: false } });
    const res = await t.http('POST', '/v3/auth/session', {
      token: null,
      body: LOGIN,
      headers: { origin: t.url, 'x-demanager-csrf': 'sign-in' },
    });
    assertRefused(res, 'ModelArts.0108', 'sign-in');
    assert.match(res.body.error_msg, /notebookHost/);
    assert.deepEqual(res.headers.getSetCookie(), []);
  });

  it('honours no cookie, even one holding a valid token', async () => {
    const cookie = `demanager-session=${t.adminToken}`;
    assertRefused(
      await t.http('GET', `${t.instances()}?de_type=Notebook`, { token: null, headers: { cookie } }),
      'ModelArts.0201',
      'the cookie',
    );
  });
});
