/**
 * The web console in Debian's Chromium against a real server (simulated runtime): sign in with
 * the keyboard, create an instance and watch it reach RUNNING without a reload, see what is
 * wrong next to a bad field, queue on a sold-out flavor and see the rank, stop and delete with
 * confirmation — with no console error on the way (CSP violations included). Writes the
 * screenshots under docs/ that the README shows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { create, waitStatus } from '../support/api.js';
import {
  docsScreenshot,
  openBrowserPage,
  type PageProblems,
  signInWithKeyboard,
  unlabelledControls,
} from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

const SCARCE = completeFlavor({
  name: 'modelarts.vm.cpu.scarce',
  type: 'CPU',
  params: { CPU: 1, memory: '4GiB' },
  promo_type: 'Free',
  capacity: 1,
  queues: true,
});
const WAIT = { timeout: 15_000 };

describe('web console in Chromium', { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    t = await startTestApp({
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, SCARCE] },
      runtime: { simulated: { delays: { prepare: 300, start: 700, stop: 400, remove: 200 } } },
    });
    ({ browser, page, problems } = await openBrowserPage());
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** Saves the page for the README, and checks on the way that every control on it is labelled. */
  async function shot(name: string) {
    assert.deepEqual(await unlabelledControls(page), [], `unlabelled controls on ${name}`);
    await docsScreenshot(page, `console-${name}`);
  }
  const badge = (status: string) => page.locator(`h1 .badge[data-status="${status}"]`);

  it('signs in with the keyboard alone', async () => {
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD, () => shot('sign-in'));
    await page.locator('[data-live="live"]').waitFor(WAIT);
  });

  it('says what is wrong next to the field it is about, in words', async () => {
    await page.getByRole('link', { name: 'New instance' }).first().click();
    await page.getByRole('button', { name: 'Create', exact: true }).and(page.locator(':enabled')).waitFor(WAIT);
    await page.getByLabel('Name').fill('bad/name');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const message = page.locator('#name-error');
    await message.waitFor(WAIT);
    assert.equal(await message.innerText(), 'The name may not contain a slash (/). Use letters, digits, _ and -.');
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
  });

  it('creates an instance and shows it reach RUNNING without a reload', async () => {
    await page.getByLabel('Name').fill('notebook-one');
    await page.getByLabel('Description (optional)').fill('first notebook from the console');
    await page.getByLabel('Image (profile)').selectOption('Multi-Engine 1.0 (python3)-cpu');
    await page.getByLabel('Size (flavor)').selectOption('modelarts.vm.cpu.2u');
    await shot('create');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: /notebook-one/ }).waitFor(WAIT);
    const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    await badge('RUNNING').waitFor(WAIT);
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), loads, 'no reload');
    await page.getByRole('button', { name: 'Open' }).waitFor(WAIT);
    await page.getByRole('cell', { name: 'Running' }).first().waitFor(WAIT);
    await shot('detail');
  });

  it('queues on a sold-out flavor and shows the rank', async () => {
    const holder = await create(t, cpuBody('free-holder', SCARCE.name));
    await waitStatus(t, holder.id, 'RUNNING');
    await page.getByRole('link', { name: 'New instance' }).first().click();
    // The form sets its fields once the catalog has loaded: typing before that is typed in vain.
    await page.getByRole('button', { name: 'Create', exact: true }).and(page.locator(':enabled')).waitFor(WAIT);
    await page.getByLabel('Name').fill('notebook-waits');
    await page.getByLabel('Image (profile)').selectOption('Multi-Engine 1.0 (python3)-cpu');
    const option = page.locator(`#flavor option[value="${SCARCE.name}"]`);
    await option.waitFor({ state: 'attached', ...WAIT });
    assert.match(await option.innerText(), /sold out — you will queue/);
    await page.getByLabel('Size (flavor)').selectOption(SCARCE.name);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await badge('CREATE_QUEUING').waitFor(WAIT);
    await page.getByText('#1 in line').waitFor(WAIT);
    await page.getByRole('link', { name: '← All instances' }).click();
    const row = page.locator('tr[data-instance="notebook-waits"]');
    await row.locator('[data-rank="1"]').waitFor(WAIT);
    await page.locator('tr[data-instance="notebook-one"] [data-status="RUNNING"]').waitFor(WAIT);
    await shot('list');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('list-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('leaves the queue and joins it again', async () => {
    await page.getByRole('link', { name: 'notebook-waits' }).click();
    await badge('CREATE_QUEUING').waitFor(WAIT);
    await page.getByRole('button', { name: 'Leave the queue' }).click();
    await badge('STOPPED').waitFor(WAIT);
    await page.getByRole('button', { name: 'Join the queue' }).click();
    await badge('START_QUEUING').waitFor(WAIT);
    await page.getByText('#1 in line').waitFor(WAIT);
    await page.getByRole('link', { name: '← All instances' }).click();
  });

  it('restarts after asking; Escape cancels the question and gives the focus back', async () => {
    await page.getByRole('link', { name: 'notebook-one' }).click();
    await badge('RUNNING').waitFor(WAIT);
    const restart = page.getByRole('button', { name: 'Restart' });
    await restart.click();
    await page.getByRole('dialog').waitFor(WAIT);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached', ...WAIT });
    assert.equal(await restart.evaluate((el) => el === document.activeElement), true, 'focus back on Restart');
    assert.equal(
      (await t.http('GET', `${t.instances()}?de_type=Notebook&status=RESTARTING`)).body.total_count,
      0,
      'nothing was asked of the API',
    );
    await restart.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Restart' }).click();
    await badge('RESTARTING').waitFor(WAIT);
    await badge('RUNNING').waitFor(WAIT);
    await page.getByRole('link', { name: '← All instances' }).click();
  });

  it('stops and deletes an instance after asking, and sees each change arrive', async () => {
    await page.getByRole('link', { name: 'notebook-one' }).click();
    await badge('RUNNING').waitFor(WAIT);
    await page.getByRole('button', { name: 'Stop' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor(WAIT);
    await dialog.getByRole('button', { name: 'Stop' }).click();
    await badge('STOPPED').waitFor(WAIT);
    // A stopped instance may change its flavor: it resizes, and rests STOPPED again.
    await page.getByText('Change description, auto-stop or flavor').click();
    await page.getByLabel('Description', { exact: true }).fill('resized from the console');
    await page.getByLabel('Flavor', { exact: true }).selectOption('modelarts.vm.cpu.8u');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('cell', { name: 'Stopped → Resizing' }).waitFor(WAIT);
    await badge('STOPPED').waitFor(WAIT);
    await page.locator('dd', { hasText: 'modelarts.vm.cpu.8u' }).waitFor(WAIT);
    await page.locator('dd', { hasText: 'resized from the console' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Instance deleted' }).waitFor(WAIT);
    const list = await t.http('GET', `${t.instances()}?de_type=Notebook`);
    assert.ok(!list.body.instances.some((i: { name: string }) => i.name === 'notebook-one'));
  });

  it('logged no console error, no uncaught exception and no refused request', () => {
    assert.deepEqual(problems.errors, []);
    // The bad name was caught by the console before anything was sent.
    assert.deepEqual(problems.failedRequests, []);
  });
});
