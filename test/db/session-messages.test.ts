import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  auditEvents,
  messages,
  type Organization,
  type Series,
  type Session,
  seriesRoles,
  sessionFaculty,
} from '../../db/schema';
import { MESSAGES_PER_ACCOUNT_PER_HOUR } from '../../server/rate-limits';
import { mailTo, seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, fieldValue, textOf, type Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let daniel: Account;
let grandRounds: Series;
let heart: Session;

beforeEach(async () => {
  database = await createTestDatabase();
  const { db } = database;
  organization = await seedOrganization(db, { code: 'river', timeZone: 'America/New_York' });
  t = createTestApp(database, { now: new Date('2026-11-24T15:00:00Z') });
  const cora = await seedMember(db, organization, {
    email: 'cora@example.org',
    firstName: 'Cora',
    lastName: 'Nash',
  });
  const olga = await seedMember(db, organization, {
    email: 'olga@example.org',
    firstName: 'Olga',
    lastName: 'Owens',
  });
  await seedMember(db, organization, {
    email: 'priya@example.org',
    firstName: 'Priya',
    lastName: 'Shah',
    roles: ['reviewer'],
  });
  await seedMember(db, organization, { email: 'lena@example.org' });
  daniel = await seedMember(db, organization, {
    email: 'daniel@example.org',
    firstName: 'Daniel',
    lastName: 'Okafor',
    roles: ['faculty'],
  });
  grandRounds = await seedSeries(db, organization, { name: 'Medicine Grand Rounds', status: 'approved' });
  await db.insert(seriesRoles).values([
    { seriesId: grandRounds.id, accountId: cora.id, role: 'coordinator' },
    { seriesId: grandRounds.id, accountId: olga.id, role: 'owner' },
  ]);
  heart = await seedSession(db, grandRounds, {
    name: 'Heart failure therapies',
    startsAt: new Date('2026-12-02T17:00:00Z'),
  });
  await db.insert(sessionFaculty).values({ sessionId: heart.id, accountId: daniel.id });
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/series');
}

const emailPath = () => `/river/sessions/${heart.id}/email`;

/** Opens the Email page as the dashboard's link does and sends what is typed. */
async function write(visitor: Visitor, to: string, typed: { subject?: string; body: string }) {
  const page = await visitor.get(`${emailPath()}?to=${to}&from=dashboard`);
  expect(page.status).toBe(200);
  return visitor.post(emailPath(), {
    to,
    back: 'dashboard',
    draft: fieldValue(page.html, 'draft') ?? '',
    subject: typed.subject ?? fieldValue(page.html, 'subject') ?? '',
    body: typed.body,
  });
}

describe('email from the dashboard', () => {
  test('a coordinator writes to one faculty member: the mail carries the session and answers go to her; the history records it; Send twice sends once', async () => {
    const cora = await visitorAs('cora@example.org');
    const dashboard = await cora.get('/river/dashboard');
    expect(dashboard.html).toContain(`href="${emailPath()}?to=faculty-${daniel.id}&amp;from=dashboard"`);
    expect(dashboard.html).toContain(`href="${emailPath()}?to=team&amp;from=dashboard"`);

    const page = await cora.get(`${emailPath()}?to=faculty-${daniel.id}&from=dashboard`);
    expect(textOf(page.html)).toContain('To: Daniel Okafor <daniel@example.org>');
    expect(fieldValue(page.html, 'subject')).toBe('Heart failure therapies, Dec 2, 2026, 12:00 PM EST');
    const form = {
      to: `faculty-${daniel.id}`,
      back: 'dashboard',
      draft: fieldValue(page.html, 'draft') ?? '',
      subject: 'Your slides for Wednesday',
      body: 'Dear Daniel,\n\nCould you send the final slides by Monday?\n\nThanks, Cora',
    };
    const sent = await cora.post(emailPath(), form);
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/river/dashboard#row-${heart.id}`);
    expect(textOf((await cora.follow(sent)).html)).toContain('Email sent to 1 person.');

    const [mail, ...more] = await mailTo(database.db, 'daniel@example.org');
    expect(more).toHaveLength(0);
    expect(mail).toMatchObject({
      kind: 'session-message',
      subject: 'Your slides for Wednesday',
      replyTo: 'cora@example.org',
    });
    expect(mail?.text).toContain('Could you send the final slides by Monday?');
    expect(mail?.text).toContain(
      'Written by Cora Nash (cora@example.org) about “Heart failure therapies” (Medicine Grand Rounds), Wed, Dec 2, 2026',
    );

    const again = await cora.follow(await cora.post(emailPath(), form));
    expect(textOf(again.html)).toContain('That message was already sent; nothing more went out.');
    expect(await mailTo(database.db, 'daniel@example.org')).toHaveLength(1);

    const history = textOf((await cora.get(`/river/sessions/${heart.id}`)).html);
    expect(history).toContain(
      'Email sent Nov 24, 2026, 10:00 AM EST by Cora NashTo: Daniel OkaforSubject: Your slides for Wednesday',
    );
    const recorded = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.sessionId, heart.id), eq(auditEvents.action, 'session_message_sent')));
    expect(recorded).toHaveLength(1);

    // Daniel sees his session, not the mail among the people who run it.
    const asFaculty = await visitorAs('daniel@example.org');
    const hisView = textOf((await asFaculty.get(`/river/sessions/${heart.id}`)).html);
    expect(hisView).toContain('Heart failure therapies');
    expect(hisView).not.toContain('Your slides for Wednesday');
  });

  test('owners and coordinators: the writer is left out, a reviewer reaches them all', async () => {
    const olga = await visitorAs('olga@example.org');
    expect((await write(olga, 'team', { body: 'Who is introducing the speaker?' })).status).toBe(303);
    expect(await mailTo(database.db, 'cora@example.org')).toHaveLength(1);
    expect(await mailTo(database.db, 'olga@example.org')).toHaveLength(0);

    const priya = await visitorAs('priya@example.org');
    const sent = await write(priya, 'team', { body: 'The session is not approved yet.' });
    expect(textOf((await priya.follow(sent)).html)).toContain('Email sent to 2 people.');
    expect(await mailTo(database.db, 'olga@example.org')).toHaveLength(1);
  });

  test('an empty subject or a message too long comes back with the typed text and why; strangers and unknown people get nothing', async () => {
    const cora = await visitorAs('cora@example.org');
    const long = 'Slides. '.repeat(600);
    const refused = await write(cora, `faculty-${daniel.id}`, { subject: ' ', body: long });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'subject')).toBe('Enter a subject.');
    expect(fieldError(refused.html, 'body')).toBe('Keep the message under 4,000 characters.');
    expect(refused.html).toContain(long.trim());
    expect(await database.db.select().from(messages)).toHaveLength(0);

    // Daniel teaches the session but does not run the series; Lena is a learner.
    for (const email of ['daniel@example.org', 'lena@example.org']) {
      const visitor = await visitorAs(email);
      expect((await visitor.get(`${emailPath()}?to=team`)).status).toBe(403);
    }
    const notFaculty = await cora.get(`${emailPath()}?to=faculty-${randomUUID()}`);
    expect(notFaculty.status).toBe(404);
    expect((await cora.get(`${emailPath()}?to=everyone`)).status).toBe(404);
  });

  test(`one person's messages are capped at ${MESSAGES_PER_ACCOUNT_PER_HOUR} recipients an hour, and the page says so`, async () => {
    const cora = await visitorAs('cora@example.org');
    for (let i = 0; i < MESSAGES_PER_ACCOUNT_PER_HOUR; i++) {
      expect((await write(cora, `faculty-${daniel.id}`, { body: `Note ${i}` })).status).toBe(303);
    }
    const held = await write(cora, `faculty-${daniel.id}`, { body: 'One more' });
    expect(held.status).toBe(400);
    expect(textOf(held.html)).toContain('You have sent many messages this hour.');
    expect(await mailTo(database.db, 'daniel@example.org')).toHaveLength(MESSAGES_PER_ACCOUNT_PER_HOUR);
  });
});
