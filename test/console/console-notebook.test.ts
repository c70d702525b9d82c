/**
 * "Open" from the console with the local runtime: Debian's Jupyter starts, the console fetches the
 * instance token and opens the notebook in a new tab, which shows Jupyter's own page through the
 * proxy — with the token gone from the address, and no way back to the console's window.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { create, waitStatus } from '../support/api.js';
import { docsScreenshot, openBrowserPage, type PageProblems, signInWithKeyboard } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

describe('web console: open a real notebook', { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let made: { id: string } | undefined;

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    ({ browser, page, problems } = await openBrowserPage());
  });
  after(async () => {
    await browser?.close();
    // A local notebook outlives the service by design: stop it, or it outlives the test run.
    if (made) {
      await t.http('POST', `${t.instances()}/${made.id}/action`, { body: { action: 'stop' } });
      await waitStatus(t, made.id, 'STOPPED', { timeoutMs: 60_000 });
    }
    await t?.stop();
  });

  it("opens Jupyter's page through the proxy in a new tab", async () => {
    made = await create(t, cpuBody('notebook-open', 'modelarts.vm.cpu.2u'));
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'notebook-open' }).click();
    await waitStatus(t, made!.id, 'RUNNING', { timeoutMs: 90_000 });
    const open = page.getByRole('button', { name: 'Open' });
    await open.waitFor({ timeout: 30_000 });
    const [tab] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
    await tab.waitForURL(new RegExp(`/notebook/${made!.id}/tree`), { timeout: 30_000 });
    await tab.locator('#notebook_list').waitFor({ timeout: 30_000 });
    assert.match(await tab.title(), /Jupyter|Home/);
    assert.doesNotMatch(tab.url(), /token=/, 'the token left the address bar');
    assert.equal(await tab.evaluate(() => window.opener), null, 'the notebook cannot reach the console window');
    await docsScreenshot(tab, 'console-notebook', { fullPage: false });
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
