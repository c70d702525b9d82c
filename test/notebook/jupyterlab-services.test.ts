/**
 * A real notebook driven by `@jupyterlab/services`, the client library of JupyterLab and of VS
 * Code's Jupyter extension, given only what a user pastes into such a client: the instance's URL
 * (`spec.annotations.url`) and its token (GET …/token). It sends the token as
 * `Authorization: token <t>` on every REST call and as `?token=` on WebSockets (in Node, where no
 * page shares its host). Contents are saved and read back, a session starts a kernel, code runs
 * over the kernel WebSocket, sessions are listed; a wrong token is refused with 403.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ContentsManager,
  KernelManager,
  ServerConnection,
  SessionManager,
  type KernelMessage,
  type Session,
} from '@jupyterlab/services';
import WebSocket from 'ws';
import { action, waitStatus } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CPU = {
  profile_id: 'Multi-Engine 1.0 (python3)-cpu',
  flavor: 'modelarts.vm.cpu.2u',
  spec: { storage: { type: 'evs' } },
};

/** The server settings a client makes from a URL and a token, for Node (its fetch, ws's WebSocket). */
function settingsFor(url: string, token: string): ServerConnection.ISettings {
  const { origin, pathname } = new URL(url);
  return ServerConnection.makeSettings({
    baseUrl: `${origin}${pathname}`,
    token,
    appendToken: true,
    fetch: globalThis.fetch,
    Request: globalThis.Request,
    Headers: globalThis.Headers,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
}

/** Runs `code` in the session's kernel and answers what it printed. */
async function run(session: Session.ISessionConnection, code: string): Promise<string> {
  const future = session.kernel!.requestExecute({ code });
  let printed = '';
  future.onIOPub = (message) => {
    if (message.header.msg_type === 'stream') printed += (message as KernelMessage.IStreamMsg).content.text;
  };
  const reply = await future.done;
  assert.equal(reply.content.status, 'ok');
  return printed;
}

describe('a notebook driven by @jupyterlab/services with only its URL and token', () => {
  let t: TestApp;
  let id = '';
  let url = '';
  let token = '';
  let kernels: KernelManager | undefined;
  let sessions: SessionManager | undefined;

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    const created = await t.http('POST', t.instances(), { body: { name: 'lab-services', ...CPU } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    id = created.body.id as string;
    const running = await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
    url = running.spec.annotations.url as string;
    token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
  });
  after(async () => {
    sessions?.dispose();
    kernels?.dispose();
    if (id) {
      await action(t, id, 'stop');
      await waitStatus(t, id, 'STOPPED', { timeoutMs: 30_000 });
    }
    await t.stop();
  });

  // A client that loses its WebSocket reconnects forever: bounded, so a failure ends the test.
  const BOUND = { timeout: 60_000 };

  it('saves contents and reads them back', BOUND, async () => {
    const contents = new ContentsManager({ serverSettings: settingsFor(url, token) });
    const saved = await contents.save('from-services.txt', {
      type: 'file',
      format: 'text',
      content: 'written by @jupyterlab/services\n',
    });
    assert.equal(saved.path, 'from-services.txt');
    const read = await contents.get('from-services.txt', { content: true });
    assert.equal(read.content, 'written by @jupyterlab/services\n');
    contents.dispose();
  });

  it('starts a kernel in a session, runs code over the WebSocket, and lists the session', BOUND, async () => {
    const serverSettings = settingsFor(url, token);
    kernels = new KernelManager({ serverSettings });
    sessions = new SessionManager({ kernelManager: kernels, serverSettings });
    const session = await sessions.startNew({
      path: 'analysis.ipynb',
      name: 'analysis.ipynb',
      type: 'notebook',
      kernel: { name: 'python3' },
    });
    assert.equal(await run(session, 'print(6 * 7)'), '42\n');
    await sessions.refreshRunning();
    const listed = [...sessions.running()];
    assert.deepEqual(
      listed.map((s) => [s.id, s.path, s.kernel?.id]),
      [[session.id, 'analysis.ipynb', session.kernel!.id]],
    );
    await session.shutdown();
  });

  it('is refused with a wrong token', BOUND, async () => {
    const contents = new ContentsManager({ serverSettings: settingsFor(url, '0'.repeat(32)) });
    await assert.rejects(contents.get(''), (error: unknown) => {
      assert.ok(error instanceof ServerConnection.ResponseError, String(error));
      assert.equal(error.response.status, 403);
      return true;
    });
    contents.dispose();
  });
});
