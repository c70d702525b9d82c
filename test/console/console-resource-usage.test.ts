/**
 * "Resource use" on an instance's page, with a real notebook in its real control group (root only:
 * CI runs as root): meters against the flavor's limits with the figures in words, a spinning
 * kernel's core showing up as the page measures again, and "not available" once the notebook has
 * stopped, with no number made up. Screenshots at 1280×800 and 390×844.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { consoleFixture, docsScreenshot, signInWithKeyboard } from '../support/browser.js';
import { execute } from '../support/kernel-client.js';
import { startRealNotebook, stopRealNotebook, type RealNotebook } from '../support/real-notebook.js';
import { ADMIN_PASSWORD, cpuBody } from '../support/test-app.js';

const SMALL = completeFlavor({ name: 'test.cpu.meter', type: 'CPU', params: { CPU: 1, memory: '600MiB' } });
const WAIT = { timeout: 20_000 };
const root = process.getuid?.() === 0;

describe('web console: resource use', { skip: root ? false : 'needs root (CI runs as root)', timeout: 180_000 }, () => {
  const f = consoleFixture({
    catalog: { flavors: [...BUILTIN_CATALOG.flavors, SMALL] },
    runtime: { driver: 'local', pollIntervalSeconds: 1 },
  });
  let notebook: RealNotebook | undefined;
  let running = false;

  after(async () => {
    if (running && notebook) await stopRealNotebook(f.t, notebook.id);
  });

  it("shows CPU and memory against the flavor's limits, measured again as the notebook works", async () => {
    const { t, page, problems } = f;
    notebook = await startRealNotebook(t, cpuBody('metered', SMALL.name));
    running = true;
    await signInWithKeyboard(page, t.url, 'admin', ADMIN_PASSWORD);
    await page.evaluate((id) => {
      location.hash = `#/instances/${id}`;
    }, notebook.id);
    const section = page.getByRole('region', { name: 'Resource use' });
    const cpuText = section.getByTestId('usage-cpu-text');
    await cpuText.filter({ hasText: /^\d+\.\d{2} of 1 CPU cores$/ }).waitFor(WAIT);
    await section
      .getByTestId('usage-memory-text')
      .filter({ hasText: /^\d+ MiB of 600 MiB$/ })
      .waitFor(WAIT);
    const cpuMeter = section.getByRole('meter', { name: 'CPU' });
    assert.equal(await cpuMeter.getAttribute('max'), '1');
    assert.equal(await section.getByRole('meter', { name: 'Memory' }).getAttribute('max'), String(600 * 2 ** 20));

    await execute(
      notebook.kernel,
      notebook.cookie,
      "import subprocess, sys\nspin = subprocess.Popen([sys.executable, '-c', 'while True: pass'])",
      t.url,
    );
    try {
      await cpuText.filter({ hasText: /^(0\.[5-9]\d|1\.\d{2}) of 1 CPU cores/ }).waitFor({ timeout: 30_000 });
      assert.ok(Number(await cpuMeter.getAttribute('value')) > 0.5, 'the meter shows it too');
      await section.scrollIntoViewIfNeeded();
      // Right after a measurement has been shown, so that no answer re-renders the meters during the shot.
      const settled = async () => {
        await page.waitForResponse((r) => r.url().endsWith(`/${notebook!.id}/usage`));
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      };
      await settled();
      await docsScreenshot(page, 'console-resource-usage', { fullPage: false });
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await section.scrollIntoViewIfNeeded();
        await settled();
        assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling');
        await docsScreenshot(page, 'console-resource-usage-phone', { fullPage: false });
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    } finally {
      await execute(notebook.kernel, notebook.cookie, 'spin.kill(); spin.wait()', t.url);
    }
    assert.deepEqual(problems.errors, []);
  });

  it('says "not available" once the notebook has stopped', async () => {
    const { t, page } = f;
    await stopRealNotebook(t, notebook!.id);
    running = false;
    const section = page.getByRole('region', { name: 'Resource use' });
    await section.getByText('Not available: the notebook is not running.').waitFor(WAIT);
    assert.equal(await section.getByRole('meter').count(), 0, 'no meter shows a made-up figure');
  });
});
