/**
 * A real notebook end to end: the local runtime starts Debian's Jupyter, the proxy admits only the
 * holder of the instance token, a kernel executes code over a WebSocket through the proxy, the UI
 * still loads under the proxy's security headers, a cross-origin write or upgrade carrying the
 * cookie is refused (Jupyter itself would accept it: the proxy token-authenticates every request),
 * a saved notebook lands in the instance's storage and survives stop/start, and delete leaves no
 * process.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workloadCookies } from '../../src/proxy/workload-headers.js';
import { capturedLog } from '../support/captured-log.js';
import { execute } from '../support/kernel-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const EVIL = 'http://evil.example';
const CPU = { profile_id: 'Multi-Engine 1.0 (python3)-cpu', flavor: 'modelarts.vm.cpu.2u' };

async function waitFor(t: TestApp, id: string, statuses: string[], token = t.adminToken): Promise<any> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await t.http('GET', `${t.instances()}/${id}`, { token });
    if (statuses.includes(res.body.status)) return res.body;
    assert.ok(Date.now() < deadline, `still ${res.body.status}: ${JSON.stringify(res.body.spec?.failed_reasons)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a real notebook through the proxy', () => {
  let t: TestApp;
  let id = '';
  let cookie = '';
  let notebookPath = '';
  let kernelUrl = '';
  /** The server's log, line by line, debug lines included. */
  const log = capturedLog('debug');
  const logLines = log.lines;

  before(async () => {
    t = await startTestApp({
      runtime: { driver: 'local', pollIntervalSeconds: 1 },
      start: { logger: log.logger },
    });
    const created = await t.http('POST', t.instances(), {
      body: { name: 'real-nb', ...CPU, spec: { storage: { type: 'evs' } } },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    id = created.body.id;
    notebookPath = `/notebook/${id}/`;
  });
  after(() => t.stop());

  async function openWithToken(): Promise<string> {
    const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
    assert.match(token, /^[0-9a-f]{32}$/);
    const res = await fetch(`${t.url}${notebookPath}?token=${token}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), notebookPath, 'the token leaves the URL');
    const setCookie = res.headers.get('set-cookie')!;
    assert.match(setCookie, new RegExp(`Path=${notebookPath}; HttpOnly`));
    return setCookie.split(';')[0]!;
  }

  it('runs: the URL opens only with the token, and the workload token is never shown', async () => {
    const running = await waitFor(t, id, ['RUNNING']);
    assert.equal(running.spec.annotations.url, `${t.url}${notebookPath}`);
    // The start reported its progress into the instance's history, in order.
    const events = (await t.http('GET', `${t.instances()}/${id}/events`)).body.events as any[];
    const progress = events.filter((e) => e.kind === 'progress').map((e) => [e.to_status, e.detail.message]);
    assert.deepEqual(progress, [
      ['CREATING', 'preparing the instance storage'],
      ['STARTING', 'starting jupyter notebook and waiting for it to answer'],
    ]);
    const bare = await fetch(`${t.url}${notebookPath}api/status`);
    assert.equal(bare.status, 403);
    assert.match(await bare.text(), /Notebook not available/);
    const wrong = await fetch(`${t.url}${notebookPath}api/status?token=${'0'.repeat(32)}`, { redirect: 'manual' });
    assert.equal(wrong.status, 403);
    cookie = await openWithToken();
    const status = await fetch(`${t.url}${notebookPath}api/status`, { headers: { cookie } });
    assert.equal(status.status, 200);
    const tree = await fetch(`${t.url}${notebookPath}tree`, { headers: { cookie } });
    assert.equal(tree.status, 200);
    assert.match(await tree.text(), /<html/i);
    const stored = await t.app.services.store.instances.getById(id);
    assert.ok(
      !JSON.stringify(stored).includes(
        t.app.services.instanceTokens.workloadToken(id, String(stored!.runtime!.data.runId)),
      ),
    );
  });

  it("logs one line per proxied request: a success at debug level, as Jupyter does, a refusal at info; never the workload's address", async () => {
    /** The lines logged for the one request to `path`, once its completion line is there. */
    async function linesOf(path: string) {
      const of = () => logLines.filter((l) => l.req?.url === path);
      for (let i = 0; i < 100 && !of().some((l) => l.msg === 'request completed'); i++)
        await new Promise((r) => setTimeout(r, 20));
      const ids = new Set(of().map((l) => l.reqId));
      assert.equal(ids.size, 1, JSON.stringify(of()));
      return logLines.filter((l) => ids.has(l.reqId)).map((l) => [l.level, l.msg, l.res?.statusCode]);
    }
    const ok = await fetch(`${t.url}${notebookPath}api/status?seen=ok`, { headers: { cookie } });
    assert.equal(ok.status, 200);
    await ok.text();
    assert.deepEqual(await linesOf(`${notebookPath}api/status?seen=ok`), [[20, 'request completed', 200]]);
    const refused = await fetch(`${t.url}${notebookPath}api/status?seen=refused`);
    assert.equal(refused.status, 403);
    await refused.text();
    assert.deepEqual(await linesOf(`${notebookPath}api/status?seen=refused`), [[30, 'request completed', 403]]);
    const endpoint = (await t.app.services.store.instances.getById(id))!.runtime!.endpoint!;
    assert.ok(!JSON.stringify(logLines).includes(endpoint), "the workload's address stays out of the log");
  });

  it('executes code in a kernel over the WebSocket through the proxy', async () => {
    const kernel = await fetch(`${t.url}${notebookPath}api/kernels`, {
      method: 'POST',
      headers: { cookie, origin: t.url, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(kernel.status, 201, await kernel.clone().text());
    const { id: kernelId } = (await kernel.json()) as { id: string };
    kernelUrl = `${t.url.replace('http', 'ws')}${notebookPath}api/kernels/${kernelId}/channels`;
    assert.equal(await execute(kernelUrl, cookie, 'print(6 * 7)', t.url), '42\n');
    // Without the cookie the upgrade is refused before anything reaches the notebook.
    await assert.rejects(execute(kernelUrl, '', 'print(1)', t.url), /403/);
  });

  it('serves the UI with the security headers, its assets with types a nosniff browser accepts', async () => {
    const page = `${t.url}${notebookPath}tree`;
    const tree = await fetch(page, { headers: { cookie } });
    assert.equal(tree.status, 200);
    assert.equal(tree.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(tree.headers.get('referrer-policy'), 'same-origin');
    assert.equal(tree.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.match(
      tree.headers.get('content-security-policy')!,
      /^frame-ancestors 'self'; report-uri /,
      'Jupyter’s own policy is kept',
    );
    const html = await tree.text();
    const assets: [string, RegExp][] = [
      ...[...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m): [string, RegExp] => [m[1]!, /javascript/]),
      ...[...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m): [string, RegExp] => [
        m[1]!,
        /^text\/css/,
      ]),
    ];
    assert.ok(assets.length >= 3, html);
    for (const [href, type] of assets) {
      const asset = await fetch(new URL(href, page), { headers: { cookie, referer: page } });
      assert.equal(asset.status, 200, href);
      assert.match(asset.headers.get('content-type') ?? '', type, href);
    }
    // The cookies Jupyter sets for itself are the ones the proxy hands back to it.
    const issued = tree.headers.getSetCookie().map((c) => c.split(';')[0]!);
    assert.deepEqual(issued.map((c) => c.split('=')[0]!.replace(/^username-.*/, 'username-…')).sort(), [
      '_xsrf',
      'username-…',
    ]);
    for (const pair of issued) assert.equal(workloadCookies(pair), pair);
  });

  it('refuses a cross-origin POST and WebSocket upgrade carrying the cookie, which Jupyter alone would let through', async () => {
    const kernels = async () =>
      ((await (await fetch(`${t.url}${notebookPath}api/kernels`, { headers: { cookie } })).json()) as unknown[]).length;
    const before = await kernels();
    const forged = await fetch(`${t.url}${notebookPath}api/kernels`, {
      method: 'POST',
      headers: { cookie, origin: EVIL, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(forged.status, 403);
    assert.equal(await kernels(), before, 'no kernel was started');
    await assert.rejects(execute(kernelUrl, cookie, 'print(1)', EVIL), /403/);
    assert.equal(await execute(kernelUrl, cookie, 'print(1 + 1)', t.url), '2\n');
  });

  it('saves a notebook into the instance storage, where it survives stop and start', async () => {
    const notebook = { type: 'notebook', content: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 } };
    const put = await fetch(`${t.url}${notebookPath}api/contents/kept.ipynb`, {
      method: 'PUT',
      headers: { cookie, origin: t.url, 'content-type': 'application/json' },
      body: JSON.stringify(notebook),
    });
    assert.equal(put.status, 201, await put.clone().text());
    const onDisk = join(t.dataDir, 'instances', id, 'work', 'kept.ipynb');
    assert.ok(existsSync(onDisk), `${onDisk} exists`);
    assert.equal(JSON.parse(readFileSync(onDisk, 'utf8')).nbformat, 4);

    const before = (await t.app.services.store.instances.getById(id))!.runtime!.data.pid as number;
    assert.equal((await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'stop' } })).status, 200);
    await waitFor(t, id, ['STOPPED']);
    assert.equal(alive(before), false, 'the notebook process is gone after stop');
    // The old cookie stopped working with the run it belonged to.
    assert.equal((await fetch(`${t.url}${notebookPath}api/status`, { headers: { cookie } })).status, 403);

    assert.equal((await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'start' } })).status, 200);
    await waitFor(t, id, ['RUNNING']);
    cookie = await openWithToken();
    const listed = await fetch(`${t.url}${notebookPath}api/contents`, { headers: { cookie } });
    const names = ((await listed.json()) as { content: { name: string }[] }).content.map((c) => c.name);
    assert.ok(names.includes('kept.ipynb'), names.join(','));
  });

  it('admits nobody else: another member of the project, another project', async () => {
    const member = await t.http('POST', '/v3/users', {
      body: { user: { name: 'nb-member', password: 'nb-member-pass' } },
    });
    await t.http('PUT', `/v3/projects/${t.projectId}/users/${member.body.user.id}/roles/member`);
    const memberToken = (await t.login('nb-member', 'nb-member-pass')).token;
    const refused = await t.http('GET', `${t.instances()}/${id}/token`, { token: memberToken });
    assert.deepEqual([refused.status, refused.body.error_code], [403, 'ModelArts.0108']);

    const project = await t.http('POST', '/v3/projects', { body: { project: { name: 'nb-other' } } });
    const outsider = await t.http('POST', '/v3/users', {
      body: { user: { name: 'nb-outsider', password: 'nb-outsider-pass' } },
    });
    await t.http('PUT', `/v3/projects/${project.body.project.id}/users/${outsider.body.user.id}/roles/admin`);
    const outsiderLogin = await t.login('nb-outsider', 'nb-outsider-pass');
    const foreign = await t.http('GET', `/v1/${outsiderLogin.projectId}/demanager/instances/${id}/token`, {
      token: outsiderLogin.token,
    });
    assert.equal(foreign.body.error_code, 'ModelArts.6309');
    // An API token is not a notebook credential.
    const withApiToken = await fetch(`${t.url}${notebookPath}api/status`, {
      headers: { 'X-Auth-Token': outsiderLogin.token },
    });
    assert.equal(withApiToken.status, 403);
  });

  it('delete leaves no process behind', async () => {
    const pid = (await t.app.services.store.instances.getById(id))!.runtime!.data.pid as number;
    assert.equal(alive(pid), true);
    await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'stop' } });
    await waitFor(t, id, ['STOPPED']);
    assert.equal((await t.http('DELETE', `${t.instances()}/${id}`)).status, 200);
    for (let i = 0; i < 100; i++) {
      if ((await t.http('GET', `${t.instances()}/${id}`)).body.error_code === 'ModelArts.6309') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(alive(pid), false);
    assert.equal(existsSync(join(t.dataDir, 'instances', id)), false, 'evs storage removed with the instance');
  });
});
