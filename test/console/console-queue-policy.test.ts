/**
 * A flavor's queue policy in the console: the create form's flavor choice names each queue's
 * policy, and under the flavor chosen says how many may run at once and who goes first when it is
 * full (for `fair`: whoever used the flavor least over its window) with the per-user waiting limit,
 * tied to the choice for screen readers; a queued instance's page says it again by its place in
 * line, and, once it is stopped, its edit form under the flavor it may change to. Screenshot at 1280×800.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import type { Flavor } from '../../src/core/model/catalog.js';
import { create, waitStatus } from '../support/api.js';
import { consoleFixture, docsScreenshot, signInWithKeyboard, unlabelledControls } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody, INSTANT_PHASES } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };
/** The free flavor with one slot and a fair queue over half a day, at most two of a user's waiting. */
const FAIR: Flavor = {
  ...BUILTIN_CATALOG.flavors.find((f) => f.name === 'modelarts.vm.cpu.free')!,
  name: 'modelarts.vm.cpu.fair',
  capacity: 1,
  queue_policy: 'fair',
  fair_window_days: 0.5,
  max_waiting_per_user: 2,
};
const FAIR_WORDS =
  'When it is full, you wait in a fair queue: of those waiting, whoever used this flavor least over the last ' +
  '12 hours goes first (ties go by arrival), so someone who used it less may start before you even if they ' +
  'came later. At most 2 of your instances may wait for it at once.';

describe('web console: queue policy', { timeout: 120_000 }, () => {
  const f = consoleFixture({
    catalog: { flavors: [...BUILTIN_CATALOG.flavors, FAIR] },
    runtime: { simulated: { delays: INSTANT_PHASES } },
  });

  it('says under the flavor chosen how many run at once and who goes first when it is full', async () => {
    const { t, page, problems } = f;
    const holder = await create(t, cpuBody('fair-holder', FAIR.name));
    await waitStatus(t, holder.id, 'RUNNING');
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'New instance' }).first().click();
    await page.getByRole('button', { name: 'Create', exact: true }).and(page.locator(':enabled')).waitFor(WAIT);
    await page.getByLabel('Name').fill('waits-fairly');
    await page.getByLabel('Image (profile)').selectOption('Multi-Engine 1.0 (python3)-cpu');
    const size = page.getByLabel('Size (flavor)');
    const option = (name: string) => page.locator(`#flavor option[value="${name}"]`);
    await option(FAIR.name).waitFor({ state: 'attached', ...WAIT });
    assert.match(await option(FAIR.name).innerText(), /· queue: fair over 12 hours · sold out — you will queue/);
    assert.match(await option('modelarts.vm.cpu.free').innerText(), /· queue: first come, first served$/);
    assert.doesNotMatch(await option('modelarts.vm.cpu.2u').innerText(), /queue/);

    await size.selectOption('modelarts.vm.cpu.2u');
    const hint = page.locator('#flavor-hint');
    assert.equal(
      await hint.innerText(),
      'Any number of notebooks of this size may run at once. ' +
        'When it is full, a create or start fails at once instead of waiting for a slot.',
    );
    await size.selectOption('modelarts.vm.cpu.free');
    assert.equal(
      await hint.innerText(),
      '5 notebooks of this size may run at once. When it is full, you wait in line: first come, first served.',
    );
    await size.selectOption(FAIR.name);
    assert.equal(await hint.innerText(), `1 notebook of this size may run at once. ${FAIR_WORDS}`);
    assert.match((await size.getAttribute('aria-describedby')) ?? '', /\bflavor-hint\b/, 'read with the choice');
    assert.deepEqual(await unlabelledControls(page), []);
    await docsScreenshot(page, 'console-create-queue-policy');

    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('#1 in line').waitFor(WAIT);
    assert.equal(await page.locator('.queue-policy').innerText(), FAIR_WORDS);

    // Stopped, its flavor may change: the edit form says the same of the size chosen.
    await page.getByRole('button', { name: 'Leave the queue' }).click();
    await page.getByRole('button', { name: 'Join the queue' }).waitFor(WAIT);
    await page.getByText('Change description, auto-stop or flavor').click();
    const edit = page.getByLabel('Flavor', { exact: true });
    await edit.and(page.locator(':enabled')).waitFor(WAIT);
    // The catalog read: the flavor it may change to is offered.
    await page
      .locator('#edit-flavor option', { hasText: 'modelarts.vm.cpu.free' })
      .waitFor({ state: 'attached', ...WAIT });
    const editHint = page.locator('#edit-flavor-hint');
    assert.equal(
      await editHint.innerText(),
      `A new flavor resizes the instance. 1 notebook of this size may run at once. ${FAIR_WORDS}`,
    );
    await edit.selectOption('modelarts.vm.cpu.free');
    assert.match(
      await editHint.innerText(),
      /5 notebooks of this size may run at once\. .*first come, first served\.$/,
    );
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failedRequests, []);
  });
});
