/**
 * The auto-stop warning: when a running notebook's deadline is near (on the server's clock, a
 * manual one here), its page says so and offers to keep it running; the renew moves the deadline
 * one auto-stop duration later, and the warning goes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/core/shared/clock.js';
import { create, waitStatus } from '../support/api.js';
import { openBrowserPage, type PageProblems, signInWithKeyboard } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;

describe('web console: auto-stop warning and renew', { timeout: 120_000 }, () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 8));
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
    ({ browser, page, problems } = await openBrowserPage());
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('warns when the deadline is near and renews it by one duration', async () => {
    const made = await create(t, cpuBody('notebook-renew', 'modelarts.vm.cpu.2u'));
    const running = await waitStatus(t, made.id, 'RUNNING');
    const deadline = running.spec.auto_stop.stop_timestamp as number;
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'notebook-renew' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    assert.equal(await page.getByText(/stops automatically in/).count(), 0, 'no warning an hour ahead');

    clock.advance(50 * MINUTE);
    await page.reload();
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'notebook-renew' }).click();
    const banner = page.getByRole('status').filter({ hasText: 'This notebook stops automatically in' });
    await banner.waitFor();
    assert.match(await banner.innerText(), /stops automatically in (9|10) min/);
    await banner.getByRole('button', { name: 'Keep it running longer' }).click();
    await banner.waitFor({ state: 'detached' });
    const renewed = (await t.http('GET', `${t.instances()}/${made.id}`)).body;
    assert.equal(renewed.spec.auto_stop.stop_timestamp, deadline + 60 * MINUTE);
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
