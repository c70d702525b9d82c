/**
 * `notebookHost`: a host name per notebook. The pattern is checked at start-up; notebook URLs
 * name the instance's own host (scheme and port from the public URL, or from the request); a
 * notebook host serves its own notebook's path and nothing else — not the API, the console, the
 * health checks or another notebook — and the main host serves no notebook. Over real HTTP with
 * the `Host` a browser would send (Node's resolver does not know `*.localhost`). The real notebooks,
 * the cookie and the browser are in test/notebook/notebook-hosts.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mainOriginOf } from '../../src/proxy/notebook-hosts.js';
import { loadConfigOptions, resolveConfig } from '../../src/server/config.js';
import { create, CPU_FLAVOR, listInstances, waitStatus } from '../support/api.js';
import { rawClient, type RawResponse } from '../support/raw-http.js';
import { cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const PATTERN = '{id}.nb.localhost';

describe('notebookHost: the pattern', () => {
  it('refuses a pattern without {id} once in its first label, or not a host name, saying how to write it', () => {
    for (const bad of [
      'nb.localhost',
      '{id}.{id}.localhost',
      'nb.{id}.localhost',
      '{id}',
      '{id}_x.nb.localhost',
      'https://{id}.nb.localhost',
      '{id}.nb.localhost/path',
      '{id}.nb.localhost:0',
      '{id}.nb.localhost:70000',
      '{id}..localhost',
      42,
    ]) {
      assert.throws(
        () => resolveConfig({ notebookHost: bad as string }),
        /notebookHost must be a host name with \{id\} once in its first label, such as "\{id\}\.nb\.example\.com"/,
        String(bad),
      );
    }
  });

  it("refuses a pattern that takes in the public URL's own host, where the API and console stay", () => {
    assert.throws(
      () => resolveConfig({ notebookHost: '{id}.example.com', publicUrl: 'https://demanager.example.com' }),
      /takes in publicUrl's own host demanager\.example\.com/,
    );
  });

  it('takes a port, any case, and the environment', () => {
    assert.deepEqual(resolveConfig({ notebookHost: 'NB-{id}.Example.com:8443' }).notebookHost, {
      prefix: 'nb-',
      suffix: '.example.com',
      port: '8443',
    });
    assert.equal(resolveConfig({}).notebookHost, null, 'off by default');
    assert.equal(loadConfigOptions({ DEMANAGER_NOTEBOOK_HOST: PATTERN }, undefined).notebookHost, PATTERN);
  });
});

describe('notebookHost: the way back from a notebook to the console', () => {
  const pattern = resolveConfig({ notebookHost: PATTERN }).notebookHost;
  const at = (host: string) => ({ protocol: 'http' as const, host, hostname: host.split(':')[0]! });

  it("is the public URL's origin, else the request's unless it came to a notebook host, which cannot tell", () => {
    const publicUrl = 'https://demanager.example.com/base/';
    assert.equal(mainOriginOf(pattern, publicUrl, at('de-1.nb.localhost:8080')), 'https://demanager.example.com');
    assert.equal(mainOriginOf(pattern, null, at('127.0.0.1:8080')), 'http://127.0.0.1:8080');
    assert.equal(mainOriginOf(pattern, null, at('de-1.nb.localhost:8080')), null);
    assert.equal(mainOriginOf(null, null, at('127.0.0.1:8080')), 'http://127.0.0.1:8080');
  });
});

describe('notebookHost: URLs and which host serves what', () => {
  let t: TestApp;
  let main: string;
  let raw: ReturnType<typeof rawClient>;
  let a = '';
  let b = '';
  const hostOf = (id: string) => `${id.toLowerCase()}.nb.localhost:${new URL(t.url).port}`;
  const get = (host: string, target: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    raw.send({ method: 'GET', target, headers: { host, ...headers } });

  before(async () => {
    t = await startTestApp({ notebookHost: PATTERN, runtime: { simulated: { delays: INSTANT_PHASES } } });
    main = new URL(t.url).host;
    raw = rawClient(t.url);
    a = (await create(t, cpuBody('host-a', CPU_FLAVOR))).id;
    b = (await create(t, cpuBody('host-b', CPU_FLAVOR))).id;
    await waitStatus(t, a, 'RUNNING');
    await waitStatus(t, b, 'RUNNING');
  });
  after(async () => {
    raw?.close();
    await t?.stop(true);
  });

  it("gives each notebook's URL its own host, in lower case, with the path Jupyter serves under", async () => {
    const detail = (await t.http('GET', `${t.instances()}/${a}`)).body;
    assert.equal(detail.spec.annotations.url, `http://${hostOf(a)}/notebook/${a}/`);
    assert.equal(detail.spec.annotations.target_domain, t.url, 'the API stays where it is');
    const listed = (await listInstances(t)).body.instances as any[];
    assert.equal(listed.find((i) => i.id === b).spec.annotations.url, `http://${hostOf(b)}/notebook/${b}/`);
  });

  it('takes the scheme and port of the public URL, unless the pattern names a port', async () => {
    const apps = [
      await startTestApp({ notebookHost: '{id}.nb.example.com', publicUrl: 'https://demanager.example.com' }),
      await startTestApp({ notebookHost: '{id}.nb.example.com:8443', publicUrl: 'https://demanager.example.com:9443' }),
    ];
    try {
      const urls = [];
      for (const app of apps) {
        const id = (await create(app, cpuBody('scheme', CPU_FLAVOR))).id as string;
        const running = await waitStatus(app, id, 'RUNNING');
        urls.push(running.spec.annotations.url.replace(id.toLowerCase(), '{id}').replace(id, '{ID}'));
      }
      assert.deepEqual(urls, [
        'https://{id}.nb.example.com/notebook/{ID}/',
        'https://{id}.nb.example.com:8443/notebook/{ID}/',
      ]);
    } finally {
      for (const app of apps) await app.stop(true);
    }
  });

  it('answers the API, the console and the health checks on a notebook host with 404, a ModelArts error', async () => {
    const token = { 'x-auth-token': t.adminToken };
    // Any host under the pattern is a notebook's, even one with a dot where the id goes.
    const deeper = `x.${hostOf(a)}`;
    for (const target of [`${t.instances()}?de_type=Notebook`, `${t.instances()}/${a}`, '/healthz', '/openapi.json']) {
      assert.equal((await get(main, target, token)).status, 200, `${target} on the main host`);
      for (const host of [hostOf(a), deeper]) {
        const res = await get(host, target, token);
        assert.equal(res.status, 404, `${target} on ${host}`);
        assert.equal(JSON.parse(res.text).error_code, 'ModelArts.0404', target);
      }
    }
    // The console (built or not: a test checkout may not have built it) is refused before its route.
    const page = await get(hostOf(a), '/console/');
    assert.deepEqual(
      [page.status, JSON.parse(page.text).error_msg],
      [404, 'The requested resource /console/ does not exist.'],
    );
    const login = await raw.send({
      method: 'POST',
      target: '/v3/auth/tokens',
      headers: { host: hostOf(a), 'content-type': 'application/json' },
      body: Buffer.from('{}'),
    });
    assert.equal(login.status, 404, 'no login on a notebook host either');
  });

  it("serves a notebook's path only on its own host: not on the main host, not on another notebook's", async () => {
    const notHere = async (host: string, target: string) => {
      const res = await get(host, target);
      assert.equal(res.status, 404, `${target} on ${host}`);
      assert.match(res.text, /This notebook is not served at this address/);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    };
    await notHere(main, `/notebook/${a}/`);
    await notHere(main, `/notebook/${a}/api/contents`);
    await notHere(hostOf(b), `/notebook/${a}/api/contents`);
    await notHere(hostOf(a), `/notebook/${b}/`);
    await notHere(`other.nb.localhost:${new URL(t.url).port}`, `/notebook/${a}/`);
    await notHere(`x.${hostOf(a)}`, `/notebook/${a}/`);
    // On its own host the request reaches the proxy, which asks for the token as before.
    const own = await get(hostOf(a), `/notebook/${a}/api/contents`);
    assert.equal(own.status, 403);
    assert.match(own.text, /Open this notebook from its URL with a token/);
    assert.doesNotMatch(own.text, /console/, 'without publicUrl a notebook host cannot tell where the console is');
    // A WebSocket upgrade is routed the same way.
    const upgrade = await get(hostOf(b), `/notebook/${a}/api/kernels/k/channels`, {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    assert.equal(upgrade.status, 404);
  });

  it("links a refusal to the instance's page in the console on the main host, given publicUrl", async () => {
    const app = await startTestApp({
      notebookHost: '{id}.nb.example.com',
      publicUrl: 'https://demanager.example.com',
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
    const client = rawClient(app.url);
    try {
      const id = (await create(app, cpuBody('linked', CPU_FLAVOR))).id as string;
      await waitStatus(app, id, 'RUNNING');
      const refused = await client.send({
        method: 'GET',
        target: `/notebook/${id}/tree`,
        headers: { host: `${id.toLowerCase()}.nb.example.com`, cookie: 'demanager-notebook=stale' },
      });
      assert.equal(refused.status, 403);
      assert.ok(refused.text.includes(`href="https://demanager.example.com/console/#/instances/${id}"`), refused.text);
    } finally {
      client.close();
      await app.stop(true);
    }
  });
});
