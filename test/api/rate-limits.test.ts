/**
 * @module test/api/rate-limits
 * Request throttling over real HTTP, with low limits and a manual clock for the rate windows: a
 * caller (a token, an access key) over its limit gets 429 APIGW.0308 with `Retry-After` while
 * another caller of the same address goes on; failed authentications count against the address; unauthenticated
 * callers are counted by address; health probes and the notebook proxy are outside the limits; a
 * window passed on the clock lifts the limit. And the defaults are on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { resolveConfig } from '../../src/server/config.js';
import { assertError, listInstances } from '../support/api.js';
import { type SigningKey, signingHeaders } from '../support/signed-request.js';
import { ADMIN_PASSWORD, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;

function assertThrottled(res: HttpResult, retryAfter: number, context: string): void {
  assertError(res, 'APIGW.0308', 429, context);
  assert.equal(res.headers.get('retry-after'), String(retryAfter), `Retry-After, ${context}`);
}

/** Sends `count` requests one after the other; answers their statuses. */
async function statuses(count: number, send: () => Promise<HttpResult>): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await send()).status);
  return seen;
}

/** A list request signed with `key` (the signer itself is tested in aksk.test.ts). */
function signedList(t: TestApp, key: SigningKey): Promise<HttpResult> {
  const target = `${t.instances()}?de_type=Notebook`;
  return t.http('GET', target, { token: null, headers: signingHeaders(t.url, target, key) });
}

describe('per-caller limit (5 a minute; the address limit off)', () => {
  const clock = new ManualClock();
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      start: { limitsClock: clock },
      limits: { requestsPerMinute: 5, requestsPerMinutePerAddress: 0 },
    });
  });
  after(() => t.stop());
  // Each test starts in a fresh window.
  const freshWindow = () => clock.advance(MINUTE);

  it('answers the sixth request of a token 429 APIGW.0308 with Retry-After, until the window passes', async () => {
    freshWindow();
    assert.deepEqual(await statuses(5, () => listInstances(t)), [200, 200, 200, 200, 200]);
    assertThrottled(await listInstances(t), 60, 'sixth request');
    clock.advance(45_000);
    assertThrottled(await listInstances(t), 15, 'still in the window');
    // A write is refused as a read is, before its body is looked at.
    assertThrottled(await t.http('POST', t.instances(), { body: { name: 'x' } }), 15, 'create');
    clock.advance(15_000);
    assert.equal((await listInstances(t)).status, 200, 'a new window');
  });

  it('counts each token on its own: another session of the same address goes on', async () => {
    freshWindow();
    await statuses(5, () => listInstances(t));
    assertThrottled(await listInstances(t), 60, 'first token');
    const other = await t.login('admin', ADMIN_PASSWORD);
    assert.equal((await listInstances(t, '', { token: other.token })).status, 200, 'second token');
  });

  it('counts the requests signed with an access key on their own', async () => {
    freshWindow();
    const adminId = (await t.http('GET', '/v3/auth/tokens')).body.token.user.id;
    const created = await t.http('POST', '/v3.0/OS-CREDENTIAL/credentials', {
      body: { credential: { user_id: adminId } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const key = created.body.credential;
    assert.deepEqual(await statuses(5, () => signedList(t, key)), [200, 200, 200, 200, 200]);
    assertThrottled(await signedList(t, key), 60, 'sixth signed request');
    assert.equal((await listInstances(t)).status, 200, "the token of the key's user");
    await t.login('admin', ADMIN_PASSWORD); // unauthenticated requests of the address: not the key's bucket either
  });

  it('counts unauthenticated requests by address: the login endpoint too', async () => {
    freshWindow();
    const login = () =>
      t.http('POST', '/v3/auth/tokens', {
        token: null,
        body: {
          auth: {
            identity: { methods: ['password'], password: { user: { name: 'admin', password: ADMIN_PASSWORD } } },
          },
        },
      });
    assert.deepEqual(await statuses(5, login), [201, 201, 201, 201, 201]);
    assertThrottled(await login(), 60, 'sixth login');
  });
});

describe('per-address limit (4 a minute; the caller limit off)', () => {
  const clock = new ManualClock();
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      start: { limitsClock: clock },
      limits: { requestsPerMinute: 0, requestsPerMinutePerAddress: 4 },
    });
  });
  after(() => t.stop());

  it('counts requests with bad credentials, then refuses even a good token from that address', async () => {
    clock.advance(MINUTE);
    assert.deepEqual(await statuses(4, () => listInstances(t, '', { token: 'not-a-token' })), [401, 401, 401, 401]);
    assertThrottled(await listInstances(t, '', { token: 'not-a-token' }), 60, 'fifth bad token');
    assertThrottled(await listInstances(t), 60, 'a good token, same address');
    clock.advance(MINUTE);
    assert.equal((await listInstances(t)).status, 200, 'a new window');
  });

  it('leaves health probes, the OpenAPI document and the notebook proxy outside the limits', async () => {
    clock.advance(MINUTE);
    await statuses(4, () => listInstances(t));
    assertThrottled(await listInstances(t), 60, 'the API');
    for (const path of ['/healthz', '/readyz', '/healthz', '/readyz', '/openapi.json']) {
      assert.equal((await t.http('GET', path, { token: null })).status, 200, path);
    }
    const proxied = await t.http('GET', '/notebook/DE-none/tree', { token: null });
    assert.notEqual(proxied.status, 429, `the proxy: ${proxied.status} ${JSON.stringify(proxied.body)}`);
  });
});

describe('defaults', () => {
  it('every limit is on by default, well above what one client normally sends', () => {
    const { limits } = resolveConfig({});
    assert.ok(limits.requestsPerMinute >= 600, `requestsPerMinute ${limits.requestsPerMinute}`);
    assert.ok(
      limits.requestsPerMinutePerAddress >= limits.requestsPerMinute,
      `requestsPerMinutePerAddress ${limits.requestsPerMinutePerAddress}`,
    );
    assert.ok(limits.loginFailuresPerUser > 0 && limits.loginFailuresPerAddress > limits.loginFailuresPerUser);
    assert.ok(limits.loginLockoutSeconds > 0);
    assert.equal(limits.bodyLimitBytes, 1024 * 1024);
  });
});
