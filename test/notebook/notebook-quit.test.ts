/**
 * Jupyter's own Quit on a real notebook of the local runtime (the page's Quit button posts
 * `/api/shutdown`, here through the service's proxy with the instance token): the server exits
 * cleanly by itself, and the instance is stopped — not UNAVAILABLE with a failure — with the reason
 * said, and it starts again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { action, create, waitStatus } from '../support/api.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

describe("Jupyter's own Quit on a local notebook", { timeout: 240_000 }, () => {
  let t: TestApp;
  let id = '';

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
  });
  after(async () => {
    // Whatever state the test left it in, no notebook process outlives the run.
    if (id) {
      const now = (await t.http('GET', `${t.instances()}/${id}`)).body;
      // An UNAVAILABLE one (the failure this test guards against) has no process left to stop.
      if (now.status !== 'STOPPED' && now.status !== 'UNAVAILABLE') {
        await action(t, id, 'stop');
        await waitStatus(t, id, 'STOPPED', { timeoutMs: 60_000 });
      }
    }
    await t.stop();
  });

  it('stops the instance, with "stopped from inside the notebook" and no failure', async () => {
    id = (await create(t, cpuBody('notebook-quit', 'modelarts.vm.cpu.2u'))).id;
    const running = await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
    const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
    const quit = await fetch(new URL('api/shutdown', running.spec.annotations.url as string), {
      method: 'POST',
      headers: { Authorization: `token ${token}` },
    });
    assert.ok(quit.ok, `the shutdown request answered ${quit.status}`);

    const stopped = await waitStatus(t, id, 'STOPPED', { timeoutMs: 60_000 });
    assert.equal(stopped.spec.failed_reasons ?? null, null);
    assert.match(stopped.spec.annotations['demanager/stop_reason'], /^stopped from inside the notebook/);
    const history = (await t.http('GET', `${t.instances()}/${id}/events?limit=100`)).body.events as {
      kind: string;
      to_status: string | null;
    }[];
    assert.ok(
      history.some((e) => e.kind === 'notebook-quit' && e.to_status === 'STOPPING'),
      JSON.stringify(history.map((e) => [e.kind, e.to_status])),
    );
    assert.ok(!history.some((e) => e.to_status === 'UNAVAILABLE'), 'never reported as a failure');

    assert.equal((await action(t, id, 'start')).status, 200);
    await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
  });
});
