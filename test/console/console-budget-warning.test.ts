/**
 * The budget warning: when the budget of a running notebook's project is 80 % used (on the
 * server's clock, a manual one here), its page shows a banner saying so, brought by the live
 * changes without a reload; when the budget runs out the notebook stops and the page says why. A
 * waiting notebook that a spent budget holds in its line says so too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { create, waitStatus } from '../support/api.js';
import { openBrowserPage, type PageProblems, signInWithKeyboard } from '../support/browser.js';
import { ONE } from '../support/rule-flavors.js';
import {
  ADMIN_PASSWORD,
  cpuBody,
  createBody,
  INSTANT_PHASES,
  startTestApp,
  type TestApp,
} from '../support/test-app.js';

const HOUR = 3_600_000;

describe('web console: budget warning', { timeout: 120_000 }, () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 8));
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    t = await startTestApp({
      start: { clock },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, ONE] },
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
    ({ browser, page, problems } = await openBrowserPage());
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("shows the warning of a running notebook's budget as a banner", async () => {
    const set = await t.http('PUT', `/v3/projects/${t.projectId}/budget`, { body: { gpu_hours: 1, period: 'month' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const made = await create(
      t,
      createBody('gpu-budgeted', { spec: { ...createBody('x').spec, auto_stop: { enable: false } } }),
    );
    await waitStatus(t, made.id, 'RUNNING');
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'gpu-budgeted' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    assert.equal(await page.getByText(/budget has used/).count(), 0, 'no warning at the start');

    clock.advance(0.8 * HOUR);
    const banner = page.getByRole('status').filter({ hasText: 'budget has used' });
    await banner.waitFor();
    assert.match(await banner.innerText(), /The project \S+ budget has used 0\.8 of 1 GPU-hours this month/);
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });

  it('says why a waiting notebook does not move when its budget is spent', async () => {
    const first = await create(t, cpuBody('one-running', ONE.name));
    await waitStatus(t, first.id, 'RUNNING');
    const waiting = await create(t, cpuBody('one-waiting', ONE.name));
    assert.equal(waiting.status, 'CREATE_QUEUING');
    const set = await t.http('PUT', `/v3/projects/${t.projectId}/budget`, { body: { cpu_hours: 0, period: 'month' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    await page.goto(`${t.url}/console/#/instances/${encodeURIComponent(waiting.id)}`);
    const banner = page.getByRole('status').filter({ hasText: 'Held in the queue' });
    await banner.waitFor();
    assert.match(await banner.innerText(), /the project \S+ budget has used [\d.]+ of 0 CPU-hours this month/);
    assert.deepEqual(problems.errors, []);
  });
});
