import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Organization, accountRoles, accounts, organizations } from '../../db/schema';
import { ERRORS } from '../../workflows/errors';
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

async function submitSignUp(visitor: Visitor, form: Record<string, string>) {
  await visitor.get('/river/sign-up');
  return visitor.post('/river/sign-up', form);
}

describe('signing up', () => {
  test('a new learner signs up, is signed in, and gets the learner role', async () => {
    const visitor = new Visitor(t.app);
    const answer = await submitSignUp(visitor, { ...ann, email: '  Ann.Lee@Example.org ' });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/river');

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
    });
    expect(account?.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    const roles = await database.db
      .select()
      .from(accountRoles)
      .where(eq(accountRoles.accountId, account!.id));
    expect(roles.map((r) => r.role)).toEqual(['learner']);

    const home = await visitor.follow(answer);
    expect(home.html).toContain('Welcome, Ann');
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
    expect(accepted.status).toBe(303);
  });

  test('a second account for the same email, in another case and with spaces, is refused with a pointer to password reset', async () => {
    expect((await submitSignUp(new Visitor(t.app), ann)).status).toBe(303);

    const again = await submitSignUp(new Visitor(t.app), {
      ...ann,
      email: '  ANN.LEE@example.ORG  ',
      firstName: 'Annie',
    });
    expect(again.status).toBe(409);
    expect(alerts(again.html).join(' ')).toContain(ERRORS.account_exists.message);
    expect(again.html).toContain('href="/river/forgot-password?email=ANN.LEE%40example.ORG"');
    expect(fieldValue(again.html, 'firstName')).toBe('Annie');
    expect(await database.db.select().from(accounts)).toHaveLength(1);
  });

  test('the same email may have an account at another organization', async () => {
    await seedOrganization(database.db, { code: 'lake' });
    expect((await submitSignUp(new Visitor(t.app), ann)).status).toBe(303);
    const visitor = new Visitor(t.app);
    await visitor.get('/lake/sign-up');
    expect((await visitor.post('/lake/sign-up', ann)).status).toBe(303);
    expect(await database.db.select().from(accounts)).toHaveLength(2);
  });
});
