import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  auditEvents,
  claims,
  type Organization,
  type Series,
  type Session,
} from '../../db/schema';
import { startWaitingCredits } from '../../server/lifecycles/credit';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { fieldError, fieldValue, textOf, type Visitor } from '../support/http';
import { seedApprovedSession, seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';

let database: TestDatabase;
let organization: Organization;
let grandRounds: Series;
let session: Session;
let ann: Account;
let t: TestApp;
let learner: Visitor;
let base: string;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { name: 'Riverside', smsNumber: '+18449860352' });
  base = `/${organization.code}`;
  grandRounds = await seedSeries(database.db, organization);
  session = await seedApprovedSession(database.db, grandRounds, {
    name: 'Sepsis bundles in 2026',
    attendanceCode: 'K7MPQ',
    startsAt: new Date('2026-03-03T17:00:00Z'),
    endsAt: new Date('2026-03-03T18:30:00Z'),
    credits: '1.50',
    location: 'Auditorium B',
  });
  ann = await seedMember(database.db, organization, { email: 'ann.lee@riverside.test' });
  t = createTestApp(database, { now: new Date('2026-03-03T18:40:00Z') });
  learner = await signedInVisitor(t.app, organization, ann.email, `${base}/my-ce`);
});

afterEach(async () => {
  await database.drop();
});

async function annsClaims() {
  return database.db.select().from(claims).where(eq(claims.accountId, ann.id));
}

describe('claiming on the web', () => {
  test('My CE → Claim credit → code → verify → attest the credits → confirmation', async () => {
    const empty = await learner.get(`${base}/my-ce`);
    expect(textOf(empty.html)).toContain('Nothing yet. After a session, choose Claim credit');
    await learner.get(`${base}/claim`);
    const found = await learner.post(`${base}/claim`, { code: ' k7 mpq ' });
    expect(found.status).toBe(303);
    expect(found.location).toBe(`${base}/claim/K7MPQ`);

    const verify = await learner.get(found.location ?? '');
    const shown = textOf(verify.html);
    expect(shown).toContain('SessionSepsis bundles in 2026');
    expect(shown).toContain('WhenTue, Mar 3, 2026, 12:00 PM – 1:30 PM EST');
    expect(shown).toContain(`Event ID${session.childId}`);
    expect(shown).toContain('Credits1.5 credits');
    // The full credit is offered first, then less, in quarters.
    expect(fieldValue(verify.html, 'credits')).toBe('1.50');
    expect(verify.html).toContain('<option value="0.25">0.25 credits</option>');

    const recorded = await learner.post(`${base}/claim/K7MPQ`, { credits: '1.25', via: 'web' });
    expect(recorded.status).toBe(200);
    expect(textOf(recorded.html)).toContain(
      'Thank you. We have recorded your attendance for Sepsis bundles in 2026: 1.25 credits.',
    );
    expect(await annsClaims()).toMatchObject([{ channel: 'web', credits: '1.25' }]);
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'attendance_recorded'));
    expect(audited).toMatchObject({
      actorId: ann.id,
      sessionId: session.id,
      detail: { channel: 'web', credits: '1.25' },
    });

    const myCe = textOf((await learner.get(`${base}/my-ce`)).html);
    expect(myCe).toContain('1 session, 1.25 credits in all.');
    expect(myCe).toContain('Sepsis bundles in 2026');
    expect(myCe).toContain('on the web');
  });

  test('a second tap confirms the first claim and records nothing more', async () => {
    await learner.get(`${base}/claim/K7MPQ`);
    await learner.post(`${base}/claim/K7MPQ`, { credits: '1.50' });
    const again = await learner.post(`${base}/claim/K7MPQ`, { credits: '0.50' });
    expect(again.status).toBe(200);
    expect(textOf(again.html)).toContain('1.5 credits');
    expect(await annsClaims()).toHaveLength(1);
    expect(textOf((await learner.get(`${base}/claim/K7MPQ`)).html)).toContain(
      'Your attendance was already recorded on Mar 3, 2026, 1:40 PM EST.',
    );
  });

  test('credits must be a quarter from 0.25 up to the session’s', async () => {
    await learner.get(`${base}/claim/K7MPQ`);
    for (const credits of ['2.00', '0', '0.30', 'one', '-1', '']) {
      const refused = await learner.post(`${base}/claim/K7MPQ`, { credits });
      expect(refused.status, credits).toBe(400);
      expect(fieldError(refused.html, 'credits')).toBe(
        'Choose the credits you claim: a quarter credit up to 1.50.',
      );
    }
    expect(await annsClaims()).toEqual([]);
  });

  test('a session that requires registration: learners register until it begins, once, and then claim', async () => {
    const { sessionRegistrations } = await import('../../db/schema');
    const registered = await seedApprovedSession(database.db, grandRounds, {
      name: 'Stroke code pathway',
      attendanceCode: 'RG4ST',
      startsAt: new Date('2026-03-04T17:00:00Z'),
      endsAt: new Date('2026-03-04T18:00:00Z'),
      requiresRegistration: true,
    });
    t.clock.set(new Date('2026-03-04T12:00:00Z'));
    learner = await signedInVisitor(t.app, organization, ann.email, `${base}/my-ce`);
    const before = await learner.get(`${base}/claim/RG4ST`);
    expect(textOf(before.html)).toContain(
      'This session requires registration before it begins, at Mar 4, 2026, 12:00 PM EST.',
    );
    const done = await learner.post(`${base}/claim/RG4ST/register`, {});
    expect(done.status).toBe(200);
    expect(textOf(done.html)).toContain('You are registered for Stroke code pathway.');
    expect(textOf(done.html)).toContain('You registered for this session on Mar 4, 2026, 7:00 AM EST.');
    expect(done.html).not.toContain('Register for this session');
    expect((await learner.post(`${base}/claim/RG4ST/register`, {})).status).toBe(200);
    expect(
      await database.db
        .select()
        .from(sessionRegistrations)
        .where(eq(sessionRegistrations.sessionId, registered.id)),
    ).toHaveLength(1);
    const audited = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'registered_for_session'));
    expect(audited).toMatchObject([{ accountId: ann.id, sessionId: registered.id }]);

    // Once it has begun, registration is closed: a latecomer is told why and cannot register.
    t.clock.set(new Date('2026-03-04T17:10:00Z'));
    const ben = await seedMember(database.db, organization, { email: 'ben@riverside.test' });
    const latecomer = await signedInVisitor(t.app, organization, ben.email, `${base}/my-ce`);
    const late = textOf((await latecomer.get(`${base}/claim/RG4ST`)).html);
    expect(late).toContain('This session requires registration, and you are not registered for it.');
    expect(late).toContain('registration, which closed when it began');
    expect((await latecomer.post(`${base}/claim/RG4ST/register`, {})).status).toBe(409);
    expect(await database.db.select().from(sessionRegistrations)).toHaveLength(1);

    // The registered learner claims as anyone does.
    learner = await signedInVisitor(t.app, organization, ann.email, `${base}/my-ce`);
    const claimed = await learner.post(`${base}/claim/RG4ST`, { credits: '1.00', via: 'web' });
    expect(textOf(claimed.html)).toContain('We have recorded your attendance for Stroke code pathway');
  });

  test('a code no session has, or nonsense, is said plainly and kept', async () => {
    await learner.get(`${base}/claim`);
    const unknown = await learner.post(`${base}/claim`, { code: 'zzzz9' });
    expect(unknown.status).toBe(400);
    expect(fieldError(unknown.html, 'code')).toBe(
      'No session has the Event ID or code ZZZZ9. Check it and try again.',
    );
    expect(fieldValue(unknown.html, 'code')).toBe('zzzz9');
    const odd = await learner.post(`${base}/claim`, { code: "<b>'; drop table claims" });
    expect(odd.status).toBe(400);
    expect(fieldError(odd.html, 'code')).toBe('An Event ID is digits and a code is letters and digits.');
    expect((await learner.post(`${base}/claim`, { code: 'x'.repeat(41) })).status).toBe(400);
    expect((await learner.get(`${base}/claim/${'🩺'.repeat(3)}`)).status).toBe(404);
    // Nothing typed, 10 kB, pictures and other scripts: each a 400 with a message at the field.
    for (const code of [undefined, 'K'.repeat(10_000), '🩺📋', 'Запись', '出席コード', 'K7MPQ\u0000']) {
      const answer = await learner.post(`${base}/claim`, code === undefined ? {} : { code });
      expect(answer.status, JSON.stringify(code?.slice(0, 12))).toBe(400);
      expect(fieldError(answer.html, 'code'), JSON.stringify(code?.slice(0, 12))).toBeTruthy();
    }
    // The claim itself and the exception request: oversize or forged fields are refused, not a 500.
    for (const form of [{ credits: '9'.repeat(10_000) }, { credits: '<b>1</b>' }, { credits: '１' }]) {
      expect(
        (await learner.post(`${base}/claim/K7MPQ`, form)).status,
        JSON.stringify(form).slice(0, 40),
      ).toBeLessThan(500);
    }
    const longReason = await learner.post(`${base}/claim/K7MPQ/exception`, { reason: 'r'.repeat(10_000) });
    expect(longReason.status).toBeGreaterThanOrEqual(400);
    expect(longReason.status).toBeLessThan(500);
    expect(await database.db.select().from(claims)).toEqual([]);
  });

  test('outside the window, or for a session not approved, the page says why and offers no button', async () => {
    t.clock.set(new Date('2026-03-05T18:31:00Z'));
    // Two days on, the sign-in has lapsed: a new one.
    learner = await signedInVisitor(t.app, organization, ann.email, `${base}/my-ce`);
    const late = await learner.get(`${base}/claim/K7MPQ`);
    expect(textOf(late.html)).toContain(
      'Attendance for this session can be recorded from Mar 3, 2026, 11:00 AM EST to Mar 5, 2026, 1:30 PM EST. That time has passed',
    );
    expect(late.html).not.toContain('I attended');
    expect((await learner.post(`${base}/claim/K7MPQ`, { credits: '1.50' })).status).toBe(409);

    t.clock.set(new Date('2026-03-03T17:10:00Z'));
    learner = await signedInVisitor(t.app, organization, ann.email, `${base}/my-ce`);
    const pending = await seedSession(database.db, grandRounds, {
      name: 'Heart failure update',
      attendanceCode: 'HF2QW',
    });
    const refused = await learner.get(`${base}/claim/${pending.attendanceCode}`);
    expect(textOf(refused.html)).toContain('This session is not approved for credit');
    expect(await annsClaims()).toEqual([]);
  });

  test('another organization’s session is not found here', async () => {
    const other = await seedOrganization(database.db);
    const theirs = await seedApprovedSession(database.db, await seedSeries(database.db, other), {
      attendanceCode: 'OTH3R',
      startsAt: new Date('2026-03-03T17:00:00Z'),
    });
    expect((await learner.get(`${base}/claim/${theirs.attendanceCode}`)).status).toBe(404);
    expect((await learner.get(`${base}/claim/${theirs.childId}`)).status).toBe(404);
    expect((await learner.post(`${base}/claim/${theirs.attendanceCode}`, { credits: '1.00' })).status).toBe(
      404,
    );
  });

  test('trying codes is limited per account', async () => {
    await learner.get(`${base}/claim`);
    let last = 0;
    for (let i = 0; i < 31; i++) last = (await learner.post(`${base}/claim`, { code: `AA${i}` })).status;
    expect(last).toBe(429);
  });

  test('the QR link lands on the same page, signed in first, and records the QR channel', async () => {
    const { Visitor } = await import('../support/http');
    const phone = new Visitor(t.app);
    const first = await phone.get(`${base}/claim/K7MPQ?via=qr`);
    expect(first.status).toBe(303);
    expect(first.location).toBe(`${base}/sign-in?next=${encodeURIComponent(`${base}/claim/K7MPQ?via=qr`)}`);
    learner = await signedInVisitor(t.app, organization, ann.email, `${base}/claim/K7MPQ?via=qr`);
    const recorded = await learner.post(`${base}/claim/K7MPQ`, { credits: '1.50', via: 'qr' });
    expect(recorded.status).toBe(200);
    expect(await annsClaims()).toMatchObject([{ channel: 'qr', credits: '1.50' }]);
  });
});

describe('the attendance screen', () => {
  let screen: string;
  let coordinator: Visitor;

  beforeEach(async () => {
    const carla = await seedMember(database.db, organization, { email: 'carla@riverside.test' });
    const { seriesRoles } = await import('../../db/schema');
    await database.db
      .insert(seriesRoles)
      .values({ seriesId: grandRounds.id, accountId: carla.id, role: 'coordinator' });
    screen = `${base}/sessions/${session.id}/screen`;
    t.clock.set(new Date('2026-03-03T15:59:00Z'));
    coordinator = await signedInVisitor(t.app, organization, carla.email, `${base}/sessions/${session.id}`);
  });

  test('shows the QR code, the code and the number only while the window is open', async () => {
    const early = await coordinator.get(screen);
    expect(early.status).toBe(200);
    expect(textOf(early.html)).toContain('Attendance opens at Mar 3, 2026, 11:00 AM EST.');
    expect(early.html).not.toContain('K7MPQ');
    expect(early.html).not.toContain('<svg');

    t.clock.set(new Date('2026-03-03T16:00:00Z'));
    const open = await coordinator.get(screen);
    expect(textOf(open.html)).toContain('Text K7MPQ to +18449860352');
    expect(textOf(open.html)).toContain(`localhost:3000/${organization.code}/claim and enter K7MPQ`);
    expect(open.html).toMatch(
      /<figure class="claim-qr" role="img" aria-label="QR code: opens the claim page for Sepsis bundles in 2026"><svg/,
    );

    // htmx's every-20-seconds check gets the screen alone.
    const fragment = await coordinator.get(screen, { 'HX-Request': 'true' });
    expect(fragment.html.startsWith('<div id="claim-screen"')).toBe(true);

    t.clock.set(new Date('2026-03-05T18:31:00Z'));
    coordinator = await signedInVisitor(t.app, organization, 'carla@riverside.test', `${base}/my-ce`);
    const closed = await coordinator.get(screen);
    expect(textOf(closed.html)).toContain('Attendance closed at Mar 5, 2026, 1:30 PM EST.');
    expect(closed.html).not.toContain('K7MPQ');
  });

  test('a learner may not open it, and another organization’s session is not there', async () => {
    expect((await learner.get(screen)).status).toBe(403);
    const other = await seedOrganization(database.db);
    const theirs = await seedApprovedSession(database.db, await seedSeries(database.db, other), {
      startsAt: new Date('2026-03-03T17:00:00Z'),
    });
    expect((await coordinator.get(`${base}/sessions/${theirs.id}/screen`)).status).toBe(403);
  });
});

describe('who attended', () => {
  test('the dashboard counts attendance by channel, and the people who run the session see who', async () => {
    const carla = await seedMember(database.db, organization, { email: 'carla@riverside.test' });
    const { seriesRoles } = await import('../../db/schema');
    await database.db
      .insert(seriesRoles)
      .values({ seriesId: grandRounds.id, accountId: carla.id, role: 'coordinator' });
    await learner.get(`${base}/claim/K7MPQ`);
    await learner.post(`${base}/claim/K7MPQ`, { credits: '1.50' });
    const ben = await seedMember(database.db, organization, {
      firstName: 'Ben',
      lastName: 'Adams',
      email: 'ben@riverside.test',
    });
    const bens = await signedInVisitor(t.app, organization, ben.email, `${base}/claim/K7MPQ?via=qr`);
    await bens.post(`${base}/claim/K7MPQ`, { credits: '0.75', via: 'qr' });

    const coordinator = await signedInVisitor(t.app, organization, carla.email, `${base}/my-ce`);
    const dashboard = textOf((await coordinator.get(`${base}/dashboard?from=2026-03-01`)).html);
    expect(dashboard).toContain('2 attended1 on the web, 1 by QR code');
    const list = await coordinator.get(`${base}/sessions/${session.id}/attendance`);
    expect(list.status).toBe(200);
    const shown = textOf(list.html);
    expect(shown).toContain('2 attended.');
    expect(shown.indexOf('Adams, Ben')).toBeLessThan(shown.indexOf('Lee, Ann'));
    expect(shown).toContain('0.75 creditsby QR code');

    // Learners, even ones who attended, do not see the list.
    expect((await learner.get(`${base}/sessions/${session.id}/attendance`)).status).toBe(403);
  });
});

describe('eligibility', () => {
  async function limit(changes: {
    creditForProfessionsOnly?: boolean;
    affiliatesOnly?: boolean;
    professions?: string[];
  }) {
    const { series } = await import('../../db/schema');
    await database.db.update(series).set(changes).where(eq(series.id, grandRounds.id));
  }

  test('a series limited to its professions refuses others, saying which', async () => {
    await limit({ creditForProfessionsOnly: true, professions: ['Physician', 'Physician Assistant'] });
    const nurse = await seedMember(database.db, organization, {
      email: 'rn@riverside.test',
      profession: 'Nurse',
    });
    const visitor = await signedInVisitor(t.app, organization, nurse.email, `${base}/claim/K7MPQ`);
    const page = await visitor.get(`${base}/claim/K7MPQ`);
    expect(textOf(page.html)).toContain('This series gives credit only to Physician, Physician Assistant.');
    expect((await visitor.post(`${base}/claim/K7MPQ`, { credits: '1.50' })).status).toBe(409);
    // Ann is a physician.
    expect((await learner.post(`${base}/claim/K7MPQ`, { credits: '1.50' })).status).toBe(200);
  });

  test('a series for medical staff and affiliates takes an affiliate domain or the CME office’s mark', async () => {
    await limit({ affiliatesOnly: true });
    const page = await learner.get(`${base}/claim/K7MPQ`);
    expect(textOf(page.html)).toContain('This series gives credit only to medical staff and affiliates.');

    // Ann's confirmed email is at riverside.test: naming that domain makes her an affiliate.
    const { organizations } = await import('../../db/schema');
    await database.db
      .update(organizations)
      .set({ affiliateDomains: ['riverside.test'] })
      .where(eq(organizations.id, organization.id));
    expect((await learner.post(`${base}/claim/K7MPQ`, { credits: '1.50' })).status).toBe(200);

    // Someone from elsewhere, until an admin marks them.
    const guest = await seedMember(database.db, organization, { email: 'guest@elsewhere.test' });
    const visitor = await signedInVisitor(t.app, organization, guest.email, `${base}/claim/K7MPQ`);
    expect((await visitor.post(`${base}/claim/K7MPQ`, { credits: '1.50' })).status).toBe(409);
    const admin = await seedMember(database.db, organization, {
      email: 'admin@riverside.test',
      roles: ['admin'],
    });
    const office = await signedInVisitor(t.app, organization, admin.email, `${base}/admin/accounts`);
    await office.post(`${base}/admin/accounts/${guest.id}/roles`, { roles: 'learner', affiliated: 'on' });
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'affiliation_changed'));
    expect(audited).toMatchObject({ accountId: guest.id, detail: { affiliated: true } });
    expect((await visitor.post(`${base}/claim/K7MPQ`, { credits: '1.50' })).status).toBe(200);
  });
});

describe('recording attendance for others', () => {
  let carla: Account;
  let coordinator: Visitor;
  let page: string;

  beforeEach(async () => {
    carla = await seedMember(database.db, organization, { email: 'carla@riverside.test' });
    const { seriesRoles } = await import('../../db/schema');
    await database.db
      .insert(seriesRoles)
      .values({ seriesId: grandRounds.id, accountId: carla.id, role: 'coordinator' });
    // A week after the session: the claim window has closed.
    t.clock.set(new Date('2026-03-10T15:00:00Z'));
    page = `${base}/sessions/${session.id}/attendance`;
    coordinator = await signedInVisitor(t.app, organization, carla.email, page);
  });

  test('a coordinator records someone by hand after the window, and it is audited as theirs', async () => {
    const recorded = await coordinator.post(`${page}/record`, {
      email: ' Ann.Lee@Riverside.test ',
      credits: '',
    });
    expect(recorded.status).toBe(200);
    expect(textOf(recorded.html)).toContain("Ann Lee's attendance is recorded.");
    expect(await annsClaims()).toMatchObject([
      { channel: 'manual', credits: '1.50', recordedById: carla.id },
    ]);
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'attendance_recorded'));
    expect(audited).toMatchObject({ actorId: carla.id, accountId: ann.id, detail: { channel: 'manual' } });
    // The worker's relay starts its credit lifecycle.
    expect(await startWaitingCredits(database.db, t.credits)).toBe(1);

    const unknown = await coordinator.post(`${page}/record`, { email: 'nobody@riverside.test', credits: '' });
    expect(unknown.status).toBe(400);
    expect(fieldError(unknown.html, 'email')).toBe(
      'No account has the email nobody@riverside.test. Ask them to sign up, then record them by hand.',
    );
    expect(fieldValue(unknown.html, 'email')).toBe('nobody@riverside.test');
  });

  test('a walk-in to a session that required registration is recorded by hand, without a sheet in its history', async () => {
    const { sessions: sessionsTable } = await import('../../db/schema');
    await database.db
      .update(sessionsTable)
      .set({ requiresRegistration: true })
      .where(eq(sessionsTable.id, session.id));
    const recorded = await coordinator.post(`${page}/record`, { email: ann.email, credits: '' });
    expect(recorded.status).toBe(200);
    expect(textOf(recorded.html)).toContain("Ann Lee's attendance is recorded.");
    expect(await annsClaims()).toMatchObject([{ channel: 'manual' }]);
    const actions = (
      await database.db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.sessionId, session.id))
    ).map((a) => a.action);
    expect(actions).toEqual(['attendance_recorded']);
  });

  test('a sign-in sheet is previewed row by row, then applied; every row is accounted for', async () => {
    await seedMember(database.db, organization, {
      firstName: 'Ben',
      lastName: 'Ortiz',
      email: 'ben@riverside.test',
    });
    const csv = [
      'Name,Email,Credits',
      '"Lee, Ann",ann.lee@riverside.test,',
      '"Ortiz, Ben",BEN@riverside.test,0.75',
      'Stranger,nobody@riverside.test,',
      'Typo,not-an-email,',
      'Ann again,ann.lee@riverside.test,',
      'Ben,ben@riverside.test,3',
    ].join('\n');
    const preview = await coordinator.post(`${page}/sheet`, { csv }, { multipart: true });
    expect(preview.status).toBe(200);
    const shown = textOf(preview.html);
    expect(shown).toContain('6 rows: 2 to record, 0 already on record, 4 not recorded.');
    expect(shown).toContain('Will be recorded: Lee, Ann, 1.5 credits');
    expect(shown).toContain('Will be recorded: Ortiz, Ben, 0.75 credits');
    expect(shown).toContain('Not recorded: No account has the email nobody@riverside.test.');
    expect(shown).toContain('Not recorded: “not-an-email” is not an email address.');
    expect(shown).toContain('Not recorded: The same person as line 2.');
    expect(shown).toContain('Not recorded: The same person as line 3.');
    expect(await annsClaims()).toEqual([]);

    const applied = await coordinator.post(`${page}/sheet`, { csv, apply: 'yes' }, { multipart: true });
    expect(textOf(applied.html)).toContain('6 rows: 2 recorded, 0 already on record, 4 not recorded.');
    expect(await annsClaims()).toMatchObject([{ channel: 'sign_in_sheet', credits: '1.50' }]);
    // Applying again records nothing more.
    const again = await coordinator.post(`${page}/sheet`, { csv, apply: 'yes' }, { multipart: true });
    expect(textOf(again.html)).toContain('6 rows: 0 recorded, 2 already on record, 4 not recorded.');
    const { claims: claimsTable, auditEvents } = await import('../../db/schema');
    expect(await database.db.select().from(claimsTable)).toHaveLength(2);
    // Each recorded row is audited as an attendance, and each applied sheet (never a preview) once.
    const audited = await database.db
      .select({ action: auditEvents.action, detail: auditEvents.detail })
      .from(auditEvents)
      .where(eq(auditEvents.sessionId, session.id));
    expect(audited.filter((a) => a.action === 'attendance_recorded')).toHaveLength(2);
    expect(audited.filter((a) => a.action === 'sign_in_sheet_applied').map((a) => a.detail)).toEqual(
      expect.arrayContaining([
        { rows: 6, outcomes: { recorded: 2, refused: 4 } },
        { rows: 6, outcomes: { already: 2, refused: 4 } },
      ]),
    );
    expect(audited.filter((a) => a.action === 'sign_in_sheet_applied')).toHaveLength(2);
  });

  test('a file that is not a CSV, or nothing at all, is refused with what to do', async () => {
    const binary = new File([new Uint8Array([0xff, 0xfe, 0x00, 0x81])], 'sheet.xlsx');
    const refused = await coordinator.post(`${page}/sheet`, {}, { files: { sheet: binary } });
    expect(refused.status).toBe(400);
    expect(textOf(refused.html)).toContain(
      'That file is not text. Save the sheet from your spreadsheet as CSV (UTF-8)',
    );
    const empty = await coordinator.post(`${page}/sheet`, { csv: '' }, { multipart: true });
    expect(textOf(empty.html)).toContain('Choose a CSV file, or paste the rows.');
  });

  test('owners see who attended but may not record; learners may do neither', async () => {
    const owner = await seedMember(database.db, organization, { email: 'owner@riverside.test' });
    const { seriesRoles } = await import('../../db/schema');
    await database.db
      .insert(seriesRoles)
      .values({ seriesId: grandRounds.id, accountId: owner.id, role: 'owner' });
    const owners = await signedInVisitor(t.app, organization, owner.email, page);
    expect((await owners.get(page)).html).not.toContain('Record by hand');
    expect((await owners.post(`${page}/record`, { email: ann.email })).status).toBe(403);
    learner = await signedInVisitor(t.app, organization, ann.email, `${base}/my-ce`);
    expect((await learner.post(`${page}/sheet`, { csv: ann.email }, { multipart: true })).status).toBe(403);
    expect(await annsClaims()).toEqual([]);
  });
});

describe('exceptions for a missed window', () => {
  let carla: Account;
  const claimPage = () => `${base}/claim/K7MPQ`;

  beforeEach(async () => {
    carla = await seedMember(database.db, organization, {
      firstName: 'Carla',
      email: 'carla@riverside.test',
    });
    const { seriesRoles } = await import('../../db/schema');
    await database.db
      .insert(seriesRoles)
      .values({ seriesId: grandRounds.id, accountId: carla.id, role: 'coordinator' });
    t.clock.set(new Date('2026-03-09T15:00:00Z'));
    learner = await signedInVisitor(t.app, organization, ann.email, claimPage());
  });

  test('the learner asks with a reason; a coordinator approves and the attendance is recorded as an exception', async () => {
    const offer = await learner.get(claimPage());
    expect(textOf(offer.html)).toContain('Missed the window?');
    const nul = await learner.post(`${claimPage()}/exception`, { reason: 'paged\u0000', credits: '1.50' });
    expect(nul.status).toBe(400);
    const empty = await learner.post(`${claimPage()}/exception`, { reason: ' ', credits: '1.50' });
    expect(empty.status).toBe(400);
    expect(fieldError(empty.html, 'reason')).toBe('Say why you could not claim in time.');
    const asked = await learner.post(`${claimPage()}/exception`, {
      reason: 'I was paged to the ICU at noon.',
      credits: '1.00',
    });
    expect(asked.status).toBe(200);
    expect(textOf(asked.html)).toContain('Your request is with the session’s coordinators.');
    await t.background.idle();
    expect(t.claimExceptions.calls.map((call) => call.call)).toEqual(['requested']);
    // Asking again changes nothing.
    await learner.post(`${claimPage()}/exception`, { reason: 'Again', credits: '1.00' });
    const { claimExceptions } = await import('../../db/schema');
    const requests = await database.db.select().from(claimExceptions);
    expect(requests).toMatchObject([
      { status: 'requested', reason: 'I was paged to the ICU at noon.', credits: '1.00' },
    ]);
    expect(textOf((await learner.get(`${base}/my-ce`)).html)).toContain(
      'Sepsis bundles in 2026: waiting for the coordinators.',
    );

    const coordinator = await signedInVisitor(
      t.app,
      organization,
      carla.email,
      `${base}/sessions/${session.id}/attendance`,
    );
    const listed = await coordinator.get(`${base}/sessions/${session.id}/attendance`);
    expect(textOf(listed.html)).toContain('I was paged to the ICU at noon.');
    const approved = await coordinator.post(
      `${base}/sessions/${session.id}/exceptions/${requests[0]?.id}/decide`,
      { decision: 'approve', note: 'Thank you for caring for our patients.' },
    );
    expect(textOf(approved.html)).toContain('Approved: the attendance is recorded and the learner is told.');
    expect(await annsClaims()).toMatchObject([
      { channel: 'exception', credits: '1.00', recordedById: carla.id },
    ]);
    await t.background.idle();
    expect(t.claimExceptions.calls.at(-1)).toEqual({ call: 'decided', args: [requests[0]?.id, true] });
    expect(await startWaitingCredits(database.db, t.credits)).toBe(1);
    const { mailTo } = await import('../support/accounts');
    expect((await mailTo(database.db, ann.email))[0]?.subject).toBe(
      'Attendance recorded: Sepsis bundles in 2026',
    );
    // Deciding twice does nothing more.
    const twice = await coordinator.post(
      `${base}/sessions/${session.id}/exceptions/${requests[0]?.id}/decide`,
      {
        decision: 'deny',
      },
    );
    expect(twice.status).toBe(409);
    expect(await annsClaims()).toHaveLength(1);
  });

  test('a denial is told with its note, and the organization’s yearly cap holds', async () => {
    const { organizations, claimExceptions } = await import('../../db/schema');
    await database.db
      .update(organizations)
      .set({ exceptionsPerYear: 1 })
      .where(eq(organizations.id, organization.id));
    await learner.post(`${claimPage()}/exception`, { reason: 'Stuck in the OR.', credits: '1.50' });
    const [request] = await database.db.select().from(claimExceptions);
    const coordinator = await signedInVisitor(
      t.app,
      organization,
      carla.email,
      `${base}/sessions/${session.id}/attendance`,
    );
    await coordinator.post(`${base}/sessions/${session.id}/exceptions/${request?.id}/decide`, {
      decision: 'deny',
      note: 'The session ended before you arrived.',
    });
    expect(await annsClaims()).toEqual([]);
    expect(textOf((await learner.get(claimPage())).html)).toContain(
      'The coordinators denied your exception. Their note: The session ended before you arrived.',
    );
    // A second session this year: the one exception allowed was used (a denied one does not count).
    const other = await seedApprovedSession(database.db, grandRounds, {
      name: 'Stroke code pathway',
      attendanceCode: 'SC3RT',
      startsAt: new Date('2026-03-04T17:00:00Z'),
    });
    const asked = await learner.post(`${base}/claim/${other.attendanceCode}/exception`, {
      reason: 'On call.',
      credits: '1.00',
    });
    expect(asked.status).toBe(200);
    const third = await seedApprovedSession(database.db, grandRounds, {
      name: 'Delirium on the wards',
      attendanceCode: 'DW4XY',
      startsAt: new Date('2026-03-05T17:00:00Z'),
    });
    const refused = await learner.post(`${base}/claim/${third.attendanceCode}/exception`, {
      reason: 'Again.',
      credits: '1.00',
    });
    expect(refused.status).toBe(409);
    expect(fieldError(refused.html, 'reason')).toBe(
      `${organization.name} allows 1 exception a year, and you have used it. Contact the CME office.`,
    );
  });

  test('requests sent all at once for several sessions still stop at the yearly cap', async () => {
    const { organizations, claimExceptions } = await import('../../db/schema');
    await database.db
      .update(organizations)
      .set({ exceptionsPerYear: 2 })
      .where(eq(organizations.id, organization.id));
    const missed = [];
    for (const [i, attendanceCode] of ['MA1XX', 'MB2XX', 'MC3XX', 'MD4XX', 'ME5XX', 'MF6XX'].entries()) {
      missed.push(
        await seedApprovedSession(database.db, grandRounds, {
          name: [
            'Heart failure',
            'Asthma in adults',
            'Gout flares',
            'Syncope',
            'Cellulitis',
            'Low back pain',
          ][i],
          attendanceCode,
          // March 4 to 9, each window closed an hour after its session, before the clock's March 9 10 AM.
          startsAt: new Date(`2026-03-0${i + 4}T${i === 5 ? '12' : '17'}:00:00Z`),
          endsAt: new Date(`2026-03-0${i + 4}T${i === 5 ? '13' : '18'}:00:00Z`),
          claimMinutesAfter: 60,
        }),
      );
    }
    const answers = await Promise.all(
      missed.map((session) =>
        learner.post(`${base}/claim/${session.attendanceCode}/exception`, {
          reason: 'On call.',
          credits: '1.00',
        }),
      ),
    );
    const requests = await database.db
      .select()
      .from(claimExceptions)
      .where(eq(claimExceptions.accountId, ann.id));
    expect(requests).toHaveLength(2);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(2);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(4);
  });

  test('while the window is open there is nothing to ask: the learner claims', async () => {
    t.clock.set(new Date('2026-03-03T18:40:00Z'));
    learner = await signedInVisitor(t.app, organization, ann.email, claimPage());
    expect(textOf((await learner.get(claimPage())).html)).not.toContain('Missed the window?');
    const refused = await learner.post(`${claimPage()}/exception`, {
      reason: 'Just because',
      credits: '1.00',
    });
    expect(refused.status).toBe(409);
  });
});
