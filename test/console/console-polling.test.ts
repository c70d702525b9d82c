/**
 * Without the change stream (here: every request for it fails in the browser), the console says
 * it is refreshing, polls, and still shows new instances and their status changes without a reload.
 * When the stream ends and comes back, the console sends its last event id and is told what
 * changed meanwhile.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { create, waitStatus } from '../support/api.js';
import { openEventStream } from '../support/event-stream-client.js';
import { consoleFixture, signInWithKeyboard } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody } from '../support/test-app.js';

describe('web console: polling while the change stream is down', { timeout: 120_000 }, () => {
  const f = consoleFixture({
    runtime: { simulated: { delays: { prepare: 200, start: 400, stop: 200, remove: 100 } } },
  });
  before(() => f.page.route('**/demanager/instance-changes', (route) => route.abort('connectionrefused')));

  it('falls back to polling and keeps the list current', async () => {
    const { t, page, problems } = f;
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.locator('[data-live="polling"]').waitFor({ timeout: 15_000 });
    const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    await create(t, cpuBody('polled', 'modelarts.vm.cpu.2u'));
    await page.locator('tr[data-instance="polled"] [data-status="RUNNING"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), loads, 'no reload');
    assert.equal(await page.locator('[data-live]').innerText(), 'Refreshing every few seconds');
    // The aborted stream requests are the browser's own refusals, not errors of the page.
    assert.ok(problems.errors.length > 0, 'the stream was tried again');
    assert.deepEqual(
      problems.errors.filter((e) => e !== 'console: Failed to load resource: net::ERR_CONNECTION_REFUSED'),
      [],
    );
    assert.deepEqual(problems.failedRequests, []);
  });
});

describe('web console: resuming the change stream', { timeout: 120_000 }, () => {
  const f = consoleFixture();

  it('sends its last event id when the stream comes back, and shows the change made meanwhile from the stream alone', async () => {
    const { t, page, problems } = f;
    const made = await create(t, cpuBody('resumed', 'modelarts.vm.cpu.2u'));
    await waitStatus(t, made.id, 'RUNNING');
    // An id the server gave now: the console's first stream will end right after saying it.
    const probe = await openEventStream(`${t.url}/v1/${t.projectId}/demanager/instance-changes`, {
      'X-Auth-Token': t.adminToken,
    });
    const lastId = (await probe.next((e) => e.event === 'ready')).id!;
    probe.close();

    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const resumedWith: (string | undefined)[] = [];
    let streams = 0;
    await page.route('**/demanager/instance-changes', async (route) => {
      if (streams++ === 0) {
        await released;
        const ready = `retry: 1000\n\nevent: ready\nid: ${lastId}\ndata: ${JSON.stringify({ project_id: t.projectId, resumed: true })}\n\n`;
        return route.fulfill({ status: 200, contentType: 'text/event-stream', body: ready });
      }
      resumedWith.push(route.request().headers()['last-event-id']);
      return route.continue();
    });
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'resumed' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor({ timeout: 15_000 });
    // From here on the detail cannot be read again: only the stream can bring the change.
    await page.route(`**/demanager/instances/${made.id}`, (route) =>
      route.request().method() === 'GET' ? route.abort() : route.continue(),
    );
    assert.equal(
      (
        await t.http('PUT', `${t.instances()}/${made.id}`, {
          body: { description: 'changed while the stream was away' },
        })
      ).status,
      200,
    );
    release();

    await page.locator('dd', { hasText: 'changed while the stream was away' }).waitFor({ timeout: 30_000 });
    assert.equal(resumedWith[0], lastId, 'the reconnection carried the last event id');
    assert.deepEqual(
      problems.errors.filter((e) => e !== 'console: Failed to load resource: net::ERR_FAILED'),
      [],
    );
    assert.deepEqual(problems.failedRequests, []);
  });
});
