/**
 * The create form when it fails (issue 19, items 3–5): the problems are said in words under the
 * input each one is about (a volume size under Volume size, not under Storage type), with the
 * API's own message kept under them; the Create button has a summary of them next to it; the
 * focus and the view move to the first field in error; all of it with the keyboard alone. A name
 * longer than 64 characters is kept as typed and refused with the limit, never cut and created.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type CreateInstanceRequest, DemanagerApiError, DemanagerClient } from '../../src/client/index.js';
import { type FormField, problemOf } from '../../console/src/api-errors.js';
import { create, waitGone, waitStatus } from '../support/api.js';
import { consoleFixture, docsScreenshot, signInWithKeyboard } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };
const LONG_NAME = 'n'.repeat(200);

/** The CPU body with its spec changed by `spec` (storage, repository, auto-stop). */
function bodyWith(name: string, spec: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  const body = cpuBody(name, 'modelarts.vm.cpu.2u');
  return { ...body, ...rest, spec: { ...body.spec, ...spec } } as CreateInstanceRequest;
}

/** What the API refuses, the field the console puts it under, and the words it says there. */
const REFUSALS: [string, CreateInstanceRequest, FormField, RegExp][] = [
  ['an empty name', bodyWith(''), 'name', /^Enter a name\.$/],
  ['a 200-character name', bodyWith(LONG_NAME), 'name', /^The name may be at most 64 characters; this one has 200\.$/],
  ['a space in the name', bodyWith('my notebook'), 'name', /^The name may not contain a space\./],
  ['a tab in the name', bodyWith('my\tnotebook'), 'name', /^The name may not contain a tab\./],
  ['a 600-character description', bodyWith('ok', {}, { description: 'd'.repeat(600) }), 'description', /at most 512/],
  ['a < in the description', bodyWith('ok', {}, { description: 'a<b' }), 'description', /less-than sign \(<\)/],
  [
    'a volume of 99999 GB',
    bodyWith('ok', { storage: { type: 'evs', location: { volume_size: 99999 } } }),
    'storage_size',
    /^Enter a volume size from 5 to 4096 GB/,
  ],
  [
    'an empty OBS path',
    bodyWith('ok', { storage: { type: 'obs', location: { path: '' } } }),
    'storage_path',
    /^Enter an OBS path/,
  ],
  [
    'an OBS path without its closing /',
    bodyWith('ok', { storage: { type: 'obs', location: { path: '/bucket/work' } } }),
    'storage_path',
    /^End the path with \//,
  ],
  [
    'a Git URL without a scheme',
    bodyWith('ok', { repository: { connection_info: { protocol: 'https', url: 'github.com/team/project.git' } } }),
    'repository_url',
    /^Enter a Git URL starting with https:\/\//,
  ],
  [
    'a token in the Git URL',
    bodyWith('ok', {
      repository: { connection_info: { protocol: 'https', url: 'https://me:secret@example.com/p.git' } },
    }),
    'repository_url',
    /^Leave the user name and token out of the Git URL/,
  ],
  [
    'a branch with a space',
    bodyWith('ok', {
      repository: { branch: 'my branch', connection_info: { protocol: 'https', url: 'https://example.com/p.git' } },
    }),
    'repository_branch',
    /^Enter a branch name/,
  ],
  [
    'auto-stop after a minute',
    bodyWith('ok', { auto_stop: { enable: true, duration: 60 } }),
    'auto_stop',
    /from 1 to 24 hours/,
  ],
];

/** The id of the focused element, and whether it lies wholly inside the window. */
function focusInView(page: Page): Promise<{ id: string; inView: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const box = el.getBoundingClientRect();
    return { id: el.id, inView: box.top >= 0 && box.bottom <= window.innerHeight };
  });
}

/** Presses Tab until the focused element matches `selector`; fails after 40 presses. */
async function tabUntil(page: Page, selector: string, reverse = false): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(reverse ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

describe('web console: a failed create says what is wrong where the user is, in words', { timeout: 180_000 }, () => {
  const f = consoleFixture();
  let page: Page;
  const summary = () => page.locator('#create-problems');
  /** The summary's text, a line a sentence (innerText puts a blank line after a paragraph). */
  const summaryText = async () => (await summary().innerText()).replace(/\n+/g, '\n');

  /** The create form, empty, at `size`, with the focus on the page (not on a control). */
  async function freshForm(size: { width: number; height: number }) {
    await page.setViewportSize(size);
    await page.goto(`${f.t.url}/console/#/list`);
    await page.getByRole('heading', { name: 'Notebook instances' }).waitFor(WAIT);
    await page.goto(`${f.t.url}/console/#/new`);
    await page.getByRole('button', { name: 'Create', exact: true }).and(page.locator(':enabled')).waitFor(WAIT);
  }

  before(async () => {
    page = f.page;
    await signInWithKeyboard(page, f.t.url, 'admin', ADMIN_PASSWORD);
  });

  it("puts each API refusal under its own input, in words, with the API's text and code kept", async () => {
    const client = new DemanagerClient();
    await client.login({ url: f.t.url, user: 'admin', password: ADMIN_PASSWORD });
    for (const [what, body, field, words] of REFUSALS) {
      const error = await client.create(body).then(
        () => assert.fail(`${what} was created`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DemanagerApiError && error.status === 400, `${what}: ${String(error)}`);
      const problem = problemOf(error, body.name);
      assert.equal(problem.field, field, `${what}: ${error.message}`);
      assert.match(problem.message, words, what);
      assert.equal(problem.detail, `${error.errorMsg} (${error.errorCode})`, what);
    }
    // The API refuses a long name rather than cutting it: nothing was created.
    assert.equal((await client.list()).total_count, 0);
  });

  it('keeps a 200-character name as typed and refuses it with the limit, creating nothing', async () => {
    await freshForm({ width: 1280, height: 800 });
    const name = page.getByLabel('Name');
    await name.focus();
    await page.keyboard.insertText(LONG_NAME);
    assert.equal((await name.inputValue()).length, 200, 'the name is not cut as it is typed');
    await page.getByText('200 of at most 64 characters.').waitFor(WAIT);
    await page.keyboard.press('Enter');
    await page.locator('#name-error').waitFor(WAIT);
    assert.equal(
      await page.locator('#name-error').innerText(),
      'The name may be at most 64 characters; this one has 200.',
    );
    assert.equal((await name.inputValue()).length, 200);
    const client = new DemanagerClient();
    await client.login({ url: f.t.url, user: 'admin', password: ADMIN_PASSWORD });
    assert.equal((await client.list()).total_count, 0, 'nothing was created');
  });

  for (const [size, shot] of [
    [{ width: 1280, height: 800 }, 'console-create-errors'],
    [{ width: 390, height: 844 }, 'console-create-errors-phone'],
  ] as const) {
    it(`at ${size.width}×${size.height}, with the keyboard alone: the focus goes to the first field in error, the button says how many`, async () => {
      await freshForm(size);
      await page.getByLabel('Name').focus();
      await page.keyboard.type('my notebook');
      await tabUntil(page, '#volume-size');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('99999');
      await tabUntil(page, 'button[type="submit"]');
      await page.keyboard.press('Enter');
      await summary().waitFor(WAIT);
      assert.deepEqual(await focusInView(page), { id: 'name', inView: true });
      assert.equal(
        await summaryText(),
        [
          'Not created: the form has 2 problems.',
          'Name: The name may not contain a space. Use letters, digits, _ and -.',
          'Volume size: Enter a volume size from 5 to 4096 GB, in whole GB.',
        ].join('\n'),
      );
      assert.equal(await page.locator('#create-problems').getAttribute('role'), 'alert');
      assert.equal(
        await page.getByRole('button', { name: 'Create', exact: true }).getAttribute('aria-describedby'),
        'create-problems',
      );
      // Under the inputs they are about: the size under Volume size, nothing under Storage type.
      assert.equal(await page.getByLabel('Volume size (GB)').getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('#volume-size-error').innerText(), /from 5 to 4096 GB/);
      assert.equal(await page.locator('#storage-type-error').count(), 0);
      await docsScreenshot(page, shot);
      // From the summary, the keyboard reaches the second field.
      await tabUntil(page, '#create-problems li:nth-child(2) button');
      await page.keyboard.press('Enter');
      assert.deepEqual(await focusInView(page), { id: 'volume-size', inView: true });
    });
  }

  it('an empty OBS path is said under Path, not under Storage type', async () => {
    await freshForm({ width: 1280, height: 800 });
    await page.getByLabel('Name').fill('obs-notebook');
    await page.getByLabel('Type').selectOption('obs');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('#storage-path-error').waitFor(WAIT);
    assert.equal(
      await page.locator('#storage-path-error').innerText(),
      'Enter an OBS path, for example /bucket/work/.',
    );
    assert.equal(await page.locator('#storage-type-error').count(), 0);
    assert.deepEqual(await focusInView(page), { id: 'storage-path', inView: true });
  });

  it("a name already taken is said under Name in words, the API's code under them", async () => {
    const { t } = f;
    const taken = await create(t, cpuBody('taken', 'modelarts.vm.cpu.2u'));
    await waitStatus(t, taken.id, 'RUNNING');
    try {
      await freshForm({ width: 1280, height: 800 });
      await page.getByLabel('Name').fill('taken');
      await page.getByLabel('Name').press('Enter');
      await page.locator('#name-error').waitFor(WAIT);
      assert.equal(
        await page.locator('#name-error').innerText(),
        'An instance named taken already exists in this project. Choose another name.',
      );
      assert.match(await page.locator('#name-detail').innerText(), /\(ModelArts\.6301\)$/);
      assert.deepEqual(await focusInView(page), { id: 'name', inView: true });
    } finally {
      await t.http('POST', `${t.instances()}/${taken.id}/action`, { body: { action: 'stop' } });
      await waitStatus(t, taken.id, 'STOPPED');
      await t.http('DELETE', `${t.instances()}/${taken.id}`);
      await waitGone(t, taken.id);
    }
  });

  it("a bad Git URL is said under Git URL in words, the API's text and code under them, the focus brought down to it", async () => {
    await freshForm({ width: 390, height: 844 });
    await page.getByLabel('Name').fill('repo-notebook');
    await page.getByLabel('Git URL').fill('github.com/team/project.git');
    await page.getByLabel('Name').focus();
    await page.keyboard.press('Enter');
    await page.locator('#repository-error').waitFor(WAIT);
    assert.match(await page.locator('#repository-error').innerText(), /^Enter a Git URL starting with https:\/\//);
    assert.equal(
      await page.locator('#repository-detail').innerText(),
      "The service said: 'repository.connection_info.url' property value is incorrect. (ModelArts.6336)",
    );
    assert.deepEqual(await focusInView(page), { id: 'repository', inView: true });
    assert.match(await summaryText(), /^Not created: the form has a problem\.\nGit URL: Enter a Git URL/);
  });
});
