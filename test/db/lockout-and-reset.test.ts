import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  type Organization,
  accounts,
  authSessions,
  messages,
  accountLinks,
} from '../../db/schema';
import { sha256 } from '../../server/auth/sessions';
import { ERRORS } from '../../workflows/errors';
import { linkIn, mailTo, seedMember, signIn } from '../support/accounts';
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
  organization = await seedOrganization(database.db, { code: 'river', lockoutThreshold: 3 });
  ann = await seedMember(database.db, organization, { email: 'ann@example.org', firstName: 'Ann' });
  t = createTestApp(database);
});
afterEach(async () => {
  await database.drop();
});

async function stored(account: Account) {
  const [row] = await database.db.select().from(accounts).where(eq(accounts.id, account.id));
  return row!;
}

async function failSignIn(times: number) {
  const answers = [];
  for (let i = 0; i < times; i++)
    answers.push(await signIn(new Visitor(t.app), organization, 'ann@example.org', 'wrong guess'));
  return answers;
}

/** Asks for a reset and waits for the work the page does after answering. */
async function requestReset(email: string) {
  const visitor = new Visitor(t.app);
  await visitor.get('/river/forgot-password');
  const answer = await visitor.post('/river/forgot-password', { email });
  await t.background.idle();
  return answer;
}

async function resetLink(): Promise<string> {
  const message = (await mailTo(database.db, 'ann@example.org')).find((m) => m.kind === 'password-reset');
  expect(message).toBeDefined();
  return linkIn(message!, '/river/reset-password');
}

describe('lockout', () => {
  test("at the organization's number of consecutive failures password sign-in pauses, even for the right password, and answers as for a wrong one", async () => {
    const answers = await failSignIn(3);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    for (const answer of answers) expect(alerts(answer.html)).toEqual([ERRORS.bad_credentials.message]);
    expect(await stored(ann)).toMatchObject({
      failedSignIns: 3,
      lockedAt: t.clock.now(),
      lockedUntil: new Date(t.clock.now().getTime() + 15 * 60_000),
    });

    const right = await signIn(new Visitor(t.app), organization, 'ann@example.org');
    expect(right.status).toBe(401);
    expect(alerts(right.html)).toEqual([ERRORS.bad_credentials.message]);
  });

  test('a successful sign-in starts the count of failures over', async () => {
    await failSignIn(2);
    expect((await signIn(new Visitor(t.app), organization, 'ann@example.org')).status).toBe(303);
    expect((await stored(ann)).failedSignIns).toBe(0);
    const answers = await failSignIn(2);
    expect(answers.map((a) => a.status)).toEqual([401, 401]);
    expect((await stored(ann)).lockedAt).toBeNull();
  });

  test('failures at another organization do not count here', async () => {
    const lake = await seedOrganization(database.db, { code: 'lake', lockoutThreshold: 3 });
    await seedMember(database.db, lake, { email: 'ann@example.org' });
    for (let i = 0; i < 3; i++) await signIn(new Visitor(t.app), lake, 'ann@example.org', 'wrong guess');
    expect((await signIn(new Visitor(t.app), organization, 'ann@example.org')).status).toBe(303);
  });
});

describe('forgot password', () => {
  test('the answer is the same whether or not the email has an account, and only an account gets mail', async () => {
    const known = await requestReset('ANN@example.org ');
    const unknown = await requestReset('nobody@example.org');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const notice = (html: string) => /<p class="alert alert-ok" role="status">([^<]*)<\/p>/.exec(html)?.[1];
    expect(notice(known.html)).toBeTruthy();
    expect(notice(unknown.html)).toBe(notice(known.html));

    const sent = await database.db.select().from(messages).where(eq(messages.kind, 'password-reset'));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: 'ann@example.org',
      kind: 'password-reset',
      status: 'sent',
      transport: 'outbox',
    });
    expect(sent[0]?.html).toContain('Choose a new password');
  });

  test('the link stores only a hash of its token', async () => {
    await requestReset('ann@example.org');
    const token = new URL(await resetLink(), 'http://x').searchParams.get('token')!;
    const [reset] = await database.db.select().from(accountLinks);
    expect(reset?.id).toBe(sha256(token));
    expect(reset?.id).not.toContain(token);
  });

  test('a reset link sets the new password, unlocks the account, ends its sessions, and works only once', async () => {
    const elsewhere = new Visitor(t.app);
    await signIn(elsewhere, organization, 'ann@example.org');
    await failSignIn(3);
    await t.background.idle();
    expect((await stored(ann)).lockedAt).not.toBeNull();

    await requestReset('ann@example.org');
    const link = await resetLink();
    const visitor = new Visitor(t.app);
    const form = await visitor.get(link);
    expect(form.status).toBe(200);
    expect(form.html).toContain('Choose a new password');

    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const done = await visitor.post('/river/reset-password', {
      token,
      password: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/river/sign-in');
    expect((await visitor.follow(done)).html).toContain('Your new password is set.');

    expect(await stored(ann)).toMatchObject({ lockedAt: null, failedSignIns: 0 });
    expect(
      await database.db.select().from(authSessions).where(eq(authSessions.accountId, ann.id)),
    ).toHaveLength(0);
    expect((await elsewhere.get('/river/profile')).status).toBe(303);

    expect((await signIn(new Visitor(t.app), organization, 'ann@example.org')).status).toBe(401);
    expect(
      (await signIn(new Visitor(t.app), organization, 'ann@example.org', 'a brand new passphrase')).status,
    ).toBe(303);

    const reused = await new Visitor(t.app).get(link);
    expect(reused.status).toBe(400);
    expect(alerts(reused.html)).toEqual([ERRORS.link_invalid.message]);
    const replay = new Visitor(t.app);
    await replay.get('/river/forgot-password');
    const again = await replay.post('/river/reset-password', {
      token,
      password: 'someone elses passphrase',
      confirmPassword: 'someone elses passphrase',
    });
    expect(again.status).toBe(400);
    expect(alerts(again.html)).toEqual([ERRORS.link_invalid.message]);
  });

  test('a reset link expires after an hour', async () => {
    await requestReset('ann@example.org');
    const link = await resetLink();
    t.clock.advance(59);
    expect((await new Visitor(t.app).get(link)).status).toBe(200);
    t.clock.advance(2);
    const late = new Visitor(t.app);
    const page = await late.get(link);
    expect(page.status).toBe(400);
    expect(alerts(page.html)).toEqual([ERRORS.link_invalid.message]);
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const posted = await late.post('/river/reset-password', {
      token,
      password: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    expect(alerts(posted.html)).toEqual([ERRORS.link_invalid.message]);
    expect((await signIn(new Visitor(t.app), organization, 'ann@example.org')).status).toBe(303);
  });

  test('the new password must meet the policy, and the link still works after a refusal', async () => {
    await requestReset('ann@example.org');
    const link = await resetLink();
    const visitor = new Visitor(t.app);
    await visitor.get(link);
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const weak = await visitor.post('/river/reset-password', {
      token,
      password: 'iloveyou2',
      confirmPassword: 'iloveyou2',
    });
    expect(weak.status).toBe(400);
    expect(fieldError(weak.html, 'password')).toBe(
      'That password is one of the most commonly used passwords, so it is easy to guess. Choose another.',
    );
    expect(weak.html).toContain(`name="token" value="${token}"`);

    const mismatch = await visitor.post('/river/reset-password', {
      token,
      password: 'a brand new passphrase',
      confirmPassword: 'typo',
    });
    expect(fieldError(mismatch.html, 'confirmPassword')).toBe('The two passwords do not match.');

    const fine = await visitor.post('/river/reset-password', {
      token,
      password: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    expect(fine.status).toBe(303);
  });

  test('a link made for one organization does nothing at another', async () => {
    await seedOrganization(database.db, { code: 'lake' });
    await requestReset('ann@example.org');
    const link = (await resetLink()).replace('/river/', '/lake/');
    const page = await new Visitor(t.app).get(link);
    expect(page.status).toBe(400);
  });
});
