/**
 * The instance list for daily use: a member sees Open, Stop and Start only where the server lets
 * them (their own instances; Open on one shared with them), an admin on every one; search by name;
 * owner and last-activity columns; a row's Stop asks first; several selected instances are stopped
 * or deleted together after one question naming them, with the outcome on each row (one failing
 * with the API's reason); selecting and acting with the keyboard alone; and a 64-character name
 * that neither scrolls the phone list sideways nor squeezes the desktop columns.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { action, create, member, waitGone, waitStatus } from '../support/api.js';
import { consoleFixture, docsScreenshot, signInWithKeyboard, unlabelledControls } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };
const FLAVOR = 'modelarts.vm.cpu.2u';
/** 64 characters, the longest name there is, with no place to break a line. */
const LONG_NAME = 'quarterly_results_of_the_training_experiments_for_the_whole_team'.padEnd(64, 'x');

type Member = Awaited<ReturnType<typeof member>>;

const row = (page: Page, name: string): Locator => page.locator(`tr[data-instance="${name}"]`);

/** The accessible names of the buttons and checkboxes on an instance's row. */
async function controlsOf(page: Page, name: string): Promise<string[]> {
  const r = row(page, name);
  await r.waitFor(WAIT);
  return r.locator('button, input').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
}

/** Presses `key` (Tab or Shift+Tab) until the focused element's accessible name is `name`; fails after `max` presses. */
async function tabUntil(page: Page, name: string, key = 'Tab', max = 60): Promise<void> {
  const passed: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
    });
    if (focused === name) return;
    passed.push(focused);
  }
  assert.fail(`Tab never reached "${name}"; it passed ${JSON.stringify(passed)}`);
}

describe('web console: the list, its actions and its selection', { timeout: 180_000 }, () => {
  const f = consoleFixture({ runtime: { simulated: { delays: { prepare: 20, start: 40, stop: 20, remove: 20 } } } });
  let olive: Member;
  const ids: Record<string, string> = {};

  before(async () => {
    const { t } = f;
    olive = await member(t, 'olive', t.projectId);
    await member(t, 'sam', t.projectId);
    for (const [name, token] of [
      ['olive-running', olive.token],
      ['olive-stopped', olive.token],
      ['admin-running', undefined],
      ['admin-shared', undefined],
      [LONG_NAME, undefined],
    ] as const)
      ids[name] = (await create(t, cpuBody(name, FLAVOR), token ? { token } : {})).id;
    for (const id of Object.values(ids)) await waitStatus(t, id, 'RUNNING');
    assert.equal((await action(t, ids['olive-stopped']!, 'stop', { token: olive.token })).status, 200);
    await waitStatus(t, ids['olive-stopped']!, 'STOPPED');
    const shared = await t.http('POST', `${t.instances()}/${ids['admin-shared']}/shares`, {
      body: { user_name: 'olive' },
    });
    assert.equal(shared.status, 200, JSON.stringify(shared.body));
  });

  it("offers a member only what they may do: their own instances' actions, Open on a shared one", async () => {
    const { t, page, problems } = f;
    await signInWithKeyboard(page, t.url, 'olive', olive.password);
    await row(page, 'admin-shared').getByRole('button', { name: 'Open admin-shared' }).waitFor(WAIT);
    assert.deepEqual(await controlsOf(page, 'olive-running'), [
      'Select olive-running',
      'Open olive-running',
      'Stop olive-running',
    ]);
    assert.deepEqual(await controlsOf(page, 'olive-stopped'), ['Select olive-stopped', 'Start olive-stopped']);
    assert.deepEqual(await controlsOf(page, 'admin-shared'), ['Open admin-shared']);
    assert.deepEqual(await controlsOf(page, 'admin-running'), []);
    assert.deepEqual(await controlsOf(page, LONG_NAME), []);
    assert.equal(await row(page, 'admin-running').locator('td[data-label="Owner"]').innerText(), 'admin');
    assert.equal(await row(page, 'olive-running').locator('td[data-label="Owner"]').innerText(), 'you');
    // Select all takes only what she may change.
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    assert.equal(await page.getByRole('group', { name: 'Selected instances' }).getByText('2 selected').count(), 1);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    assert.deepEqual(await unlabelledControls(page), []);

    // Open on the shared notebook gives her a token of her own in a new tab.
    const [tab] = await Promise.all([
      page.waitForEvent('popup'),
      row(page, 'admin-shared').getByRole('button', { name: 'Open admin-shared' }).click(),
    ]);
    await tab.waitForURL(new RegExp(`/notebook/${ids['admin-shared']}/`), WAIT);
    await tab.close();
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(
      problems.failedRequests.filter((r) => !r.includes('/notebook/')),
      [],
    );
  });

  it("starts her stopped instance from its row, and stops a running one after asking, with each row's outcome", async () => {
    const { t, page } = f;
    await row(page, 'olive-stopped').getByRole('button', { name: 'Start olive-stopped' }).click();
    await row(page, 'olive-stopped').locator('[data-status="RUNNING"]').waitFor(WAIT);
    assert.match(await row(page, 'olive-stopped').locator('[data-outcome]').innerText(), /^Start requested$/);

    await row(page, 'olive-running').getByRole('button', { name: 'Stop olive-running' }).click();
    const question = page.getByRole('dialog', { name: 'Stop olive-running?' });
    await question.waitFor(WAIT);
    await question.getByRole('button', { name: 'Stop' }).click();
    await row(page, 'olive-running').locator('[data-status="STOPPED"]').waitFor(WAIT);
    assert.equal(await row(page, 'olive-running').locator('[data-outcome="done"]').innerText(), 'Stop requested');
    await waitStatus(t, ids['olive-running']!, 'STOPPED');
  });

  it('offers an admin every action and finds instances by part of their name', async () => {
    const { t, page } = f;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    assert.deepEqual(await controlsOf(page, 'olive-stopped'), [
      'Select olive-stopped',
      'Open olive-stopped',
      'Stop olive-stopped',
    ]);
    assert.deepEqual(await controlsOf(page, 'olive-running'), ['Select olive-running', 'Start olive-running']);
    const activity = await row(page, 'olive-running').locator('td[data-label="Last activity"]').innerText();
    assert.match(activity, /\d{4}, \d{2}:\d{2}/);

    await page.getByLabel('Name contains').fill('OLIVE');
    await row(page, 'admin-running').waitFor({ state: 'detached', ...WAIT });
    assert.deepEqual(
      await page.locator('tr[data-instance]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance'))),
      ['olive-stopped', 'olive-running'],
    );
    await page.getByLabel('Name contains').fill('no-such-notebook');
    await page.getByText("No instance's name contains “no-such-notebook”.").waitFor(WAIT);
    await page.getByLabel('Name contains').fill('');
    await row(page, 'admin-running').waitFor(WAIT);
  });

  it('stops several selected with the keyboard alone, after one question naming them, one failing', async () => {
    const { t, page } = f;
    await page.getByLabel('Name contains').focus();
    // olive-running is stopped already: its stop fails, the others' go through.
    for (const name of ['admin-running', 'olive-stopped', 'olive-running']) {
      await tabUntil(page, `Select ${name}`);
      await page.keyboard.press('Space');
    }
    // The buttons for the selection come before the table.
    await tabUntil(page, 'Stop selected', 'Shift+Tab');
    await page.keyboard.press('Enter');
    const question = page.getByRole('dialog', { name: 'Stop 3 instances?' });
    await question.waitFor(WAIT);
    assert.deepEqual(await question.getByRole('listitem').allInnerTexts(), [
      'admin-running',
      'olive-stopped',
      'olive-running',
    ]);
    // Cancel has the focus: one Tab to the action.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Stop: 2 requested, 1 failed (see each row).' }).waitFor(WAIT);
    assert.match(
      await row(page, 'olive-running').locator('[data-outcome="failed"]').innerText(),
      /^Stop failed: .+ \(ModelArts\.\d+\)$/,
    );
    for (const name of ['admin-running', 'olive-stopped']) {
      assert.equal(await row(page, name).locator('[data-outcome]').innerText(), 'Stop requested');
      await waitStatus(t, ids[name]!, 'STOPPED');
    }
    assert.equal(await page.getByRole('group', { name: 'Selected instances' }).count(), 0);
  });

  it('deletes several selected after asking, each row telling how it went', async () => {
    const { t, page } = f;
    await page.getByLabel('Name contains').fill('-running');
    await row(page, 'olive-stopped').waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    const question = page.getByRole('dialog', { name: 'Delete 2 instances?' });
    await question.waitFor(WAIT);
    // One of them is started again by someone else meanwhile: a running instance is not deleted.
    assert.equal((await action(t, ids['admin-running']!, 'start')).status, 200);
    await waitStatus(t, ids['admin-running']!, 'RUNNING');
    await question.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Delete: 1 requested, 1 failed (see each row).' }).waitFor(WAIT);
    assert.match(
      await row(page, 'admin-running').locator('[data-outcome="failed"]').innerText(),
      /^Delete failed: .+ \(ModelArts\.\d+\)$/,
    );
    await waitGone(t, ids['olive-running']!);
    await row(page, 'olive-running').waitFor({ state: 'detached', ...WAIT });
    await page.getByLabel('Name contains').fill('');
  });

  it('keeps a 64-character name within a phone screen and on one line at 1280 px', async () => {
    const { page } = f;
    const name = row(page, LONG_NAME).getByRole('link', { name: LONG_NAME });
    await name.waitFor(WAIT);
    assert.equal(LONG_NAME.length, 64);
    assert.equal(await name.getAttribute('title'), LONG_NAME);
    // At most two lines in any cell of its row: the name is cut short on one, the others are not squeezed.
    const lines = await row(page, LONG_NAME)
      .locator('td')
      .evaluateAll((cells) =>
        cells.map((cell) => {
          // The lines a cell's text takes: the distinct tops of its text's boxes.
          const tops = new Set<number>();
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let text = walker.nextNode(); text; text = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(text);
            for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top / 4));
          }
          return tops.size;
        }),
      );
    assert.ok(
      lines.every((n) => n <= 2),
      `lines per cell: ${lines}`,
    );
    assert.ok((await name.evaluate((a) => a.getClientRects().length)) === 1, 'the name is on one line');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 1280), 'nothing sideways at 1280 px');
    await docsScreenshot(page, 'console-list-actions');

    await page.setViewportSize({ width: 390, height: 844 });
    await name.waitFor(WAIT);
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.ok(widths.scroll <= 390, `the page is ${widths.scroll}px wide at 390 px`);
    const box = (await name.boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `the name spans ${box.x}–${box.x + box.width}px`);
    for (const control of await row(page, LONG_NAME).locator('input, button').all()) {
      const at = (await control.boundingBox())!;
      assert.ok(
        at.width > 0 && at.x >= 0 && at.x + at.width <= 390,
        `${await control.getAttribute('aria-label')} at ${JSON.stringify(at)}`,
      );
    }
    await docsScreenshot(page, 'console-list-actions-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
