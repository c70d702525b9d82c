/**
 * The administration page: a system admin creates a project and a user and gives the user a role
 * there; the new user, signing in to that project, gets no administration page. Deleting a user
 * or a project asks first; a refusal of the API (a project still holding instances) is shown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleFixture, docsScreenshot, signInWithKeyboard, unlabelledControls } from '../support/browser.js';
import { create } from '../support/api.js';
import { ADMIN_PASSWORD, cpuBody } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };

describe('web console: administration', { timeout: 120_000 }, () => {
  const f = consoleFixture();

  it('creates a project and a user, gives the role, and shows the page to system admins only', async () => {
    const { t, page, problems } = f;
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
    await docsScreenshot(page, 'console-admin');

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

  it('deletes a user and a project after asking, and shows why a project with instances is refused', async () => {
    const { t, page, problems } = f;
    const erin = await t.http('POST', '/v3/users', { body: { user: { name: 'erin', password: 'erin-password-1' } } });
    const busy = await t.http('POST', '/v3/projects', { body: { project: { name: 'team-busy' } } });
    await t.http('PUT', `/v3/projects/${busy.body.project.id}/users/${erin.body.user.id}/roles/admin`);
    const inBusy = await t.login('erin', 'erin-password-1', { name: 'team-busy' });
    await create(t, cpuBody('busy-notebook', 'modelarts.vm.cpu.2u'), {
      token: inBusy.token,
      projectId: inBusy.projectId,
    });
    await t.http('POST', '/v3/projects', { body: { project: { name: 'team-gone' } } });

    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.locator('tr[data-project="team-gone"]').waitFor(WAIT);
    assert.equal(await page.getByRole('button', { name: 'Delete user admin' }).count(), 0, 'no one deletes themselves');
    assert.equal(
      await page.getByRole('button', { name: 'Delete project default' }).count(),
      0,
      "nor the session's own project",
    );

    // Asked, then cancelled with Escape: nothing happens.
    await page.getByRole('button', { name: 'Delete project team-gone' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete project team-gone?' });
    await dialog.waitFor(WAIT);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await page.locator('tr[data-project="team-gone"]').count(), 1);
    // Asked, then confirmed.
    await page.getByRole('button', { name: 'Delete project team-gone' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('tr[data-project="team-gone"]').waitFor({ state: 'detached', ...WAIT });
    await page.locator('.notice', { hasText: 'Project team-gone deleted.' }).waitFor(WAIT);

    await page.getByRole('button', { name: 'Delete project team-busy' }).click();
    await page
      .getByRole('dialog', { name: 'Delete project team-busy?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('alert').waitFor(WAIT);
    assert.match(await page.getByRole('alert').innerText(), /still has 1 instance/);
    assert.equal(await page.locator('tr[data-project="team-busy"]').count(), 1);

    await page.getByRole('button', { name: 'Delete user erin' }).click();
    await page.getByRole('dialog', { name: 'Delete user erin?' }).getByRole('button', { name: 'Delete' }).click();
    await page.locator('tr[data-user="erin"]').waitFor({ state: 'detached', ...WAIT });
    assert.equal(
      (await t.http('GET', `${t.instances(inBusy.projectId)}`, { token: inBusy.token })).status,
      401,
      "erin's session is over",
    );
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, [`DELETE /v3/projects/${busy.body.project.id} 400`]);
  });
});
