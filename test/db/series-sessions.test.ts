import { and, asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  auditEvents,
  type Organization,
  type Series,
  type Session,
  seriesRoles,
  sessions,
} from '../../db/schema';
import { ATTENDANCE_CODE_ALPHABET } from '../../server/attendance-codes';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { alerts, fieldError, textOf, type Visitor } from '../support/http';
import { seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let coordinator: Account;
let owner: Account;
let grandRounds: Series;

// Tuesday, November 24, 2026, 10:00 in New York.
const NOW = new Date('2026-11-24T15:00:00Z');

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { code: 'river', timeZone: 'America/New_York' });
  t = createTestApp(database, { now: NOW });
  await seedMember(database.db, organization, { email: 'reviewer@example.org', roles: ['reviewer'] });
  coordinator = await seedMember(database.db, organization, {
    email: 'coordinator@example.org',
    firstName: 'Cora',
    lastName: 'Coordinator',
  });
  owner = await seedMember(database.db, organization, { email: 'owner@example.org', roles: ['faculty'] });
  await seedMember(database.db, organization, { email: 'learner@example.org' });
  grandRounds = await seedSeries(database.db, organization, {
    name: 'Medicine Grand Rounds',
    department: 'Internal Medicine',
    year: 2026,
    status: 'approved',
    professions: ['Physician', 'Nurse'],
    specialties: ['Internal Medicine'],
    creditsPerSession: '1.00',
  });
  await database.db.insert(seriesRoles).values([
    { seriesId: grandRounds.id, accountId: coordinator.id, role: 'coordinator' },
    { seriesId: grandRounds.id, accountId: owner.id, role: 'owner' },
  ]);
});

afterEach(async () => {
  await database.drop();
});

function visitorAs(email: string): Promise<Visitor> {
  return signedInVisitor(t.app, organization, email, '/river/series');
}

/** The new-session form as a coordinator fills it: a noon hour, repeating as `repeat` says. */
function sessionForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: 'Sepsis: what changed in 2026',
    date: '2026-12-01',
    startTime: '12:00',
    endTime: '13:00',
    timeZone: 'America/New_York',
    location: 'Ford Auditorium',
    department: 'Internal Medicine',
    objectives: 'Recognize septic shock early.',
    specialties: 'Internal Medicine',
    professions: ['Physician', 'Nurse'],
    credits: '1',
    claimMinutesBefore: '',
    claimMinutesAfter: '',
    notes: '',
    repeat: 'once',
    ...overrides,
  };
}

async function storedSessions(): Promise<Session[]> {
  return database.db
    .select()
    .from(sessions)
    .where(eq(sessions.seriesId, grandRounds.id))
    .orderBy(asc(sessions.startsAt));
}

describe('adding sessions', () => {
  test('a weekly recurrence that would cross Dec 31 is cut there, and the series page says so', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const form = await cora.get(`/river/series/${grandRounds.id}/sessions/new`);
    expect(form.status).toBe(200);
    const added = await cora.post(
      `/river/series/${grandRounds.id}/sessions/new`,
      sessionForm({ repeat: 'weekly', everyWeeks: '1', weekdays: ['2'], endKind: 'count', count: '8' }),
    );
    expect(added.status).toBe(303);
    const page = await cora.follow(added);
    expect(textOf(page.html)).toContain(
      '5 sessions added. 3 dates after December 31, 2026 were not added: the series is approved through that day.',
    );
    const rows = await storedSessions();
    expect(rows.map((row) => row.startsAt.toISOString())).toEqual([
      '2026-12-01T17:00:00.000Z',
      '2026-12-08T17:00:00.000Z',
      '2026-12-15T17:00:00.000Z',
      '2026-12-22T17:00:00.000Z',
      '2026-12-29T17:00:00.000Z',
    ]);
    expect(textOf(page.html)).toContain('Tue, Dec 1, 2026, 12:00 PM – 1:00 PM EST');
    // Codes are short, unambiguous and all different; each session has its own Event ID.
    const codes = rows.map((row) => row.attendanceCode);
    expect(new Set(codes).size).toBe(5);
    for (const code of codes)
      expect([...code].every((ch) => ATTENDANCE_CODE_ALPHABET.includes(ch))).toBe(true);
    expect(new Set(rows.map((row) => row.childId)).size).toBe(5);
    expect(rows.every((row) => row.recurrence === 'Weekly on Tuesday')).toBe(true);
    // The series' defaults came along.
    expect(rows[0]).toMatchObject({
      credits: '1.00',
      professions: ['Physician', 'Nurse'],
      timeZone: 'America/New_York',
    });
  });

  test('monthly on the first Tuesday until a date, in the session’s own zone', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const added = await cora.post(
      `/river/series/${grandRounds.id}/sessions/new`,
      sessionForm({
        date: '2026-11-25',
        timeZone: 'America/Los_Angeles',
        repeat: 'monthly',
        monthWeek: '1',
        monthWeekday: '2',
        endKind: 'until',
        until: '2026-12-31',
      }),
    );
    expect(added.status).toBe(303);
    const rows = await storedSessions();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.startsAt.toISOString()).toBe('2026-12-01T20:00:00.000Z');
    const page = await cora.get(`/river/sessions/${rows[0]?.id}`);
    expect(textOf(page.html)).toContain('Tue, Dec 1, 2026, 12:00 PM – 1:00 PM PST');
    expect(textOf(page.html)).toContain('Monthly on the first Tuesday');
  });

  test('a session in the past, after Dec 31, ending before it starts or with no profession is refused, each field named', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const path = `/river/series/${grandRounds.id}/sessions/new`;
    const past = await cora.post(path, sessionForm({ date: '2026-11-23' }));
    expect(past.status).toBe(400);
    expect(fieldError(past.html, 'date')).toBe('That time has already passed; choose a later date or time.');
    const later = await cora.post(path, sessionForm({ date: '2027-01-05' }));
    expect(fieldError(later.html, 'date')).toBe(
      'The series is approved through December 31, 2026; a session cannot be dated after that.',
    );
    const backwards = await cora.post(
      path,
      sessionForm({ endTime: '11:00', professions: [], claimMinutesAfter: '100001' }),
    );
    expect(fieldError(backwards.html, 'endTime')).toBe('End the session after it starts, on the same day.');
    expect(fieldError(backwards.html, 'professions')).toBe('Choose at least one profession.');
    expect(fieldError(backwards.html, 'claimMinutesAfter')).toContain('from 0 to 100,000');
    // What was typed comes back.
    expect(backwards.html).toContain('value="Sepsis: what changed in 2026"');
    expect(await storedSessions()).toHaveLength(0);
  });

  test('a recurrence ending before it starts, or matching no date, says so', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const path = `/river/series/${grandRounds.id}/sessions/new`;
    const backwards = await cora.post(
      path,
      sessionForm({
        repeat: 'weekly',
        weekdays: ['2'],
        everyWeeks: '1',
        endKind: 'until',
        until: '2026-11-30',
      }),
    );
    expect(fieldError(backwards.html, 'until')).toBe('End the recurrence on or after the first date.');
    const none = await cora.post(
      path,
      sessionForm({
        repeat: 'weekly',
        weekdays: ['5'],
        everyWeeks: '1',
        endKind: 'until',
        until: '2026-12-03',
      }),
    );
    expect(none.status).toBe(400);
    expect(alerts(none.html)[0]).toBe('No date matches that recurrence: check its weekdays and its end.');
    expect(await storedSessions()).toHaveLength(0);
  });

  test('no sessions in a series awaiting approval or whose year is over', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const draft = await seedSeries(database.db, organization, { year: 2027, status: 'submitted' });
    const old = await seedSeries(database.db, organization, { year: 2025, status: 'expired' });
    await database.db.insert(seriesRoles).values([
      { seriesId: draft.id, accountId: coordinator.id, role: 'coordinator' },
      { seriesId: old.id, accountId: coordinator.id, role: 'coordinator' },
    ]);
    const waiting = await cora.post(
      `/river/series/${draft.id}/sessions/new`,
      sessionForm({ date: '2027-02-02' }),
    );
    expect(waiting.status).toBe(409);
    expect(alerts(waiting.html)).toContain('Sessions can be added once the series is approved.');
    const over = await cora.get(`/river/series/${old.id}/sessions/new`);
    expect(over.status).toBe(409);
    expect(alerts(over.html)[0]).toContain('year has ended');
  });

  test('an owner sees the sessions and changes nothing; a learner sees none of it; another organization’s session does not exist', async () => {
    const session = await seedSession(database.db, grandRounds, {
      startsAt: new Date('2026-12-01T17:00:00Z'),
    });
    const omar = await visitorAs('owner@example.org');
    const seen = await omar.get(`/river/sessions/${session.id}`);
    expect(seen.status).toBe(200);
    expect(textOf(seen.html)).not.toContain('Edit session');
    expect((await omar.get(`/river/series/${grandRounds.id}/sessions/new`)).status).toBe(403);
    expect((await omar.post(`/river/series/${grandRounds.id}/sessions/new`, sessionForm())).status).toBe(403);
    expect((await omar.post(`/river/sessions/${session.id}/edit`, sessionForm())).status).toBe(403);
    expect((await omar.post(`/river/sessions/${session.id}/move`, { date: '2026-12-02' })).status).toBe(403);
    expect((await omar.post(`/river/sessions/${session.id}/deactivate`)).status).toBe(403);

    const learner = await visitorAs('learner@example.org');
    expect((await learner.get(`/river/sessions/${session.id}`)).status).toBe(403);
    expect((await learner.get(`/river/series/${grandRounds.id}/calendar`)).status).toBe(403);

    const lake = await seedOrganization(database.db, { code: 'lake' });
    const theirs = await seedSession(
      database.db,
      await seedSeries(database.db, lake, { status: 'approved' }),
    );
    const reviewer = await visitorAs('reviewer@example.org');
    expect((await reviewer.get(`/river/sessions/${theirs.id}`)).status).toBe(403);
    expect((await reviewer.get(`/river/sessions/not-a-uuid`)).status).toBe(403);
    expect(await storedSessions()).toHaveLength(1);
  });
});

describe('changing sessions', () => {
  async function addWeekly(cora: Visitor) {
    await cora.post(
      `/river/series/${grandRounds.id}/sessions/new`,
      sessionForm({
        repeat: 'weekly',
        everyWeeks: '1',
        weekdays: ['2'],
        endKind: 'until',
        until: '2026-12-22',
      }),
    );
    return storedSessions();
  }

  test('"this and following" renames and moves the rest of the recurrence; the history shows before and after', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const [first, second, third, fourth] = await addWeekly(cora);
    expect(fourth).toBeDefined();
    const form = await cora.get(`/river/sessions/${second?.id}/edit`);
    expect(textOf(form.html)).toContain('This and the 2 following sessions of its recurrence');
    const saved = await cora.post(`/river/sessions/${second?.id}/edit`, {
      ...sessionForm({
        name: 'Antibiotic stewardship',
        date: '2026-12-09',
        startTime: '08:00',
        endTime: '09:00',
      }),
      scope: 'following',
    });
    expect(saved.status).toBe(303);
    const page = await cora.follow(saved);
    expect(textOf(page.html)).toContain('Saved: this session and 2 following.');
    const rows = await storedSessions();
    expect(rows.map((row) => [row.name, row.startsAt.toISOString()])).toEqual([
      ['Sepsis: what changed in 2026', '2026-12-01T17:00:00.000Z'],
      ['Antibiotic stewardship', '2026-12-09T13:00:00.000Z'],
      ['Antibiotic stewardship', '2026-12-16T13:00:00.000Z'],
      ['Antibiotic stewardship', '2026-12-23T13:00:00.000Z'],
    ]);
    expect(rows[0]?.id).toBe(first?.id);
    // Each new session's approval lifecycle started; the three changed ones re-plan.
    await t.background.idle();
    const started = t.sessionApproval.calls.filter((call) => call.call === 'start');
    expect(started.flatMap((call) => (call.args[1] as { id: string }[]).map((one) => one.id))).toEqual(
      [first, second, third, fourth].map((one) => one?.id),
    );
    const changed = t.sessionApproval.calls.filter((call) => call.call === 'changed');
    expect(
      changed.map((call) => [(call.args[1] as { startsAt: Date }).startsAt.toISOString(), call.args[3]]),
    ).toEqual([
      ['2026-12-09T13:00:00.000Z', 'details'],
      ['2026-12-16T13:00:00.000Z', 'details'],
      ['2026-12-23T13:00:00.000Z', 'details'],
    ]);
    const history = textOf((await cora.get(`/river/sessions/${third?.id}`)).html);
    expect(history).toContain('Session changed');
    expect(history).toContain('by Cora Coordinator (this and following)');
    expect(history).toContain('Name: Sepsis: what changed in 2026 → Antibiotic stewardship');
    expect(history).toContain('Starts: Dec 15, 2026, 12:00 PM EST → Dec 16, 2026, 8:00 AM EST');
    expect(history).toContain('Session created');
  });

  test('"this and following" that would push a session past Dec 31 changes nothing and says which one', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const [, second] = await addWeekly(cora);
    const refused = await cora.post(`/river/sessions/${second?.id}/edit`, {
      ...sessionForm({ date: '2026-12-22' }),
      scope: 'following',
    });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.html, 'date')).toBe(
      'The session on 2027-01-05 would move too: The series is approved through December 31, 2026; a session cannot be dated after that.',
    );
    expect((await storedSessions()).map((row) => row.name)).toEqual(
      Array(4).fill('Sepsis: what changed in 2026'),
    );
  });

  test('a session moves on the month calendar, keeping its time; a move into the past is refused there', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const [first] = await addWeekly(cora);
    const calendar = await cora.get(`/river/series/${grandRounds.id}/calendar?month=2026-12`);
    expect(calendar.status).toBe(200);
    expect(calendar.html).toContain('Move “Sepsis: what changed in 2026” to');
    const moved = await cora.post(`/river/sessions/${first?.id}/move`, {
      date: '2026-12-03',
      month: '2026-12',
    });
    expect(moved.status).toBe(200);
    expect(textOf(moved.html)).toContain(
      'Moved “Sepsis: what changed in 2026” to Thu, Dec 3, 2026, 12:00 PM – 1:00 PM EST.',
    );
    const [again] = await storedSessions();
    expect(again?.startsAt.toISOString()).toBe('2026-12-03T17:00:00.000Z');
    await t.background.idle();
    expect(
      t.sessionApproval.calls.filter((call) => call.call === 'changed').map((call) => call.args[3]),
    ).toEqual(['date']);
    const past = await cora.post(`/river/sessions/${first?.id}/move`, {
      date: '2026-11-20',
      month: '2026-12',
    });
    expect(past.status).toBe(400);
    expect(alerts(past.html)).toContain(
      'Not moved: That time has already passed; choose a later date or time.',
    );
  });

  test('deactivating asks first, keeps the session on record, hides it from the series and stops its changes', async () => {
    const cora = await visitorAs('coordinator@example.org');
    const [first] = await addWeekly(cora);
    const confirm = await cora.get(`/river/sessions/${first?.id}/deactivate`);
    expect(textOf(confirm.html)).toContain('Deactivate this session?');
    const done = await cora.follow(await cora.post(`/river/sessions/${first?.id}/deactivate`));
    expect(textOf(done.html)).toContain('Deactivated. The session is kept for the record.');
    expect(textOf(done.html)).toContain('Session deactivated');
    await t.background.idle();
    expect(
      t.sessionApproval.calls.filter((call) => call.call === 'changed').map((call) => call.args[3]),
    ).toEqual(['deactivated']);
    const seriesPage = textOf((await cora.get(`/river/series/${grandRounds.id}`)).html);
    expect(seriesPage).toContain('Show 1 deactivated session');
    expect(seriesPage).not.toContain('Tue, Dec 1, 2026');
    expect(textOf((await cora.get(`/river/series/${grandRounds.id}?deactivated=1`)).html)).toContain(
      'Tue, Dec 1, 2026',
    );
    const edit = await cora.post(`/river/sessions/${first?.id}/edit`, sessionForm({ name: 'Renamed' }));
    expect(edit.status).toBe(409);
    expect((await storedSessions())[0]?.name).toBe('Sepsis: what changed in 2026');
  });
});

describe('the audit trail', () => {
  test('records every session change with who and what, and refuses to be edited or erased', async () => {
    const cora = await visitorAs('coordinator@example.org');
    await cora.post(`/river/series/${grandRounds.id}/sessions/new`, sessionForm());
    const [created] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'session_created'), eq(auditEvents.seriesId, grandRounds.id)));
    expect(created).toMatchObject({ actorId: coordinator.id, organizationId: organization.id });
    expect((created?.detail as { after?: { name: string } } | undefined)?.after?.name).toBe(
      'Sepsis: what changed in 2026',
    );
    await expect(
      database.db
        .update(auditEvents)
        .set({ action: 'tampered' })
        .where(eq(auditEvents.id, created?.id ?? '')),
    ).rejects.toThrow();
    await expect(
      database.db.delete(auditEvents).where(eq(auditEvents.id, created?.id ?? '')),
    ).rejects.toThrow();
  });
});
