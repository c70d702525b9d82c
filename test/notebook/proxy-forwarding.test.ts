/**
 * How the notebook proxy passes HTTP on (proxy/notebook-forwarding), against the real server with
 * simulated instances whose endpoint is a workload of the test's own: a Node server for bodies that
 * take many chunks each way, and a raw TCP one for what Node would not send (hop-by-hop headers a
 * workload sets, an informational answer first, an answer cut off in the middle). The client's
 * side is a raw socket where what goes over the wire matters.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pointAt } from '../support/echo-workload.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A GET with `node:http`, which sends the path and the `Connection` header as given (fetch
 * resolves dot-segments and drops `Connection`).
 */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { origin } = new URL(url);
    const req = request(origin, { path: url.slice(origin.length), headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const DOWNLOAD = randomBytes(6 * 1024 * 1024);

async function listening<T extends Server | TcpServer>(server: T): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The raw workload's answer to each path it knows, written as is. */
const RAW_ANSWERS: Record<string, string> = {
  hops:
    'HTTP/1.1 200 OK\r\nConnection: keep-alive, x-hop-secret\r\nKeep-Alive: timeout=77\r\nx-hop-secret: 1\r\n' +
    'Transfer-Encoding: chunked\r\nx-kept: yes\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  early:
    'HTTP/1.1 103 Early Hints\r\nLink: </x.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone',
  cut: 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly the start',
  garbled: 'HTTP/1.1 200 OK\r\nx-bad: a\x01b\r\nContent-Length: 2\r\n\r\nok',
};

describe('the notebook proxy passing HTTP on', () => {
  let t: TestApp;
  let node: Server;
  let raw: TcpServer;
  let viaNode = '';
  let viaRaw = '';
  let cookieNode = '';
  let cookieRaw = '';
  /** The requests the Node workload saw end, by path: 'complete', or 'aborted' for a client that left. */
  const ended = new Map<string, string>();
  let rawRequests = 0;

  async function instanceAt(name: string, endpoint: string): Promise<[string, string]> {
    const created = await t.http('POST', t.instances(), { body: cpuBody(name, 'modelarts.vm.cpu.2u') });
    await waitForStatus(t, created.body.id, ['RUNNING']);
    await pointAt(t, created.body.id, endpoint);
    const token = (await t.http('GET', `${t.instances()}/${created.body.id}/token`)).body.token as string;
    const link = await fetch(`${t.url}/notebook/${created.body.id}/?token=${token}`, { redirect: 'manual' });
    return [created.body.id, link.headers.get('set-cookie')!.split(';')[0]!];
  }

  before(async () => {
    t = await startTestApp();
    node = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('close', () => ended.set(req.url!, res.writableFinished ? 'complete' : 'aborted'));
      req.on('end', () => {
        const endless = req.url!.endsWith('/endless');
        if (endless || req.url!.endsWith('/download')) {
          // In many writes, each waiting for the last to drain: the proxy must pace itself to the client.
          let at = 0;
          const more = () => {
            while (endless ? !res.destroyed : at < DOWNLOAD.length) {
              const chunk = endless ? DOWNLOAD.subarray(0, 64 * 1024) : DOWNLOAD.subarray(at, (at += 64 * 1024));
              if (!res.write(chunk)) return void res.once('drain', more);
            }
            res.end();
          };
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          return more();
        }
        const body = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, headers: req.headers, length: body.length, sha: sha(body) }));
      });
    });
    raw = createTcpServer((socket) => {
      // One request per read: each is a head alone, and the proxy keeps its connections.
      socket.on('data', (head: Buffer) => {
        rawRequests++;
        const path = /^\w+ \/notebook\/[^/]+\/(\w+)/.exec(String(head))?.[1] ?? '';
        const answer = RAW_ANSWERS[path];
        if (path === 'cut') socket.write(answer!, () => socket.destroy());
        else socket.write(answer ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      });
    });
    [viaNode, cookieNode] = await instanceAt('forward-node', await listening(node));
    [viaRaw, cookieRaw] = await instanceAt('forward-raw', await listening(raw));
  });
  after(async () => {
    await t.stop();
    node.closeAllConnections();
    await new Promise((resolve) => node.close(resolve));
    await new Promise((resolve) => raw.close(resolve));
  });

  const nodeUrl = (path: string) => `${t.url}/notebook/${viaNode}/${path}`;
  const rawUrl = (path: string) => `${t.url}/notebook/${viaRaw}/${path}`;

  it('streams a large upload to the workload and a large download back, byte for byte', async () => {
    const upload = randomBytes(5 * 1024 * 1024 + 7);
    const sent = await fetch(nodeUrl('upload'), {
      method: 'PUT',
      headers: { cookie: cookieNode, origin: t.url, 'content-type': 'application/octet-stream' },
      body: upload,
    });
    assert.equal(sent.status, 200);
    const seen = (await sent.json()) as { length: number; sha: string; method: string };
    assert.deepEqual([seen.method, seen.length, seen.sha], ['PUT', upload.length, sha(upload)]);

    const got = await fetch(nodeUrl('download'), { headers: { cookie: cookieNode } });
    assert.equal(got.status, 200);
    const body = Buffer.from(await got.arrayBuffer());
    assert.equal(body.length, DOWNLOAD.length);
    assert.equal(sha(body), sha(DOWNLOAD));
  });

  it('sends a chunked upload on whole, and answers HEAD with headers only', async () => {
    const parts = [randomBytes(300_000), randomBytes(5), randomBytes(200_000)];
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(nodeUrl('chunked'), {
        method: 'POST',
        headers: { cookie: cookieNode, origin: t.url, 'content-type': 'application/octet-stream' },
      });
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      for (const part of parts) req.write(part);
      req.end();
    });
    assert.equal(answer.status, 200);
    const seen = JSON.parse(answer.body) as { length: number; sha: string };
    assert.deepEqual([seen.length, seen.sha], [500_005, sha(Buffer.concat(parts))]);

    const head = await fetch(nodeUrl('head'), { method: 'HEAD', headers: { cookie: cookieNode } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'application/json');
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('keeps hop-by-hop headers to their own hop, both ways', async () => {
    const sent = await get(nodeUrl('headers'), {
      cookie: cookieNode,
      connection: 'keep-alive, x-client-hop',
      'x-client-hop': 'secret',
      'x-end': 'kept',
    });
    const { headers } = JSON.parse(sent.body) as { headers: Record<string, string> };
    assert.equal(headers['x-client-hop'], undefined, 'a header the Connection header names goes no further');
    assert.equal(headers['x-end'], 'kept');

    const got = await fetch(rawUrl('hops'), { headers: { cookie: cookieRaw } });
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'hello');
    assert.equal(got.headers.get('x-hop-secret'), null);
    assert.notEqual(got.headers.get('keep-alive'), 'timeout=77', "the workload's keep-alive is its own");
    assert.equal(got.headers.get('x-kept'), 'yes');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
  });

  it('passes the final answer after an informational one', async () => {
    const got = await fetch(rawUrl('early'), { headers: { cookie: cookieRaw } });
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'done');
  });

  it('cuts the connection when the workload fails in the middle of an answer, never a short 200', async () => {
    const got = await fetch(rawUrl('cut'), { headers: { cookie: cookieRaw } });
    assert.equal(got.status, 200);
    await assert.rejects(got.arrayBuffer(), 'the body does not end as if whole');
    // The proxy still answers: the cut took only its own connection with it.
    assert.equal((await fetch(rawUrl('early'), { headers: { cookie: cookieRaw } })).status, 200);
  });

  it('stops asking the workload when the client leaves in the middle of an answer', async () => {
    const client = new AbortController();
    const got = await fetch(nodeUrl('endless'), { headers: { cookie: cookieNode }, signal: client.signal });
    await got.body!.getReader().read();
    client.abort();
    const path = `/notebook/${viaNode}/endless`;
    for (let i = 0; i < 250 && !ended.has(path); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(ended.get(path), 'aborted');
  });

  it('refuses a path that climbs out of its notebook, before the workload sees it, and passes names that only look like one', async () => {
    const before = rawRequests;
    for (const path of ['%2e%2e/%2e%2e/other', '../../other', '..%2fother', '%2E%2E%5Cother']) {
      const res = await get(rawUrl(path), { cookie: cookieRaw, accept: 'application/json' });
      assert.equal(res.status, 400, path);
      assert.equal((JSON.parse(res.body) as { error_code: string }).error_code, 'ModelArts.0400');
    }
    assert.equal(rawRequests, before);
    for (const path of ['files/a..b%20c.txt', 'files/..hidden/x', 'files/100%25.ipynb']) {
      const res = await get(nodeUrl(path), { cookie: cookieNode });
      assert.equal(res.status, 200, `${path} is a name, not a climb`);
    }
  });

  it("answers 502 for an answer that breaks HTTP, and passes the workload's own errors as they are", async () => {
    const missing = await fetch(rawUrl('nothing-here'), { headers: { cookie: cookieRaw } });
    assert.equal(missing.status, 404);
    await missing.arrayBuffer();
    const garbled = await fetch(rawUrl('garbled'), { headers: { cookie: cookieRaw, accept: 'application/json' } });
    assert.equal(garbled.status, 502);
    assert.equal(((await garbled.json()) as { error_code: string }).error_code, 'ModelArts.0502');
  });
});
