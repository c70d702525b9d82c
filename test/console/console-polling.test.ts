/**
 * Without the change stream (here: every request for it fails in the browser), the console says
 * it is refreshing, polls, and still shows new instances and their status changes without a reload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { create } from '../support/api.js';
import { openBrowserPage, type PageProblems, signInWithKeyboard } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

describe('web console: polling while the change stream is down', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    t = await startTestApp({ runtime: { simulated: { delays: { prepare: 200, start: 400, stop: 200, remove: 100 } } } });
    ({ browser, page, problems } = await openBrowserPage());
    await page.route('**/demanager/instance-changes', (route) => route.abort('connectionrefused'));
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('falls back to polling and keeps the list current', async () => {
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.locator('[data-live="polling"]').waitFor({ timeout: 15_000 });
    const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    await create(t, cpuBody('polled', 'modelarts.vm.cpu.2u'));
    await page.locator('tr[data-instance="polled"] [data-status="RUNNING"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), loads, 'no reload');
    assert.equal(await page.locator('[data-live]').innerText(), 'Refreshing every few seconds');
    // The aborted stream requests are the browser's own refusals, not errors of the page.
    assert.ok(problems.errors.length > 0, 'the stream was tried again');
    assert.deepEqual(problems.errors.filter((e) => e !== 'console: Failed to load resource: net::ERR_CONNECTION_REFUSED'), []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
