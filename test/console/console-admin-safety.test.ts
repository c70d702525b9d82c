/**
 * Administration cannot lock anyone out by accident (issue 19, items 1 and 2): "Give a role"
 * starts with nothing chosen and says what is missing, replacing a role asks first, removing
 * one's own role asks first and leaves the session on Administration (a system admin signs in
 * again with no role, and gives the role back), and disabling a user asks first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleFixture, docsScreenshot, signInWithKeyboard } from '../support/browser.js';
import { member } from '../support/api.js';
import { ADMIN_PASSWORD } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };

describe('web console: safe administration', { timeout: 120_000 }, () => {
  const f = consoleFixture();

  it('"Give a role" starts unchosen, says what is missing, and asks before replacing a role', async () => {
    const { t, page, problems } = f;
    await member(t, 'dana', t.projectId);
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Administration' }).click();
    const give = page.getByRole('form', { name: 'Give a role' });
    await give.waitFor(WAIT);
    for (const box of ['User', 'Project']) {
      assert.equal(await give.getByLabel(box).inputValue(), '', `${box} starts unchosen`);
      assert.equal(
        await give.getByLabel(box).evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
        'Choose…',
      );
    }

    await give.getByRole('button', { name: 'Give role' }).click();
    await page.getByRole('alert').waitFor(WAIT);
    assert.equal(await page.getByRole('alert').innerText(), 'Choose a user and a project to give the role to.');
    const focusedBox = () => page.evaluate(() => document.activeElement?.closest('label')?.firstChild?.textContent);
    assert.equal(await focusedBox(), 'User', 'the focus is on the first box to choose');
    await docsScreenshot(page, 'console-admin-give-role-unchosen');
    await give.getByLabel('User').selectOption({ label: 'dana' });
    await give.getByRole('button', { name: 'Give role' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose a project to give the role to.' }).waitFor(WAIT);
    assert.equal(await focusedBox(), 'Project');

    // The case: the admin's own admin role, "given" member. With the keyboard alone, from
    // the Project box that has the focus: asked, and cancelled.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowUp');
    assert.equal(await give.getByLabel('User').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text), 'admin');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    assert.equal(
      await give.getByLabel('Project').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text),
      'default',
    );
    await page.keyboard.press('Tab');
    assert.equal(await give.getByLabel('Role').inputValue(), 'member');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const replace = page.getByRole('dialog', { name: 'Replace admin with member?' });
    await replace.waitFor(WAIT);
    assert.match(
      await replace.innerText(),
      /The user admin has the role admin in default\. A user has one role per project, so member would replace it/,
    );
    await docsScreenshot(page, 'console-admin-replace-role');
    await page.setViewportSize({ width: 390, height: 844 });
    await docsScreenshot(page, 'console-admin-replace-role-phone', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 800 });
    // Cancel has the focus: Enter cancels.
    await page.keyboard.press('Enter');
    await replace.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await page.locator('tr[data-assignment="admin/default/admin"]').count(), 1);

    // dana, member, made admin: asked, confirmed.
    await give.getByLabel('User').selectOption({ label: 'dana' });
    await give.getByLabel('Role').selectOption('admin');
    await give.getByRole('button', { name: 'Give role' }).click();
    await page
      .getByRole('dialog', { name: 'Replace member with admin?' })
      .getByRole('button', { name: 'Replace' })
      .click();
    await page.locator('tr[data-assignment="dana/default/admin"]').waitFor(WAIT);
    assert.equal(await page.locator('tr[data-assignment="dana/default/member"]').count(), 0);
    // The same role again changes nothing and asks nothing.
    await give.getByRole('button', { name: 'Give role' }).click();
    await page.locator('.notice', { hasText: 'dana is admin of default.' }).waitFor(WAIT);
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });

  it('disabling a user asks first; enabling does not', async () => {
    const { page } = f;
    const row = page.locator('tr[data-user="dana"]');
    await row.getByRole('button', { name: 'Disable' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable user dana?' });
    await dialog.waitFor(WAIT);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    assert.match(await row.innerText(), /enabled/);
    await row.getByRole('button', { name: 'Disable' }).click();
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await row.getByRole('button', { name: 'Enable' }).waitFor(WAIT);
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByRole('button', { name: 'Disable' }).waitFor(WAIT);
    assert.equal(await page.getByRole('dialog').count(), 0);
  });

  it('removing your own role asks, keeps you on Administration, and you can sign in again and give it back', async () => {
    const { t, page, problems } = f;
    const own = page.locator('tr[data-assignment="admin/default/admin"]');
    await own.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove your own admin role in default?' });
    await dialog.waitFor(WAIT);
    await docsScreenshot(page, 'console-admin-remove-own-role');
    assert.match(await dialog.innerText(), /This session is in default.*you can still sign in/s);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await own.count(), 1);
    // Someone else's role goes without a question.
    await page.locator('tr[data-assignment="dana/default/admin"]').getByRole('button', { name: 'Remove' }).click();
    await page.locator('tr[data-assignment="dana/default/admin"]').waitFor({ state: 'detached', ...WAIT });
    assert.equal(await page.getByRole('dialog').count(), 0);

    await own.getByRole('button', { name: 'Remove' }).click();
    await dialog.getByRole('button', { name: 'Remove my role' }).click();
    await own.waitFor({ state: 'detached', ...WAIT });
    await page.locator('.notice', { hasText: 'admin is no longer admin of default.' }).waitFor(WAIT);
    assert.equal(await page.getByRole('heading', { name: 'Administration' }).count(), 1, 'still signed in');
    assert.equal(await page.locator('.no-role').count(), 0, 'the note is for a session signed in without a role');

    // Signed out and in again, with no role anywhere: the console lets the system admin in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    assert.match(await page.locator('.no-role').innerText(), /You hold no role in default.*give yourself one/s);
    assert.match(await page.locator('.no-role').innerText(), /You hold no role in default.*give yourself one/s);
    await page.getByRole('link', { name: 'Administration' }).click();
    const give = page.getByRole('form', { name: 'Give a role' });
    await give.getByLabel('User').selectOption({ label: 'admin' });
    await give.getByLabel('Project').selectOption({ label: 'default' });
    await give.getByLabel('Role').selectOption('admin');
    await give.getByRole('button', { name: 'Give role' }).click();
    await page.locator('tr[data-assignment="admin/default/admin"]').waitFor(WAIT);
    const again = await t.login('admin', ADMIN_PASSWORD, { name: 'default' });
    assert.equal((await t.http('GET', `${t.instances()}?de_type=Notebook`, { token: again.token })).status, 200);
    assert.deepEqual(problems.errors, []);
    // Only the roleless session's reads of the project's notebooks were refused.
    assert.ok(
      problems.failedRequests.every((r) => / \/v1\/[0-9a-f]+\/\S+ 403$/.test(r)),
      problems.failedRequests.join('\n'),
    );
  });
});
