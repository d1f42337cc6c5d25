import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createClaimWindowActivities } from '../../activities/claim-window';
import {
  type Account,
  organizations,
  type Organization,
  type Series,
  type Session,
  seriesRoles,
  sessions,
} from '../../db/schema';
import { createMailer } from '../../server/mail';
import { mailTo, seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { textOf } from '../support/http';
import { seedApprovedSession, seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';
import { text } from '../support/twilio';

let database: TestDatabase;
let organization: Organization;
let grandRounds: Series;
let session: Session;
let carla: Account;
let t: TestApp;

const ANNS_PHONE = '+12155550101';

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, {
    name: 'Riverside',
    smsNumber: '+18449860352',
    rotatingCodeMinutes: 3,
  });
  grandRounds = await seedSeries(database.db, organization);
  session = await seedApprovedSession(database.db, grandRounds, {
    name: 'Sepsis bundles in 2026',
    attendanceCode: 'K7MPQ',
    startsAt: new Date('2026-03-03T17:00:00Z'),
  });
  await seedMember(database.db, organization, {
    mobile: ANNS_PHONE,
    smsPairedAt: new Date('2026-01-10T15:00:00Z'),
  });
  carla = await seedMember(database.db, organization, { firstName: 'Carla', email: 'carla@riverside.test' });
  await database.db
    .insert(seriesRoles)
    .values({ seriesId: grandRounds.id, accountId: carla.id, role: 'coordinator' });
  t = createTestApp(database, { now: new Date('2026-03-03T17:10:00Z') });
});

afterEach(async () => {
  await database.drop();
});

function activities() {
  return createClaimWindowActivities({
    db: database.db,
    mailer: createMailer({ config: t.config, db: database.db, clock: t.clock }),
    clock: t.clock,
    publicUrl: t.config.publicUrl,
  });
}

async function stored() {
  const [row] = await database.db.select().from(sessions).where(eq(sessions.id, session.id));
  return row!;
}

const send = (from: string, body: string) => text(t.app, organization, t.config.publicUrl, { from, body });

describe('rotating attendance codes', () => {
  test('while codes rotate, only the screen’s codes record attendance; the printed code says why it does not', async () => {
    expect(await activities().rotateClaimCode({ sessionId: session.id })).toEqual({ rotateMinutes: 3 });
    const first = (await stored()).rotatingCode ?? '';
    expect(first).toMatch(/^[2-9A-HJKMNP-Z]{5}$/);
    expect(first).not.toBe('K7MPQ');

    // The printed code and the Event ID no longer do.
    expect((await send(ANNS_PHONE, 'K7MPQ')).reply).toBe(
      'The code for Sepsis bundles in 2026 changes every 3 minutes. Text the code on the screen in the room now.',
    );
    expect((await send(ANNS_PHONE, String(session.childId))).reply).toMatch(/^The code for Sepsis bundles/);

    // The screen shows the new one; it moves on, and the one before still works for a learner typing.
    const coordinator = await signedInVisitor(
      t.app,
      organization,
      carla.email,
      `/${organization.code}/my-ce`,
    );
    const screen = textOf(
      (await coordinator.get(`/${organization.code}/sessions/${session.id}/screen`)).html,
    );
    expect(screen).toContain(`Text ${first} to +18449860352`);
    await activities().rotateClaimCode({ sessionId: session.id });
    const second = await stored();
    expect(second.rotatingCodePrevious).toBe(first);
    expect(second.rotatingCode).not.toBe(first);
    expect((await send(ANNS_PHONE, first.toLowerCase())).reply).toMatch(/^Thank you/);

    // A third code, and the first is gone.
    await activities().rotateClaimCode({ sessionId: session.id });
    const other = await seedMember(database.db, organization, {
      mobile: '+12155550102',
      smsPairedAt: new Date(),
    });
    expect((await send(other.mobile ?? '', first)).reply).toBe(
      `No session has the code ${first}. Check the code on the slide or flyer and text it again.`,
    );
  });

  test('no rotation for a session that gives no credit, or when the organization turns it off', async () => {
    const pending = await seedSession(database.db, grandRounds, {
      startsAt: new Date('2026-03-03T17:00:00Z'),
    });
    expect(await activities().rotateClaimCode({ sessionId: pending.id })).toEqual({ rotateMinutes: 0 });
    await activities().rotateClaimCode({ sessionId: session.id });
    await database.db
      .update(organizations)
      .set({ rotatingCodeMinutes: 0 })
      .where(eq(organizations.id, organization.id));
    expect(await activities().rotateClaimCode({ sessionId: session.id })).toEqual({ rotateMinutes: 0 });
    expect(await stored()).toMatchObject({ rotatingCode: null, rotatingCodePrevious: null });
    organization = { ...organization, rotatingCodeMinutes: 0 };
    expect((await send(ANNS_PHONE, 'K7MPQ')).reply).toMatch(/^Thank you/);
  });

  test('the close clears the codes and tells the coordinators who claimed, and how, once', async () => {
    await activities().rotateClaimCode({ sessionId: session.id });
    const code = (await stored()).rotatingCode ?? '';
    await send(ANNS_PHONE, code);
    const learner = await seedMember(database.db, organization, { email: 'ben@riverside.test' });
    const visitor = await signedInVisitor(
      t.app,
      organization,
      learner.email,
      `/${organization.code}/claim/${code}?via=qr`,
    );
    await visitor.post(`/${organization.code}/claim/${code}`, { credits: '1.00', via: 'qr' });

    expect(await activities().closeClaimWindow({ sessionId: session.id, notify: true })).toEqual({
      claims: 2,
    });
    expect(await activities().closeClaimWindow({ sessionId: session.id, notify: true })).toEqual({
      claims: 2,
    });
    expect(await stored()).toMatchObject({ rotatingCode: null, rotatingCodePrevious: null });
    const mail = await mailTo(database.db, carla.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.subject).toBe('Attendance closed: Sepsis bundles in 2026');
    expect(mail[0]?.text).toContain('2 people recorded attendance: 1 by text, 1 by QR code.');
  });

  test('the organization sets the rotation from 2 to 60 minutes, or 0 for none, and its affiliate domains', async () => {
    const admin = await seedMember(database.db, organization, {
      email: 'admin@riverside.test',
      roles: ['admin'],
    });
    const visitor = await signedInVisitor(
      t.app,
      organization,
      admin.email,
      `/${organization.code}/admin/settings`,
    );
    const { fieldError, fieldValue } = await import('../support/http');
    const page = await visitor.get(`/${organization.code}/admin/settings`);
    expect(fieldValue(page.html, 'rotatingCodeMinutes')).toBe('3');
    const form = {
      name: 'Riverside',
      timeZone: 'America/New_York',
      smsNumber: '+18449860352',
      degrees: 'MD',
      professions: 'Physician',
      claimMinutesBefore: '60',
      claimMinutesAfter: '2880',
      passwordPolicy: 'asvs',
      lockoutThreshold: '5',
      disclosureReminderDays: '7',
    };
    for (const bad of ['1', '61', 'five']) {
      const refused = await visitor.post(`/${organization.code}/admin/settings`, {
        ...form,
        rotatingCodeMinutes: bad,
      });
      expect(fieldError(refused.html, 'rotatingCodeMinutes')).toBe(
        'Rotate every: 0 (off), or a whole number of minutes from 2 to 60.',
      );
    }
    const domain = await visitor.post(`/${organization.code}/admin/settings`, {
      ...form,
      affiliateDomains: 'https://cshs.org',
    });
    expect(fieldError(domain.html, 'affiliateDomains')).toBe(
      '“https://cshs.org” is not an email domain, like cshs.org (no @, no https://).',
    );
    await visitor.post(`/${organization.code}/admin/settings`, {
      ...form,
      rotatingCodeMinutes: '5',
      affiliateDomains: 'CSHS.org\nriverside.test',
    });
    const [saved] = await database.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, organization.id));
    expect(saved).toMatchObject({ rotatingCodeMinutes: 5, affiliateDomains: ['cshs.org', 'riverside.test'] });
    // Every claim window not yet closed reads its plan again.
    await t.background.idle();
    expect(t.claimWindows.calls.map((call) => call.call)).toEqual(['changed']);
  });
});
