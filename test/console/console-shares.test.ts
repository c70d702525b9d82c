/**
 * "Shared with" on an instance's page: the owner adds a member by user name and removes them
 * again; a name the API refuses shows its message; a member it is shared with sees the page but
 * not the section, which is for the owner and the project's admins.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleFixture, signInWithKeyboard, unlabelledControls } from '../support/browser.js';
import { create, member, waitStatus } from '../support/api.js';
import { cpuBody } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };

describe('web console: sharing a notebook', { timeout: 120_000 }, () => {
  const f = consoleFixture();

  it("adds and removes a share on the owner's detail page", async () => {
    const { t, page, problems } = f;
    const olive = await member(t, 'olive', t.projectId);
    await member(t, 'sam', t.projectId);
    const instance = await create(t, cpuBody('shared-console', 'modelarts.vm.cpu.2u'), { token: olive.token });
    await waitStatus(t, instance.id, 'RUNNING');

    await signInWithKeyboard(page, t.url, 'olive', olive.password);
    await page.evaluate((id) => {
      location.hash = `#/instances/${id}`;
    }, instance.id);
    const section = page.getByRole('region', { name: 'Shared with' });
    await section.getByText('Nobody else.').waitFor(WAIT);
    const form = page.getByRole('form', { name: 'Share with' });

    await form.getByLabel('User name').fill('nobody');
    await form.getByRole('button', { name: 'Add' }).click();
    await section.getByRole('alert').filter({ hasText: 'The user does not exist. (IAM.0002)' }).waitFor(WAIT);

    await form.getByLabel('User name').fill('sam');
    await form.getByRole('button', { name: 'Add' }).click();
    const row = page.locator('tr[data-share="sam"]');
    await row.waitFor(WAIT);
    assert.match(await row.innerText(), /sam\s+olive/);
    assert.equal(await form.getByLabel('User name').inputValue(), '');
    assert.deepEqual(await unlabelledControls(page), []);
    const shares = await t.http('GET', `${t.instances()}/${instance.id}/shares`);
    assert.deepEqual(
      shares.body.shares.map((s: { user_name: string }) => s.user_name),
      ['sam'],
    );

    await page.getByRole('button', { name: 'Stop sharing with sam' }).click();
    await section.getByText('Nobody else.').waitFor(WAIT);
    assert.equal((await t.http('GET', `${t.instances()}/${instance.id}/shares`)).body.total_count, 0);
    assert.deepEqual(problems.errors, []);
  });

  it('shows a member the notebook shared with them, without the section', async () => {
    const { t, page } = f;
    const instance = (await t.http('GET', `${t.instances()}?de_type=Notebook&show_self=false`)).body.instances.find(
      (i: { name: string }) => i.name === 'shared-console',
    );
    assert.equal(
      (await t.http('POST', `${t.instances()}/${instance.id}/shares`, { body: { user_name: 'sam' } })).status,
      200,
    );
    await signInWithKeyboard(page, t.url, 'sam', 'sam-password-1');
    await page.evaluate((id) => {
      location.hash = `#/instances/${id}`;
    }, instance.id);
    await page.getByRole('heading', { name: /shared-console/ }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Open' }).waitFor(WAIT);
    assert.equal(await page.getByRole('region', { name: 'Shared with' }).count(), 0);
  });
});
