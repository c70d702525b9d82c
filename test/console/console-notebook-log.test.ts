/**
 * The notebook log on an instance's page, with a real notebook on the local runtime: Jupyter's
 * start-up lines appear, lines the notebook writes later follow live, Pause holds the view still
 * until it is pressed again (keyboard only), a long line wraps instead of widening a phone's page,
 * and the log stays readable (its last words) once the notebook has stopped — though not to a
 * member it is not shared with, who is told so. Lines are appended to the log file itself, as the
 * notebook's processes do through the fd they inherit.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { create, member, waitStatus } from '../support/api.js';
import { stopRealNotebook } from '../support/real-notebook.js';
import { consoleFixture, docsScreenshot, signInWithKeyboard, unlabelledControls } from '../support/browser.js';
import { ADMIN_PASSWORD, cpuBody } from '../support/test-app.js';

const WAIT = { timeout: 20_000 };

describe('web console: the notebook log', { timeout: 180_000 }, () => {
  const f = consoleFixture({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
  let id = '';
  let running = false;
  const append = (text: string) => appendFileSync(join(f.t.dataDir, 'instances', id, 'logs', 'notebook.log'), text);

  after(async () => {
    if (running) await stopRealNotebook(f.t, id);
  });

  it('shows the last lines and follows new ones live', async () => {
    const { t, page, problems } = f;
    id = (await create(t, cpuBody('log-console', 'modelarts.vm.cpu.2u'))).id;
    running = true;
    await waitStatus(t, id, 'RUNNING', { timeoutMs: 90_000 });
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.evaluate((instanceId) => {
      location.hash = `#/instances/${instanceId}`;
    }, id);
    const section = page.getByRole('region', { name: 'Notebook log' });
    const log = section.getByRole('log', { name: 'Notebook log' });
    await log.filter({ hasText: /Jupyter|ServerApp|NotebookApp/ }).waitFor(WAIT);
    assert.equal(await log.getAttribute('aria-live'), 'polite');
    assert.equal(await log.evaluate((el) => el.tagName), 'PRE');
    await section.getByText('Following live.').waitFor(WAIT);

    append('console-follow-1\n');
    await log.filter({ hasText: 'console-follow-1' }).waitFor(WAIT);
    append('console-follow-2\nconsole-follow-3\n');
    await log.filter({ hasText: 'console-follow-3' }).waitFor(WAIT);
    const text = await log.innerText();
    assert.equal(text.split('console-follow-2').length, 2, 'each new line once');
    assert.ok(text.indexOf('console-follow-1') < text.indexOf('console-follow-3'), 'in order');
    assert.deepEqual(await unlabelledControls(page), []);
    assert.deepEqual(problems.errors, []);
  });

  it('pauses and resumes with the keyboard alone', async () => {
    const { page } = f;
    const section = page.getByRole('region', { name: 'Notebook log' });
    const log = section.getByRole('log');
    const pause = section.getByRole('button', { name: 'Pause' });
    await pause.focus();
    await page.keyboard.press('Enter');
    assert.equal(await pause.getAttribute('aria-pressed'), 'true');
    await section.getByText('Paused: new lines wait until you resume.').waitFor(WAIT);
    append('console-while-paused\n');
    // Longer than two of the page's polls: a paused view asks for nothing, so the line stays away.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    assert.ok(!(await log.innerText()).includes('console-while-paused'), 'the view held still');
    await page.keyboard.press('Space');
    assert.equal(await pause.getAttribute('aria-pressed'), 'false');
    await log.filter({ hasText: 'console-while-paused' }).waitFor(WAIT);
    // The log itself takes the focus, so the keyboard scrolls it.
    await log.focus();
    assert.equal(await log.evaluate((el) => el === document.activeElement), true);
  });

  it('wraps a long line at phone size instead of scrolling sideways; screenshots at both sizes', async () => {
    const { page } = f;
    const log = page.getByRole('region', { name: 'Notebook log' }).getByRole('log');
    append(`console-long ${'x'.repeat(600)}\n`);
    await log.filter({ hasText: 'console-long' }).waitFor(WAIT);
    await log.evaluate((el) => (el as HTMLElement).blur());
    await log.scrollIntoViewIfNeeded();
    await docsScreenshot(page, 'console-notebook-log', { fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await log.scrollIntoViewIfNeeded();
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        log: document.querySelector('pre[role="log"]')!.scrollWidth,
      }));
      assert.ok(widths.page <= 390, `the page is ${widths.page} px wide`);
      assert.ok(widths.log <= 390, `the log is ${widths.log} px wide`);
      await docsScreenshot(page, 'console-notebook-log-phone', { fullPage: false });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("keeps the notebook's last words once it has stopped", async () => {
    const { t, page } = f;
    append('console-last-words\n');
    await stopRealNotebook(t, id);
    running = false;
    const section = page.getByRole('region', { name: 'Notebook log' });
    await section.getByText('The notebook is not running.').waitFor(WAIT);
    await section.getByRole('log').filter({ hasText: 'console-last-words' }).waitFor(WAIT);
    assert.equal(await section.getByRole('button', { name: 'Pause' }).count(), 0, 'nothing to pause');
  });

  it('tells a member the notebook is not shared with that the log is not theirs to read', async () => {
    const { t, page, problems } = f;
    const sam = await member(t, 'sam', t.projectId);
    await signInWithKeyboard(page, t.url, 'sam', sam.password);
    await page.evaluate((instanceId) => {
      location.hash = `#/instances/${instanceId}`;
    }, id);
    const section = page.getByRole('region', { name: 'Notebook log' });
    await section
      .getByText("Only the owner, the project's admins and users it is shared with can read this log.")
      .waitFor(WAIT);
    assert.equal(await section.getByRole('log').count(), 0);
    assert.ok(
      problems.failedRequests.every((r) => r === `GET /v1/${t.projectId}/demanager/instances/${id}/logs 403`),
      problems.failedRequests.join(', '),
    );
  });
});
