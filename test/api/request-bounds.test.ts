/**
 * @module test/api/request-bounds
 * Bounds on what one request may ask for: a list `limit` of at most 1000 and an `offset` that
 * fits the database (out of range is 400 ModelArts.6336, never a 500; no `limit` still lists
 * everything, as the API reference says), and the body limit (a configurable number of bytes;
 * larger bodies, declared or streamed, are 413 ModelArts.0413 and create nothing).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, create, listInstances, names } from '../support/api.js';
import { createBody, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

const BODY_LIMIT = 4096;

/** `value` as JSON, padded with trailing white space to exactly `bytes` bytes. */
function padded(value: unknown, bytes: number): string {
  const json = JSON.stringify(value);
  return json + ' '.repeat(bytes - Buffer.byteLength(json));
}

describe('request bounds', () => {
  let t: TestApp;
  let instanceId = '';
  before(async () => {
    t = await startTestApp({ limits: { bodyLimitBytes: BODY_LIMIT } });
    for (const name of ['bounds-a', 'bounds-b', 'bounds-c']) instanceId = (await create(t, createBody(name))).id;
  });
  after(() => t.stop());

  it('lists every instance without a limit, and pages with one of at most 1000', async () => {
    const all = await listInstances(t);
    assert.equal(all.status, 200);
    assert.equal(all.body.instances.length, 3);
    for (const limit of [1, 1000]) {
      const page = await listInstances(t, `limit=${limit}`);
      assert.equal(page.status, 200, `limit=${limit}`);
      assert.equal(page.body.instances.length, Math.min(limit, 3));
      assert.equal(page.body.total_count, 3);
    }
  });

  it('refuses a limit over 1000 or an offset out of range with 6336, never a 500', async () => {
    for (const query of [
      'limit=1001',
      'limit=99999999999',
      'limit=99999999999999999999999',
      'offset=9223372036854775808',
    ]) {
      const res = await listInstances(t, query);
      assertError(res, 'ModelArts.6336', 400, query);
      assert.match(res.body.error_msg, query.startsWith('limit') ? /'limit'/ : /'offset'/, query);
    }
    const events = `${t.instances()}/${instanceId}/events`;
    assertError(await t.http('GET', `${events}?limit=1001`), 'ModelArts.6336', 400, 'events limit');
    assertError(await t.http('GET', `${events}?offset=99999999999999999999`), 'ModelArts.6336', 400, 'events offset');
  });

  it('reads a number from the query strictly: an empty value is none, anything but a number is 6332', async () => {
    for (const query of ['limit=', 'offset=', 'limit=&offset=']) {
      const page = await listInstances(t, query);
      assert.equal(page.status, 200, query);
      assert.equal(page.body.instances.length, 3, query);
    }
    const paged = await listInstances(t, 'limit=1&offset=2');
    assert.deepEqual([paged.status, paged.body.instances.length], [200, 1]);
    // Each of these was read as some number before (1.5 as 1, true as 1, 0x10 as 16): a typo listed the wrong page.
    for (const query of ['limit=1.5', 'limit=true', 'limit=0x10', 'limit=%201', 'limit=two', 'offset=1&offset=2']) {
      assertError(await listInstances(t, query), 'ModelArts.6332', 400, query);
    }
    // An integer is its digits: exponents, signs, decimals and spaces were read as numbers before
    // (`limit=1e3` listed 1000, `offset=1e1` skipped 10), although the README says numbers are read strictly.
    for (const query of [
      'limit=1e3',
      'limit=2e0',
      'offset=1e1',
      'limit=%2B1',
      'limit=+1',
      'limit=1.0',
      'limit=1e20',
      'offset=1e30',
      'offset=%201',
      'limit=1%20',
    ]) {
      assertError(await listInstances(t, query), 'ModelArts.6332', 400, query);
    }
    const events = `${t.instances()}/${instanceId}/events`;
    for (const query of ['limit=2e0', 'offset=1e1'])
      assertError(await t.http('GET', `${events}?${query}`), 'ModelArts.6332', 400, `events ${query}`);
    assertError(
      await t.http('GET', `/v1/${t.projectId}/demanager/audit?limit=1e2`),
      'ModelArts.6332',
      400,
      'audit limit',
    );
    assertError(await listInstances(t, 'limit=-1'), 'ModelArts.6336', 400, 'limit=-1');
  });

  it('accepts a body of exactly the limit', async () => {
    const body = padded(createBody('bounds-fits'), BODY_LIMIT);
    assert.equal((await t.http('POST', t.instances(), { body })).status, 200);
  });

  it('refuses a body one byte larger with 413 ModelArts.0413, the login included', async () => {
    const body = padded(createBody('bounds-too-big'), BODY_LIMIT + 1);
    assertError(await t.http('POST', t.instances(), { body }), 'ModelArts.0413', 413, 'declared length');
    assertError(await t.http('POST', '/v3/auth/tokens', { token: null, body }), 'ModelArts.0413', 413, 'login');
  });

  it('refuses a streamed body that grows past the limit, with no length declared; neither was created', async () => {
    const chunk = new TextEncoder().encode(padded(createBody('bounds-streamed'), BODY_LIMIT + 1));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(t.url + t.instances(), {
      method: 'POST',
      headers: { 'X-Auth-Token': t.adminToken, 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const answer: HttpResult = { status: res.status, headers: res.headers, body: await res.json() };
    assertError(answer, 'ModelArts.0413', 413, 'chunked');
    assert.deepEqual(
      names((await listInstances(t)).body).filter((n) => n.endsWith('-too-big') || n.endsWith('-streamed')),
      [],
    );
  });
});
