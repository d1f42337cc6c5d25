import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed/demo';
import { browserSuite, countPageLoads, signIn, submit } from '../support/browser';

const suite = browserSuite();

/** The demo organization's lockout threshold (db/seed/demo.ts). */
const LOCKOUT_THRESHOLD = 5;
const WRONG_PASSWORD = 'not the right one at all';
const LOCKED = 'This account is locked after too many failed sign-ins.';
const NO_MATCH = 'That email and password do not match an account.';

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

/** Signs up through the page and signs out again, leaving an account to sign in to. */
async function signUpAndSignOut(page: Page, person: Newcomer) {
  await page.goto('/demo/sign-up');
  await fillSignUp(page, person, person.password);
  await submit(page, 'Create account');
  await submit(page, `Sign out (${person.firstName})`);
}

/** The message a refused sign-in shows. */
async function refusal(page: Page): Promise<string> {
  return page.getByRole('alert').innerText();
}

async function lockOut(page: Page, person: Newcomer) {
  for (let attempt = 1; attempt < LOCKOUT_THRESHOLD; attempt += 1) {
    await signIn(page, person.email, WRONG_PASSWORD);
    expect(await refusal(page)).toBe(NO_MATCH);
  }
  await signIn(page, person.email, WRONG_PASSWORD);
  expect(await refusal(page)).toContain(LOCKED);
}

describe('accounts in the browser', () => {
  it('a newcomer whose common password is refused sees why and keeps what they typed, then signs up, signs out and signs in again', async () => {
    const page = await suite.visitor();
    const person = newcomer('Ines', 'Moreau');

    await page.goto('/demo');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await fillSignUp(page, person, 'password123');
    await submit(page, 'Create account');

    expect(await page.getByRole('alert').innerText()).toContain('one of the most commonly used passwords');
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
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Welcome, ${person.firstName}`);

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

  it('five wrong passwords lock an account, even the right one is then refused, and the reset link from the outbox sets a new password and unlocks it', async () => {
    const page = await suite.visitor();
    const person = newcomer('Tomas', 'Lindqvist');
    await signUpAndSignOut(page, person);

    await lockOut(page, person);
    await signIn(page, person.email, person.password);
    expect(await refusal(page)).toContain(LOCKED);

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    // The sign-in page has an Email field too: type into the new page's.
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    await page.getByLabel('Email').fill(person.email);
    await submit(page, 'Send reset link');
    expect(await page.getByRole('status').innerText()).toContain(
      'we have sent it a link to choose a new password',
    );

    // The development outbox holds the mail; an admin opens it at another desk.
    const admin = await suite.visitor();
    await signIn(admin, demoEmail('admin'), DEMO_PASSWORD);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
    await admin
      .getByRole('row')
      .filter({ hasText: person.email })
      .getByRole('link', { name: 'Reset your Demo Medical Center CME password' })
      .click();
    const resetLink = await admin
      .getByRole('link', { name: /\/demo\/reset-password\?token=/ })
      .getAttribute('href');
    expect(resetLink).toBeTruthy();

    await page.goto(resetLink!);
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
    await page.goto(resetLink!);
    expect(await page.getByRole('alert').innerText()).toContain('expired or was already used');
  });

  it('staff see a locked account on the Accounts page and unlock it in place, and its owner signs in again', async () => {
    const page = await suite.visitor();
    const person = newcomer('Kofi', 'Mensah');
    await signUpAndSignOut(page, person);
    await lockOut(page, person);

    const reviewer = await suite.visitor();
    await signIn(reviewer, demoEmail('reviewer'), DEMO_PASSWORD);
    await reviewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await reviewer.getByLabel('Find by name or email').fill(person.email);
    await submit(reviewer, 'Find');

    const row = reviewer.getByRole('row').filter({ hasText: person.email });
    expect(await row.innerText()).toContain(`Locked`);
    expect(await row.innerText()).toContain(`after ${LOCKOUT_THRESHOLD} failed sign-ins`);

    const loads = countPageLoads(reviewer);
    const name = `${person.firstName} ${person.lastName}`;
    await row.getByRole('button', { name: `Unlock ${name}` }).click();
    await row.getByRole('status').filter({ hasText: 'Unlocked: they can sign in again.' }).waitFor();
    expect(await row.innerText()).toContain('Active');
    expect(await row.getByRole('button', { name: `Unlock ${name}` }).count()).toBe(0);
    // Swapped in place: the row changed and the page never reloaded.
    expect(loads()).toBe(0);

    await signIn(page, person.email, person.password);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Welcome, ${person.firstName}`);
  });
});
