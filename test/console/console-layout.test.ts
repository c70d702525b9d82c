/**
 * Every page of the console — sign-in, list, create, usage, detail, administration — at the reference
 * size (1280×800) and at phone width (390×844): nothing scrolls sideways and every control lies
 * within the screen's width, so it can be reached. Creating an instance and acting on it work
 * with the keyboard alone. No console error on the way.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { create, waitStatus } from '../support/api.js';
import { consoleFixture, signInWithKeyboard, tabTo } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody } from '../support/test-app.js';

const WAIT = { timeout: 15_000 };
const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

/** What sticks out sideways: the page's own overflow, and each visible control beyond the screen's edges (when focused). */
function sidewaysProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width)
      problems.push(`the page is ${document.documentElement.scrollWidth}px wide in ${width}px`);
    for (const el of document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href], summary')) {
      let box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      // Kept off-screen until focused (the skip link): it must come into view when it is.
      if (box.right <= 0) {
        el.focus();
        box = el.getBoundingClientRect();
        el.blur();
      }
      if (box.left < -1 || box.right > width + 1)
        problems.push(`${el.outerHTML.slice(0, 80)} spans ${Math.round(box.left)}–${Math.round(box.right)}px`);
    }
    return problems;
  });
}

describe('web console: every page at phone width and at 1280×800, and by keyboard', { timeout: 180_000 }, () => {
  const f = consoleFixture({ runtime: { simulated: { delays: { prepare: 100, start: 200, stop: 100, remove: 50 } } } });
  let queued = '';

  before(async () => {
    const { t } = f;
    // A long name and a long description, as people write them, on the detail and list pages.
    const made = await create(
      t,
      cpuBody('a-rather-long-notebook-name-for-the-experiments-of-the-team', 'modelarts.vm.cpu.2u'),
    );
    await t.http('PUT', `${t.instances()}/${made.id}`, {
      body: {
        description:
          'A description long enough to wrap on a phone, as real ones are: experiments on the quarterly data.',
      },
    });
    await waitStatus(t, made.id, 'RUNNING');
    queued = made.id;
  });

  const pages: [string, () => Promise<void>][] = [
    [
      'sign-in',
      async () => {
        await f.page.goto(`${f.t.url}/console/`);
        await f.page.getByLabel('User name').waitFor(WAIT);
      },
    ],
    [
      'list',
      async () => {
        await signInWithKeyboard(f.page, f.t.url, 'admin', ADMIN_PASSWORD);
        await f.page.locator('tr[data-instance] [data-status="RUNNING"]').waitFor(WAIT);
      },
    ],
    [
      'create',
      async () => {
        await f.page.getByRole('link', { name: 'New instance' }).first().click();
        await f.page.getByLabel('Size (flavor)').waitFor(WAIT);
      },
    ],
    [
      'usage',
      async () => {
        await f.page.getByRole('link', { name: 'Usage' }).first().click();
        await f.page.locator('.usage-bars li').first().waitFor(WAIT);
      },
    ],
    [
      'detail',
      async () => {
        await f.page.evaluate((id) => (location.hash = `#/instances/${encodeURIComponent(id)}`), queued);
        await f.page.getByRole('button', { name: 'Stop' }).waitFor(WAIT);
      },
    ],
    [
      'administration',
      async () => {
        await f.page.getByRole('link', { name: 'Administration' }).click();
        await f.page.getByRole('heading', { name: 'Administration' }).waitFor(WAIT);
      },
    ],
  ];

  for (const size of SIZES) {
    it(`shows every page within ${size.width}×${size.height} with nothing sideways`, async () => {
      await f.page.setViewportSize(size);
      for (const [name, show] of pages) {
        await show();
        assert.deepEqual(await sidewaysProblems(f.page), [], `${name} at ${size.width}×${size.height}`);
      }
    });
  }

  it('creates an instance with the keyboard alone, at phone width', async () => {
    await f.page.setViewportSize(SIZES[1]!);
    await signInWithKeyboard(f.page, f.t.url, 'admin', ADMIN_PASSWORD);
    await tabTo(f.page, /^New instance$/);
    await f.page.keyboard.press('Enter');
    await f.page.getByLabel('Size (flavor)').waitFor(WAIT);
    // The name field is the first of the form.
    await tabTo(f.page, /^Name/);
    await f.page.keyboard.type('typed-notebook');
    await tabTo(f.page, /^Image \(profile\)/);
    // A closed <select> picks the option whose text starts with what is typed.
    await f.page.keyboard.type('Multi-Engine 1.0 (python3)-cpu');
    await tabTo(f.page, /^Size \(flavor\)/);
    await f.page.keyboard.type('modelarts.vm.cpu.2u');
    assert.deepEqual(
      [await f.page.getByLabel('Image (profile)').inputValue(), await f.page.getByLabel('Size (flavor)').inputValue()],
      ['Multi-Engine 1.0 (python3)-cpu', 'modelarts.vm.cpu.2u'],
    );
    await tabTo(f.page, /^Create$/);
    await f.page.keyboard.press('Enter');
    await f.page.getByRole('heading', { name: /typed-notebook/ }).waitFor(WAIT);
    await f.page.locator('h1 .badge[data-status="RUNNING"]').waitFor(WAIT);
  });

  it('stops it from the detail page with the keyboard alone: the question takes the focus, and gives it back', async () => {
    await tabTo(f.page, /^Stop$/);
    await f.page.keyboard.press('Enter');
    const dialog = f.page.getByRole('dialog');
    await dialog.waitFor(WAIT);
    assert.equal(
      await f.page.evaluate(() => document.activeElement?.textContent?.trim()),
      'Cancel',
      'the safe answer has the focus',
    );
    await f.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    // The focus goes back once the page has drawn the dialog's removal, a frame later.
    await f.page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Stop', undefined, WAIT);
    await f.page.keyboard.press('Enter');
    await dialog.waitFor(WAIT);
    await f.page.keyboard.press('Tab');
    assert.equal(await f.page.evaluate(() => document.activeElement?.textContent?.trim()), 'Stop');
    await f.page.keyboard.press('Enter');
    await f.page.locator('h1 .badge[data-status="STOPPED"]').waitFor(WAIT);
    assert.deepEqual(await sidewaysProblems(f.page), [], 'the stopped detail page at phone width');
  });

  it('logged no console error and no refused request', () => {
    assert.deepEqual(f.problems.errors, []);
    assert.deepEqual(f.problems.failedRequests, []);
  });
});
