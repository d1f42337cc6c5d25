import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  type Organization,
  accounts,
  auditEvents,
  authSessions,
  organizations,
} from '../../db/schema';
import { MEMBER_PASSWORD, seedMember, signIn } from '../support/accounts';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { Visitor, alerts, fieldError } from '../support/http';
import { seedOrganization } from '../support/seed';
import { type TestApp, createTestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let ann: Account;
let t: TestApp;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river' });
  ann = await seedMember(database.db, organization, {
    email: 'ann@example.org',
    firstName: 'Ann',
    roles: ['reviewer'],
  });
  t = createTestApp(database);
});
afterEach(async () => {
  await database.drop();
});

async function stored() {
  const [row] = await database.db.select().from(accounts).where(eq(accounts.id, ann.id));
  return row!;
}

/** What Ann's phone shows now (or `steps` periods of 30 s later). */
async function appCode(steps = 0): Promise<string> {
  const { totpSecret } = await stored();
  return TOTP.generate({
    secret: Secret.fromBase32(totpSecret!),
    timestamp: t.clock.now().getTime() + steps * 30_000,
  });
}

async function signedIn(): Promise<Visitor> {
  const visitor = new Visitor(t.app);
  await signIn(visitor, organization, 'ann@example.org');
  await visitor.get('/river/security');
  return visitor;
}

/** Sets up the authenticator through the page; returns the recovery codes it showed. */
async function enrol(visitor: Visitor): Promise<string[]> {
  const scan = await visitor.post('/river/security/authenticator');
  expect(scan.html).toContain('alt="QR code for your authenticator app"');
  expect(scan.html).toMatch(/src="data:image\/png;base64,/);
  const done = await visitor.post('/river/security/authenticator/confirm', { code: await appCode() });
  expect(done.status).toBe(200);
  return [...done.html.matchAll(/<code>([a-z2-9]{5}-[a-z2-9]{5})<\/code>/g)].map((m) => m[1]!);
}

describe('password change', () => {
  test('needs the current password, follows the policy, and signs out every other browser', async () => {
    const elsewhere = await signedIn();
    const here = await signedIn();

    const wrong = await here.post('/river/security/password', {
      currentPassword: 'not it',
      password: 'a longer new passphrase',
      confirmPassword: 'a longer new passphrase',
    });
    expect(wrong.status).toBe(400);
    expect(fieldError(wrong.html, 'currentPassword')).toBe('That is not your current password.');
    const common = await here.post('/river/security/password', {
      currentPassword: MEMBER_PASSWORD,
      password: 'password1',
      confirmPassword: 'password1',
    });
    expect(fieldError(common.html, 'password')).toMatch(/commonly used/);

    const changed = await here.post('/river/security/password', {
      currentPassword: MEMBER_PASSWORD,
      password: 'a longer new passphrase',
      confirmPassword: 'a longer new passphrase',
    });
    expect(changed.status).toBe(200);
    expect(changed.html).toContain('Your password is changed.');
    expect((await here.get('/river/profile')).status).toBe(200);
    expect((await elsewhere.get('/river/profile')).status).toBe(303);
    expect(
      await database.db.select().from(authSessions).where(eq(authSessions.accountId, ann.id)),
    ).toHaveLength(1);
    expect(
      (await signIn(new Visitor(t.app), organization, 'ann@example.org', 'a longer new passphrase')).status,
    ).toBe(303);
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'password_changed'));
    expect(event?.accountId).toBe(ann.id);
  });
});

describe('authenticator app', () => {
  test('a wrong code does not turn it on; the right one does and shows ten recovery codes once', async () => {
    const visitor = await signedIn();
    await visitor.post('/river/security/authenticator');
    const wrong = await visitor.post('/river/security/authenticator/confirm', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(fieldError(wrong.html, 'code')).toMatch(/^That code is not right/);
    expect((await stored()).totpEnabledAt).toBeNull();

    const done = await visitor.post('/river/security/authenticator/confirm', { code: await appCode() });
    const codes = [...done.html.matchAll(/<code>([a-z2-9]{5}-[a-z2-9]{5})<\/code>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect((await stored()).totpEnabledAt).toEqual(t.clock.now());
    const actions = (await database.db.select().from(auditEvents)).map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(['authenticator_enrolment_started', 'authenticator_enabled']),
    );
    const later = await visitor.get('/river/security');
    expect(later.html).toContain('You have 10 unused recovery codes.');
    expect(later.html).not.toContain(codes[0]);
  });

  test('signing in then takes the password and a code; a code works once, and five wrong ones start over', async () => {
    await enrol(await signedIn());
    t.clock.advance(1);

    const visitor = new Visitor(t.app);
    const password = await signIn(visitor, organization, 'ann@example.org');
    expect(password.location).toBe('/river/sign-in/code');
    expect((await visitor.get('/river/profile')).status).toBe(303);
    const page = await visitor.get('/river/sign-in/code');
    expect(page.html).toContain('Enter your code');
    const code = await appCode();
    expect((await visitor.post('/river/sign-in/code', { code })).location).toBe('/river');
    expect((await visitor.get('/river/profile')).status).toBe(200);

    // The same code again, in another browser: refused.
    const replay = new Visitor(t.app);
    await signIn(replay, organization, 'ann@example.org');
    await replay.get('/river/sign-in/code');
    const again = await replay.post('/river/sign-in/code', { code });
    expect(again.status).toBe(401);
    expect(fieldError(again.html, 'code')).toBe(
      'That code is not right. 4 tries left before you start again.',
    );
    for (let i = 0; i < 3; i++) await replay.post('/river/sign-in/code', { code: '123456' });
    const last = await replay.post('/river/sign-in/code', { code: '123456' });
    expect(last.location).toBe('/river/sign-in');
    expect((await replay.follow(last)).html).toContain('Start again with your password.');
  });

  test('a recovery code signs in once when the phone is lost', async () => {
    const [first] = await enrol(await signedIn());
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    await visitor.get('/river/sign-in/code');
    expect((await visitor.post('/river/sign-in/code', { code: ` ${first!.toUpperCase()} ` })).location).toBe(
      '/river',
    );
    expect((await visitor.get('/river/security')).html).toContain('You have 9 unused recovery codes.');

    const again = new Visitor(t.app);
    await signIn(again, organization, 'ann@example.org');
    await again.get('/river/sign-in/code');
    expect((await again.post('/river/sign-in/code', { code: first! })).status).toBe(401);
  });

  test('the halfway sign-in expires after five minutes', async () => {
    await enrol(await signedIn());
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    t.clock.advance(6);
    const late = await visitor.post('/river/sign-in/code', { code: await appCode() });
    expect(late.location).toBe('/river/sign-in');
  });

  test('turning it off takes the password', async () => {
    const visitor = await signedIn();
    await enrol(visitor);
    const wrong = await visitor.post('/river/security/authenticator/off', { offPassword: 'nope' });
    expect(fieldError(wrong.html, 'offPassword')).toBe('That is not your password.');
    const off = await visitor.post('/river/security/authenticator/off', { offPassword: MEMBER_PASSWORD });
    expect(off.html).toContain('The authenticator app is off');
    expect(await stored()).toMatchObject({ totpSecret: null, totpEnabledAt: null });
    expect((await signIn(new Visitor(t.app), organization, 'ann@example.org')).location).toBe('/river');
  });
});

describe('an organization that requires it', () => {
  test('a reviewer without an authenticator reaches only its set-up page until they have one, and cannot turn it off', async () => {
    await database.db
      .update(organizations)
      .set({ mfaRequiredForStaff: true })
      .where(eq(organizations.id, organization.id));
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    const series = await visitor.get('/river/series');
    expect(series.location).toBe('/river/security');
    const page = await visitor.get('/river/security');
    expect(page.html).toContain('asks reviewers and admins to sign in with an authenticator app');
    const refused = await visitor.post(
      '/river/admin/accounts/00000000-0000-4000-8000-000000000000/unlock',
      {},
      { htmx: true },
    );
    expect(refused.status).toBe(403);

    await enrol(visitor);
    expect((await visitor.get('/river/series')).status).toBe(200);
    expect((await visitor.get('/river/security')).html).not.toContain('Turn off');
    const off = await visitor.post('/river/security/authenticator/off', { offPassword: MEMBER_PASSWORD });
    expect(off.status).toBe(403);
    expect(alerts(off.html)).toEqual(['Your organization requires an authenticator app for your role.']);
  });

  test('a learner is not asked', async () => {
    await database.db
      .update(organizations)
      .set({ mfaRequiredForStaff: true })
      .where(eq(organizations.id, organization.id));
    await seedMember(database.db, organization, { email: 'bo@example.org' });
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'bo@example.org');
    expect((await visitor.get('/river/profile')).status).toBe(200);
    expect((await visitor.get('/river/security')).html).not.toContain('asks reviewers and admins');
  });

  test('an admin can require it only once they have one themselves', async () => {
    const admin = await seedMember(database.db, organization, { email: 'ada@example.org', roles: ['admin'] });
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ada@example.org');
    const settings = await visitor.get('/river/admin/settings');
    const form = Object.fromEntries(
      [...settings.html.matchAll(/<(?:input|textarea|select)[^>]*name="([^"]+)"/g)].map((m) => [m[1]!, '']),
    );
    const values = {
      ...form,
      name: organization.name,
      timeZone: 'America/New_York',
      degrees: 'MD',
      professions: 'Physician',
      claimMinutesBefore: '60',
      claimMinutesAfter: '2880',
      passwordPolicy: 'asvs',
      lockoutThreshold: '5',
      mfaRequiredForStaff: 'on',
      disclosureReminderDays: '7',
    };
    delete (values as Record<string, string>)._csrf;
    const refused = await visitor.post('/river/admin/settings', values);
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'mfaRequiredForStaff')).toMatch(
      /^Set up your own authenticator app first/,
    );

    await visitor.get('/river/security');
    await visitor.post('/river/security/authenticator');
    const [row] = await database.db.select().from(accounts).where(eq(accounts.id, admin.id));
    const code = TOTP.generate({
      secret: Secret.fromBase32(row!.totpSecret!),
      timestamp: t.clock.now().getTime(),
    });
    await visitor.post('/river/security/authenticator/confirm', { code });
    await visitor.get('/river/admin/settings');
    expect((await visitor.post('/river/admin/settings', values)).status).toBe(200);
    const [saved] = await database.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, organization.id));
    expect(saved?.mfaRequiredForStaff).toBe(true);
  });

  test('wrong codes count against the account like wrong passwords: a stolen password buys only a few guesses', async () => {
    await enrol(await signedIn());
    for (let round = 0; round < 3; round++) {
      const thief = new Visitor(t.app, `198.51.100.${round + 1}`);
      const password = await signIn(thief, organization, 'ann@example.org');
      if (password.location !== '/river/sign-in/code') break;
      await thief.get('/river/sign-in/code');
      for (let i = 0; i < 2; i++) await thief.post('/river/sign-in/code', { code: '000000' });
    }
    expect((await stored()).lockedUntil).not.toBeNull();
    // Locked: even the right password from a new browser gets nowhere.
    const late = new Visitor(t.app, '198.51.100.9');
    expect((await signIn(late, organization, 'ann@example.org')).status).toBe(401);
  });

  test('making new recovery codes takes a code from the app; a recovery code typed there is not used up', async () => {
    const visitor = await signedIn();
    const [first] = await enrol(visitor);
    const refused = await visitor.post('/river/security/recovery-codes', { code: first! });
    expect(refused.status).toBe(401);
    expect((await visitor.get('/river/security')).html).toContain('You have 10 unused recovery codes.');
  });
});
