import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createDisclosureActivities } from '../../activities/disclosures';
import { createSessionApprovalActivities } from '../../activities/session-approval';
import {
  type Account,
  auditEvents,
  disclosures,
  escalationTickets,
  messages,
  type Organization,
  type Series,
  type Session,
  seriesRoles,
  sessionFaculty,
} from '../../db/schema';
import { createMailer } from '../../server/mail';
import type { SessionApprovalState } from '../../workflows/session-approval';
import { mailTo, seedMember, signIn } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { textOf, Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let cora: Account;
let daniel: Account;
let grandRounds: Series;
let session: Session;

const NOW = new Date('2026-11-24T15:00:00Z');

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, {
    code: 'river',
    name: 'Riverside Health',
    timeZone: 'America/New_York',
    holidays: ['2026-11-26', '2026-11-27'],
  });
  t = createTestApp(database, { now: NOW });
  cora = await seedMember(database.db, organization, {
    email: 'cora@example.org',
    firstName: 'Cora',
    lastName: 'Nash',
  });
  await seedMember(database.db, organization, {
    email: 'priya@example.org',
    firstName: 'Priya',
    lastName: 'Shah',
    roles: ['reviewer'],
  });
  daniel = await seedMember(database.db, organization, {
    email: 'daniel@example.org',
    firstName: 'Daniel',
    lastName: 'Reyes',
    roles: ['faculty'],
  });
  grandRounds = await seedSeries(database.db, organization, { status: 'approved', year: 2026 });
  await database.db
    .insert(seriesRoles)
    .values({ seriesId: grandRounds.id, accountId: cora.id, role: 'coordinator' });
  // Wednesday Dec 2, 12:00 EST: 5 business days before, past Thanksgiving, is Monday Nov 23.
  session = await seedSession(database.db, grandRounds, {
    name: 'Heart failure therapies',
    startsAt: new Date('2026-12-02T17:00:00Z'),
  });
});

afterEach(async () => {
  await database.drop();
});

function activities() {
  const mailer = createMailer({ config: t.config, db: database.db, clock: t.clock });
  const deps = { db: database.db, mailer, clock: t.clock, publicUrl: 'https://cme.river.test' };
  return { ...createSessionApprovalActivities(deps), ...createDisclosureActivities(deps) };
}

async function discloses(account: Account, submittedAt: Date) {
  const [made] = await database.db
    .insert(disclosures)
    .values({
      organizationId: organization.id,
      accountId: account.id,
      submittedAt,
      attestedAt: submittedAt,
      hasRelationships: false,
      signature: `${account.firstName} ${account.lastName}`,
    })
    .returning();
  if (!made) throw new Error('no disclosure');
  return made;
}

describe('status checks and escalation', () => {
  test('a status check emails the coordinators what is missing and the deadline, once, and the session’s history shows it', async () => {
    const act = activities();
    const check = {
      sessionId: session.id,
      check: 'five-day' as const,
      startsAt: session.startsAt.toISOString(),
    };
    expect(await act.checkSessionStatus(check)).toEqual({ status: 'incomplete' });
    expect(await act.checkSessionStatus(check)).toEqual({ status: 'incomplete' });
    const [mail, ...more] = await mailTo(database.db, 'cora@example.org');
    expect(more).toEqual([]);
    expect(mail?.subject).toBe('INCOMPLETE: Heart failure therapies in 5 days');
    expect(mail?.text).toContain('No faculty assigned.');
    expect(mail?.text).toContain('were due by Mon, Nov 23, 2026');
    expect(mail?.text).toContain(`https://cme.river.test/river/sessions/${session.id}`);
    const history = await database.db.select().from(auditEvents).where(eq(auditEvents.sessionId, session.id));
    expect(history.map((event) => event.action)).toEqual(['session_status_checked']);

    // A check planned against a date the session no longer has does nothing.
    expect(
      await act.checkSessionStatus({ ...check, check: 'three-day', startsAt: '2026-12-09T17:00:00.000Z' }),
    ).toEqual({ status: null });
    expect(await mailTo(database.db, 'cora@example.org')).toHaveLength(1);
  });

  test('not APPROVED three days out: one ticket, the reviewers emailed once, the queue shows it, and approval closes it', async () => {
    await database.db.insert(sessionFaculty).values({ sessionId: session.id, accountId: daniel.id });
    await discloses(daniel, new Date('2026-10-01T12:00:00Z'));
    t.clock.set(new Date('2026-11-29T14:00:00Z'));
    const act = activities();
    const first = await act.escalateSession({
      sessionId: session.id,
      startsAt: session.startsAt.toISOString(),
    });
    const again = await act.escalateSession({
      sessionId: session.id,
      startsAt: session.startsAt.toISOString(),
    });
    expect(first.ticketId).not.toBeNull();
    expect(again.ticketId).toBe(first.ticketId);
    expect(await database.db.select().from(escalationTickets)).toHaveLength(1);
    const [toPriya, ...more] = await mailTo(database.db, 'priya@example.org');
    expect(more).toEqual([]);
    expect(toPriya?.subject).toBe('Escalation: Heart failure therapies not approved');
    expect(toPriya?.text).toContain('PENDING');
    expect(toPriya?.text).toContain('Cora Nash <cora@example.org>');

    const priya = new Visitor(t.app);
    expect((await signIn(priya, organization, 'priya@example.org')).status).toBe(303);
    const queue = textOf((await priya.get('/river/review')).html);
    expect(queue).toContain('Escalation tickets (1)');
    expect(queue).toContain('Heart failure therapies');
    const approved = await priya.post(`/river/sessions/${session.id}/approve`, {});
    expect(approved.status).toBe(303);
    expect(textOf((await priya.get('/river/review')).html)).toContain('Escalation tickets (0)');
    const page = textOf((await priya.get(`/river/sessions/${session.id}`)).html);
    expect(page).toMatch(/Escalation ticket opened Nov 29, 2026, 9:00 AM EST, closed .* \(approved\)\./);
    expect(page).toContain('Escalation ticket closed');

    // Approved now: no ticket would be opened, and none is.
    await database.db.delete(escalationTickets);
    expect(
      await act.escalateSession({ sessionId: session.id, startsAt: session.startsAt.toISOString() }),
    ).toEqual({
      ticketId: null,
    });
  });
});

describe('disclosure activities', () => {
  test('the request, a reminder, and nothing once the person has disclosed or is no longer asked', async () => {
    await database.db
      .insert(sessionFaculty)
      .values({ sessionId: session.id, accountId: daniel.id, requestDisclosure: true });
    const act = activities();
    const ask = { sessionId: session.id, accountId: daniel.id };
    expect(await act.sendDisclosureRequest({ ...ask, reminder: 0 })).toBe('requested');
    expect(await act.sendDisclosureRequest({ ...ask, reminder: 0 })).toBe('requested');
    expect(await act.sendDisclosureRequest({ ...ask, reminder: 1 })).toBe('requested');
    expect((await mailTo(database.db, 'daniel@example.org')).map((mail) => mail.subject).sort()).toEqual([
      'Please complete your disclosure for Heart failure therapies',
      'Reminder: Please complete your disclosure for Heart failure therapies',
    ]);
    await discloses(daniel, NOW);
    expect(await act.sendDisclosureRequest({ ...ask, reminder: 2 })).toBe('not_needed');
    expect(await mailTo(database.db, 'daniel@example.org')).toHaveLength(2);
    await database.db.update(sessionFaculty).set({ requestDisclosure: false });
    expect(await act.sendDisclosureRequest({ ...ask, reminder: 3 })).toBe('not_faculty');
  });

  test('before a lapse, its owner is reminded only when they teach after it; at the lapse, coordinators are told once', async () => {
    const old = await discloses(daniel, new Date('2025-12-01T15:00:00Z'));
    const act = activities();
    // No session after Dec 1: nothing to remind about.
    expect(await act.remindDisclosureLapse({ disclosureId: old.id, daysBefore: 30 })).toBe('not_needed');
    await database.db.insert(sessionFaculty).values({ sessionId: session.id, accountId: daniel.id });
    expect(await act.remindDisclosureLapse({ disclosureId: old.id, daysBefore: 7 })).toBe('sent');
    expect(await act.remindDisclosureLapse({ disclosureId: old.id, daysBefore: 7 })).toBe('sent');
    const [lapsing, ...more] = await mailTo(database.db, 'daniel@example.org');
    expect(more).toEqual([]);
    expect(lapsing?.subject).toBe('Your disclosure lapses in 7 days');
    expect(lapsing?.text).toContain('Dec 1, 2026, 10:00 AM EST');
    expect(lapsing?.text).toContain('Heart failure therapies — Wed, Dec 2, 2026');

    t.clock.set(new Date('2026-12-01T15:00:00Z'));
    expect(await act.disclosureLapsed({ disclosureId: old.id })).toEqual({
      superseded: false,
      sessionIds: [session.id],
    });
    await act.disclosureLapsed({ disclosureId: old.id });
    const [told, ...twice] = await mailTo(database.db, 'cora@example.org');
    expect(twice).toEqual([]);
    expect(told?.subject).toBe('Disclosure lapsed: Daniel Reyes');
    expect(told?.text).toContain('Heart failure therapies');
    const lapsed = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'disclosure_lapsed'));
    expect(lapsed.map((event) => event.sessionId)).toEqual([session.id]);

    // A newer disclosure supersedes: the old one reminds and tells nobody.
    await discloses(daniel, new Date('2026-11-30T15:00:00Z'));
    expect(await act.remindDisclosureLapse({ disclosureId: old.id, daysBefore: 30 })).toBe('superseded');
    expect(await act.disclosureLapsed({ disclosureId: old.id })).toEqual({
      superseded: true,
      sessionIds: [],
    });
    expect(await database.db.select().from(messages)).toHaveLength(2);
  });
});

describe('the session page reads the lifecycle', () => {
  test('it shows the 3-by-5 deadline and the next check from the workflow, and still renders when Temporal cannot answer', async () => {
    const cora2 = new Visitor(t.app);
    expect((await signIn(cora2, organization, 'cora@example.org')).status).toBe(303);
    const state: SessionApprovalState = {
      sessionId: session.id,
      phase: 'planned',
      startsAt: session.startsAt.toISOString(),
      timeZone: 'America/New_York',
      deadline: '2026-11-23',
      nextCheck: { check: 'five-day', at: '2026-11-27T14:00:00.000Z' },
      checks: [],
      ticketId: null,
      changes: 0,
    };
    t.sessionApproval.describe = async () => state;
    const page = textOf((await cora2.get(`/river/sessions/${session.id}`)).html);
    expect(page).toContain('3-by-5 deadlineMon, Nov 23, 2026 (end of day)');
    expect(page).toContain(
      'Next status checkNov 27, 2026, 9:00 AM EST (5 days before), emailed to the coordinators',
    );
    t.sessionApproval.describe = async () => {
      throw new Error('connection refused');
    };
    const without = await cora2.get(`/river/sessions/${session.id}`);
    expect(without.status).toBe(200);
    expect(textOf(without.html)).toContain(
      'The schedule cannot be read just now; the status above is current.',
    );
  });
});
