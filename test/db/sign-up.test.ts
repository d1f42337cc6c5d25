import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Organization, accountRoles, accounts, organizations } from '../../db/schema';
import { ERRORS } from '../../workflows/errors';
import { linkIn, mailTo, signIn } from '../support/accounts';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { Visitor, alerts, fieldError, fieldValue } from '../support/http';
import { seedOrganization } from '../support/seed';
import { type TestApp, createTestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river' });
  t = createTestApp(database);
});
afterEach(async () => {
  await database.drop();
});

const ann = {
  email: 'Ann.Lee@Example.org',
  firstName: 'Ann',
  lastName: 'Lee',
  degree: 'MD',
  profession: 'Physician',
  mobile: '(555) 123-4567',
  password: 'grand rounds every tuesday',
  confirmPassword: 'grand rounds every tuesday',
};

/** Submits the form and waits for the account and the mail the page promised. */
async function submitSignUp(visitor: Visitor, form: Record<string, string>) {
  await visitor.get('/river/sign-up');
  const answer = await visitor.post('/river/sign-up', form);
  await t.background.idle();
  return answer;
}

describe('signing up', () => {
  test('a new learner signs up, is told to check their email, and becomes an unconfirmed learner', async () => {
    const visitor = new Visitor(t.app);
    const answer = await submitSignUp(visitor, { ...ann, email: '  Ann.Lee@Example.org ' });
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('<h1>Check your email</h1>');
    // Not signed in: the link (and the password) prove who this is.
    expect((await visitor.get('/river/profile')).status).toBe(303);

    const [account] = await database.db
      .select()
      .from(accounts)
      .where(eq(accounts.organizationId, organization.id));
    expect(account).toMatchObject({
      email: 'Ann.Lee@Example.org',
      emailKey: 'ann.lee@example.org',
      firstName: 'Ann',
      lastName: 'Lee',
      degree: 'MD',
      profession: 'Physician',
      mobile: '+15551234567',
      failedSignIns: 0,
      lockedAt: null,
      emailConfirmedAt: null,
    });
    expect(account?.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    const roles = await database.db
      .select()
      .from(accountRoles)
      .where(eq(accountRoles.accountId, account!.id));
    expect(roles.map((r) => r.role)).toEqual(['learner']);

    const [mail] = await mailTo(database.db, 'Ann.Lee@Example.org');
    expect(mail).toMatchObject({
      kind: 'email-confirmation',
      subject: `Confirm your email for ${organization.name} CME`,
    });
  });

  test('the confirmation link asks for the password, confirms the email and signs in; it works once', async () => {
    await submitSignUp(new Visitor(t.app), ann);
    const link = linkIn((await mailTo(database.db, ann.email))[0]!, '/river/confirm-email');
    const token = new URL(link, 'http://x').searchParams.get('token')!;

    const visitor = new Visitor(t.app);
    const page = await visitor.get(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Confirm and sign in');
    const stranger = await visitor.post('/river/confirm-email', {
      token,
      password: 'not the password at all',
    });
    expect(stranger.status).toBe(401);
    expect(fieldError(stranger.html, 'password')).toBe('That is not the password of this account.');

    const done = await visitor.post('/river/confirm-email', { token, password: ann.password });
    expect(done.status).toBe(303);
    const home = await visitor.follow(done);
    expect(home.html).toContain('Welcome, Ann');
    expect(home.html).toContain('Your email address is confirmed.');
    expect(home.html).not.toContain('Confirm your email address');
    const [account] = await database.db.select().from(accounts);
    expect(account?.emailConfirmedAt).toEqual(t.clock.now());

    const again = await new Visitor(t.app).get(link);
    expect(again.status).toBe(400);
    expect(alerts(again.html)).toEqual([ERRORS.link_invalid.message]);
  });

  test('until the link is opened the password alone does not sign in; trying answers as a wrong password would and sends the link again', async () => {
    await submitSignUp(new Visitor(t.app), ann);
    const visitor = new Visitor(t.app);
    const right = await signIn(visitor, organization, ann.email, ann.password);
    await t.background.idle();
    const wrong = await signIn(new Visitor(t.app), organization, ann.email, 'not the password');
    expect(right.status).toBe(401);
    expect(alerts(right.html)).toEqual(alerts(wrong.html));
    expect((await visitor.get('/river/profile')).status).toBe(303);
    const sent = await mailTo(database.db, ann.email);
    expect(sent.map((m) => m.kind)).toEqual(['email-confirmation', 'email-confirmation']);

    const page = await visitor.get(linkIn(sent[0]!, '/river/confirm-email'));
    expect(page.html).toContain('Confirm and sign in');
  });

  test('each rejected field says why and keeps what was typed, but never the password', async () => {
    const visitor = new Visitor(t.app);
    const answer = await submitSignUp(visitor, {
      email: 'ann.lee-at-example.org',
      firstName: '  ',
      lastName: 'Lee',
      degree: 'Witch doctor',
      profession: '',
      mobile: '123-4567',
      password: 'grand rounds every tuesday',
      confirmPassword: 'grand rounds every wednesday',
    });
    expect(answer.status).toBe(400);
    const page = answer.html;
    expect(fieldError(page, 'email')).toBe('Enter a valid email address, like name@example.org.');
    expect(fieldError(page, 'firstName')).toBe('First name is required.');
    expect(fieldError(page, 'degree')).toBe('Choose a degree from the list.');
    expect(fieldError(page, 'profession')).toBe('Profession is required.');
    expect(fieldError(page, 'mobile')).toMatch(/^Enter a mobile number with its country code/);
    expect(fieldError(page, 'confirmPassword')).toBe('The two passwords do not match.');
    expect(fieldError(page, 'lastName')).toBeUndefined();

    expect(fieldValue(page, 'email')).toBe('ann.lee-at-example.org');
    expect(fieldValue(page, 'lastName')).toBe('Lee');
    expect(fieldValue(page, 'mobile')).toBe('123-4567');
    expect(page).not.toContain('grand rounds every');
    expect(await database.db.select().from(accounts)).toHaveLength(0);
  });

  test('a weak or common password is refused with the reason', async () => {
    const visitor = new Visitor(t.app);
    const short = await submitSignUp(visitor, { ...ann, password: 'Rd#26', confirmPassword: 'Rd#26' });
    expect(fieldError(short.html, 'password')).toBe('Your password must be at least 8 characters long.');

    const common = await submitSignUp(visitor, {
      ...ann,
      password: 'password1',
      confirmPassword: 'password1',
    });
    expect(common.status).toBe(400);
    expect(fieldError(common.html, 'password')).toBe(
      'That password is one of the most commonly used passwords, so it is easy to guess. Choose another.',
    );
    expect(fieldValue(common.html, 'email')).toBe(ann.email);
    expect(await database.db.select().from(accounts)).toHaveLength(0);
  });

  test("an organization on the seed's preset refuses a password without a special character", async () => {
    await database.db
      .update(organizations)
      .set({ passwordPolicy: 'upper-lower-digit-special' })
      .where(eq(organizations.id, organization.id));
    const visitor = new Visitor(t.app);
    const answer = await submitSignUp(visitor, {
      ...ann,
      password: 'Rounds2026',
      confirmPassword: 'Rounds2026',
    });
    expect(fieldError(answer.html, 'password')).toBe(
      'Your password must contain at least one of these characters: ! * @ # $ % ^ & + =',
    );
    const accepted = await submitSignUp(visitor, {
      ...ann,
      password: 'Rounds#2026',
      confirmPassword: 'Rounds#2026',
    });
    expect(accepted.status).toBe(200);
    await t.background.idle();
    expect(await database.db.select().from(accounts)).toHaveLength(1);
  });

  test('signing up with an email that has an account answers exactly as for a new one, and mails its owner a way back in', async () => {
    expect((await submitSignUp(new Visitor(t.app), ann)).status).toBe(200);
    await t.background.idle();

    const again = await submitSignUp(new Visitor(t.app), {
      ...ann,
      email: '  ANN.LEE@example.ORG  ',
      firstName: 'Annie',
    });
    const fresh = await submitSignUp(new Visitor(t.app), {
      ...ann,
      email: 'bo@example.org',
      firstName: 'Bo',
    });
    await t.background.idle();
    expect(again.status).toBe(200);
    const withoutEmail = (html: string) =>
      main(html).replace(/ANN\.LEE@example\.ORG|bo@example\.org/, 'EMAIL');
    expect(withoutEmail(again.html)).toBe(withoutEmail(fresh.html));

    const accountsNow = await database.db.select().from(accounts);
    expect(accountsNow.map((a) => a.firstName).sort()).toEqual(['Ann', 'Bo']);
    const notice = (await mailTo(database.db, 'Ann.Lee@Example.org')).find(
      (m) => m.kind !== 'email-confirmation',
    );
    expect(notice).toMatchObject({
      kind: 'sign-up-attempt',
      subject: `Someone tried to create a ${organization.name} CME account with your email`,
    });
    expect(notice?.text).toContain('no second account was made');
    expect(linkIn(notice!, '/river/reset-password')).toMatch(/token=/);
  });

  test('the same email may have an account at another organization', async () => {
    await seedOrganization(database.db, { code: 'lake' });
    await submitSignUp(new Visitor(t.app), ann);
    const visitor = new Visitor(t.app);
    await visitor.get('/lake/sign-up');
    await visitor.post('/lake/sign-up', ann);
    await t.background.idle();
    expect(await database.db.select().from(accounts)).toHaveLength(2);
  });
});

/** The page's main content, with its CSRF token out of the way. */
function main(html: string): string {
  return /<main id="main">([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
}
