import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { ERRORS } from '../../workflows/errors';
import { browserSuite, countPageLoads, signIn, submit } from '../support/browser';

const suite = browserSuite();

/** The demo organization's lockout threshold (db/seed/demo.ts). */
const LOCKOUT_THRESHOLD = 5;
const WRONG_PASSWORD = 'not the right one at all';
const NO_MATCH = ERRORS.bad_credentials.message;

interface Newcomer {
  email: string;
  firstName: string;
  lastName: string;
  degree: string;
  profession: string;
  password: string;
}

/** Someone new, with an email no other test uses. */
function newcomer(firstName: string, lastName: string): Newcomer {
  return {
    email: `${firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.test`,
    firstName,
    lastName,
    degree: 'RN',
    profession: 'Nurse',
    password: 'morning report at seven',
  };
}

async function fillSignUp(page: Page, person: Newcomer, password: string) {
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('First name').fill(person.firstName);
  await page.getByLabel('Last name').fill(person.lastName);
  await page.getByLabel('Degree').selectOption(person.degree);
  await page.getByLabel('Profession').selectOption(person.profession);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
}

/**
 * The link in the newest mail to `to` with this subject, as an admin finds it in the development
 * outbox at another desk.
 */
async function linkFromOutbox(to: string, subject: string, href: RegExp): Promise<string> {
  const admin = await suite.visitor();
  await signIn(admin, demoEmail('admin'), DEMO_PASSWORD);
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
  await admin.getByRole('row').filter({ hasText: to }).getByRole('link', { name: subject }).first().click();
  const link = await admin.getByRole('link', { name: href }).getAttribute('href');
  expect(link).toBeTruthy();
  // Mail links name PUBLIC_URL's host (localhost); the browser keeps to the address it started on,
  // as a person's browser does, so its cookies stay its own.
  const url = new URL(link!);
  return url.pathname + url.search;
}

/** Signs up, confirms the email through the link from the outbox (signing in), and signs out. */
async function signUpAndSignOut(page: Page, person: Newcomer) {
  await page.goto('/demo/sign-up');
  await fillSignUp(page, person, person.password);
  await submit(page, 'Create account');
  await confirmEmail(page, person);
  await submit(page, `Sign out (${person.firstName})`);
}

async function confirmEmail(page: Page, person: Newcomer) {
  const link = await linkFromOutbox(
    person.email,
    'Confirm your email for Demo Medical Center CME',
    /\/demo\/confirm-email\?token=/,
  );
  await page.goto(link);
  await page.getByLabel('Your password').fill(person.password);
  await submit(page, 'Confirm and sign in');
}

/** The message a refused sign-in shows. */
async function refusal(page: Page): Promise<string> {
  return page.getByRole('alert').innerText();
}

/** A stranger at their own browser guesses until the account pauses; every answer is the same. */
async function lockOut(person: Newcomer) {
  const stranger = await suite.visitor();
  for (let attempt = 1; attempt <= LOCKOUT_THRESHOLD; attempt += 1) {
    await signIn(stranger, person.email, WRONG_PASSWORD);
    expect(await refusal(stranger)).toBe(NO_MATCH);
  }
}

describe('accounts in the browser', () => {
  it('a newcomer whose common password is refused sees why and keeps what they typed, then signs up, confirms their email, signs out and signs in again', async () => {
    const page = await suite.visitor();
    const person = newcomer('Ines', 'Moreau');

    await page.goto('/demo');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await fillSignUp(page, person, 'password123');
    await submit(page, 'Create account');

    expect(await page.getByRole('alert').first().innerText()).toContain(
      'one of the most commonly used passwords',
    );
    // The summary of what needs attention has the focus, and its link leads to the field.
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary'))).toBe(true);
    await page.locator('[data-error-summary]').getByRole('link').first().click();
    expect(await page.evaluate(() => location.hash)).toBe('#field-password');
    expect(await page.getByLabel('Email').inputValue()).toBe(person.email);
    expect(await page.getByLabel('First name').inputValue()).toBe(person.firstName);
    expect(await page.getByLabel('Last name').inputValue()).toBe(person.lastName);
    expect(await page.getByLabel('Degree').inputValue()).toBe(person.degree);
    expect(await page.getByLabel('Profession').inputValue()).toBe(person.profession);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Confirm password').inputValue()).toBe('');

    await page.getByLabel('Password', { exact: true }).fill(person.password);
    await page.getByLabel('Confirm password').fill(person.password);
    await submit(page, 'Create account');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Check your email');
    expect(await page.getByRole('status').innerText()).toContain(`We have sent a message to ${person.email}`);

    await confirmEmail(page, person);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Welcome, ${person.firstName}`);
    expect(await page.getByRole('status').first().innerText()).toBe('Your email address is confirmed.');

    await submit(page, `Sign out (${person.firstName})`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Welcome to Demo Medical Center CME',
    );
    expect(await page.getByRole('button', { name: /^Sign out/ }).count()).toBe(0);

    // People type their email as they remember it: case and stray spaces do not matter.
    await signIn(page, ` ${person.email.toUpperCase()} `, person.password);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Welcome, ${person.firstName}`);
    expect(await page.getByRole('button', { name: `Sign out (${person.firstName})` }).isVisible()).toBe(true);
  });

  it("a stranger's five wrong passwords pause the account for new browsers but not the owner's own, and the emailed link unlocks it", async () => {
    const page = await suite.visitor();
    const person = newcomer('Tomas', 'Lindqvist');
    await signUpAndSignOut(page, person);

    await lockOut(person);
    // A browser the account never used is refused, even with the right password…
    const newLaptop = await suite.visitor();
    await signIn(newLaptop, person.email, person.password);
    expect(await refusal(newLaptop)).toBe(NO_MATCH);
    // …but the owner's own browser signs in.
    await signIn(page, person.email, person.password);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Welcome, ${person.firstName}`);

    const unlock = await linkFromOutbox(
      person.email,
      'Sign-in to your Demo Medical Center CME account is paused',
      /\/demo\/unlock\?token=/,
    );
    await newLaptop.goto(unlock);
    await submit(newLaptop, 'Unlock my account');
    expect(await newLaptop.getByRole('status').innerText()).toContain('Your account is unlocked');
    await newLaptop.getByLabel('Email').fill(person.email);
    await newLaptop.getByLabel('Password', { exact: true }).fill(person.password);
    await submit(newLaptop, 'Sign in');
    expect(await newLaptop.getByRole('heading', { level: 1 }).innerText()).toBe(
      `Welcome, ${person.firstName}`,
    );
  });

  it('a forgotten password is reset through the emailed link, which works once', async () => {
    const page = await suite.visitor();
    const person = newcomer('Amara', 'Okafor');
    await signUpAndSignOut(page, person);

    await page.goto('/demo/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    // The sign-in page has an Email field too: type into the new page's.
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    await page.getByLabel('Email').fill(person.email);
    await submit(page, 'Send reset link');
    expect(await page.getByRole('status').innerText()).toContain(
      'we have sent it a link to choose a new password',
    );

    const resetLink = await linkFromOutbox(
      person.email,
      'Reset your Demo Medical Center CME password',
      /\/demo\/reset-password\?token=/,
    );
    await page.goto(resetLink);
    const newPassword = 'a brand new password';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(newPassword);
    await submit(page, 'Set new password');
    expect(await page.getByRole('status').innerText()).toBe('Your new password is set. Sign in with it.');

    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(newPassword);
    await submit(page, 'Sign in');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Welcome, ${person.firstName}`);

    // The link works once.
    await page.goto(resetLink);
    expect(await page.getByRole('alert').innerText()).toContain('expired or was already used');
  });

  it('staff see a locked account on the Accounts page and unlock it in place, and its owner signs in again', async () => {
    const page = await suite.visitor();
    const person = newcomer('Kofi', 'Mensah');
    await signUpAndSignOut(page, person);
    await lockOut(person);

    const reviewer = await suite.visitor();
    await signIn(reviewer, demoEmail('reviewer'), DEMO_PASSWORD);
    await reviewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await reviewer.getByLabel('Find by name or email').fill(person.email);
    await submit(reviewer, 'Find');

    const row = reviewer.getByRole('row').filter({ hasText: person.email });
    expect(await row.innerText()).toContain(`Locked`);
    expect(await row.innerText()).toContain(`after ${LOCKOUT_THRESHOLD} failed sign-ins`);

    const loads = await countPageLoads(reviewer);
    const name = `${person.firstName} ${person.lastName}`;
    await row.getByRole('button', { name: `Unlock ${name}` }).click();
    await row.getByRole('status').filter({ hasText: 'Unlocked: they can sign in again.' }).waitFor();
    expect(await row.innerText()).toContain('Active');
    // Focus stays on the row that changed, on the words saying what happened.
    expect(await reviewer.evaluate(() => document.activeElement?.closest('tr')?.id)).toMatch(/^account-/);
    expect(await row.getByRole('button', { name: `Unlock ${name}` }).count()).toBe(0);
    // Swapped in place: the row changed and the page never reloaded.
    expect(loads()).toBe(0);

    const newBrowser = await suite.visitor();
    await signIn(newBrowser, person.email, person.password);
    expect(await newBrowser.getByRole('heading', { level: 1 }).innerText()).toBe(
      `Welcome, ${person.firstName}`,
    );
  });
});
