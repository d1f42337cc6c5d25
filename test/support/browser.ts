/**
 * Browser tests: Debian's Chromium driven by playwright-core against Rounds started as `npm start`
 * starts it. One app and one browser per test file, a fresh browser context (cookies, storage) per
 * visitor, so no test sees another's session.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, type Page, type Route, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { removeDataDirectories, startRounds } from './app-process';

/** Where Debian's `chromium` package puts the browser; `npx playwright install` cannot run here. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** How long one step (a click, a page, a swap) may take before the test fails naming it. */
const STEP_TIMEOUT_MS = 15_000;
/**
 * A whole journey (a dozen pages, each also checked at two widths) on two cores shared with the app,
 * Temporal and another test file: measured up to 55 s, so 60 s was a coin toss. Steps keep their
 * own 15 s limit, so a stuck step still fails fast and by name.
 */
const JOURNEY_TIMEOUT_MS = 180_000;

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

/** axe-core's own build, evaluated in each page checked (CDP evaluation is not subject to the page's CSP). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules the product promises. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** A desktop and the narrowest phone the seeds' people use. */
export const CHECKED_WIDTHS = [1280, 390] as const;

interface PageProblem {
  url: string;
  width: number;
  problem: string;
}

/**
 * Every page a visitor is sent (each HTML document the server answers a navigation with) is
 * checked twice, at 1280 and at 390 pixels, in a separate page of the same browser context that is
 * given exactly that HTML: axe-core's WCAG 2.2 AA rules must find nothing, and at 390 pixels
 * nothing may make the page scroll sideways. Checking the server's answer, not the live page,
 * keeps the checks out of the test's way; afterEach fails the test with every problem found.
 */
function pageChecker(context: BrowserContext) {
  const problems: PageProblem[] = [];
  let queue: Promise<void> = Promise.resolve();

  async function check(url: string, html: string) {
    // One page per document, loaded once and resized: a new page and a second load of axe-core
    // for each width doubled the cost of every check, on a machine the app shares.
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: CHECKED_WIDTHS[0], height: 900 });
      await page.route(url, (route) =>
        route.request().isNavigationRequest()
          ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html })
          : route.continue(),
      );
      await page.goto(url, { waitUntil: 'load' });
      await page.evaluate(AXE_SOURCE);
      for (const width of CHECKED_WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        const violations = await page.evaluate(async (tags) => {
          const axe = (window as unknown as { axe: { run(...args: unknown[]): Promise<AxeResults> } }).axe;
          const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
          return results.violations.map(
            (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
          );
        }, AXE_TAGS);
        for (const violation of violations) problems.push({ url, width, problem: violation });
        const overflow = await page.evaluate(() => {
          const root = document.documentElement;
          if (root.scrollWidth <= root.clientWidth) return null;
          const wide = [...document.querySelectorAll('body *')]
            .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 0.5)
            .slice(0, 3)
            .map(
              (element) =>
                `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className ? `.${String(element.className).replace(/\s+/g, '.')}` : ''}`,
            );
          return `scrolls sideways: ${root.scrollWidth}px wide (${wide.join(', ')})`;
        });
        if (overflow) problems.push({ url, width, problem: overflow });
      }
    } finally {
      await page.close();
    }
  }

  return {
    /**
     * Watches a visitor's page: each document the server answers a navigation with is queued for
     * checking. The page's own navigations are fetched through the route and handed on unchanged,
     * so the HTML is in hand even when the test navigates on at once.
     */
    async watch(page: Page) {
      await page.route('**/*', async (route) => {
        const request = route.request();
        if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return route.fallback();
        const response = await fetchRetryingReset(route);
        const body = await response.body();
        await route.fulfill({ response, body });
        const isPage = (response.headers()['content-type'] ?? '').startsWith('text/html');
        if (!isPage || (response.status() >= 300 && response.status() < 400)) return;
        const url = request.url();
        const html = body.toString('utf8');
        queue = queue.then(async () => {
          try {
            await check(url, html);
          } catch (error) {
            problems.push({ url, width: 0, problem: `could not be checked: ${String(error)}` });
          }
        });
      });
    },
    /** Waits for every queued check; returns what they found and forgets it. */
    async results(): Promise<PageProblem[]> {
      await queue;
      return problems.splice(0);
    },
  };
}

/**
 * Fetches a navigation for the page. A GET that finds its reused connection reset (the client
 * sent on an idle socket the other end was closing) is sent once more on a new one, as a browser
 * does; anything else fails as it came.
 */
async function fetchRetryingReset(route: Route) {
  try {
    return await route.fetch({ maxRedirects: 0 });
  } catch (error) {
    if (route.request().method() !== 'GET' || !String(error).includes('ECONNRESET')) throw error;
    return await route.fetch({ maxRedirects: 0 });
  }
}

interface AxeResults {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

export interface BrowserSuite {
  /** A new person at their own browser: a fresh context, closed after the test. */
  visitor(): Promise<Page>;
}

/** Where the browser goes: a started Rounds, stopped after the file. */
export interface ServedRounds {
  url: string;
  stop(): Promise<unknown>;
}

/**
 * Registers the file's hooks: Chromium first, then `npm start` once for the file (or, for pages
 * that need a state only time makes, such as a lapsed credit, `start`: the app in process over a
 * test database, on its settable clock); each test's contexts are closed after it. Without a
 * browser the app is not started and every test fails with the reason (a failed hook would only
 * mark them skipped).
 */
export function browserSuite(options: { start?: () => Promise<ServedRounds> } = {}): BrowserSuite {
  vi.setConfig({ testTimeout: JOURNEY_TIMEOUT_MS });
  let browser: Browser | undefined;
  let noBrowser: unknown;
  let rounds: ServedRounds | undefined;
  const contexts: { context: BrowserContext; checker: ReturnType<typeof pageChecker> }[] = [];

  beforeAll(async () => {
    try {
      browser = await launchChromium();
    } catch (error) {
      noBrowser = error;
      return;
    }
    rounds = options.start ? await options.start() : await startRounds();
  });
  afterEach(async () => {
    const problems: PageProblem[] = [];
    for (const { context, checker } of contexts.splice(0)) {
      problems.push(...(await checker.results()));
      await context.close();
    }
    if (problems.length > 0) {
      const lines = problems.map((p) => `  ${new URL(p.url).pathname} at ${p.width}px: ${p.problem}`);
      throw new Error(
        `Pages failed the accessibility and phone-width checks:\n${[...new Set(lines)].join('\n')}`,
      );
    }
  });
  afterAll(async () => {
    await browser?.close();
    await rounds?.stop();
    if (!options.start) await removeDataDirectories();
  });

  return {
    async visitor() {
      if (noBrowser) throw noBrowser;
      if (!browser || !rounds) throw new Error('Rounds did not start (see the beforeAll error)');
      const context = await browser.newContext({ baseURL: rounds.url });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      const checker = pageChecker(context);
      contexts.push({ context, checker });
      const page = await context.newPage();
      await checker.watch(page);
      return page;
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

/** Signs in at the organization's sign-in page (the demo's unless named), as a person types it. */
export async function signIn(
  page: Page,
  email: string,
  password: string,
  organization = 'demo',
): Promise<void> {
  await page.goto(`/${organization}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submit(page, 'Sign in');
}

/** Counts full page loads from now on, so a test can tell an htmx swap from a reload. */
export async function countPageLoads(page: Page): Promise<() => number> {
  // The page in hand must have finished loading first (htmx is deferred): else its own late load
  // event counts, and a click can land before htmx takes over the form.
  await page.waitForLoadState('load');
  let loads = 0;
  page.on('load', () => {
    loads += 1;
  });
  return () => loads;
}
