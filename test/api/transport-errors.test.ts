/**
 * @module test/api/transport-errors
 * Requests refused before any route sees them — by Node's HTTP parser (oversized headers, a
 * malformed request) or by Fastify's router (an undecodable path, an overlong parameter) — still
 * answer a ModelArts error body, not Fastify's own. Found by test/api/hostile-input. So does a
 * body the API does not read (any type but JSON).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { rawClient, type RawResponse } from '../support/raw-http.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

describe('requests Fastify or Node refuse before routing answer a ModelArts error too', () => {
  let t: TestApp;
  let client: ReturnType<typeof rawClient>;
  before(async () => {
    t = await startTestApp();
    client = rawClient(t.url);
  });
  after(async () => {
    client.close();
    await t.stop();
  });

  function assertModelArts(res: RawResponse, code: string, status: number, context: string): void {
    assert.equal(res.status, status, `${context}: ${res.status} ${res.text}`);
    assert.match(String(res.headers['content-type']), /^application\/json/, context);
    const body = JSON.parse(res.text);
    assert.equal(body.error_code, code, context);
    assert.ok(body.error_msg.length > 0 && body.error_message === body.error_msg, context);
  }

  it('a body of any type but JSON: 415 ModelArts.0415, text/plain too; an empty one of any type is no body', async () => {
    const body = JSON.stringify(cpuBody('typed', 'modelarts.vm.cpu.2u'));
    for (const type of [
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'application/xml',
    ]) {
      const res = await fetch(t.url + t.instances(), {
        method: 'POST',
        headers: { 'content-type': type, 'x-auth-token': t.adminToken },
        body,
      });
      assertModelArts(
        { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() },
        'ModelArts.0415',
        415,
        type,
      );
    }
    assert.equal((await t.http('GET', `${t.instances()}?de_type=Notebook`)).body.total_count, 0, 'nothing was created');
    const made = await t.http('POST', t.instances(), { body: cpuBody('typed', 'modelarts.vm.cpu.2u') });
    assert.equal(made.status, 200);
    await waitForStatus(t, made.body.id, ['RUNNING']);
    const stop = await fetch(`${t.url}${t.instances()}/${made.body.id}/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': t.adminToken },
      body: '{"action":"stop"}',
    });
    assert.equal(stop.status, 200);
    await waitForStatus(t, made.body.id, ['STOPPED']);
    const removed = await fetch(`${t.url}${t.instances()}/${made.body.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'text/plain', 'x-auth-token': t.adminToken },
    });
    assert.equal(removed.status, 200, await removed.text());
  });

  it("headers over Node's limit: 431 ModelArts.0431 (and no body for HEAD)", async () => {
    const target = `${t.instances()}?de_type=Notebook&x=${'q'.repeat(20_000)}`;
    assertModelArts(
      await client.send({ method: 'GET', target, headers: { 'x-auth-token': t.adminToken } }),
      'ModelArts.0431',
      431,
      'GET',
    );
    const head = await client.send({ method: 'HEAD', target, headers: { 'x-auth-token': t.adminToken } });
    assert.equal(head.status, 431);
    assert.equal(head.text, '');
  });

  it("a request Node's HTTP parser refuses: 400 ModelArts.0400", async () => {
    const { hostname, port } = new URL(t.url);
    for (const head of [
      'GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n',
      'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
      'BREW /pot HTCPCP/1.0\r\n\r\n',
    ]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.end(head));
        let text = '';
        socket
          .on('data', (chunk) => (text += chunk.toString('utf8')))
          .on('end', () => resolve(text))
          .on('error', reject);
      });
      const [statusLine = '', ...rest] = answer.split('\r\n');
      assert.match(statusLine, /^HTTP\/1\.1 400 /, JSON.stringify(head));
      const body = JSON.parse(rest.slice(rest.indexOf('') + 1).join('\r\n'));
      assert.equal(body.error_code, 'ModelArts.0400', JSON.stringify(head));
      assert.equal(body.error_message, body.error_msg);
    }
  });

  it('a path the router cannot decode, or a parameter longer than any id: 404 ModelArts.0404', async () => {
    for (const target of [
      `${t.instances()}/%zz`,
      `${t.instances()}/%E0%80`,
      `/v3/users/${'a'.repeat(300)}`,
      `${t.instances()}/${'a'.repeat(300)}/action`,
    ]) {
      const res = await client.send({ method: 'GET', target, headers: { 'x-auth-token': t.adminToken } });
      assertModelArts(res, 'ModelArts.0404', 404, target.slice(0, 80));
    }
  });
});
