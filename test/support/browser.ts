/**
 * @module test/support/browser
 * Debian's Chromium driven by playwright-core, as the machine notes prescribe: headless, no
 * sandbox (tests run as root), none of the background traffic a closed network refuses, and a
 * fresh profile per launch. A page's console errors, uncaught exceptions and refused requests are
 * recorded as they come. Screenshots for docs/ are taken so that they change only when the pages do.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from './test-app.js';

const WAIT = { timeout: 15_000 };

export const CHROMIUM = process.env.DEMANAGER_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Where the tests write the screenshots the README shows. */
export const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));

/** `args` go to Chromium besides the usual ones (`--host-resolver-rules`, to give this machine names). */
export function launchBrowser(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}

export interface PageProblems {
  /** Console errors and uncaught exceptions (a CSP violation is one). */
  errors: string[];
  /** Every answer of 400 or more the page received, as `METHOD path status`. */
  failedRequests: string[];
}

/**
 * What went wrong on the page, as it comes. Chromium also logs each 4xx answer as a console error
 * ("Failed to load resource"); those are kept apart, as requests, so a test can tell the API
 * refusals it provoked from errors of the page itself.
 */
export function problemsOf(page: Page): PageProblems {
  const problems: PageProblems = { errors: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of [45]\d\d\b/.test(message.text())) return;
    problems.errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.errors.push(`page: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400)
      problems.failedRequests.push(
        `${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`,
      );
  });
  return problems;
}

/** Signs in to the console at `baseUrl` with the keyboard alone, and waits for the instance list. */
export async function signInWithKeyboard(
  page: Page,
  baseUrl: string,
  user: string,
  password: string,
  beforeSubmit?: () => Promise<unknown>,
): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('User name').waitFor(WAIT);
  await beforeSubmit?.();
  // The user field has the focus; Tab moves on, Enter submits.
  await page.keyboard.type(user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Notebook instances' }).waitFor(WAIT);
}

export interface BrowserPage {
  browser: Browser;
  page: Page;
  problems: PageProblems;
}

/**
 * A fresh browser with one page at the console's reference size, 1280×800, its problems recorded.
 * One locale and time zone whatever the machine's, and a page clock that {@link docsScreenshot}
 * can hold still (it runs as the real one until then).
 */
export async function openBrowserPage(): Promise<BrowserPage> {
  const browser = await launchBrowser();
  const page = await (
    await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' })
  ).newPage();
  await page.clock.install();
  return { browser, page, problems: problemsOf(page) };
}

/**
 * What differs between two runs of the same test, each with the one sample shown in the screenshots
 * instead: where (a selector; every text when null), what (a pattern) and the sample. Times (in the
 * en-GB form the page uses here, to the minute or the second), instance ids, the test server's port, and the countdowns (auto-stop,
 * queue wait), which show a different form as they cross an hour, so all of a countdown's forms
 * become one sample while fixed durations elsewhere ("after 1 h 00 min") stay as they are.
 */
const DURATION = /\b\d+ h \d{2} min\b|\b\d+ min \d{2} s\b|\b\d+ s\b/g;
const VARYING_TEXT: ReadonlyArray<readonly [string | null, RegExp, string]> = [
  [null, /\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2}\b/g, '28 Nov 2026, 09:00:00'],
  [null, /\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\b/g, '28 Nov 2026, 09:00'],
  [null, /DE-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'DE-6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c'],
  [null, /\b(127\.0\.0\.1|localhost):\d+/g, '$1:8080'],
  ['[data-testid="auto-stop-left"], .queue', DURATION, '59 min 30 s'],
  // A notebook log: the service's and Jupyter's timestamps, the test's data directory, the port.
  ['pre[role="log"]', /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '2026-11-28T09:00:00.000Z'],
  ['pre[role="log"]', /\b\d{2}:\d{2}:\d{2}\.\d{3}\b/g, '09:00:01.000'],
  ['pre[role="log"]', /demanager-test-[A-Za-z0-9]{6}/g, 'demanager-test-a1B2c3'],
  ['pre[role="log"]', /on port \d+/g, 'on port 40000'],
  // Resource use as measured: the figures in words (the meters still show the run's own).
  ['[data-testid="usage-cpu-text"]', /^\d+\.\d{2}/g, '0.96'],
  ['[data-testid="usage-memory-text"]', /^\d+(\.\d)? (MiB|GiB)/g, '212 MiB'],
];

/** Meters showing measured figures (resource use), and the sample each shows in the screenshots. */
const VARYING_METERS: ReadonlyArray<readonly [string, number]> = [
  ['meter[aria-labelledby="usage-cpu-label"]', 0.96],
  ['meter[aria-labelledby="usage-memory-label"]', 212 * 2 ** 20],
];

/**
 * Writes docs/<name>.png so that it changes only when the page does, not at every run (a new
 * image each run would churn git for nothing): the page's clock is paused, so no countdown ticks
 * while the shot is taken; each text that differs from run to run ({@link VARYING_TEXT}) is
 * rewritten to a fixed sample of the same form, and so is each meter of a measured figure
 * ({@link VARYING_METERS}); after the shot the texts are put back and time
 * flows again, so the test goes on with the page as it was.
 */
export async function docsScreenshot(target: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  // A second ahead: the clock must not pass that time before it gets there (a tick more is rewritten anyway).
  await target.clock.pauseAt(await target.evaluate(() => Date.now() + 1000));
  const rules = VARYING_TEXT.map(([where, pattern, sample]) => [where, pattern.source, sample] as const);
  // No hover state left over from the last click.
  await target.mouse.move(0, 0);
  await target.evaluate((list) => {
    const rewritten: [Text, string][] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      const text = list.reduce(
        (t, [where, source, sample]) =>
          where === null || node!.parentElement?.closest(where) ? t.replace(new RegExp(source, 'g'), sample) : t,
        node.data,
      );
      if (text === node.data) continue;
      rewritten.push([node, node.data]);
      node.data = text;
    }
    (window as unknown as { __rewritten: [Text, string][] }).__rewritten = rewritten;
  }, rules);
  const meters = await target.evaluate((list) => {
    const saved: [string, number, number][] = [];
    for (const [selector, sample] of list)
      document.querySelectorAll<HTMLMeterElement>(selector).forEach((meter, i) => {
        saved.push([selector, i, meter.value]);
        meter.value = sample;
      });
    return saved;
  }, VARYING_METERS);
  try {
    await target.screenshot({
      path: join(DOCS_DIR, `${name}.png`),
      fullPage: options.fullPage ?? true,
      animations: 'disabled',
      caret: 'hide',
    });
  } finally {
    await target.evaluate(() => {
      for (const [node, data] of (window as unknown as { __rewritten: [Text, string][] }).__rewritten) node.data = data;
    });
    await target.evaluate((saved) => {
      for (const [selector, i, value] of saved) {
        const meter = document.querySelectorAll<HTMLMeterElement>(selector)[i];
        if (meter) meter.value = value;
      }
    }, meters);
    await target.clock.resume();
  }
}

export interface ConsoleFixture extends BrowserPage {
  t: TestApp;
}

/**
 * For a suite: a server (started with `options`) and a browser page, ready in `before` and closed
 * in `after` (the browser first, so no page keeps a stream of the server open). The fields are
 * filled in when the suite starts.
 */
export function consoleFixture(options?: Parameters<typeof startTestApp>[0]): ConsoleFixture {
  const fixture = {} as ConsoleFixture;
  before(async () => {
    fixture.t = await startTestApp(options);
    Object.assign(fixture, await openBrowserPage());
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.t?.stop();
  });
  return fixture;
}

/** The page's form controls and buttons that have no accessible name (no label, no text). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')]
      .filter((el) => {
        const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)
          return !named && el.labels?.length === 0;
        return !named && !(el.textContent ?? '').trim();
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

/** Presses Tab until the focus is on `name` (a control's accessible text or label); fails after `max` presses. */
export async function tabTo(page: Page, name: RegExp, max = 40): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const labelled = el as HTMLInputElement;
      return (el.getAttribute('aria-label') || labelled.labels?.[0]?.textContent || el.textContent || '').trim();
    });
    seen.push(focused);
    if (name.test(focused)) return;
  }
  assert.fail(`Tab never reached ${name}; it went through ${JSON.stringify(seen)}`);
}
