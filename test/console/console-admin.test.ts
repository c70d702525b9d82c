/**
 * The administration page: a system admin creates a project and a user and gives the user a role
 * there; the new user, signing in to that project, gets no administration page.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DOCS_DIR, openBrowserPage, type PageProblems, signInWithKeyboard, unlabelledControls } from '../support/browser.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };

describe('web console: administration', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    t = await startTestApp();
    ({ browser, page, problems } = await openBrowserPage());
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('creates a project and a user, gives the role, and shows the page to system admins only', async () => {
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor(WAIT);

    await page.getByLabel('New project name').fill('team-x');
    await page.getByLabel('Description').fill('the x team');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.locator('tr[data-project="team-x"]').waitFor(WAIT);

    await page.getByLabel('New user name').fill('dana');
    await page.getByLabel('Password', { exact: true }).fill('dana-password-1');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.locator('tr[data-user="dana"]').waitFor(WAIT);

    const give = page.getByRole('form', { name: 'Give a role' });
    await give.getByLabel('User').selectOption({ label: 'dana' });
    await give.getByLabel('Project').selectOption({ label: 'team-x' });
    await give.getByLabel('Role').selectOption('member');
    await give.getByRole('button', { name: 'Give role' }).click();
    await page.locator('tr[data-assignment="dana/team-x/member"]').waitFor(WAIT);
    assert.deepEqual(await unlabelledControls(page), []);
    await page.screenshot({ path: join(DOCS_DIR, 'console-admin.png'), fullPage: true });

    const dana = await t.login('dana', 'dana-password-1', { name: 'team-x' });
    assert.ok(dana.token);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User name').waitFor(WAIT);
    await page.getByLabel('User name').fill('dana');
    await page.getByLabel('Password').fill('dana-password-1');
    await page.getByLabel('Project (optional)').fill('team-x');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Notebook instances' }).waitFor(WAIT);
    assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
    assert.match(await page.locator('.who').innerText(), /dana · team-x/);
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
