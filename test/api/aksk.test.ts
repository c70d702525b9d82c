/**
 * @module test/api/aksk.test
 * Access keys end to end: created over HTTP (the secret shown once, never stored in clear), then
 * real requests to the instance API signed with `SDK-HMAC-SHA256` by a signer written here from
 * the spec (api-reference §5), independent of the server's own code; and every way a signature
 * can be wrong answering 401 APIGW.0301 without changing anything.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertError, assertRejected, createProject, member } from '../support/api.js';
import { stopWithClock } from '../support/stepping-clock.js';
import {
  createBody,
  INSTANT_PHASES,
  startTestApp,
  waitForStatus,
  type HttpResult,
  type TestApp,
} from '../support/test-app.js';
import { databaseBytes } from '../support/test-store.js';

/* ---- a signer from the spec, sharing nothing with src/ ---- */

interface Key {
  access: string;
  secret: string;
}

interface Unsigned {
  method: string;
  /** The path as it goes on the wire; may hold percent-escapes. */
  path: string;
  /** Decoded pairs, sent in this order, each value strictly encoded. */
  query?: [string, string][];
  body?: string;
  /** More headers to send and sign. */
  headers?: Record<string, string>;
  unsignedPayload?: boolean;
  /** When it is signed (epoch ms); the server's clock by default. */
  at?: number;
}

/** A request ready for fetch; tests tamper with it after signing. */
interface Signed {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string;
}

/** Every UTF-8 byte but A-Z a-z 0-9 - _ . ~ as %XX (upper-case hex). */
function strict(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /^[A-Za-z0-9\-_.~]$/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

function sdkDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

function sign(key: Key, host: string, now: number, request: Unsigned): Signed {
  const date = sdkDate(request.at ?? now);
  const headers: Record<string, string> = { host, 'x-sdk-date': date };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.unsignedPayload) headers['x-sdk-content-sha256'] = 'UNSIGNED-PAYLOAD';
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const names = Object.keys(headers).sort();

  let uri = request.path
    .split('/')
    .map((segment) => strict(decodeURIComponent(segment)))
    .join('/');
  if (!uri.endsWith('/')) uri += '/';
  const query = request.query ?? [];
  const sorted = [...query].sort(([k1, v1], [k2, v2]) =>
    k1 === k2 ? (v1 < v2 ? -1 : v1 > v2 ? 1 : 0) : k1 < k2 ? -1 : 1,
  );
  const canonical = [
    request.method,
    uri,
    sorted.map(([k, v]) => `${strict(k)}=${strict(v)}`).join('&'),
    names.map((n) => `${n}:${headers[n]!.trim()}\n`).join(''),
    names.join(';'),
    request.unsignedPayload ? 'UNSIGNED-PAYLOAD' : hex(request.body ?? ''),
  ].join('\n');
  const toSign = `SDK-HMAC-SHA256\n${date}\n${hex(canonical)}`;
  const signature = createHmac('sha256', key.secret).update(toSign, 'utf8').digest('hex');

  const { host: _host, ...sent } = headers; // fetch writes Host from the URL
  sent.authorization = `SDK-HMAC-SHA256 Access=${key.access}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  const search = query.map(([k, v]) => `${strict(k)}=${strict(v)}`).join('&');
  return {
    method: request.method,
    target: request.path + (search ? `?${search}` : ''),
    headers: sent,
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
}

/* ---- the tests ---- */

describe('AK/SK: access keys and SDK-HMAC-SHA256 signed requests', () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let host = '';
  let adminKey: Key;
  let adminId = '';
  const secretsSeen: string[] = [];

  async function send(signed: Signed): Promise<HttpResult> {
    const response = await fetch(t.url + signed.target, {
      method: signed.method,
      headers: signed.headers,
      ...(signed.body !== undefined ? { body: signed.body } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  const signAs = (key: Key, request: Unsigned) => sign(key, host, clock.now(), request);
  const signed = (key: Key, request: Unsigned) => send(signAs(key, request));

  async function createKey(userId: string, token?: string, description = 'a test key'): Promise<Key> {
    const res = await t.http('POST', '/v3.0/OS-CREDENTIAL/credentials', {
      body: { credential: { user_id: userId, description } },
      ...(token ? { token } : {}),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    secretsSeen.push(res.body.credential.secret);
    return { access: res.body.credential.access, secret: res.body.credential.secret };
  }

  before(async () => {
    // Instant phases: no start waits on the manual clock, so advancing it past the signature
    // window moves no instance while a rejected request's "nothing changed" is being checked.
    t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
    host = new URL(t.url).host;
    adminId = (await t.http('GET', '/v3/auth/tokens')).body.token.user.id;
  });
  after(() => stopWithClock(t, clock));

  it('creates a key: 201 with the secret, once; list and get never show it', async () => {
    const res = await t.http('POST', '/v3.0/OS-CREDENTIAL/credentials', {
      body: { credential: { user_id: adminId, description: 'ci robot' } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const c = res.body.credential;
    assert.deepEqual(Object.keys(c).sort(), ['access', 'create_time', 'description', 'secret', 'status', 'user_id']);
    assert.match(c.access, /^[A-Z0-9]{20}$/);
    assert.match(c.secret, /^[A-Za-z0-9]{40}$/);
    assert.deepEqual([c.user_id, c.status, c.description], [adminId, 'active', 'ci robot']);
    assert.equal(Date.parse(c.create_time), clock.now());
    adminKey = { access: c.access, secret: c.secret };
    secretsSeen.push(c.secret);

    const list = await t.http('GET', `/v3.0/OS-CREDENTIAL/credentials?user_id=${adminId}`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.credentials, [
      { access: c.access, user_id: adminId, status: 'active', create_time: c.create_time, description: 'ci robot' },
    ]);
    assert.deepEqual(
      (await t.http('GET', '/v3.0/OS-CREDENTIAL/credentials')).body,
      list.body,
      "without user_id: the caller's keys",
    );
    const one = await t.http('GET', `/v3.0/OS-CREDENTIAL/credentials/${c.access}`);
    assert.deepEqual(one.body, { credential: list.body.credentials[0] });
    for (const answer of [list, one]) assert.ok(!JSON.stringify(answer.body).includes(c.secret));
  });

  it('signs a GET list whose query needs percent-encoding, in any order', async () => {
    const created = await t.http('POST', t.instances(), { body: createBody('by-token') });
    assert.equal(created.status, 200);
    const res = await signed(adminKey, {
      method: 'GET',
      path: t.instances(),
      query: [
        ['show_self', 'false'],
        ['de_type', 'Notebook'],
        ['workspace_id', '0'],
        ['sortby', 'name'],
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.instances.map((i: any) => i.name),
      ['by-token'],
    );

    const odd = await signed(adminKey, {
      method: 'GET',
      path: t.instances(),
      query: [
        ['de_type', 'Notebook'],
        ['workspace_id', 'ws 0/ü+(x)*!&=~'],
        ['ai_project', ''],
        ['pool_id', '中文'],
      ],
    });
    assert.equal(odd.status, 200, JSON.stringify(odd.body));
    assert.equal(odd.body.total_count, 0);

    // GET /v3/auth/tokens signed: who the key stands for, in its user's first project.
    const who = await signed(adminKey, { method: 'GET', path: '/v3/auth/tokens' });
    assert.equal(who.status, 200, JSON.stringify(who.body));
    assert.deepEqual([who.body.token.user.name, who.body.token.project.id], ['admin', t.projectId]);
  });

  it('signs a POST create with a JSON body (non-ASCII bytes included)', async () => {
    const body = JSON.stringify(createBody('signed-nb', { description: 'signed ünïcode ✓' }));
    const res = await signed(adminKey, { method: 'POST', path: t.instances(), body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [res.body.name, res.body.description, res.body.user.name],
      ['signed-nb', 'signed ünïcode ✓', 'admin'],
    );
  });

  it('signs paths with percent-encoded segments', async () => {
    const list = await t.http('GET', `${t.instances()}?de_type=Notebook&show_self=false`);
    const id: string = list.body.instances[0].id;
    // Needlessly encoded characters: canonicalised to the same path the server routes.
    const encodedId = `%${id.charCodeAt(0).toString(16).toUpperCase()}${id.slice(1)}`;
    const encodedProject = `%${t.projectId.charCodeAt(0).toString(16)}${t.projectId.slice(1)}`;
    const res = await signed(adminKey, {
      method: 'GET',
      path: `/v1/${encodedProject}/demanager/instances/${encodedId}`,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.id, id);
    // A segment with a space: authenticated, then simply not found.
    const missing = await signed(adminKey, { method: 'GET', path: `${t.instances()}/no%20such%3Ainstance` });
    assertError(missing, 'ModelArts.6309', 400);
  });

  it('accepts X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD', async () => {
    const res = await signed(adminKey, {
      method: 'POST',
      path: t.instances(),
      body: JSON.stringify(createBody('unsigned-payload')),
      unsignedPayload: true,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.name, 'unsigned-payload');
  });

  it('refuses a signed body over the body limit with 413, as an unsigned one', async () => {
    const body = JSON.stringify(createBody('too-big', { description: 'x'.repeat(1024 * 1024) }));
    assertError(await signed(adminKey, { method: 'POST', path: t.instances(), body }), 'ModelArts.0413', 413);
  });

  it("accepts a date within 15 minutes either way, and an X-Project-Id that names the path's project", async () => {
    for (const offset of [-14 * 60_000, 14 * 60_000]) {
      const res = await signed(adminKey, {
        method: 'GET',
        path: t.instances(),
        query: [['de_type', 'Notebook']],
        at: clock.now() + offset,
      });
      assert.equal(res.status, 200, `offset ${offset}: ${JSON.stringify(res.body)}`);
    }
    const res = await signed(adminKey, {
      method: 'GET',
      path: t.instances(),
      query: [['de_type', 'Notebook']],
      headers: { 'X-Project-Id': t.projectId },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  it('rejects every wrong signature with 401 APIGW.0301, changing nothing', async () => {
    const list: Unsigned = {
      method: 'GET',
      path: t.instances(),
      query: [
        ['de_type', 'Notebook'],
        ['limit', '1'],
      ],
    };
    const create: Unsigned = { method: 'POST', path: t.instances(), body: JSON.stringify(createBody('tamper-me')) };
    const reject = (what: string, request: () => Promise<HttpResult>) =>
      assertRejected(t, request, 'APIGW.0301', 401, what);

    // The instances the cases above created settle first: a start still under way would change
    // the project between a rejected request's before and after.
    const settled = await t.http('GET', `${t.instances()}?de_type=Notebook&show_self=false`);
    for (const instance of settled.body.instances) await waitForStatus(t, instance.id, ['RUNNING']);

    // Replay: a request signed now, sent 16 minutes later; and one dated 16 minutes ahead.
    const stale = signAs(adminKey, create);
    clock.advance(16 * 60_000);
    await reject('replayed outside the window', () => send(stale));
    await reject('dated 16 min in the future', () => signed(adminKey, { ...create, at: clock.now() + 16 * 60_000 }));
    await reject('dated 16 min in the past', () => signed(adminKey, { ...create, at: clock.now() - 16 * 60_000 }));

    const tamper = (what: string, change: (s: Signed) => Signed, request = create) =>
      reject(what, () => send(change(signAs(adminKey, request))));
    await tamper('tampered body', (s) => ({ ...s, body: s.body!.replace('tamper-me', 'tamper-mE') }));
    await tamper('tampered path', (s) => ({ ...s, target: `/v1/${t.projectId}/demanager/instances/` }), list);
    await tamper('tampered query', (s) => ({ ...s, target: s.target.replace('limit=1', 'limit=2') }), list);
    await tamper('added query parameter', (s) => ({ ...s, target: `${s.target}&show_self=false` }), list);
    await tamper('a + where %2B was signed', (s) => ({ ...s, target: s.target.replace('%2B', '+') }), {
      ...list,
      query: [
        ['de_type', 'Notebook'],
        ['workspace_id', 'a+b'],
      ],
    });
    await tamper('tampered method', (s) => ({ ...s, method: 'PUT' }), {
      method: 'POST',
      path: `${t.instances()}/x`,
      body: '{}',
    });
    await tamper('tampered signed header', (s) => ({ ...s, headers: { ...s.headers, 'x-request-note': 'two' } }), {
      ...list,
      headers: { 'X-Request-Note': 'one' },
    });
    await tamper(
      'signed header left out',
      (s) => {
        const { 'x-request-note': _dropped, ...headers } = s.headers;
        return { ...s, headers };
      },
      { ...list, headers: { 'X-Request-Note': 'one' } },
    );
    await tamper(
      'tampered X-Sdk-Date',
      (s) => ({ ...s, headers: { ...s.headers, 'x-sdk-date': sdkDate(clock.now() - 1000) } }),
      list,
    );
    await tamper('UNSIGNED-PAYLOAD added after signing', (s) => ({
      ...s,
      headers: { ...s.headers, 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' },
    }));
    await tamper('signature of another request', (s) => {
      const other = signAs(adminKey, list);
      return { ...s, headers: { ...s.headers, authorization: other.headers.authorization! } };
    });
    // The last character changed (to one it is not: a random secret ends in 'x' one time in 62).
    const wrongLast = adminKey.secret.endsWith('x') ? 'y' : 'x';
    await reject('wrong SK', () =>
      signed({ access: adminKey.access, secret: `${adminKey.secret.slice(0, -1)}${wrongLast}` }, create),
    );
    await reject('unknown AK', () => signed({ access: 'AAAAAAAAAAAAAAAAAAAA', secret: adminKey.secret }, create));
    await reject('X-Project-Id of another project', () =>
      signed(adminKey, { ...list, headers: { 'X-Project-Id': '0'.repeat(32) } }),
    );
    // An empty project in the path names no project, not the key user's first one: also right after
    // a call that names none (a path without a project), which does resolve to the first one.
    const unscoped = await signed(adminKey, { method: 'GET', path: '/v3.0/OS-CREDENTIAL/credentials' });
    assert.equal(unscoped.status, 200, JSON.stringify(unscoped.body));
    await reject('an empty project in the path', () => signed(adminKey, { ...list, path: '/v1//demanager/instances' }));
    await reject('an empty project in the path of an event stream', () =>
      signed(adminKey, { method: 'GET', path: '/v1//demanager/instance-changes' }),
    );
    await reject('an empty project in the path of a create', () =>
      signed(adminKey, { ...create, path: '/v1//demanager/instances' }),
    );
    for (const authorization of [
      'SDK-HMAC-SHA256',
      'SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=00',
      `SDK-HMAC-SHA256 Access=${adminKey.access}, SignedHeaders=host;x-sdk-date`,
      `SDK-HMAC-SHA256 Access=${adminKey.access}, SignedHeaders=host;x-sdk-date, Signature=not-hex`,
    ]) {
      await tamper(
        `malformed Authorization ${authorization}`,
        (s) => ({ ...s, headers: { ...s.headers, authorization } }),
        list,
      );
    }
    await tamper(
      'missing X-Sdk-Date',
      (s) => {
        const { 'x-sdk-date': _dropped, ...headers } = s.headers;
        return { ...s, headers };
      },
      list,
    );
    await tamper(
      'X-Sdk-Date not in the basic format',
      (s) => ({ ...s, headers: { ...s.headers, 'x-sdk-date': new Date(clock.now()).toISOString() } }),
      list,
    );
  });

  it('a key sealed under a master key this server was not given verifies nothing: 401, not a fault', async () => {
    const key = await createKey(adminId, undefined, 'sealed elsewhere');
    const stored = (await t.app.services.store.identity.getAccessKey(key.access))!;
    const foreign = `sealed:v2:ffffffff:${Buffer.from('not ours').toString('base64url')}`;
    assert.ok(await t.app.services.store.identity.replaceSealedSecret(key.access, stored.sealedSecret, foreign));
    await assertRejected(
      t,
      () => signed(key, { method: 'GET', path: t.instances() }),
      'APIGW.0301',
      401,
      'unopenable secret',
    );
  });

  it("acts as the key's user in the path's project, by the same rules as tokens", async () => {
    const alice = await member(t, 'alice', t.projectId);
    const aliceKey = await createKey(alice.userId, alice.token);
    const own = await signed(aliceKey, {
      method: 'POST',
      path: t.instances(),
      body: JSON.stringify(createBody('alices-nb')),
    });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal(own.body.user.name, 'alice');
    const mine = await signed(aliceKey, { method: 'GET', path: t.instances(), query: [['de_type', 'Notebook']] });
    assert.deepEqual(
      mine.body.instances.map((i: any) => i.name),
      ['alices-nb'],
    );
    // A member acts on their own instances only, whatever signs the request.
    const adminsNb = (await t.http('GET', `${t.instances()}?de_type=Notebook`)).body.instances[0];
    assertError(
      await signed(aliceKey, { method: 'DELETE', path: `${t.instances()}/${adminsNb.id}` }),
      'ModelArts.0108',
      403,
    );
    // The system-admin API stays closed to her; the project she has no role in too.
    assertError(await signed(aliceKey, { method: 'GET', path: '/v3/users' }), 'ModelArts.0108', 403);
    const other = await createProject(t, 'elsewhere');
    await assertRejected(
      t,
      () => signed(aliceKey, { method: 'GET', path: t.instances(other), query: [['de_type', 'Notebook']] }),
      'APIGW.0301',
      401,
      'no role in the project',
    );
    // The admin's key works on the admin API and in any project where the admin has a role.
    assert.equal((await signed(adminKey, { method: 'GET', path: '/v3/users' })).status, 200);

    // Disabling the user stops her keys; enabling brings them back.
    assert.equal(
      (await t.http('PATCH', `/v3/users/${alice.userId}`, { body: { user: { enabled: false } } })).status,
      200,
    );
    await assertRejected(
      t,
      () => signed(aliceKey, { method: 'GET', path: t.instances(), query: [['de_type', 'Notebook']] }),
      'APIGW.0301',
      401,
      'disabled user',
    );
    assert.equal(
      (await t.http('PATCH', `/v3/users/${alice.userId}`, { body: { user: { enabled: true } } })).status,
      200,
    );
    assert.equal(
      (await signed(aliceKey, { method: 'GET', path: t.instances(), query: [['de_type', 'Notebook']] })).status,
      200,
    );
  });

  it("manages keys: one's own, or anyone's as a system admin; 403 for others' and 404 for unknown keys", async () => {
    const bob = await member(t, 'bob', t.projectId);
    const bobKey = await createKey(bob.userId, bob.token, "bob's");
    const otherAdminKey = await createKey(adminId);
    const asBob = { token: bob.token };
    const path = '/v3.0/OS-CREDENTIAL/credentials';
    assertError(
      await t.http('POST', path, { ...asBob, body: { credential: { user_id: adminId } } }),
      'ModelArts.0108',
      403,
    );
    assertError(await t.http('GET', `${path}?user_id=${adminId}`, asBob), 'ModelArts.0108', 403);
    assertError(await t.http('GET', `${path}/${otherAdminKey.access}`, asBob), 'ModelArts.0108', 403);
    assertError(await t.http('DELETE', `${path}/${otherAdminKey.access}`, asBob), 'ModelArts.0108', 403);
    assertError(await t.http('GET', `${path}/AAAAAAAAAAAAAAAAAAAA`, asBob), 'IAM.0002', 404);
    assertError(await t.http('POST', path, { body: { credential: { user_id: 'no-such-user' } } }), 'IAM.0002', 404);
    assertError(await t.http('POST', path, { body: { credential: {} } }), 'ModelArts.6335', 400);
    assertError(await t.http('GET', path, { token: null }), 'ModelArts.0201', 401);
    assert.deepEqual(
      (await t.http('GET', path, asBob)).body.credentials.map((c: any) => c.access),
      [bobKey.access],
    );
    // A signed request may manage keys too: bob lists his own with his key.
    const listed = await signed(bobKey, { method: 'GET', path });
    assert.deepEqual(
      listed.body.credentials.map((c: any) => [c.access, c.description]),
      [[bobKey.access, "bob's"]],
    );
    assert.ok(listed.body.credentials[0].last_use_time, 'last use is recorded');
    // The admin manages bob's keys.
    const byAdmin = await t.http('GET', `${path}?user_id=${bob.userId}`);
    assert.deepEqual(
      byAdmin.body.credentials.map((c: any) => c.access),
      [bobKey.access],
    );

    // A deleted key stops working at once.
    assert.equal((await t.http('DELETE', `${path}/${otherAdminKey.access}`)).status, 204);
    assertError(await t.http('GET', `${path}/${otherAdminKey.access}`), 'IAM.0002', 404);
    await assertRejected(
      t,
      () => signed(otherAdminKey, { method: 'GET', path: t.instances(), query: [['de_type', 'Notebook']] }),
      'APIGW.0301',
      401,
      'deleted key',
    );
    assert.equal((await t.http('DELETE', `${path}/${bobKey.access}`, asBob)).status, 204);
    await assertRejected(
      t,
      () => signed(bobKey, { method: 'GET', path }),
      'APIGW.0301',
      401,
      'key deleted by its owner',
    );
    // Deleting a user deletes their keys.
    const carolKey = await createKey((await member(t, 'carol', t.projectId)).userId);
    const carolId = (await t.http('GET', `${path}/${carolKey.access}`)).body.credential.user_id;
    assert.equal((await t.http('DELETE', `/v3/users/${carolId}`)).status, 204);
    assertError(await t.http('GET', `${path}/${carolKey.access}`), 'IAM.0002', 404);
  });

  it('keeps no secret key in clear in the database', async () => {
    assert.ok(secretsSeen.length >= 4);
    const bytes = databaseBytes(t.dataDir);
    assert.ok(bytes.includes(adminKey.access), 'the access key is in the database files');
    for (const secret of secretsSeen) {
      assert.ok(!bytes.includes(secret), `found the secret key ${secret.slice(0, 6)}… in clear`);
      assert.ok(!bytes.includes(Buffer.from(secret).toString('hex')), 'hex-encoded');
      assert.ok(!bytes.includes(Buffer.from(secret).toString('base64')), 'base64-encoded');
    }
  });
});
