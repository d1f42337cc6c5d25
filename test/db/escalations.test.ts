import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  escalationTickets,
  type Organization,
  type Session,
  seriesRoles,
  sessionFaculty,
} from '../../db/schema';
import { seedMember, signIn, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldValue, textOf, Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let priya: Account;
let stroke: Session;

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
  priya = await seedMember(db, organization, {
    email: 'priya@example.org',
    firstName: 'Priya',
    lastName: 'Shah',
    roles: ['reviewer'],
  });
  const grandRounds = await seedSeries(db, organization, {
    name: 'Medicine Grand Rounds',
    status: 'approved',
  });
  await db.insert(seriesRoles).values({ seriesId: grandRounds.id, accountId: cora.id, role: 'coordinator' });
  stroke = await seedSession(db, grandRounds, {
    name: 'Stroke code pathway',
    startsAt: new Date('2026-11-26T17:00:00Z'),
  });
  // As the session's lifecycle opens it at the three-day check.
  await db.insert(escalationTickets).values({
    organizationId: organization.id,
    sessionId: stroke.id,
    statusAtOpening: 'incomplete',
    reasons: ['No faculty assigned.'],
    openedAt: new Date('2026-11-23T14:00:00Z'),
  });
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/review');
}

const closePath = () => `/river/review/tickets/${stroke.id}/close`;

async function ticket() {
  const [row] = await database.db
    .select()
    .from(escalationTickets)
    .where(eq(escalationTickets.sessionId, stroke.id));
  return row;
}

describe('closing an escalation ticket by hand', () => {
  test('a reviewer closes it with a note: it leaves the queue, and the session shows why and who', async () => {
    const reviewer = await visitorAs('priya@example.org');
    const queue = await reviewer.get('/river/review');
    expect(textOf(queue.html)).toContain('Escalation tickets (1)');

    const empty = await reviewer.post(closePath(), { note: '   ' });
    expect(empty.status).toBe(400);
    expect(textOf(empty.html)).toContain('Write why the ticket is closed; the note is kept with it.');
    const long = 'x'.repeat(600);
    const tooLong = await reviewer.post(closePath(), { note: long });
    expect(textOf(tooLong.html)).toContain('Keep the note under 500 characters; it has 600.');
    expect(fieldValue(tooLong.html, 'note')).toBe(long);
    expect((await ticket())?.closedAt).toBeNull();

    const note = 'Coordinator confirmed the session is cancelled; no credit will be offered.';
    const closed = await reviewer.post(closePath(), { note });
    expect(closed.status).toBe(303);
    const after = await reviewer.follow(closed);
    expect(textOf(after.html)).toContain('Ticket closed. The note is in the session’s history.');
    expect(textOf(after.html)).toContain('Escalation tickets (0)');
    expect(await ticket()).toMatchObject({ closedBecause: note, closedById: priya.id });

    const page = textOf((await reviewer.get(`/river/sessions/${stroke.id}`)).html);
    expect(page).toContain(`(${note})`);
    expect(page).toContain(
      `Escalation ticket closed Nov 24, 2026, 10:00 AM EST by Priya ShahReason: ${note}`,
    );

    // Faculty of the session see that it closed, not the reviewer's note.
    const speaker = await seedMember(database.db, organization, {
      email: 'dan@example.org',
      roles: ['faculty'],
    });
    await database.db.insert(sessionFaculty).values({ sessionId: stroke.id, accountId: speaker.id });
    const asFaculty = await visitorAs('dan@example.org');
    const theirs = textOf((await asFaculty.get(`/river/sessions/${stroke.id}`)).html);
    expect(theirs).toContain('(closed by a reviewer)');
    expect(theirs).not.toContain('cancelled');

    // Closing it again changes nothing.
    expect((await reviewer.post(closePath(), { note: 'Again' })).status).toBe(303);
    expect((await ticket())?.closedBecause).toBe(note);
  });

  test('a coordinator cannot close it, and another organization’s reviewer finds nothing', async () => {
    const coordinator = await visitorAs('cora@example.org');
    expect((await coordinator.post(closePath(), { note: 'Done' })).status).toBe(403);

    const lake = await seedOrganization(database.db, { code: 'lake' });
    await seedMember(database.db, lake, { email: 'rex@lake.example.org', roles: ['reviewer'] });
    const stranger = new Visitor(t.app);
    expect((await signIn(stranger, lake, 'rex@lake.example.org')).status).toBe(303);
    await stranger.get('/lake/review');
    expect(
      (await stranger.post(`/lake/review/tickets/${stroke.id}/close`, { note: 'Mine now' })).status,
    ).toBe(404);
    expect((await ticket())?.closedAt).toBeNull();
  });
});
