/**
 * Coming back after a restart, in Chromium against a real notebook: a tab opened from the
 * instance's link holds the notebook's cookie; the instance restarts, which voids it; the tab's
 * next load shows the proxy's page, which says why and links back to the instance's page in the
 * console. A script asking for JSON with the same old cookie gets the API's error shape instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { action, waitStatus } from '../support/api.js';
import { openBrowserPage, type PageProblems } from '../support/browser.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

const WAIT = { timeout: 30_000 };

describe('an old notebook tab after a restart', { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let id = '';

  async function tokenOf(): Promise<string> {
    return (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
  }

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    const created = await t.http('POST', t.instances(), {
      body: { ...cpuBody('old-tab', 'modelarts.vm.cpu.2u'), spec: { storage: { type: 'evs' } } },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    id = created.body.id as string;
    ({ browser, page, problems } = await openBrowserPage());
  });
  after(async () => {
    await browser?.close();
    // A local notebook outlives the service by design: stop it, or it outlives the test run.
    if (id) {
      await action(t, id, 'stop');
      await waitStatus(t, id, 'STOPPED', { timeoutMs: 60_000 });
    }
    await t?.stop();
  });

  it("shows the reason and a link to the instance in the console on the tab's next load", async () => {
    const running = await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
    const before = await tokenOf();
    await page.goto(`${running.spec.annotations.url}?token=${before}`);
    await page.locator('#notebook_list').waitFor(WAIT);
    // Jupyter's page loads its last scripts after the list shows: all of them before the restart.
    await page.waitForLoadState('networkidle');
    const [cookie] = await page.context().cookies();
    assert.equal(cookie?.name, 'demanager-notebook');

    assert.equal((await action(t, id, 'restart')).status, 200);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const status = (await t.http('GET', `${t.instances()}/${id}`)).body.status;
      if (status === 'RUNNING' && (await tokenOf()) !== before) break;
      assert.ok(Date.now() < deadline, `still ${status} after the restart`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const answer = await page.reload();
    assert.equal(answer?.status(), 403);
    await page.getByRole('heading', { name: 'Notebook not available' }).waitFor(WAIT);
    assert.match((await page.locator('p').first().textContent()) ?? '', /the notebook was restarted/);
    const link = page.getByRole('link', { name: 'Open this instance in the console' });
    assert.equal(await link.getAttribute('href'), `/console/#/instances/${id}`);
    await link.click();
    await page.waitForURL(`${t.url}/console/#/instances/${id}`, WAIT);
    assert.deepEqual(problems.errors, []);

    const json = await fetch(`${t.url}/notebook/${id}/api/contents`, {
      headers: { cookie: `${cookie!.name}=${cookie!.value}`, accept: 'application/json' },
    });
    assert.equal(json.status, 403);
    const body = (await json.json()) as Record<string, string>;
    assert.equal(body.error_code, 'ModelArts.0108');
    assert.match(body.error_msg!, /the notebook was restarted/);
  });
});
