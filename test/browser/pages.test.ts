import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { browserSuite, signIn, submit } from '../support/browser';

// Every page these tests are sent is also checked by the suite: axe-core's WCAG 2.2 AA rules at
// 1280 and 390 pixels, and no sideways scrolling on the phone (test/support/browser.ts).
const suite = browserSuite();

describe('pages in the browser', () => {
  it('an admin reaches every page of the office, and each one passes the accessibility and phone checks', async () => {
    const page = await suite.visitor();
    await signIn(page, demoEmail('admin'), DEMO_PASSWORD);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Welcome, /);
    for (const [path, heading] of [
      ['/demo/profile', 'Your profile'],
      ['/demo/security', 'Password and sign-in'],
      ['/demo/admin/settings', 'Organization settings'],
      ['/demo/admin/accounts', 'Accounts'],
      ['/demo/admin/outbox', 'Outbox'],
      ['/demo/series', 'Series'],
      ['/demo/series/new', 'New series'],
      ['/demo/no-such-page', 'Not found'],
    ] as const) {
      await page.goto(path);
      expect(await page.getByRole('heading', { level: 1 }).innerText(), path).toBe(heading);
    }
  });

  it('a learner sees only what a learner can use, and on a phone the menu opens from the keyboard', async () => {
    const page = await suite.visitor();
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, demoEmail('learner'), DEMO_PASSWORD);
    expect(await page.getByRole('link', { name: 'Series' }).count()).toBe(0);

    // The skip link is the first stop and lands on the page's content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    const menu = page.getByText('Menu', { exact: true });
    await menu.focus();
    await page.keyboard.press('Enter');
    const links = page.getByRole('navigation', { name: 'Main menu' });
    await links.getByRole('link', { name: 'Profile' }).waitFor();
    await links.getByRole('link', { name: 'Profile' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your profile' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('faculty turn on an authenticator app, keep their recovery codes, and from then on sign in with a code', async () => {
    const page = await suite.visitor();
    await signIn(page, demoEmail('faculty'), DEMO_PASSWORD);
    await page.goto('/demo/security');
    await submit(page, 'Set up an authenticator app');
    expect(await page.getByRole('img', { name: 'QR code for your authenticator app' }).isVisible()).toBe(
      true,
    );
    const secret = (await page.locator('code.secret').innerText()).trim();
    const code = () => TOTP.generate({ secret: Secret.fromBase32(secret) });
    await page.getByLabel('Code from the app').fill(code());
    await submit(page, 'Turn on');
    const recoveryCodes = await page
      .getByRole('list', { name: 'Recovery codes' })
      .getByRole('listitem')
      .allInnerTexts();
    expect(recoveryCodes).toHaveLength(10);

    await submit(page, 'Sign out (Daniel)');
    await signIn(page, demoEmail('faculty'), DEMO_PASSWORD);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Enter your code');
    await page.getByLabel('Code').fill(recoveryCodes[0]!);
    await submit(page, 'Sign in');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Welcome, /);
  });

  it('a reviewer creates a series choosing its owner and coordinator by typing their names, by keyboard alone', async () => {
    const page = await suite.visitor();
    await signIn(page, demoEmail('reviewer'), DEMO_PASSWORD);
    await page.goto('/demo/series/new');
    await page.getByLabel('Series name').fill('Nephrology Journal Club');
    await page.getByLabel('Department').fill('Medicine');

    const owners = page.getByRole('group', { name: 'Owners' });
    await owners.getByLabel('Add an owner').focus();
    await page.keyboard.type('Alva');
    // Enter looks people up; it does not submit the form around the box.
    await page.keyboard.press('Enter');
    const addRobert = owners.getByRole('button', { name: /^Add Robert Alvarez/ });
    await addRobert.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('New series');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      /^Add Robert Alvarez/,
    );
    await page.keyboard.press('Enter');
    await owners.getByRole('list', { name: 'Chosen owners' }).getByText('Alvarez, Robert').waitFor();

    const coordinators = page.getByRole('group', { name: 'Coordinators' });
    await coordinators.getByLabel('Add a coordinator').fill('Kim');
    await coordinators.getByRole('button', { name: /^Add Grace Kim/ }).click();
    await coordinators.getByText('Kim, Grace').waitFor();
    // A wrong pick is taken back with its Remove button, and focus returns to the search box.
    await coordinators.getByLabel('Add a coordinator').fill('Shah');
    await coordinators.getByRole('button', { name: /^Add Priya Shah/ }).click();
    await coordinators.getByRole('button', { name: 'Remove Priya Shah' }).press('Enter');
    expect(await coordinators.getByText('Shah, Priya').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-coordinators');

    await page.getByLabel('Physician', { exact: true }).check();
    await page.getByLabel('Credits per session').fill('1');
    await submit(page, 'Create series');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^Nephrology Journal Club/);
    const details = await page.locator('dl.facts').innerText();
    expect(details).toContain('Robert Alvarez');
    expect(details).toContain('Grace Kim');
    expect(details).not.toContain('Priya Shah');
  });
});
