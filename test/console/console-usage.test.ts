/**
 * The usage page, on notebooks run on the simulated runtime under a manual clock, so the hours are
 * exact: a project admin sees everyone's GPU- and CPU-hours per user, flavor and day as bars and in
 * a table, and the budgets as gauges (one spent); the CSV saved is the API's, with the session's
 * credentials; a member sees only themselves, in the page and in the CSV, and when their budget
 * runs out at the rate of what they run; signed in by cookie, the CSV comes with the cookie's
 * session. Screenshots at 1280×800 and 390×844. This month's figures keep up by themselves (the page's
 * clock moved on with the server's): read again as a notebook starts and stops and on a timer while
 * one runs, in place, never while the tab is hidden, and never for a past month.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { monthsUpTo } from '../../console/src/months.js';
import { USAGE_TICK_MS } from '../../console/src/usage-refresh.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { action, CPU_FLAVOR, create, GPU_FLAVOR, GPU_PROFILE, member, waitStatus } from '../support/api.js';
import {
  consoleFixture,
  docsScreenshot,
  launchBrowser,
  openBrowserPage,
  problemsOf,
  type PageProblems,
  signInWithKeyboard,
  unlabelledControls,
} from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const WAIT = { timeout: 15_000 };
/** 10 November 2026, 08:00 UTC: the page's "this month" is November. */
const START = Date.UTC(2026, 10, 10, 8);

/** Runs a notebook of `body` as `token` for `hours` of the manual clock, then stops it. */
async function run(t: TestApp, clock: ManualClock, body: object, token: string) {
  const made = await create(t, body, { token });
  await waitStatus(t, made.id, 'RUNNING', { token });
  return async (hours: number) => {
    clock.advance(hours * HOUR);
    assert.equal((await action(t, made.id, 'stop', { token })).status, 200);
    await waitStatus(t, made.id, 'STOPPED', { token });
  };
}

/** The bars' rows as `name: figure`. */
async function bars(page: Page, label: string): Promise<string[]> {
  const rows = page.getByRole('list', { name: label }).getByRole('listitem');
  await rows.first().waitFor(WAIT);
  return (await rows.allInnerTexts()).map((text) => text.replace(/\s*\n\s*/, ': ').trim());
}

/** The table's rows (total last) as their cells' texts. */
async function tableRows(page: Page): Promise<string[][]> {
  const rows = page.locator('table.usage-table tbody tr, table.usage-table tfoot tr');
  await rows.first().waitFor(WAIT);
  return Promise.all(
    (await rows.all()).map(async (row) => (await row.locator('th, td').allInnerTexts()).map((s) => s.trim())),
  );
}

async function downloadCsv(page: Page): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
}

describe('usage page: the months offered', () => {
  it('are this UTC month, up to now, and the eleven before it, across a new year', () => {
    // 00:30 on 1 January in UTC: still 31 December in New York (Node reads TZ anew), and January is the month.
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    let months: ReturnType<typeof monthsUpTo>;
    try {
      assert.equal(new Date(Date.UTC(2027, 0, 1, 0, 30)).getDate(), 31, 'the local day is the 31st');
      months = monthsUpTo(Date.UTC(2027, 0, 1, 0, 30));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    assert.deepEqual(
      months.map((m) => m.value),
      ['2027-01', ...['12', '11', '10', '09', '08', '07', '06', '05', '04', '03', '02'].map((m) => `2026-${m}`)],
    );
    assert.deepEqual(months[0], { ...months[0], since: Date.UTC(2027, 0, 1), until: undefined });
    assert.deepEqual(months[1], { ...months[1], since: Date.UTC(2026, 11, 1), until: Date.UTC(2027, 0, 1) });
    assert.deepEqual(months[11], { ...months[11], since: Date.UTC(2026, 1, 1), until: Date.UTC(2026, 2, 1) });
  });
});

describe('web console: usage', { timeout: 180_000 }, () => {
  const clock = new ManualClock(START);
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let bea: Awaited<ReturnType<typeof member>>;
  let adminId: string;

  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
    ({ browser, page, problems } = await openBrowserPage());
    // The page picks its months by its own clock: the server's, as the manual clock has it.
    await page.clock.setSystemTime(START);
    adminId = (await t.login('admin', ADMIN_PASSWORD)).userId;
    bea = await member(t, 'bea', t.projectId);
    // The admin's GPU notebook (8 CPUs, 1 GPU, 64 GiB) for 2 hours; bea's CPU one (2 CPUs, 8 GiB) for 3.
    const gpu = await run(
      t,
      clock,
      { ...cpuBody('gpu-work', GPU_FLAVOR, false), profile_id: GPU_PROFILE },
      t.adminToken,
    );
    const cpu = await run(t, clock, cpuBody('cpu-work', CPU_FLAVOR, false), bea.token);
    await gpu(2);
    await cpu(1);
    const project = await t.http('PUT', `/v3/projects/${t.projectId}/budget`, {
      body: { gpu_hours: 2, cpu_hours: 100, period: 'month' },
    });
    assert.equal(project.status, 200, JSON.stringify(project.body));
    const own = await t.http('PUT', `/v3/users/${bea.userId}/budget`, {
      body: { gpu_hours: null, cpu_hours: 10, period: 'rolling_30d' },
    });
    assert.equal(own.status, 200, JSON.stringify(own.body));
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("shows a project admin everyone's hours per user, flavor and day, the budgets, and saves the CSV", async () => {
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor(WAIT);
    assert.equal(await page.title(), 'Usage — demanager');
    assert.equal(await page.getByLabel('Month').inputValue(), '2026-11', 'this month by default');

    assert.deepEqual(await bars(page, 'GPU-hours by user'), ['admin (you): 2 GPU-hours', 'bea: 0 GPU-hours']);
    await page.getByRole('radio', { name: 'CPU-hours' }).check();
    assert.deepEqual(await bars(page, 'CPU-hours by user'), ['admin (you): 16 CPU-hours', 'bea: 6 CPU-hours']);
    const [adminRow, beaRow, total] = await tableRows(page);
    assert.deepEqual(adminRow, ['admin (you)', '2', '16', '128', '2']);
    assert.deepEqual(beaRow, ['bea', '0', '6', '24', '3']);
    assert.deepEqual(total, ['Total', '2', '22', '152', '5']);

    const project = page.getByRole('article', { name: /^Project / });
    assert.match(await project.innerText(), /Exhausted/);
    assert.equal(await project.getByTestId('budget-project-gpu_hours-text').innerText(), '2 of 2 used');
    assert.equal(await project.getByTestId('budget-project-cpu_hours-text').innerText(), '22 of 100 used');
    assert.equal(await project.getByRole('meter', { name: 'GPU-hours' }).getAttribute('max'), '2');
    assert.match(await project.innerText(), /renews 1 Dec 2026 at 00:00 UTC/);
    assert.deepEqual(await unlabelledControls(page), []);
    await docsScreenshot(page, 'usage');

    const csv = await downloadCsv(page);
    assert.equal(
      csv.name,
      `usage-${(await t.http('GET', `/v3/projects/${t.projectId}`)).body.project.name}-2026-11-by-user.csv`,
    );
    const api = await t.http('GET', `/v1/${t.projectId}/demanager/usage?group_by=user&format=csv`);
    assert.equal(csv.text, api.body, 'the file is what the API answers');
    assert.deepEqual(csv.text.trimEnd().split('\r\n'), [
      'key,name,cpu_hours,gpu_hours,memory_gib_hours,instance_hours',
      ...[`${adminId},admin,16,2,128,2`, `${bea.userId},bea,6,0,24,3`].sort(),
      'total,,22,2,152,5',
    ]);

    await page.getByLabel('Group by').selectOption('flavor');
    assert.deepEqual(await bars(page, 'CPU-hours by flavor'), [
      `${GPU_FLAVOR}: 16 CPU-hours`,
      `${CPU_FLAVOR}: 6 CPU-hours`,
    ]);
    await page.getByLabel('Group by').selectOption('day');
    assert.deepEqual(await bars(page, 'CPU-hours by day'), ['2026-11-10: 22 CPU-hours']);
    await page.getByLabel('Month').selectOption('2026-10');
    await page.getByText('No notebook held a slot in October 2026.').waitFor(WAIT);

    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.getByLabel('Month').selectOption('2026-11');
      await page.getByLabel('Group by').selectOption('user');
      await bars(page, 'CPU-hours by user');
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling');
      await docsScreenshot(page, 'usage-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });

  it('shows a member only their own hours, their budget and when it runs out, and only their line in the CSV', async () => {
    // No project budget now, and a notebook of bea's running: her own budget runs out at its rate.
    assert.equal((await t.http('DELETE', `/v3/projects/${t.projectId}/budget`)).status, 204);
    const more = await create(t, cpuBody('cpu-more', CPU_FLAVOR, false), { token: bea.token });
    await waitStatus(t, more.id, 'RUNNING', { token: bea.token });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithKeyboard(page, t.url, 'bea', bea.password);
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByText(/^Your use of /).waitFor(WAIT);
    assert.deepEqual(await bars(page, 'GPU-hours by user'), ['bea (you): 0 GPU-hours']);
    const [own, total] = await tableRows(page);
    assert.deepEqual(own, ['bea (you)', '0', '6', '24', '3']);
    assert.deepEqual(total, ['Total', '0', '6', '24', '3']);

    const yours = page.getByRole('article', { name: 'Yours' });
    assert.equal(await yours.getByTestId('budget-user-cpu_hours-text').innerText(), '6 of 10 used');
    assert.equal(await yours.getByRole('meter').count(), 1, 'no gauge for the GPU-hours it leaves unlimited');
    assert.match(await yours.innerText(), /Counts the last 30 days/);
    assert.doesNotMatch(await yours.innerText(), /Exhausted/);
    // 4 CPU-hours left at 11:00, used at 2 an hour.
    assert.match(await yours.innerText(), /At the present rate it runs out 10 Nov 2026, 13:00\./);
    assert.equal(await page.getByRole('article').count(), 1, 'no project budget any more');

    const csv = await downloadCsv(page);
    assert.deepEqual(csv.text.trimEnd().split('\r\n'), [
      'key,name,cpu_hours,gpu_hours,memory_gib_hours,instance_hours',
      `${bea.userId},bea,6,0,24,3`,
      'total,,6,0,24,3',
    ]);
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});

describe('web console: usage, signed in by cookie', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;

  before(async () => {
    // A host per notebook: the console then signs in with the HttpOnly cookie, and sends the CSRF header.
    t = await startTestApp({ notebookHost: '{id}.nb.example.test' });
    browser = await launchBrowser(['--host-resolver-rules=MAP *.example.test 127.0.0.1']);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("saves the CSV with the cookie's session", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const problems = problemsOf(page);
    await signInWithKeyboard(page, `http://console.example.test:${new URL(t.url).port}`, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByText(/^No notebook held a slot in /).waitFor(WAIT);
    const csv = await downloadCsv(page);
    assert.equal(csv.text, 'key,name,cpu_hours,gpu_hours,memory_gib_hours,instance_hours\r\ntotal,,0,0,0,0\r\n');
    // Chromium says it ignores the page's opener policy on plain HTTP off localhost: the test's host, not the page.
    const coop = /Cross-Origin-Opener-Policy header has been ignored/;
    assert.deepEqual(
      problems.errors.filter((e) => !coop.test(e)),
      [],
    );
    assert.deepEqual(problems.failedRequests, []);
  });
});

describe('web console: usage, live', { timeout: 120_000 }, () => {
  const clock = new ManualClock(START);
  const f = consoleFixture({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
  /** The usage reports the page asked for, by their query. */
  const reads: string[] = [];
  const readsSince = (n: number) => reads.slice(n);
  let t: TestApp;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    ({ t, page, problems } = f);
    await page.clock.setSystemTime(START);
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/demanager/usage')) reads.push(url.search);
    });
  });

  /** Hides or shows the tab as a browser does when the user switches tabs (Page Visibility). */
  const setHidden = (hidden: boolean) =>
    page.evaluate(`
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${hidden} });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${hidden ? 'hidden' : 'visible'}' });
      document.dispatchEvent(new Event('visibilitychange'));
    `);

  it('reads this month again as notebooks start and stop and while one runs, in place, never while hidden', async () => {
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByText('No notebook held a slot in November 2026.').waitFor(WAIT);
    // The reader's choices, which no refresh may undo: CPU-hours by flavor, the focus on the grouping.
    await page.getByRole('radio', { name: 'CPU-hours' }).check();
    await page.getByLabel('Group by').selectOption('flavor');
    await page.getByText('No notebook held a slot in November 2026.').waitFor(WAIT);

    // A notebook starts: the change stream tells, and the page reads the month again by itself.
    const made = await create(t, cpuBody('live-work', CPU_FLAVOR, false));
    // Half an hour held by the time the page reads (it waits for the burst of changes to settle).
    clock.advance(HOUR / 2);
    await waitStatus(t, made.id, 'RUNNING');
    assert.deepEqual(await bars(page, 'CPU-hours by flavor'), [`${CPU_FLAVOR}: 1 CPU-hours`]);
    const report = await t.http('GET', `/v1/${t.projectId}/demanager/usage`);
    assert.equal(report.body.open_periods, 1, 'the report says a notebook holds its slot');

    // The page scrolled and the grouping focused: a refresh keeps both, and replaces no element.
    await page.setViewportSize({ width: 1280, height: 300 });
    // Focused first: focusing scrolls the control into view.
    await page.getByLabel('Group by').focus();
    const scrolled = await page.evaluate(() => {
      window.scrollTo(0, 200);
      return window.scrollY;
    });
    assert.ok(scrolled > 0, 'the page scrolls');
    const list = await page.getByRole('list', { name: 'CPU-hours by flavor' }).elementHandle();
    // "Reading…" in place of the figures, even for a moment, is the flicker a refresh must not make.
    // (A string: the test loader names the functions it compiles, with a helper the page lacks.)
    await page.evaluate(`
      window.busy = 0;
      new MutationObserver((changes) => {
        for (const change of changes)
          for (const node of change.addedNodes)
            if (node instanceof Element && node.matches('[aria-busy="true"]')) window.busy++;
      }).observe(document.body, { childList: true, subtree: true });
    `);

    // An hour on, the open period has grown: the timer reads it (2 CPUs × 1.5 h).
    clock.advance(HOUR);
    await page.clock.fastForward(USAGE_TICK_MS);
    await page.getByText('3 CPU-hours').first().waitFor(WAIT);
    assert.deepEqual(await bars(page, 'CPU-hours by flavor'), [`${CPU_FLAVOR}: 3 CPU-hours`]);
    assert.equal(await page.getByLabel('Group by').inputValue(), 'flavor');
    assert.equal(await page.getByRole('radio', { name: 'CPU-hours' }).isChecked(), true);
    assert.equal(await page.getByLabel('Group by').evaluate((el) => el === document.activeElement), true);
    assert.equal(await page.evaluate(() => window.scrollY), scrolled);
    assert.equal(await list!.evaluate((el) => el.isConnected), true, 'the same list, its figures changed');
    assert.equal(await page.evaluate('window.busy'), 0, 'never "Reading…" in place of the figures');

    // Hidden: neither the timer nor a stop reads anything; shown again, it reads once what it missed.
    await setHidden(true);
    const hiddenFrom = reads.length;
    clock.advance(HOUR);
    await page.clock.fastForward(2 * USAGE_TICK_MS);
    assert.equal((await action(t, made.id, 'stop')).status, 200);
    await waitStatus(t, made.id, 'STOPPED');
    await page.clock.fastForward(1_000);
    assert.deepEqual(readsSince(hiddenFrom), [], 'nothing read while hidden');
    await setHidden(false);
    await page.getByText('5 CPU-hours').first().waitFor(WAIT);
    assert.deepEqual(await bars(page, 'CPU-hours by flavor'), [`${CPU_FLAVOR}: 5 CPU-hours`]);
    assert.equal(readsSince(hiddenFrom).length, 1, 'one read for all it missed');

    // Nothing runs now: no timer. And a past month is never read again, whatever starts.
    const idleFrom = reads.length;
    await page.clock.fastForward(3 * USAGE_TICK_MS);
    assert.deepEqual(readsSince(idleFrom), [], 'no notebook runs: the figures stand');
    await page.getByLabel('Month').selectOption('2026-10');
    await page.getByText('No notebook held a slot in October 2026.').waitFor(WAIT);
    const pastFrom = reads.length;
    assert.equal((await action(t, made.id, 'start')).status, 200);
    await waitStatus(t, made.id, 'RUNNING');
    await page.clock.fastForward(2 * USAGE_TICK_MS);
    assert.deepEqual(readsSince(pastFrom), [], 'a past month is closed');
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
