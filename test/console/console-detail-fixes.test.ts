/**
 * The detail page as it is used every day (issue 19, items 7 and 8): the tab's title names each
 * page; "Keep running longer" is at hand all the while auto-stop counts, by keyboard, and shows the
 * new deadline; a "Stop: requested." gives way to what came of it; a stopped instance's auto-stop
 * says it starts counting when it runs (not "on"); what is typed in the edit panel survives the
 * instance's live status changes, and a field the server changed under the edit says so; the
 * history gives times to the second. Shot at 1280×800 and at phone width. And a real notebook quit
 * with Jupyter's own Quit button reads as stopped from inside the notebook, not as a failure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { action, create, waitStatus } from '../support/api.js';
import { consoleFixture, docsScreenshot, signInWithKeyboard, tabTo } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody, type TestApp } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };
const NAME = 'detail-fixes';

function titled(page: Page, title: string): Promise<unknown> {
  return page.waitForFunction((expected) => document.title === expected, title, WAIT);
}

/** Brings the instance to `status` through the API, unless it is there. */
async function ensure(t: TestApp, id: string, status: 'RUNNING' | 'STOPPED'): Promise<void> {
  if ((await t.http('GET', `${t.instances()}/${id}`)).body.status === status) return;
  assert.equal((await action(t, id, status === 'RUNNING' ? 'start' : 'stop')).status, 200);
  await waitStatus(t, id, status);
}

describe('web console: the detail page keeps edits, says what is true, and names itself', { timeout: 180_000 }, () => {
  const f = consoleFixture();
  let id = '';

  /** The instance's page, signed in (each test stands on its own, whatever the one before did). */
  async function showDetail(status: 'RUNNING' | 'STOPPED'): Promise<void> {
    const { t, page } = f;
    if (!id) id = (await create(t, cpuBody(NAME, 'modelarts.vm.cpu.2u'))).id;
    await ensure(t, id, status);
    if (!(await page.getByRole('button', { name: 'Sign out' }).isVisible()))
      await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.evaluate((at) => {
      location.hash = `#/instances/${at}`;
    }, id);
    await page.locator(`h1 .badge[data-status="${status}"]`).waitFor(WAIT);
    // Where Tab starts from: the page's heading.
    await page.locator('h1').click();
  }

  it('names each page in the tab title', async () => {
    const { t, page } = f;
    id = (await create(t, cpuBody(NAME, 'modelarts.vm.cpu.2u'))).id;
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD, () => titled(page, 'Sign in — demanager'));
    await titled(page, 'Instances — demanager');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'New instance' }).click();
    await titled(page, 'New instance — demanager');
    await nav.getByRole('link', { name: 'Administration' }).click();
    await titled(page, 'Administration — demanager');
    await nav.getByRole('link', { name: 'Instances' }).click();
    await page.getByRole('link', { name: NAME }).click();
    await titled(page, `${NAME} — demanager`);
  });

  it('offers "Keep running longer" an hour ahead, by keyboard, and shows the new deadline', async () => {
    const { t, page } = f;
    await showDetail('RUNNING');
    const before = (await t.http('GET', `${t.instances()}/${id}`)).body.spec.auto_stop.stop_timestamp as number;
    await tabTo(page, /^Keep running longer$/);
    await page.keyboard.press('Enter');
    const notice = page.locator('p.notice').filter({ hasText: 'Auto-stop moved to' });
    await notice.waitFor(WAIT);
    const after = (await t.http('GET', `${t.instances()}/${id}`)).body.spec.auto_stop.stop_timestamp as number;
    assert.equal(after, before + 3600_000, 'one auto-stop duration later');
    const shown = await page.evaluate(
      (at) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
      after,
    );
    assert.match(await notice.innerText(), new RegExp(shown));
    assert.match(await page.locator('dt:text-is("Auto-stop") + dd').innerText(), new RegExp(`\\(${shown}\\)`));
  });

  it('replaces "Stop: requested." by its outcome once the instance has stopped', async () => {
    const { page } = f;
    await showDetail('RUNNING');
    await tabTo(page, /^Stop$/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor(WAIT);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('h1 .badge[data-status="STOPPED"]').waitFor(WAIT);
    await page.locator('p.notice').filter({ hasText: 'Stop: finished — Stopped.' }).waitFor(WAIT);
    assert.equal(await page.getByText('Stop: requested.').count(), 0);
  });

  it("says a stopped instance's auto-stop starts counting when it runs, here and in the list", async () => {
    const { page } = f;
    await showDetail('STOPPED');
    await page.getByRole('link', { name: '← All instances' }).click();
    const cell = page.locator(`tr[data-instance="${NAME}"] td[data-label="Auto-stop in"]`);
    await cell.waitFor(WAIT);
    assert.doesNotMatch(await cell.innerText(), /\bon\b/);
    assert.match(await cell.innerText(), /—/);
    assert.match((await cell.textContent()) ?? '', /starts counting when it runs/);
    await page.getByRole('link', { name: NAME }).click();
    assert.match(
      await page.locator('dt:text-is("Auto-stop") + dd').innerText(),
      /after 1 h 00 min · starts counting when it runs/,
    );
  });

  it('keeps a typed edit through live status changes, and says when the server changed the field under it', async () => {
    const { t, page } = f;
    await showDetail('STOPPED');
    await tabTo(page, /^Change description, auto-stop or flavor$/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^Description$/);
    await page.keyboard.type('typed by hand');

    // The instance starts (from elsewhere): STOPPED → STARTING → RUNNING, live on the page.
    assert.equal((await action(t, id, 'start')).status, 200);
    await page.locator('h1 .badge[data-status="RUNNING"]').waitFor(WAIT);
    assert.equal(await page.locator('details.edit').getAttribute('open'), '', 'the panel stays open');
    assert.equal(await page.getByLabel('Description').inputValue(), 'typed by hand');

    // Someone else changes the description meanwhile: the typed text stays, and the page says so.
    const put = await t.http('PUT', `${t.instances()}/${id}`, { body: { description: 'set elsewhere' } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const changed = page.locator('.changed-under').filter({ hasText: 'Changed meanwhile to “set elsewhere”' });
    await changed.waitFor(WAIT);
    assert.equal(await page.getByLabel('Description').inputValue(), 'typed by hand');
    await page.locator('#edit-description').blur();

    await docsScreenshot(page, 'console-detail-fixes');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(
      await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
      true,
      'nothing scrolls sideways at phone width',
    );
    await docsScreenshot(page, 'console-detail-fixes-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Saving (Enter in the field) keeps the user's text, knowingly; the note goes.
    await page.getByLabel('Description').focus();
    await page.keyboard.press('Enter');
    await changed.waitFor({ state: 'detached', ...WAIT });
    assert.equal((await t.http('GET', `${t.instances()}/${id}`)).body.description, 'typed by hand');
  });

  it('gives history times to the second, with the full date and time on hover', async () => {
    const { page } = f;
    await showDetail('RUNNING');
    const when = page.locator('table.history tbody tr').first().locator('td[data-label="When"]');
    assert.match(await when.innerText(), /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2}$/);
    const full = (await when.locator('time').getAttribute('title')) ?? '';
    assert.match(full, /^[A-Z][a-z]+day\b.* \d{4}\b.*\d{2}:\d{2}:\d{2} UTC$/, full);
  });

  it('logged no console error and no refused request', () => {
    const { problems } = f;
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});

describe("web console: Jupyter's own Quit reads as a stop", { timeout: 180_000 }, () => {
  const f = consoleFixture({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });

  it('says "stopped from inside the notebook" after Quit in Jupyter, with no failure', async () => {
    const { t, page, problems } = f;
    const { id } = await create(t, cpuBody('quits-itself', 'modelarts.vm.cpu.2u'));
    try {
      await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
      await page.getByRole('link', { name: 'quits-itself' }).click();
      await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
      const open = page.getByRole('button', { name: 'Open' });
      await open.waitFor({ timeout: 30_000 });
      const [tab] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
      // Jupyter's own Quit button, in the notebook's own page.
      await tab.locator('button#shutdown').click({ timeout: 30_000 });
      await tab.getByText('You have shut down Jupyter').waitFor({ timeout: 30_000 });
      await tab.close();

      await page.locator('h1 .badge[data-status="STOPPED"]').waitFor({ timeout: 30_000 });
      assert.match(
        await page.locator('dt:text-is("Last stopped") + dd').innerText(),
        /^stopped from inside the notebook/,
      );
      assert.equal(await page.getByText('Why it failed').count(), 0);
      assert.deepEqual(problems.errors, []);
    } finally {
      // A notebook that did not quit would outlive the test run.
      const left = (await t.http('GET', `${t.instances()}/${id}`)).body.status;
      if (left === 'RUNNING') {
        await action(t, id, 'stop');
        await waitStatus(t, id, 'STOPPED', { timeoutMs: 60_000 });
      }
    }
  });
});
