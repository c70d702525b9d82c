/**
 * The proxy's bounds on calls to a workload: a notebook that accepts a request and never answers
 * gets the caller a 504 page once `limits.workloadAnswerSeconds` has passed, and one that cannot
 * be reached a 502 page — never a hung request, never a 500.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pointAt } from '../support/echo-workload.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('notebook proxy timeouts', () => {
  let t: TestApp;
  let hung: Server;
  let hungEndpoint = '';
  const held: { resume(): void }[] = [];

  before(async () => {
    t = await startTestApp({ limits: { workloadAnswerSeconds: 0.3 } });
    // Reads each request and never answers it.
    hung = createServer((req) => held.push(req));
    hungEndpoint = await listening(hung);
  });
  after(async () => {
    hung.closeAllConnections();
    await new Promise((resolve) => hung.close(resolve));
    await t.stop();
  });

  async function openedAt(name: string, endpoint: string): Promise<{ id: string; cookie: string }> {
    const id = (await t.http('POST', t.instances(), { body: cpuBody(name, 'modelarts.vm.cpu.2u') })).body.id as string;
    await waitForStatus(t, id, ['RUNNING']);
    await pointAt(t, id, endpoint);
    const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
    const link = await fetch(`${t.url}/notebook/${id}/?token=${token}`, { redirect: 'manual' });
    assert.equal(link.status, 302);
    return { id, cookie: link.headers.get('set-cookie')!.split(';')[0]! };
  }

  // The timeout only keeps a broken protection from hanging the run; nothing here measures speed.
  it('answers 504 with the notebook page when the workload does not answer in time', { timeout: 60_000 }, async () => {
    const { id, cookie } = await openedAt('hung', hungEndpoint);
    const res = await fetch(`${t.url}/notebook/${id}/api/status`, { headers: { cookie } });
    assert.equal(res.status, 504);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /did not answer in time/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(held.length >= 1, 'the request reached the workload');
  });

  it('answers 502 when the workload cannot be reached', { timeout: 60_000 }, async () => {
    const closed = createServer();
    const endpoint = await listening(closed);
    await new Promise((resolve) => closed.close(resolve));
    const { id, cookie } = await openedAt('gone', endpoint);
    const res = await fetch(`${t.url}/notebook/${id}/api/status`, { headers: { cookie } });
    assert.equal(res.status, 502);
    assert.match(await res.text(), /cannot be reached/);
  });
});
