/**
 * Browser tests: Debian's Chromium driven by playwright-core against Rounds started as `npm start`
 * starts it. One app and one browser per test file, a fresh browser context (cookies, storage) per
 * visitor, so no test sees another's session.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type RoundsProcess, removeDataDirectories, startRounds } from './app-process';

/** Where Debian's `chromium` package puts the browser; `npx playwright install` cannot run here. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** How long one step (a click, a page, a swap) may take before the test fails naming it. */
const STEP_TIMEOUT_MS = 15_000;

export async function launchChromium(): Promise<Browser> {
  // A missing browser fails the run, loudly: a skipped browser test proves nothing.
  if (!existsSync(DEBIAN_CHROMIUM)) {
    throw new Error(
      `Browser tests need Chromium at ${DEBIAN_CHROMIUM}. Install it with: sudo apt-get install chromium (.ci/run does).`,
    );
  }
  return chromium.launch({
    executablePath: DEBIAN_CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface BrowserSuite {
  /** A new person at their own browser: a fresh context, closed after the test. */
  visitor(): Promise<Page>;
}

/**
 * Registers the file's hooks: Chromium first, then `npm start` once for the file; each test's
 * contexts are closed after it. Without a browser the app is not started and every test fails
 * with the reason (a failed hook would only mark them skipped).
 */
export function browserSuite(): BrowserSuite {
  let browser: Browser | undefined;
  let noBrowser: unknown;
  let rounds: RoundsProcess | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    try {
      browser = await launchChromium();
    } catch (error) {
      noBrowser = error;
      return;
    }
    rounds = await startRounds();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await rounds?.stop();
    await removeDataDirectories();
  });

  return {
    async visitor() {
      if (noBrowser) throw noBrowser;
      if (!browser || !rounds) throw new Error('Rounds did not start (see the beforeAll error)');
      const context = await browser.newContext({ baseURL: rounds.url });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      contexts.push(context);
      return context.newPage();
    },
  };
}

/**
 * Presses a plain form's button and waits for the page the server answers with, so what the test
 * reads next is the new page, not the one it just submitted (a refused sign-in comes back to the
 * same address).
 */
export async function submit(page: Page, button: string): Promise<void> {
  const answered = page.waitForEvent('load');
  await page.getByRole('button', { name: button, exact: true }).click();
  await answered;
}

/** Signs in at the organization's sign-in page, as a person types it. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/demo/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submit(page, 'Sign in');
}

/** Counts full page loads from now on, so a test can tell an htmx swap from a reload. */
export function countPageLoads(page: Page): () => number {
  let loads = 0;
  page.on('load', () => {
    loads += 1;
  });
  return () => loads;
}
