import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  auditEvents,
  disclosures,
  type Organization,
  type Series,
  type Session,
  seriesRoles,
  sessionComments,
  sessionFaculty,
} from '../../db/schema';
import { seedMember, signIn, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { alerts, textOf, Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let daniel: Account;
let grandRounds: Series;
let tumorBoard: Series;
let heart: Session;
let sepsis: Session;
let lung: Session;

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
  await seedMember(db, organization, { email: 'priya@example.org', roles: ['reviewer'] });
  await seedMember(db, organization, { email: 'lena@example.org' });
  daniel = await seedMember(db, organization, {
    email: 'daniel@example.org',
    firstName: 'Daniel',
    lastName: 'Okafor',
    roles: ['faculty'],
  });
  grandRounds = await seedSeries(db, organization, { name: 'Medicine Grand Rounds', status: 'approved' });
  tumorBoard = await seedSeries(db, organization, { name: 'Thoracic Tumor Board', status: 'approved' });
  await db.insert(seriesRoles).values([
    { seriesId: grandRounds.id, accountId: cora.id, role: 'coordinator' },
    { seriesId: grandRounds.id, accountId: olga.id, role: 'owner' },
  ]);
  heart = await seedSession(db, grandRounds, {
    name: 'Heart failure therapies',
    startsAt: new Date('2026-12-02T17:00:00Z'),
  });
  sepsis = await seedSession(db, grandRounds, {
    name: 'Sepsis bundles',
    startsAt: new Date('2026-12-09T17:00:00Z'),
  });
  lung = await seedSession(db, tumorBoard, {
    name: 'Lung nodules',
    startsAt: new Date('2026-12-03T17:00:00Z'),
  });
  // Heart failure: Okafor teaches, nothing to disclose → PENDING. Sepsis: no faculty → INCOMPLETE.
  await db.insert(sessionFaculty).values({ sessionId: heart.id, accountId: daniel.id });
  await db.insert(disclosures).values({
    organizationId: organization.id,
    accountId: daniel.id,
    submittedAt: new Date('2026-10-01T12:00:00Z'),
    attestedAt: new Date('2026-10-01T12:00:00Z'),
    hasRelationships: false,
    signature: 'Daniel Okafor',
  });
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/dashboard');
}

const topics = (html: string) =>
  [...html.matchAll(/<h2 id="row-[^"]+-topic" class="dash-title"><a [^>]*>([^<]+)</g)].map((m) => m[1]);

describe('the RSS dashboard', () => {
  test('coordinators see their series with the manual’s columns; reviewers see all; learners are refused', async () => {
    const cora = await visitorAs('cora@example.org');
    const page = await cora.get('/river/dashboard');
    expect(page.status).toBe(200);
    expect(topics(page.html)).toEqual(['Heart failure therapies', 'Sepsis bundles']);
    const text = textOf(page.html);
    expect(text).toContain('PENDING');
    expect(text).toContain('INCOMPLETE');
    expect(text).toContain('Okafor, Daniel');
    expect(text).toContain('Nothing to disclose – Oct 1, 2026');
    expect(text).toContain('Owens, Olga / Nash, Cora');
    expect(text).toContain(`Child ID ${heart.childId}`);
    expect(page.html).toContain(`href="/river/sessions/${heart.id}/edit"`);

    const priya = await visitorAs('priya@example.org');
    expect(topics((await priya.get('/river/dashboard')).html)).toEqual([
      'Heart failure therapies',
      'Lung nodules',
      'Sepsis bundles',
    ]);
    // An owner sees the rows and none of the changes.
    const olga = await visitorAs('olga@example.org');
    const owners = await olga.get('/river/dashboard');
    expect(topics(owners.html)).toHaveLength(2);
    expect(owners.html).not.toContain(`/sessions/${heart.id}/edit`);

    const lena = new Visitor(t.app);
    await signIn(lena, organization, 'lena@example.org');
    expect((await lena.get('/river/dashboard')).status).toBe(403);
  });

  test('search by series, dates, status, faculty last name and topic; pages of 50', async () => {
    const priya = await visitorAs('priya@example.org');
    const search = async (query: string) => topics((await priya.get(`/river/dashboard?${query}`)).html);
    expect(await search(`series=${tumorBoard.id}`)).toEqual(['Lung nodules']);
    expect(await search('status=pending')).toEqual(['Heart failure therapies']);
    expect(await search('status=incomplete')).toEqual(['Lung nodules', 'Sepsis bundles']);
    expect(await search('faculty=okaf')).toEqual(['Heart failure therapies']);
    expect(await search('faculty=Okafor%2C+D')).toEqual(['Heart failure therapies']);
    expect(await search('topic=SEPSIS')).toEqual(['Sepsis bundles']);
    expect(await search('topic=%25')).toEqual([]);
    expect(await search('from=2026-12-03&to=2026-12-03')).toEqual(['Lung nodules']);
    // Unreadable filters are ignored rather than failing the page.
    expect(await search('from=yesterday&status=bogus&series=nope')).toHaveLength(3);

    for (let day = 0; day < 55; day++) {
      await seedSession(database.db, tumorBoard, {
        name: `Case ${String(day).padStart(2, '0')}`,
        startsAt: new Date(Date.UTC(2026, 11, 10, 17) + day * 3_600_000),
      });
    }
    const first = await priya.get('/river/dashboard');
    expect(topics(first.html)).toHaveLength(50);
    expect(textOf(first.html)).toContain('Sessions 1–50 of 58, soonest first.');
    const next = await priya.get('/river/dashboard?page=2');
    expect(topics(next.html)).toEqual([
      'Case 47',
      'Case 48',
      'Case 49',
      'Case 50',
      'Case 51',
      'Case 52',
      'Case 53',
      'Case 54',
    ]);
    expect(textOf(next.html)).toContain('Page 2 of 2');
  });

  test('just after midnight, a session under way since last night is still listed; one that ended is not', async () => {
    const lateNight = await seedSession(database.db, grandRounds, {
      name: 'Night float handoffs',
      startsAt: new Date('2026-11-25T04:30:00Z'),
      endsAt: new Date('2026-11-25T05:30:00Z'),
    });
    await seedSession(database.db, grandRounds, {
      name: 'Evening journal club',
      startsAt: new Date('2026-11-25T00:00:00Z'),
      endsAt: new Date('2026-11-25T01:00:00Z'),
    });
    // 00:10 in New York on Nov 25: the night session began at 23:30 the day before.
    t.clock.set(new Date('2026-11-25T05:10:00Z'));
    const cora = await visitorAs('cora@example.org');
    expect(topics((await cora.get('/river/dashboard')).html)).toEqual([
      lateNight.name,
      'Heart failure therapies',
      'Sepsis bundles',
    ]);
    // A chosen start date means what it says.
    expect(topics((await cora.get('/river/dashboard?from=2026-11-25')).html)).toEqual([
      'Heart failure therapies',
      'Sepsis bundles',
    ]);
  });

  test('a comment updates its row in place, is recorded, and a too-long one keeps what was typed', async () => {
    const cora = await visitorAs('cora@example.org');
    const path = `/river/dashboard/sessions/${heart.id}/comments`;
    const posted = await cora.post(path, { body: 'Dr. Okafor confirmed the topic.' }, { htmx: true });
    expect(posted.status).toBe(200);
    expect(posted.html).toMatch(/^<li id="row-/);
    expect(textOf(posted.html)).toContain(
      'Cora Nash, Nov 24, 2026, 10:00 AM EST: Dr. Okafor confirmed the topic.',
    );
    expect(posted.html).toContain('data-focus-here="true">Comment posted.');
    const history = await database.db.select().from(auditEvents).where(eq(auditEvents.sessionId, heart.id));
    expect(history.map((event) => event.action)).toContain('session_commented');

    const long = 'x'.repeat(600);
    const refused = await cora.post(path, { body: long }, { htmx: true });
    expect(refused.status).toBe(400);
    expect(alerts(refused.html)).toContain('A comment can be at most 500 characters; this one has 600.');
    expect(refused.html).toContain(long);
    expect(await database.db.select().from(sessionComments)).toHaveLength(1);

    // Another series' session is not Cora's to discuss; a learner discusses nothing.
    expect(
      (await cora.post(`/river/dashboard/sessions/${lung.id}/comments`, { body: 'Hi' }, { htmx: true }))
        .status,
    ).toBe(403);
    const lena = new Visitor(t.app);
    await signIn(lena, organization, 'lena@example.org');
    await lena.get('/river/profile');
    expect((await lena.post(path, { body: 'Hi' })).status).toBe(403);
  });

  test('a reviewer approves a PENDING session from its row; a coordinator cannot', async () => {
    const cora = await visitorAs('cora@example.org');
    expect(
      (await cora.post(`/river/dashboard/sessions/${heart.id}/approve`, {}, { htmx: true })).status,
    ).toBe(403);
    const priya = await visitorAs('priya@example.org');
    expect((await priya.get('/river/dashboard')).html).toContain(`id="row-${heart.id}-approve"`);
    const approved = await priya.post(`/river/dashboard/sessions/${heart.id}/approve`, {}, { htmx: true });
    expect(approved.status).toBe(200);
    expect(textOf(approved.html)).toContain('APPROVED');
    expect(approved.html).toContain('data-focus-here="true">Approved.');
    const again = await priya.post(`/river/dashboard/sessions/${sepsis.id}/approve`, {}, { htmx: true });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain('INCOMPLETE');
  });
});
