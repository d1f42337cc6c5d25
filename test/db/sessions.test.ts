import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Account, type Organization, authSessions } from '../../db/schema';
import { sha256 } from '../../server/auth/sessions';
import { ERRORS } from '../../workflows/errors';
import { seedMember, signIn } from '../support/accounts';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { Visitor, alerts } from '../support/http';
import { seedOrganization } from '../support/seed';
import { type TestApp, createTestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let ann: Account;
let t: TestApp;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river' });
  ann = await seedMember(database.db, organization, { email: 'ann@example.org', firstName: 'Ann' });
  t = createTestApp(database);
});
afterEach(async () => {
  await database.drop();
});

async function isSignedIn(visitor: Visitor): Promise<boolean> {
  const profile = await visitor.get('/river/profile');
  if (profile.status === 200) return true;
  expect(profile.status).toBe(303);
  expect(profile.location).toBe('/river/sign-in?next=%2Friver%2Fprofile');
  return false;
}

describe('signing in and out', () => {
  test('a learner signs in with any case of their email, and signs out', async () => {
    const visitor = new Visitor(t.app);
    const answer = await signIn(visitor, organization, '  ANN@example.org ');
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/river');
    expect((await visitor.follow(answer)).html).toContain('Welcome, Ann');

    expect(await visitor.get('/river').then((page) => page.status)).toBe(200);
    const out = await visitor.post('/river/sign-out');
    expect(out.status).toBe(303);
    expect(await isSignedIn(visitor)).toBe(false);
    expect(await database.db.select().from(authSessions)).toHaveLength(0);
  });

  test('a wrong password and an unknown email get the same answer', async () => {
    const wrong = await signIn(new Visitor(t.app), organization, 'ann@example.org', 'not my password');
    const unknown = await signIn(new Visitor(t.app), organization, 'nobody@example.org', 'not my password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(alerts(wrong.html)).toEqual([ERRORS.bad_credentials.message]);
    expect(alerts(unknown.html)).toEqual([ERRORS.bad_credentials.message]);
    expect(wrong.html).toContain('value="ann@example.org"');
    expect(wrong.html).not.toContain('not my password');
  });

  test('signing in returns to the page that asked for it, but never to another site', async () => {
    const visitor = new Visitor(t.app);
    const asked = await visitor.get('/river/profile');
    expect(asked.location).toBe('/river/sign-in?next=%2Friver%2Fprofile');
    const form = await visitor.get(asked.location!);
    expect(form.html).toContain('name="next" value="/river/profile"');
    const back = await visitor.post('/river/sign-in', {
      email: 'ann@example.org',
      password: 'tumor board thursday',
      next: '/river/profile',
    });
    expect(back.location).toBe('/river/profile');

    const elsewhere = new Visitor(t.app);
    await elsewhere.get('/river/sign-in');
    const offsite = await elsewhere.post('/river/sign-in', {
      email: 'ann@example.org',
      password: 'tumor board thursday',
      next: 'https://evil.example/river/profile',
    });
    expect(offsite.location).toBe('/river');
  });

  test('signing in issues a new session token, so a token known from before sign-in is worthless', async () => {
    await seedMember(database.db, organization, { email: 'bob@example.org', firstName: 'Bob' });
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    const before = visitor.cookie('rounds-session')!;
    expect(Buffer.from(before, 'base64url')).toHaveLength(16);

    // Signing in again on the same browser (here as someone else) replaces the session.
    await visitor.get('/river');
    const again = await visitor.post('/river/sign-in', {
      email: 'bob@example.org',
      password: 'tumor board thursday',
    });
    expect(again.status).toBe(303);
    const after = visitor.cookie('rounds-session')!;
    expect(after).not.toBe(before);

    // Only the hash of the live token is stored; the replaced session is gone.
    const rows = await database.db.select().from(authSessions);
    expect(rows.map((row) => row.id)).toEqual([sha256(after)]);

    const planted = new Visitor(t.app);
    planted.cookies.set('rounds-session', before);
    expect(await isSignedIn(planted)).toBe(false);
    expect((await visitor.get('/river')).html).toContain('Welcome, Bob');
  });

  test('session cookies are HttpOnly and SameSite=Lax, and under HTTPS also Secure with the __Host- prefix', async () => {
    const plain = new Visitor(t.app);
    await plain.get('/river/sign-in');
    const local = await plain.post('/river/sign-in', {
      email: 'ann@example.org',
      password: 'tumor board thursday',
    });
    const localCookie = local.headers.getSetCookie().find((line) => line.startsWith('rounds-session='));
    expect(localCookie).toMatch(/HttpOnly/);
    expect(localCookie).toMatch(/SameSite=Lax/);

    const secure = createTestApp(database, { env: { PUBLIC_URL: 'https://cme.example.org' } });
    const visitor = new Visitor(secure.app);
    await visitor.get('/river/sign-in');
    const answer = await visitor.post('/river/sign-in', {
      email: 'ann@example.org',
      password: 'tumor board thursday',
    });
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('__Host-rounds-session='));
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Domain=/);
  });
});

describe('session timeouts', () => {
  test('a session left idle longer than the idle timeout ends', async () => {
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    t.clock.advance(t.config.SESSION_IDLE_MINUTES - 1);
    expect(await isSignedIn(visitor)).toBe(true);
    t.clock.advance(t.config.SESSION_IDLE_MINUTES + 1);
    expect(await isSignedIn(visitor)).toBe(false);
    expect(await database.db.select().from(authSessions)).toHaveLength(0);
  });

  test('activity keeps a session alive past the idle timeout', async () => {
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    for (let visit = 0; visit < 4; visit++) {
      t.clock.advance(t.config.SESSION_IDLE_MINUTES - 5);
      expect(await isSignedIn(visitor)).toBe(true);
    }
  });

  test('a session ends at the absolute timeout however active it is', async () => {
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    const step = 20;
    const steps = Math.floor((t.config.SESSION_ABSOLUTE_HOURS * 60) / step);
    for (let visit = 1; visit < steps; visit++) {
      t.clock.advance(step);
      expect(await isSignedIn(visitor)).toBe(true);
    }
    t.clock.advance(step + 1);
    expect(await isSignedIn(visitor)).toBe(false);
  });

  test('the last-seen time is written at most once a minute', async () => {
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    const [start] = await database.db.select().from(authSessions);
    t.clock.advance(0.5);
    await visitor.get('/river');
    const [unchanged] = await database.db.select().from(authSessions);
    expect(unchanged?.lastSeenAt).toEqual(start?.lastSeenAt);
    t.clock.advance(1);
    await visitor.get('/river');
    const [touched] = await database.db.select().from(authSessions);
    expect(touched?.lastSeenAt).toEqual(t.clock.now());
  });

  test('a session of one organization does not sign anyone in at another', async () => {
    await seedOrganization(database.db, { code: 'lake' });
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    const lake = await visitor.get('/lake/profile');
    expect(lake.status).toBe(303);
    expect(lake.location).toBe('/lake/sign-in?next=%2Flake%2Fprofile');
    // …and visiting the other organization did not end it here.
    expect(await isSignedIn(visitor)).toBe(true);
    const rows = await database.db.select().from(authSessions).where(eq(authSessions.accountId, ann.id));
    expect(rows).toHaveLength(1);
  });
});

describe('CSRF protection', () => {
  test('a form posted without the page token, or with a wrong one, is refused', async () => {
    const anonymous = new Visitor(t.app);
    await anonymous.get('/river/sign-in');
    const missing = await anonymous.post(
      '/river/sign-in',
      { email: 'ann@example.org', password: 'tumor board thursday' },
      { csrf: false },
    );
    expect(missing.status).toBe(403);
    expect(alerts(missing.html)).toEqual([ERRORS.csrf_failed.message]);
    expect(missing.headers.getSetCookie().some((line) => line.startsWith('rounds-session='))).toBe(false);

    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    await visitor.get('/river/profile');
    const forged = await visitor.post(
      '/river/profile',
      { firstName: 'Mallory', lastName: 'Lee', degree: 'MD', profession: 'Physician' },
      { csrf: 'AAAAAAAAAAAAAAAAAAAAAA' },
    );
    expect(forged.status).toBe(403);
    expect(alerts(forged.html)).toEqual([ERRORS.csrf_failed.message]);
  });

  test('the token from before sign-in stops working once signed in', async () => {
    const visitor = new Visitor(t.app);
    await visitor.get('/river/sign-in');
    const anonymousToken = visitor.csrfToken;
    await visitor.post('/river/sign-in', { email: 'ann@example.org', password: 'tumor board thursday' });
    const stale = await visitor.post(
      '/river/profile',
      { firstName: 'Ann', lastName: 'Lee', degree: 'MD', profession: 'Physician' },
      { csrf: anonymousToken },
    );
    expect(stale.status).toBe(403);
  });

  test('a form sent as multipart, as forms with files are, is checked for its token and then saved', async () => {
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    await visitor.get('/river/profile');
    const form = { firstName: 'Ann', lastName: 'Multipart', degree: 'MD', profession: 'Physician' };
    const saved = await visitor.post('/river/profile', form, { multipart: true });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('value="Multipart"');
    const refused = await visitor.post('/river/profile', form, { multipart: true, csrf: false });
    expect(refused.status).toBe(403);
  });

  test('an htmx request needs the X-CSRF-Token header', async () => {
    const visitor = new Visitor(t.app);
    await signIn(visitor, organization, 'ann@example.org');
    const profile = await visitor.get('/river/profile');
    expect(profile.html).toContain(`<meta name="csrf-token" content="${visitor.csrfToken}"/>`);
    const form = { firstName: 'Ann', lastName: 'Lee-Smith', degree: 'MD', profession: 'Physician' };

    const without = await visitor.post('/river/profile', form, { htmx: true, csrf: false });
    expect(without.status).toBe(403);
    expect(without.html).toContain(ERRORS.csrf_failed.message);

    const withHeader = await visitor.post('/river/profile', form, { htmx: true });
    expect(withHeader.status).toBe(200);
    expect(withHeader.html).toContain('Your profile was saved.');
  });
});
