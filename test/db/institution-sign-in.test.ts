import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Organization, accountRoles, accounts, auditEvents, organizations } from '../../db/schema';
import { seedMember, signIn } from '../support/accounts';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { Visitor, alerts, fieldError } from '../support/http';
import { type IdentityProvider, startIdentityProvider } from '../support/identity-provider';
import { seedOrganization } from '../support/seed';
import { type TestApp, createTestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let provider: IdentityProvider;
let t: TestApp;

const CALLBACK = 'http://localhost:3000/river/sso/callback';

beforeEach(async () => {
  database = await createTestDatabase();
  provider = await startIdentityProvider({
    redirectUri: CALLBACK,
    people: {
      'cedars-1001': {
        email: 'Ann@Example.org',
        email_verified: true,
        given_name: 'Ann',
        family_name: 'Lee',
      },
      'cedars-2002': {
        email: 'new.nurse@example.org',
        email_verified: true,
        given_name: 'Noor',
        family_name: 'Haddad',
      },
      'cedars-3003': {
        email: 'unverified@example.org',
        email_verified: false,
        given_name: 'Uma',
        family_name: 'Roy',
      },
      'cedars-4004': {
        email: 'ann@example.org',
        email_verified: true,
        given_name: 'Anne',
        family_name: 'Other',
      },
    },
  });
  organization = await seedOrganization(database.db, {
    code: 'river',
    ssoIssuer: provider.issuer,
    ssoClientId: provider.clientId,
    ssoClientSecret: provider.clientSecret,
    ssoButtonLabel: 'Use My Cedars Login',
  });
  t = createTestApp(database);
});
afterEach(async () => {
  await provider.close();
  await database.drop();
});

/** Presses the institution button, signs in at the provider as `subject`, and comes back to Rounds. */
async function signInThroughInstitution(visitor: Visitor, subject: string) {
  const page = await visitor.get('/river/sign-in');
  expect(page.html).toContain('>Use My Cedars Login</a>');
  const start = await visitor.get('/river/sso/start');
  expect(start.status).toBe(302);
  const authorization = new URL(start.location!);
  expect(authorization.origin).toBe(provider.issuer);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  const callback = await provider.signIn(start.location!, subject);
  return visitor.get(callback.pathname + callback.search);
}

describe('institution sign-in', () => {
  test('signs in the account with the same verified email and links it, so a later change of email at the institution still finds it', async () => {
    const ann = await seedMember(database.db, organization, { email: 'ann@example.org', firstName: 'Ann' });
    const visitor = new Visitor(t.app);
    const back = await signInThroughInstitution(visitor, 'cedars-1001');
    expect(back.location).toBe('/river');
    expect((await visitor.get('/river')).html).toContain('Welcome, Ann');

    const [linked] = await database.db.select().from(accounts).where(eq(accounts.id, ann.id));
    expect(linked?.ssoSubject).toBe(`${provider.issuer} cedars-1001`);
    const actions = (await database.db.select().from(auditEvents)).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['institution_sign_in_linked', 'sign_in_succeeded']));

    await database.db
      .update(accounts)
      .set({ email: 'ann.lee@example.org', emailKey: 'ann.lee@example.org' })
      .where(eq(accounts.id, ann.id));
    const again = await signInThroughInstitution(new Visitor(t.app), 'cedars-1001');
    expect(again.location).toBe('/river');
    expect(await database.db.select().from(accounts)).toHaveLength(1);
  });

  test('someone new gets a learner account that completes its profile before anything else', async () => {
    const visitor = new Visitor(t.app);
    const back = await signInThroughInstitution(visitor, 'cedars-2002');
    expect(back.location).toBe('/river/profile');
    const [made] = await database.db
      .select()
      .from(accounts)
      .where(eq(accounts.email, 'new.nurse@example.org'));
    expect(made).toMatchObject({ firstName: 'Noor', lastName: 'Haddad', degree: '', profession: '' });
    expect(made?.emailConfirmedAt).not.toBeNull();
    const roles = await database.db.select().from(accountRoles).where(eq(accountRoles.accountId, made!.id));
    expect(roles.map((r) => r.role)).toEqual(['learner']);

    expect((await visitor.get('/river')).location).toBe('/river/profile');
    const profile = await visitor.get('/river/profile');
    expect(profile.html).toContain('Before anything else');
    await visitor.post('/river/profile', {
      firstName: 'Noor',
      lastName: 'Haddad',
      degree: 'RN',
      profession: 'Nurse',
    });
    expect((await visitor.get('/river')).status).toBe(200);
    // No password was ever chosen: a password sign-in cannot succeed.
    expect(
      (await signIn(new Visitor(t.app), organization, 'new.nurse@example.org', 'institution-sign-in')).status,
    ).toBe(401);
  });

  test('a provider that does not vouch for the email signs nobody in and makes nothing', async () => {
    await seedMember(database.db, organization, { email: 'unverified@example.org' });
    const visitor = new Visitor(t.app);
    const back = await signInThroughInstitution(visitor, 'cedars-3003');
    expect(back.status).toBe(403);
    expect(alerts(back.html)[0]).toMatch(/^Use My Cedars Login did not share a verified email address/);
    expect((await visitor.get('/river/profile')).status).toBe(303);
    const [account] = await database.db
      .select()
      .from(accounts)
      .where(eq(accounts.email, 'unverified@example.org'));
    expect(account?.ssoSubject).toBeNull();
  });

  test('a code brought back to another browser (no matching state) is refused', async () => {
    const starter = new Visitor(t.app);
    await starter.get('/river/sign-in');
    const start = await starter.get('/river/sso/start');
    const callback = await provider.signIn(start.location!, 'cedars-2002');
    const other = new Visitor(t.app);
    const answer = await other.get(callback.pathname + callback.search);
    expect(answer.status).toBe(400);
    expect(alerts(answer.html)[0]).toMatch(/^That sign-in could not be completed/);
    expect(await database.db.select().from(accounts)).toHaveLength(0);
  });

  test('an admin sets it up on Settings; a provider Rounds cannot reach is refused, and the secret is never shown', async () => {
    await database.db
      .update(organizations)
      .set({ ssoIssuer: null, ssoClientId: null, ssoClientSecret: null, ssoButtonLabel: null })
      .where(eq(organizations.id, organization.id));
    await seedMember(database.db, organization, { email: 'ada@example.org', roles: ['admin'] });
    const admin = new Visitor(t.app);
    await signIn(admin, organization, 'ada@example.org');
    const page = await admin.get('/river/admin/settings');
    expect(page.html).toContain(CALLBACK);
    expect((await new Visitor(t.app).get('/river/sign-in')).html).not.toContain('Use My Cedars Login');

    const base = {
      name: organization.name,
      timeZone: 'America/New_York',
      degrees: 'MD\nRN',
      professions: 'Physician\nNurse',
      claimMinutesBefore: '60',
      claimMinutesAfter: '2880',
      passwordPolicy: 'asvs',
      lockoutThreshold: '5',
      disclosureReminderDays: '7',
      ssoClientId: provider.clientId,
      ssoClientSecret: provider.clientSecret,
      ssoButtonLabel: 'Use My Cedars Login',
    };
    const unreachable = await admin.post('/river/admin/settings', {
      ...base,
      ssoIssuer: 'http://127.0.0.1:9/realms/none',
    });
    expect(unreachable.status).toBe(400);
    expect(fieldError(unreachable.html, 'ssoIssuer')).toMatch(
      /^Rounds could not read this provider's OpenID configuration/,
    );
    expect(unreachable.html).not.toContain(provider.clientSecret);

    const saved = await admin.post('/river/admin/settings', { ...base, ssoIssuer: provider.issuer });
    expect(saved.status).toBe(200);
    expect(saved.html).not.toContain(provider.clientSecret);
    expect(saved.html).toContain('A secret is saved.');
    // Saving again without retyping the secret keeps it.
    await admin.post('/river/admin/settings', { ...base, ssoIssuer: provider.issuer, ssoClientSecret: '' });
    const [stored] = await database.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, organization.id));
    expect(stored).toMatchObject({ ssoIssuer: provider.issuer, ssoClientSecret: provider.clientSecret });

    const visitor = new Visitor(t.app);
    await seedMember(database.db, organization, { email: 'ann@example.org' });
    expect((await signInThroughInstitution(visitor, 'cedars-1001')).location).toBe('/river');
  });

  test('an account someone made with this email before its owner ever came is taken back: their password stops working', async () => {
    const squatter = new Visitor(t.app);
    await squatter.get('/river/sign-up');
    await squatter.post('/river/sign-up', {
      email: 'new.nurse@example.org',
      firstName: 'Not',
      lastName: 'Noor',
      degree: 'MD',
      profession: 'Physician',
      password: 'the squatters passphrase',
      confirmPassword: 'the squatters passphrase',
    });
    await t.background.idle();
    const owner = new Visitor(t.app);
    expect((await signInThroughInstitution(owner, 'cedars-2002')).location).toBe('/river');
    const [account] = await database.db
      .select()
      .from(accounts)
      .where(eq(accounts.email, 'new.nurse@example.org'));
    expect(account?.emailConfirmedAt).not.toBeNull();
    expect(
      (await signIn(new Visitor(t.app), organization, 'new.nurse@example.org', 'the squatters passphrase'))
        .status,
    ).toBe(401);
  });

  test('an account already linked to one identity is never moved to another with the same email', async () => {
    const ann = await seedMember(database.db, organization, { email: 'ann@example.org' });
    await signInThroughInstitution(new Visitor(t.app), 'cedars-1001');
    const other = new Visitor(t.app);
    const refusedAnswer = await signInThroughInstitution(other, 'cedars-4004');
    expect(refusedAnswer.status).toBe(403);
    expect(alerts(refusedAnswer.html)[0]).toMatch(/^The account with your email is linked to another/);
    const [stored] = await database.db.select().from(accounts).where(eq(accounts.id, ann.id));
    expect(stored?.ssoSubject).toBe(`${provider.issuer} cedars-1001`);
  });

  test('a new issuer or client ID needs the secret typed again, so the saved one never goes to another server', async () => {
    await seedMember(database.db, organization, { email: 'ada@example.org', roles: ['admin'] });
    const admin = new Visitor(t.app);
    await signIn(admin, organization, 'ada@example.org');
    await admin.get('/river/admin/settings');
    const moved = await admin.post('/river/admin/settings', {
      name: organization.name,
      timeZone: 'America/New_York',
      degrees: 'MD',
      professions: 'Physician',
      claimMinutesBefore: '60',
      claimMinutesAfter: '2880',
      passwordPolicy: 'asvs',
      lockoutThreshold: '5',
      disclosureReminderDays: '7',
      ssoIssuer: 'https://attacker.example.net',
      ssoClientId: provider.clientId,
      ssoClientSecret: '',
      ssoButtonLabel: 'Use My Cedars Login',
    });
    expect(moved.status).toBe(400);
    expect(fieldError(moved.html, 'ssoClientSecret')).toBe(
      'Enter the client secret again: the issuer or client ID changed.',
    );
  });
});
