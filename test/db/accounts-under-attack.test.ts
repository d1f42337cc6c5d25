import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Account, type Organization, accounts, auditEvents, messages } from '../../db/schema';
import { BODY_LIMIT_BYTES } from '../../server/app';
import { createLog } from '../../server/log';
import { LIMITS, MAILS_PER_ACCOUNT_PER_HOUR } from '../../server/rate-limits';
import { ERRORS } from '../../workflows/errors';
import { MEMBER_PASSWORD, linkIn, mailTo, seedMember, signIn } from '../support/accounts';
import { type TestDatabase, createTestDatabase } from '../support/database';
import { Visitor, alerts, fieldValue } from '../support/http';
import { seedOrganization } from '../support/seed';
import { type TestApp, createTestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let ann: Account;
let t: TestApp;
/** Every line the app logged, so the security log can be read back. */
let logged: string[];

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river', lockoutThreshold: 5 });
  ann = await seedMember(database.db, organization, {
    email: 'ann@example.org',
    firstName: 'Ann',
    roles: ['admin'],
  });
  logged = [];
  const sink = { log: (line: string) => logged.push(line), error: (line: string) => logged.push(line) };
  t = createTestApp(database, { log: createLog('info', sink) });
});
afterEach(async () => {
  await database.drop();
});

async function stored(account: Account) {
  const [row] = await database.db.select().from(accounts).where(eq(accounts.id, account.id));
  return row!;
}

/** Wrong passwords for Ann from an attacker's address. */
async function attack(times: number, address = '198.51.100.66') {
  const answers = [];
  for (let i = 0; i < times; i++) {
    answers.push(await signIn(new Visitor(t.app, address), organization, 'ann@example.org', `guess ${i}`));
  }
  await t.background.idle();
  return answers;
}

/** The page's main content, with the CSRF token and the typed email out of the way. */
function answerOf(page: { status: number; html: string }, email: string) {
  const main = /<main id="main">([\s\S]*)<\/main>/.exec(page.html)?.[1] ?? '';
  return {
    status: page.status,
    main: main.replaceAll(email, 'EMAIL').replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"'),
  };
}

describe('lockout stops the attacker, not the owner', () => {
  test("a browser Ann signed in from before still signs her in while a stranger's guessing keeps her account locked", async () => {
    const annsLaptop = new Visitor(t.app, '192.0.2.5');
    expect((await signIn(annsLaptop, organization, 'ann@example.org')).status).toBe(303);
    await annsLaptop.post('/river/sign-out');

    await attack(5);
    expect((await stored(ann)).lockedUntil).not.toBeNull();
    // A new browser, even with the right password, is paused…
    expect((await signIn(new Visitor(t.app, '192.0.2.5'), organization, 'ann@example.org')).status).toBe(401);
    // …but Ann's own laptop is not.
    expect((await signIn(annsLaptop, organization, 'ann@example.org')).status).toBe(303);
  });

  test('a session Ann already has keeps working while her account is locked', async () => {
    const annsPhone = new Visitor(t.app, '192.0.2.6');
    await signIn(annsPhone, organization, 'ann@example.org');
    await attack(5);
    const profile = await annsPhone.get('/river/profile');
    expect(profile.status).toBe(200);
    expect(profile.html).toContain('Ann');
  });

  test('the lock mails Ann an unlock link; it unlocks, and her browser is known from then on', async () => {
    await attack(5);
    const [mail] = await mailTo(database.db, 'ann@example.org');
    expect(mail).toMatchObject({ kind: 'unlock' });
    expect(mail?.text).toContain('5 wrong passwords were tried');
    expect(mail?.text).toMatch(/paused until Mar 2, 2026, 9:15 AM EST/);

    const annsNewPhone = new Visitor(t.app, '192.0.2.7');
    const link = linkIn(mail!, '/river/unlock');
    const page = await annsNewPhone.get(link);
    expect(page.html).toContain('Unlock my account');
    // Opening the link (as a mail scanner does) changes nothing; the button does.
    expect((await stored(ann)).lockedUntil).not.toBeNull();
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const unlocked = await annsNewPhone.post('/river/unlock', { token });
    expect(unlocked.location).toBe('/river/sign-in');
    expect((await annsNewPhone.follow(unlocked)).html).toContain('Your account is unlocked');
    expect(await stored(ann)).toMatchObject({ failedSignIns: 0, lockedAt: null, lockedUntil: null });

    // The stranger locks it again at once; the phone that unlocked it still signs in.
    await attack(5, '198.51.100.67');
    expect((await stored(ann)).lockedUntil).not.toBeNull();
    expect((await signIn(annsNewPhone, organization, 'ann@example.org')).status).toBe(303);
  });

  test('each lock after the first lasts twice as long, and a lock ends by itself', async () => {
    await attack(5);
    const first = await stored(ann);
    expect(first.lockedUntil!.getTime() - t.clock.now().getTime()).toBe(15 * 60_000);
    t.clock.advance(16);
    await attack(1, '198.51.100.68');
    const second = await stored(ann);
    expect(second.lockedUntil!.getTime() - t.clock.now().getTime()).toBe(30 * 60_000);
    t.clock.advance(31);
    expect((await signIn(new Visitor(t.app, '192.0.2.8'), organization, 'ann@example.org')).status).toBe(303);
  });
});

describe('what the lock must not give away', () => {
  test('the unlock link does not confirm an email: whoever chose the password may not own the mailbox', async () => {
    const bo = await seedMember(database.db, organization, {
      email: 'bo@example.org',
      emailConfirmedAt: null,
    });
    for (let i = 0; i < 5; i++)
      await signIn(new Visitor(t.app, '198.51.100.3'), organization, 'bo@example.org', `x${i}`);
    await t.background.idle();
    const link = linkIn((await mailTo(database.db, 'bo@example.org'))[0]!, '/river/unlock');
    const visitor = new Visitor(t.app);
    await visitor.get(link);
    await visitor.post('/river/unlock', { token: new URL(link, 'http://x').searchParams.get('token')! });
    expect(await stored(bo)).toMatchObject({ lockedUntil: null, emailConfirmedAt: null });
  });

  test('a known browser that types a wrong password is known no longer, and a reset forgets every known browser', async () => {
    const desk = new Visitor(t.app, '192.0.2.60');
    await signIn(desk, organization, 'ann@example.org');
    await desk.post('/river/sign-out');
    await signIn(desk, organization, 'ann@example.org', 'a colleague guessing');
    await attack(5);
    expect((await signIn(desk, organization, 'ann@example.org')).status).toBe(401);

    const laptop = new Visitor(t.app, '192.0.2.61');
    await database.db
      .update(accounts)
      .set({ lockedUntil: null, failedSignIns: 0 })
      .where(eq(accounts.id, ann.id));
    await signIn(laptop, organization, 'ann@example.org');
    await laptop.get('/river/forgot-password');
    await laptop.post('/river/forgot-password', { email: 'ann@example.org' });
    await t.background.idle();
    const reset = (await mailTo(database.db, 'ann@example.org')).find((m) => m.kind === 'password-reset')!;
    const token = new URL(linkIn(reset, '/river/reset-password'), 'http://x').searchParams.get('token')!;
    await laptop.post('/river/reset-password', {
      token,
      password: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    await attack(5, '198.51.100.62');
    expect((await signIn(laptop, organization, 'ann@example.org', 'a brand new passphrase')).status).toBe(
      401,
    );
  });

  test('mails a stranger can cause are capped per account, whatever their kind', async () => {
    await attack(5);
    for (let i = 0; i < 5; i++) {
      const visitor = new Visitor(t.app, `192.0.2.${70 + i}`);
      await visitor.get('/river/forgot-password');
      await visitor.post('/river/forgot-password', { email: 'ann@example.org' });
    }
    await t.background.idle();
    expect(await mailTo(database.db, 'ann@example.org')).toHaveLength(MAILS_PER_ACCOUNT_PER_HOUR);
  });
});

describe('sign-in tells a stranger nothing', () => {
  test('an unknown email, a wrong password and a locked account get the same answer', async () => {
    await seedMember(database.db, organization, { email: 'bo@example.org' });
    await attack(5);
    const unknown = await signIn(new Visitor(t.app, '192.0.2.20'), organization, 'nobody@example.org', 'x');
    const wrong = await signIn(new Visitor(t.app, '192.0.2.21'), organization, 'bo@example.org', 'x');
    const locked = await signIn(new Visitor(t.app, '192.0.2.22'), organization, 'ann@example.org', 'x');
    const lockedRight = await signIn(new Visitor(t.app, '192.0.2.23'), organization, 'ann@example.org');

    const expected = answerOf(unknown, 'nobody@example.org');
    expect(expected.status).toBe(401);
    expect(alerts(unknown.html)).toEqual([ERRORS.bad_credentials.message]);
    expect(answerOf(wrong, 'bo@example.org')).toEqual(expected);
    expect(answerOf(locked, 'ann@example.org')).toEqual(expected);
    expect(answerOf(lockedRight, 'ann@example.org')).toEqual(expected);
  });

  test('forgot password answers alike for a known and an unknown email', async () => {
    const ask = async (email: string) => {
      const visitor = new Visitor(t.app);
      await visitor.get('/river/forgot-password');
      return answerOf(await visitor.post('/river/forgot-password', { email }), email);
    };
    expect(await ask('ann@example.org')).toEqual(await ask('nobody@example.org'));
  });
});

describe('rate limits', () => {
  test('one address that keeps failing waits longer and longer; another address does not', async () => {
    const attacker = '198.51.100.99';
    // Guesses spread over many accounts, so no single account locks.
    for (let i = 0; i < 30; i++) {
      const answer = await signIn(new Visitor(t.app, attacker), organization, `person${i}@example.org`, 'x');
      expect(answer.status).toBe(401);
    }
    await signIn(new Visitor(t.app, attacker), organization, 'person30@example.org', 'x');
    const paused = await signIn(new Visitor(t.app, attacker), organization, 'ann@example.org');
    expect(paused.status).toBe(429);
    expect(paused.headers.get('Retry-After')).toMatch(/^[12]$/);
    expect(alerts(paused.html)[0]).toMatch(
      /^Too many failed sign-ins from your network\. Try again in \d seconds?\.$/,
    );

    expect((await signIn(new Visitor(t.app, '192.0.2.30'), organization, 'ann@example.org')).status).toBe(
      303,
    );
    const [throttled] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'sign_in_throttled'));
    expect(throttled?.clientAddress).toBe(attacker);
  });

  test('sign-up takes a limited number of forms from one address an hour', async () => {
    const visitor = new Visitor(t.app, '198.51.100.40');
    await visitor.get('/river/sign-up');
    const answers = [];
    for (let i = 0; i <= LIMITS['sign-up'].points; i++) {
      answers.push((await visitor.post('/river/sign-up', { email: 'x' })).status);
    }
    expect(answers.slice(0, -1).every((status) => status === 400)).toBe(true);
    expect(answers.at(-1)).toBe(429);
  });

  test('25 forgot-password requests for one email send only a few mails', async () => {
    for (let i = 0; i < 25; i++) {
      const visitor = new Visitor(t.app, `192.0.2.${100 + i}`);
      await visitor.get('/river/forgot-password');
      expect((await visitor.post('/river/forgot-password', { email: 'ann@example.org' })).status).toBe(200);
    }
    await t.background.idle();
    const sent = await database.db.select().from(messages).where(eq(messages.kind, 'password-reset'));
    expect(sent).toHaveLength(MAILS_PER_ACCOUNT_PER_HOUR);
  });

  test('an IPv6 client is its /64, so a fresh address per request buys no fresh budget', async () => {
    const visitor = (n: number) => new Visitor(t.app, `2001:db8:1234:5678::${n.toString(16)}`);
    for (let i = 0; i <= LIMITS['sign-up'].points; i++) {
      const one = visitor(i + 1);
      await one.get('/river/sign-up');
      const answer = await one.post('/river/sign-up', { email: 'x' });
      expect(answer.status, `request ${i + 1}`).toBe(i < LIMITS['sign-up'].points ? 400 : 429);
    }
    const elsewhere = new Visitor(t.app, '2001:db8:1234:9999::1');
    await elsewhere.get('/river/sign-up');
    expect((await elsewhere.post('/river/sign-up', { email: 'x' })).status).toBe(400);
  });

  test('behind a trusted proxy the address is the one the proxy saw, not one the client wrote', async () => {
    const proxied = createTestApp(database, { env: { TRUST_PROXY_HOPS: '1' } });
    const visitor = new Visitor(proxied.app, '10.0.0.2');
    visitor.headers['X-Forwarded-For'] = '6.6.6.6, 198.51.100.77';
    await signIn(visitor, organization, 'nobody@example.org', 'x');
    const [failed] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'sign_in_failed'));
    expect(failed?.clientAddress).toBe('198.51.100.77');
  });
});

describe('requests', () => {
  test('over Node’s own HTTP, a body declared too long is refused by its Content-Length, before a byte of it is read', async () => {
    const { serve } = await import('@hono/node-server');
    const { request } = await import('node:http');
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/river/sign-in',
            method: 'POST',
            headers: {
              'Content-Type': 'application/x-www-form-urlencoded',
              'Content-Length': String(BODY_LIMIT_BYTES + 1),
            },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        // Only the first bytes are ever sent: the answer cannot have waited for the rest.
        req.write('email=a');
      });
      expect(answer.status).toBe(413);
      expect(alerts(answer.body)).toEqual([ERRORS.payload_too_large.message]);
    } finally {
      (server as import('node:http').Server).closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a 5 MB email is refused before it is read, with a short page', async () => {
    const visitor = new Visitor(t.app);
    const answer = await visitor.post('/river/sign-in', {
      email: 'a'.repeat(5 * 1024 * 1024),
      password: 'x',
    });
    expect(answer.status).toBe(413);
    expect(answer.html.length).toBeLessThan(10_000);
    expect(alerts(answer.html)).toEqual([ERRORS.payload_too_large.message]);
  });

  test('an overlong field is refused with a message and comes back as typed, within the body limit', async () => {
    const visitor = new Visitor(t.app);
    await visitor.get('/river/sign-up');
    const answer = await visitor.post('/river/sign-up', {
      email: 'ann@example.org',
      firstName: 'A'.repeat(20_000),
    });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('This can be at most 5,000 characters.');
    expect(fieldValue(answer.html, 'firstName')).toBe('A'.repeat(20_000));
    expect(fieldValue(answer.html, 'email')).toBe('ann@example.org');
    // Nothing larger than the form could ever be echoed: the body limit refuses it unread.
    expect(answer.html.length).toBeLessThan(BODY_LIMIT_BYTES + 20_000);
  });

  test('a malformed multipart body is a 400, not a 500', async () => {
    const visitor = new Visitor(t.app);
    await visitor.get('/river/sign-in');
    const answer = await t.app.request('/river/sign-in', {
      method: 'POST',
      headers: {
        'Content-Type': 'multipart/form-data; boundary=xyz',
        Cookie: [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      body: '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nann',
    });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain(ERRORS.bad_request.message);
  });
});

describe('security headers', () => {
  test('every page has a Content-Security-Policy without inline script, and signed-in pages are never cached', async () => {
    const visitor = new Visitor(t.app);
    const signInPage = await visitor.get('/river/sign-in');
    const csp = signInPage.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(signInPage.html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(signInPage.html).not.toMatch(/\sstyle="/);
    expect(signInPage.headers.get('Strict-Transport-Security')).toBeNull();

    await signIn(visitor, organization, 'ann@example.org');
    for (const path of ['/river', '/river/profile', '/river/admin/accounts', '/river/admin/settings']) {
      const page = await visitor.get(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('Cache-Control'), path).toBe('no-store');
      expect(page.html, path).not.toMatch(/\sstyle="/);
    }
    expect((await visitor.get('/assets/rounds.css')).headers.get('Cache-Control')).toBe(
      'public, max-age=300',
    );
  });

  test('under https, browsers are told to use https from then on', async () => {
    const secure = createTestApp(database, { env: { PUBLIC_URL: 'https://cme.example.org' } });
    const page = await new Visitor(secure.app).get('/river/sign-in');
    expect(page.headers.get('Strict-Transport-Security')).toBe('max-age=31536000; includeSubDomains');
  });
});

describe('the security log', () => {
  test('sign-in, lockout, unlock, role change, reset and refused access are recorded with account, organization and address, never a password or token', async () => {
    const staff = new Visitor(t.app, '192.0.2.50');
    await signIn(staff, organization, 'ann@example.org');
    await staff.get('/river/admin/accounts');
    const bo = await seedMember(database.db, organization, { email: 'bo@example.org' });
    for (let i = 0; i < 5; i++)
      await signIn(new Visitor(t.app, '198.51.100.5'), organization, 'bo@example.org', `secret-guess-${i}`);
    await t.background.idle();
    await staff.post(`/river/admin/accounts/${bo.id}/unlock`);
    await staff.post(`/river/admin/accounts/${bo.id}/roles`, { roles: ['learner', 'faculty'] });
    const learner = new Visitor(t.app, '192.0.2.51');
    await signIn(learner, organization, 'bo@example.org');
    await learner.get('/river');
    await learner.post('/river/admin/settings', {});
    const visitor = new Visitor(t.app, '192.0.2.52');
    await visitor.get('/river/forgot-password');
    await visitor.post('/river/forgot-password', { email: 'bo@example.org' });
    await t.background.idle();
    const resetMail = (await mailTo(database.db, 'bo@example.org')).find((m) => m.kind === 'password-reset')!;
    const link = linkIn(resetMail, '/river/reset-password');
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    await visitor.get(link);
    await visitor.post('/river/reset-password', {
      token,
      password: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });

    const events = await database.db.select().from(auditEvents).orderBy(auditEvents.createdAt);
    const about = (action: string) => events.filter((event) => event.action === action);
    expect(about('sign_in_succeeded')[0]).toMatchObject({
      organizationId: organization.id,
      accountId: ann.id,
      clientAddress: '192.0.2.50',
    });
    expect(about('sign_in_failed')).toHaveLength(5);
    expect(about('sign_in_failed')[0]).toMatchObject({
      accountId: bo.id,
      detail: { reason: 'wrong_password' },
    });
    expect(about('account_locked')[0]).toMatchObject({ accountId: bo.id, clientAddress: '198.51.100.5' });
    expect(about('account_unlocked')[0]).toMatchObject({
      accountId: bo.id,
      actorId: ann.id,
      detail: { by: 'staff' },
    });
    expect(about('roles_changed')[0]).toMatchObject({
      accountId: bo.id,
      actorId: ann.id,
      detail: { roles: ['learner', 'faculty'] },
    });
    expect(about('access_refused')[0]).toMatchObject({
      actorId: bo.id,
      clientAddress: '192.0.2.51',
      detail: { method: 'POST', path: '/river/admin/settings', signedIn: true },
    });
    expect(about('password_reset')[0]).toMatchObject({ accountId: bo.id, clientAddress: '192.0.2.52' });

    const securityLines = logged.filter((line) => line.startsWith('[rounds] security '));
    expect(securityLines.length).toBeGreaterThanOrEqual(events.length);
    const first = JSON.parse(securityLines[0]!.slice('[rounds] security '.length));
    expect(first).toMatchObject({
      action: 'sign_in_succeeded',
      accountId: ann.id,
      clientAddress: '192.0.2.50',
    });
    const everything = [...logged, JSON.stringify(events)].join('\n');
    expect(everything).not.toContain('secret-guess');
    expect(everything).not.toContain(MEMBER_PASSWORD);
    expect(everything).not.toContain('a brand new passphrase');
    expect(everything).not.toContain(token);
  });
});

describe('confirmed email', () => {
  test('an account that has not confirmed its email cannot be made faculty', async () => {
    const bo = await seedMember(database.db, organization, {
      email: 'bo@example.org',
      emailConfirmedAt: null,
    });
    const staff = new Visitor(t.app);
    await signIn(staff, organization, 'ann@example.org');
    await staff.get('/river/admin/accounts');
    const refused = await staff.post(`/river/admin/accounts/${bo.id}/roles`, {
      roles: ['learner', 'faculty'],
    });
    expect(refused.status).toBe(409);
    expect(alerts(refused.html)).toEqual([ERRORS.email_unconfirmed.message]);
    expect((await staff.post(`/river/admin/accounts/${bo.id}/roles`, { roles: ['learner'] })).status).toBe(
      303,
    );
  });
});
