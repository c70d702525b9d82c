/**
 * @module test/support/browser
 * Debian's Chromium driven by playwright-core, as the machine notes prescribe: headless, no
 * sandbox (tests run as root), none of the background traffic a closed network refuses, and a
 * fresh profile per launch. A page's console errors, uncaught exceptions and refused requests are
 * recorded as they come.
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const WAIT = { timeout: 15_000 };

export const CHROMIUM = process.env.DEMANAGER_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Where the tests write the screenshots the README shows. */
export const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
    if (response.status() >= 400) problems.failedRequests.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
  });
  return problems;
}

/** Signs in to the console at `baseUrl` with the keyboard alone, and waits for the instance list. */
export async function signInWithKeyboard(page: Page, baseUrl: string, user: string, password: string, beforeSubmit?: () => Promise<unknown>): Promise<void> {
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

/** A fresh browser with one page at the console's reference size, 1280×800, its problems recorded. */
export async function openBrowserPage(): Promise<BrowserPage> {
  const browser = await launchBrowser();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  return { browser, page, problems: problemsOf(page) };
}

/** The page's form controls and buttons that have no accessible name (no label, no text). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')]
      .filter((el) => {
        const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) return !named && el.labels?.length === 0;
        return !named && !(el.textContent ?? '').trim();
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}
