/**
 * Administration's user tools (issue 19, "Also build — Administration", and item 8's admin parts):
 * the tables keep their borders and the dropdowns show long choices whole, at 1280×800 and at
 * 390×844 without sideways scrolling; users are searched as one types; a user's password is reset
 * (typed, or generated and shown once) so that only the new one signs in; the system-admin right is
 * given and taken under the last-admin rule, one's own after a question; and a user's running
 * notebook in another project is seen and stopped. Every control is used with the keyboard alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { consoleFixture, docsScreenshot, signInWithKeyboard, unlabelledControls } from '../support/browser.js';
import { create, createProject, loginBody, member, waitStatus } from '../support/api.js';
import { ADMIN_PASSWORD, cpuBody } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };
/** The longest names the API takes: 64 characters, no space to break at. */
const LONG_PROJECT = `${'p'.repeat(60)}tail`;
const LONG_USER = `${'u'.repeat(60)}last`;

/** Cells of the page's tables that left the table grid, lost their bottom border, or end short of their row. */
function brokenCells(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLTableCellElement>('.admin td, .admin th')]
      .filter((cell) => {
        const style = getComputedStyle(cell);
        const row = cell.parentElement!.getBoundingClientRect();
        return (
          style.display !== 'table-cell' ||
          style.borderBottomStyle === 'none' ||
          Number.parseFloat(style.borderBottomWidth) === 0 ||
          Math.abs(cell.getBoundingClientRect().bottom - row.bottom) > 0.5
        );
      })
      .map((cell) => `${cell.closest('tr')?.textContent?.slice(0, 40)} | ${cell.outerHTML.slice(0, 60)}`),
  );
}

/**
 * The dropdowns cut off: a box that leaves the page (or its form), or a chosen text wider than the
 * box where the form had room for a wider one. A native select shows one line of the chosen text,
 * measured here with its font against its content box, less its arrow.
 */
function cutOffSelects(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const pageWidth = document.documentElement.clientWidth;
    const context = document.createElement('canvas').getContext('2d')!;
    return [...document.querySelectorAll('select')]
      .filter((select) => {
        const box = select.getBoundingClientRect();
        const form = (select.closest('form') ?? document.body).getBoundingClientRect();
        if (box.left < 0 || box.right > pageWidth || box.left < form.left || box.right > form.right + 0.5) return true;
        const style = getComputedStyle(select);
        context.font = style.font;
        const text = context.measureText(select.selectedOptions[0]?.text ?? '').width;
        const room = select.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
        const fullWidth = box.width >= form.width - 0.5;
        return text > room - 16 && !fullWidth;
      })
      .map((select) => `${select.labels[0]?.firstChild?.textContent}: ${select.selectedOptions[0]?.text}`);
  });
}

const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('web console: administration tools', { timeout: 180_000 }, () => {
  const f = consoleFixture();
  let dana: Awaited<ReturnType<typeof member>>;
  let notebook = '';
  let danaInLong: { token: string; projectId: string };

  /** Focuses `name`'s button and presses Enter: a button used from the keyboard. */
  async function press(name: string | RegExp): Promise<void> {
    await f.page.getByRole('button', { name, exact: typeof name === 'string' }).focus();
    await f.page.keyboard.press('Enter');
  }

  it('keeps the tables’ borders and shows long choices whole, at 1280 and 390 wide', async () => {
    const { t, page } = f;
    const longProject = await createProject(t, LONG_PROJECT);
    dana = await member(t, 'dana', t.projectId);
    await t.http('PUT', `/v3/projects/${longProject}/users/${dana.userId}/roles/member`);
    danaInLong = await t.login('dana', dana.password, { id: longProject });
    notebook = (await create(t, cpuBody('dana-nb', 'modelarts.vm.cpu.2u'), danaInLong)).id;
    await member(t, 'erin', t.projectId);
    await member(t, LONG_USER, longProject);
    await waitStatus(t, notebook, 'RUNNING', danaInLong);

    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Administration' }).focus();
    await page.keyboard.press('Enter');
    const give = page.getByRole('form', { name: 'Give a role' });
    await give.waitFor(WAIT);
    // The longest choices chosen, with the keyboard: End picks the last entry (names sort by creation).
    await give.getByLabel('User').focus();
    await page.keyboard.press('End');
    await give.getByLabel('Project').focus();
    await page.keyboard.press('End');
    assert.equal(
      await give.getByLabel('User').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      LONG_USER,
    );
    assert.equal(
      await give.getByLabel('Project').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      LONG_PROJECT,
    );
    await press('Manage user dana');
    await page.locator('tr[data-instance="dana-nb"] [data-status="RUNNING"]').waitFor(WAIT);

    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      assert.deepEqual(await brokenCells(page), [], `cells at ${width}`);
      assert.deepEqual(await cutOffSelects(page), [], `dropdowns at ${width}`);
      assert.equal(await sideways(page), 0, `no sideways scrolling at ${width}`);
    }
    await docsScreenshot(page, 'console-admin-tools-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await docsScreenshot(page, 'console-admin-tools');
    assert.deepEqual(await unlabelledControls(page), []);
  });

  it('filters the users by name as one types', async () => {
    const { page } = f;
    const rows = () =>
      page.locator('tr[data-user]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-user')));
    assert.deepEqual(await rows(), ['admin', 'dana', 'erin', LONG_USER]);
    await page.getByLabel('Search users').focus();
    await page.keyboard.type('D');
    assert.deepEqual(await rows(), ['admin', 'dana'], 'admin and dana hold a d, whatever its case');
    await page.keyboard.type('an');
    assert.deepEqual(await rows(), ['dana']);
    assert.equal(await page.getByRole('status').filter({ hasText: 'users match' }).innerText(), '1 of 4 users match.');
    await page.keyboard.type('zz');
    assert.deepEqual(await rows(), []);
    assert.match(await page.locator('.admin table').first().innerText(), /No user's name contains “Danzz”\./);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    assert.equal((await rows()).length, 4);
    // dana's panel stayed open through the search.
    assert.equal(await page.getByRole('button', { name: 'Manage user dana' }).getAttribute('aria-expanded'), 'true');
  });

  it("resets a user's password, typed or generated: only the new one signs in, and old sessions end", async () => {
    const { t, page } = f;
    const signsIn = async (password: string) =>
      (await t.http('POST', '/v3/auth/tokens', { token: null, body: loginBody('dana', password) })).status;
    const panel = page.locator('#user-panel-' + dana.userId);
    // From the panel's first control, Tab leads to the password.
    await panel.getByRole('button', { name: 'Make system admin' }).focus();
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.activeElement?.closest('label')?.firstChild?.textContent),
      'New password',
    );
    await page.keyboard.press('Enter');
    assert.equal(
      await page.getByRole('alert').innerText(),
      'Type the new password, or generate one.',
      'an empty password is not sent',
    );
    await page.keyboard.type('dana-typed-password');
    await page.keyboard.press('Enter');
    await page.locator('.notice', { hasText: 'The password of dana was reset.' }).waitFor(WAIT);
    assert.equal(await signsIn(dana.password), 401, 'the old password fails');
    assert.equal(await signsIn('dana-typed-password'), 201, 'the new one signs in');
    assert.equal(
      (await t.http('GET', `${t.instances(danaInLong.projectId)}`, { token: danaInLong.token })).status,
      401,
    );
    assert.equal(await panel.getByLabel('New password').inputValue(), '', 'the typed password is not kept');

    await press('Generate a password');
    const shown = panel.locator('.generated-password code');
    await shown.waitFor(WAIT);
    const generated = await shown.innerText();
    assert.match(generated, /^[\w-]{16}$/);
    assert.equal(await signsIn('dana-typed-password'), 401);
    assert.equal(await signsIn(generated), 201);
    danaInLong = await t.login('dana', generated, { id: danaInLong.projectId });
  });

  it("shows a user's notebook in another project and stops it after asking", async () => {
    const { t, page } = f;
    const row = page.locator('tr[data-instance="dana-nb"]');
    assert.match(await row.innerText(), new RegExp(`dana-nb\\s+${LONG_PROJECT}\\s+Running`));
    await press('Stop dana-nb of dana');
    const dialog = page.getByRole('dialog', { name: 'Stop dana-nb of dana?' });
    await dialog.waitFor(WAIT);
    assert.match(await dialog.innerText(), new RegExp(`It runs in the project ${LONG_PROJECT}`));
    // Cancel has the focus; Tab reaches Stop.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('.notice', { hasText: 'dana-nb of dana is stopping.' }).waitFor(WAIT);
    await row.locator('[data-status="STOPPED"]').waitFor(WAIT);
    assert.equal(await row.getByRole('button').count(), 0, 'a stopped notebook has nothing to stop');
    await waitStatus(t, notebook, 'STOPPED', danaInLong);
  });

  it('gives and takes the system-admin right, never from the last one, and asks before taking one’s own', async () => {
    const { t, page, problems } = f;
    const adminOf = async (id: string, token = t.adminToken) =>
      (await t.http('GET', `/v3/users/${id}`, { token })).body.user.is_system_admin;
    await press('Make system admin');
    await page.locator('.notice', { hasText: 'dana is a system admin.' }).waitFor(WAIT);
    assert.match(await page.locator('tr[data-user="dana"]').innerText(), /dana · system admin/);
    assert.equal(await adminOf(dana.userId), true);
    await press('Remove system admin');
    await page.locator('.notice', { hasText: 'dana is no longer a system admin.' }).waitFor(WAIT);
    assert.equal(await adminOf(dana.userId), false);

    // The only system admin takes their own right: asked, and refused by the API.
    await press('Manage user dana');
    await press('Manage user admin');
    const own = page.getByRole('dialog', { name: 'Remove your own system-admin right?' });
    await press('Remove system admin');
    await own.waitFor(WAIT);
    await page.keyboard.press('Escape');
    await own.waitFor({ state: 'detached', ...WAIT });
    await press('Remove system admin');
    await own.waitFor(WAIT);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor(WAIT);
    assert.match(await page.getByRole('alert').innerText(), /last enabled system admin; make another one first/);
    const adminId = (await t.http('GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': t.adminToken } })).body
      .token.user.id;
    assert.equal(await adminOf(adminId), true);

    // With another one, it goes: the page closes and the console no longer offers it.
    await t.http('PATCH', `/v3/users/${dana.userId}`, { body: { user: { is_system_admin: true } } });
    await press('Remove system admin');
    await page
      .getByRole('dialog', { name: 'Remove your own system-admin right?' })
      .getByRole('button', { name: 'Remove my right' })
      .focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Notebook instances' }).waitFor(WAIT);
    assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
    assert.equal(await adminOf(adminId, danaInLong.token), false);
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, [`PATCH /v3/users/${adminId} 400`]);
  });
});
