import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Account,
  accounts,
  auditEvents,
  claims,
  type Organization,
  organizations,
  type Series,
  type Session,
  sessionRegistrations,
  smsOptOuts,
  textsReceived,
  textsSent,
} from '../../db/schema';
import { linkIn, mailTo, seedMember } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { textOf, Visitor } from '../support/http';
import { seedApprovedSession, seedOrganization, seedSeries, seedSession } from '../support/seed';
import { createTestApp, type TestApp } from '../support/test-app';
import twilio from 'twilio';
import { createLog } from '../../server/log';
import { createTexter, DEVELOPMENT_TWILIO_AUTH_TOKEN } from '../../server/texting';
import { REFUSED_WEBHOOKS_PER_10_MINUTES } from '../../server/rate-limits';
import { messageSid, text, twilioApi, WEBHOOK_PATH, signedWebhook } from '../support/twilio';

/** The texter's security log lines are not what these tests look at. */
const quietLog = createLog('error');

let database: TestDatabase;
let organization: Organization;
let t: TestApp;
let grandRounds: Series;
/** Tuesday March 3, 2026, noon to 1 PM in New York (EST). */
let session: Session;
let ann: Account;

const ANNS_PHONE = '+12155550101';
const START = new Date('2026-03-03T17:00:00Z');

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { smsNumber: '+18449860352', name: 'Riverside' });
  grandRounds = await seedSeries(database.db, organization);
  session = await seedApprovedSession(database.db, grandRounds, {
    name: 'Sepsis bundles in 2026',
    attendanceCode: 'K7MPQ',
    startsAt: START,
    endsAt: new Date('2026-03-03T18:00:00Z'),
  });
  ann = await seedMember(database.db, organization, {
    email: 'ann.lee@riverside.test',
    mobile: ANNS_PHONE,
    smsPairedAt: new Date('2026-01-10T15:00:00Z'),
  });
  t = createTestApp(database, { now: new Date('2026-03-03T17:10:00Z') });
});

afterEach(async () => {
  await database.drop();
});

const send = (from: string, body: string, options: { sid?: string } = {}) =>
  text(t.app, organization, t.config.publicUrl, { from, body, ...options });

async function claimsOf(account: Account) {
  return database.db.select().from(claims).where(eq(claims.accountId, account.id));
}

describe('the Twilio webhook', () => {
  test('answers a signed text with TwiML and records it', async () => {
    const answer = await send(ANNS_PHONE, 'k7mpq');
    expect(answer.status).toBe(200);
    expect(answer.raw).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>/);
    expect(answer.reply).toBe(
      'Thank you. We have recorded your attendance for Sepsis bundles in 2026 (Mar 3, 2026, 12:00 PM EST).',
    );
    const [received] = await database.db.select().from(textsReceived);
    expect(received).toMatchObject({
      from: ANNS_PHONE,
      body: 'k7mpq',
      outcome: 'claim_recorded',
      accountId: ann.id,
    });
  });

  test('refuses a bad, missing or foreign signature with 403 and changes nothing', async () => {
    const other = await seedOrganization(database.db, {
      smsNumber: '+18449891332',
      twilioAuthToken: 'f'.repeat(32),
    });
    const attempts = [
      await text(t.app, organization, t.config.publicUrl, {
        from: ANNS_PHONE,
        body: 'K7MPQ',
        unsigned: true,
      }),
      await text(t.app, organization, t.config.publicUrl, {
        from: ANNS_PHONE,
        body: 'K7MPQ',
        token: 'a'.repeat(32),
      }),
      // Signed for another address than PUBLIC_URL's.
      await text(t.app, organization, t.config.publicUrl, {
        from: ANNS_PHONE,
        body: 'K7MPQ',
        signedUrl: 'https://elsewhere.example/webhooks/twilio/sms',
      }),
      // Signed properly, then changed on the way.
      await (async () => {
        const request = signedWebhook(organization, t.config.publicUrl, { from: ANNS_PHONE, body: 'K7MPQ' });
        const response = await t.app.request(WEBHOOK_PATH, {
          method: 'POST',
          headers: request.headers,
          body: request.body.replace('Body=K7MPQ', 'Body=STOP'),
        });
        return { status: response.status };
      })(),
      // Another organization's token cannot speak for this one's number.
      await text(t.app, organization, t.config.publicUrl, {
        from: ANNS_PHONE,
        body: 'K7MPQ',
        token: other.twilioAuthToken ?? '',
      }),
      // A number no organization has.
      await text(t.app, { smsNumber: '+15555550000', twilioAuthToken: null }, t.config.publicUrl, {
        from: ANNS_PHONE,
        body: 'K7MPQ',
      }),
    ];
    expect(attempts.map((attempt) => attempt.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(await database.db.select().from(textsReceived)).toEqual([]);
    expect(await database.db.select().from(smsOptOuts)).toEqual([]);
    expect(await claimsOf(ann)).toEqual([]);
  });

  test('an address whose webhooks keep being refused is stopped, while Twilio’s signed texts are still answered', async () => {
    const forged = () =>
      text(t.app, organization, t.config.publicUrl, {
        from: ANNS_PHONE,
        body: 'K7MPQ',
        token: 'a'.repeat(32),
      });
    for (let i = 0; i < REFUSED_WEBHOOKS_PER_10_MINUTES; i++) expect((await forged()).status).toBe(403);
    const stopped = await forged();
    expect(stopped.status).toBe(429);
    expect(stopped.raw).toContain('Too many refused webhooks');
    // Whatever number it names.
    const elsewhere = await text(
      t.app,
      { smsNumber: '+18005550199', twilioAuthToken: null },
      t.config.publicUrl,
      {
        from: ANNS_PHONE,
        body: 'K7MPQ',
      },
    );
    expect(elsewhere.status).toBe(429);
    // A delivery signed for the organization's number is answered as ever, and recorded.
    const genuine = await send(ANNS_PHONE, 'K7MPQ');
    expect(genuine.status).toBe(200);
    expect(genuine.reply).toMatch(/^Thank you/);
    expect(await claimsOf(ann)).toHaveLength(1);
  });

  test('checks the signature against PUBLIC_URL, so it holds behind a proxy', async () => {
    t = createTestApp(database, {
      now: new Date('2026-03-03T17:10:00Z'),
      env: { PUBLIC_URL: 'https://cme.riverside.test' },
    });
    const answer = await text(t.app, organization, 'https://cme.riverside.test', {
      from: ANNS_PHONE,
      body: 'K7MPQ',
    });
    expect(answer.status).toBe(200);
    expect(answer.reply).toMatch(/^Thank you/);
  });

  test('uses the organization’s own auth token once it has one', async () => {
    const token = '0123456789abcdef0123456789abcdef';
    await database.db
      .update(organizations)
      .set({ twilioAccountSid: `AC${'2'.repeat(32)}`, twilioAuthToken: token })
      .where(eq(organizations.id, organization.id));
    const withToken = { ...organization, twilioAuthToken: token };
    expect(
      (await text(t.app, withToken, t.config.publicUrl, { from: ANNS_PHONE, body: 'K7MPQ' })).status,
    ).toBe(200);
    // The development token no longer works for it.
    expect((await send(ANNS_PHONE, 'K7MPQ')).status).toBe(403);
  });

  test('a retried MessageSid gets the same reply and records nothing more', async () => {
    const sid = messageSid();
    const first = await send(ANNS_PHONE, 'K7MPQ', { sid });
    const retried = await send(ANNS_PHONE, 'K7MPQ', { sid });
    const concurrent = await Promise.all([1, 2, 3].map(() => send(ANNS_PHONE, 'K7MPQ', { sid })));
    expect(retried.reply).toBe(first.reply);
    expect(concurrent.map((answer) => answer.reply)).toEqual([first.reply, first.reply, first.reply]);
    expect(await claimsOf(ann)).toHaveLength(1);
    expect(await database.db.select().from(textsReceived)).toHaveLength(1);
  });

  test('a phone that texts too often is asked to wait, and its code still counts once it has', async () => {
    const { TEXTS_FROM_PHONE_PER_10_MINUTES } = await import('../../server/inbound-texts');
    for (let i = 0; i < TEXTS_FROM_PHONE_PER_10_MINUTES; i++) await send(ANNS_PHONE, 'HELLO');
    const waiting = await send(ANNS_PHONE, 'K7MPQ');
    expect(waiting.reply).toBe('Too many texts from this phone. Wait ten minutes, then text the code again.');
    expect(await claimsOf(ann)).toEqual([]);
    t.clock.set(new Date(t.clock.now().getTime() + 10 * 60_000 + 1));
    expect((await send(ANNS_PHONE, 'K7MPQ')).reply).toMatch(/^Thank you/);
    expect(await claimsOf(ann)).toHaveLength(1);
  });

  test('many texts of one code at once record each learner exactly once', async () => {
    const learners = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        seedMember(database.db, organization, {
          email: `learner${i}@riverside.test`,
          mobile: `+1215555${String(1000 + i)}`,
          smsPairedAt: new Date('2026-01-10T15:00:00Z'),
        }),
      ),
    );
    const answers = await Promise.all(
      learners.flatMap((learner) => [
        send(learner.mobile ?? '', 'K7MPQ'),
        send(learner.mobile ?? '', 'k7mpq'),
      ]),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const recorded = await database.db.select().from(claims).where(eq(claims.sessionId, session.id));
    expect(recorded).toHaveLength(12);
    expect(answers.filter((answer) => answer.reply.startsWith('Thank you'))).toHaveLength(12);
    expect(answers.filter((answer) => answer.reply.startsWith('Your attendance for'))).toHaveLength(12);
  });

  test('when the database cannot be reached it answers 503, so Twilio retries, and writes nothing', async () => {
    const { openDatabase } = await import('../../db/client');
    const lost = await openDatabase({ url: database.url ?? '', maxConnections: 1 });
    const cut = createTestApp(
      { ...database, db: lost.db, handle: lost },
      { now: new Date('2026-03-03T17:10:00Z') },
    );
    await lost.close();
    const sid = messageSid();
    const answer = await text(cut.app, organization, cut.config.publicUrl, {
      from: ANNS_PHONE,
      body: 'K7MPQ',
      sid,
    });
    expect(answer.status).toBe(503);
    expect(await database.db.select().from(textsReceived)).toEqual([]);
    expect(await claimsOf(ann)).toEqual([]);
    // Twilio's retry, once the database is back, is answered in full.
    expect((await send(ANNS_PHONE, 'K7MPQ', { sid })).reply).toMatch(/^Thank you/);
  });

  test('rejects malformed deliveries with a 4xx, never a 500', async () => {
    const post = (body: string, type = 'application/x-www-form-urlencoded') =>
      t.app.request(WEBHOOK_PATH, { method: 'POST', headers: { 'Content-Type': type }, body });
    expect((await post('{"Body":"K7MPQ"}', 'application/json')).status).toBe(415);
    expect((await post('')).status).toBe(403);
    expect((await post('%%%&&&===')).status).toBe(403);
    const noSid = signedWebhook(organization, t.config.publicUrl, {
      from: ANNS_PHONE,
      body: 'K7MPQ',
      extra: { MessageSid: 'not-a-sid' },
    });
    const answer = await t.app.request(WEBHOOK_PATH, {
      method: 'POST',
      headers: noSid.headers,
      body: noSid.body,
    });
    expect(answer.status).toBe(400);

    // Signed by Twilio's own signing, but with a field missing: a clear 400, or for a text with no
    // body (a picture alone) the reply asking for a code.
    const without = async (field: string) => {
      const { params } = signedWebhook(organization, t.config.publicUrl, { from: ANNS_PHONE, body: 'K7MPQ' });
      delete params[field];
      const token = organization.twilioAuthToken ?? DEVELOPMENT_TWILIO_AUTH_TOKEN;
      const signature = twilio.getExpectedTwilioSignature(
        token,
        `${t.config.publicUrl}${WEBHOOK_PATH}`,
        params,
      );
      const response = await t.app.request(WEBHOOK_PATH, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
        body: new URLSearchParams(params).toString(),
      });
      return { status: response.status, body: await response.text() };
    };
    expect((await without('MessageSid')).status).toBe(400);
    expect((await without('From')).status).toBe(400);
    // Without a To no organization is known, so nobody's signature can hold.
    expect((await without('To')).status).toBe(403);
    const pictureOnly = await without('Body');
    expect(pictureOnly.status).toBe(200);
    expect(pictureOnly.body).toMatch(/attendance code/);

    // A body over the 64 KB limit is refused before it is read.
    const huge = signedWebhook(organization, t.config.publicUrl, {
      from: ANNS_PHONE,
      body: 'K'.repeat(70_000),
    });
    const tooLarge = await t.app.request(WEBHOOK_PATH, {
      method: 'POST',
      headers: huge.headers,
      body: huge.body,
    });
    expect(tooLarge.status).toBe(413);
    expect(await claimsOf(ann)).toEqual([]);
  });

  test('answers odd bodies with a clear reply', async () => {
    const bodies = [
      '',
      '   ',
      'x'.repeat(10_000),
      "K7MPQ'; drop table claims; --",
      '<script>alert(1)</script>',
      '🩺📋',
      'Запись на сессию',
      '出席コード',
      'K7 MPQ ',
    ];
    const answers = [];
    for (const body of bodies) answers.push(await send(ANNS_PHONE, body));
    expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 200));
    expect(answers.every((answer) => answer.reply.length > 0)).toBe(true);
    expect(answers[0]?.reply).toMatch(/attendance code/);
    expect(answers[4]?.reply).toContain('No session has the code');
    // The TwiML escapes what it echoes.
    expect(answers[4]?.raw).not.toContain('<script>');
    expect(answers.at(-1)?.reply).toMatch(/^Thank you/);
    expect(await claimsOf(ann)).toHaveLength(1);
  });
});

describe('claiming by text', () => {
  test('an unpaired phone is told "User not found in system" and how to pair', async () => {
    const answer = await send('+12155550199', 'K7MPQ');
    expect(answer.reply).toBe(
      'User not found in system. To pair this phone, text the email address you sign in to Riverside CME with to this number. This is a one-time step.',
    );
  });

  test('the child ID works as well as the code', async () => {
    expect((await send(ANNS_PHONE, String(session.childId))).reply).toMatch(/^Thank you/);
  });

  test('an older code of digits alone is read as that code, not as an Event ID', async () => {
    const digits = await seedApprovedSession(database.db, grandRounds, {
      name: 'Gout flares',
      attendanceCode: String(session.childId),
      startsAt: START,
    });
    expect((await send(ANNS_PHONE, String(session.childId))).reply).toMatch(
      /^Thank you. We have recorded your attendance for Gout flares/,
    );
    expect(await claimsOf(ann)).toMatchObject([{ sessionId: digits.id }]);
  });

  test('a second text says the attendance was already recorded, and when', async () => {
    await send(ANNS_PHONE, 'K7MPQ');
    t.clock.advance(5);
    expect((await send(ANNS_PHONE, 'K7MPQ')).reply).toBe(
      'Your attendance for Sepsis bundles in 2026 was already recorded on Mar 3, 2026, 12:10 PM EST. Nothing more to do.',
    );
  });

  test('an unknown code says so', async () => {
    expect((await send(ANNS_PHONE, 'ZZZZ9')).reply).toBe(
      'No session has the code ZZZZ9. Check the code on the slide or flyer and text it again.',
    );
  });

  test('the window is open from its first minute to its last, and says itself outside them', async () => {
    // Defaults: 60 minutes before the start, 2,880 after the end.
    const opens = new Date(START.getTime() - 60 * 60_000);
    const closes = new Date('2026-03-05T18:00:00Z');
    const learners = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        seedMember(database.db, organization, {
          mobile: `+1267555000${i}`,
          smsPairedAt: new Date('2026-01-10T15:00:00Z'),
        }),
      ),
    );
    const phones = learners.map((learner) => learner.mobile ?? '');
    const outside =
      'Attendance error... Outside meeting times. Attendance for Sepsis bundles in 2026 can be recorded from Mar 3, 2026, 11:00 AM EST to Mar 5, 2026, 1:00 PM EST.';
    t.clock.set(new Date(opens.getTime() - 1));
    expect((await send(phones[0] ?? '', 'K7MPQ')).reply).toBe(outside);
    t.clock.set(opens);
    expect((await send(phones[1] ?? '', 'K7MPQ')).reply).toMatch(/^Thank you/);
    t.clock.set(closes);
    expect((await send(phones[2] ?? '', 'K7MPQ')).reply).toMatch(/^Thank you/);
    t.clock.set(new Date(closes.getTime() + 1));
    expect((await send(phones[3] ?? '', 'K7MPQ')).reply).toBe(outside);
    expect((await send(phones[0] ?? '', 'K7MPQ')).reply).toBe(outside);
  });

  test('a session’s own window overrides the organization’s', async () => {
    const short = await seedApprovedSession(database.db, grandRounds, {
      name: 'Lung nodule follow-up',
      attendanceCode: 'TB15X',
      startsAt: START,
      endsAt: new Date('2026-03-03T18:00:00Z'),
      claimMinutesBefore: 15,
      claimMinutesAfter: 90,
    });
    t.clock.set(new Date(START.getTime() - 16 * 60_000));
    expect((await send(ANNS_PHONE, short.attendanceCode)).reply).toBe(
      'Attendance error... Outside meeting times. Attendance for Lung nodule follow-up can be recorded from Mar 3, 2026, 11:45 AM EST to Mar 3, 2026, 2:30 PM EST.',
    );
  });

  test('windows are written in the session’s own zone, across a change to daylight time', async () => {
    // Sunday March 8, 2026: clocks in New York go from 2 AM EST to 3 AM EDT.
    const overnight = await seedApprovedSession(database.db, grandRounds, {
      name: 'Night float teaching',
      attendanceCode: 'NF8DS',
      startsAt: new Date('2026-03-08T06:30:00Z'), // 1:30 AM EST
      endsAt: new Date('2026-03-08T07:30:00Z'), // 3:30 AM EDT
      claimMinutesBefore: 0,
      claimMinutesAfter: 30,
    });
    t.clock.set(new Date('2026-03-08T08:00:01Z'));
    expect((await send(ANNS_PHONE, overnight.attendanceCode)).reply).toBe(
      'Attendance error... Outside meeting times. Attendance for Night float teaching can be recorded from Mar 8, 2026, 1:30 AM EST to Mar 8, 2026, 4:00 AM EDT.',
    );
    t.clock.set(new Date('2026-03-08T08:00:00Z'));
    expect((await send(ANNS_PHONE, overnight.attendanceCode)).reply).toMatch(/^Thank you/);
  });

  test('and across the change back to standard time, when an hour of the night comes twice', async () => {
    // Sunday November 1, 2026: clocks in New York go from 2 AM EDT back to 1 AM EST.
    const overnight = await seedApprovedSession(database.db, grandRounds, {
      name: 'Night float teaching',
      attendanceCode: 'NF1NV',
      startsAt: new Date('2026-11-01T05:30:00Z'), // the first 1:30 AM, EDT
      endsAt: new Date('2026-11-01T06:30:00Z'), // the second 1:30 AM, EST
      claimMinutesBefore: 0,
      claimMinutesAfter: 30,
    });
    const outside =
      'Attendance error... Outside meeting times. Attendance for Night float teaching can be recorded from Nov 1, 2026, 1:30 AM EDT to Nov 1, 2026, 2:00 AM EST.';
    const [early, first, last, late] = await Promise.all(
      [5, 6, 7, 8].map((i) =>
        seedMember(database.db, organization, {
          mobile: `+1267555100${i}`,
          smsPairedAt: new Date('2026-01-10T15:00:00Z'),
        }),
      ),
    );
    t.clock.set(new Date('2026-11-01T05:29:59.999Z'));
    expect((await send(early?.mobile ?? '', overnight.attendanceCode)).reply).toBe(outside);
    t.clock.set(new Date('2026-11-01T05:30:00Z'));
    expect((await send(first?.mobile ?? '', overnight.attendanceCode)).reply).toMatch(/^Thank you/);
    // An hour and a half later by the clock on the wall, two and a half by the sun: still open.
    t.clock.set(new Date('2026-11-01T07:00:00Z'));
    expect((await send(last?.mobile ?? '', overnight.attendanceCode)).reply).toMatch(/^Thank you/);
    t.clock.set(new Date('2026-11-01T07:00:00.001Z'));
    expect((await send(late?.mobile ?? '', overnight.attendanceCode)).reply).toBe(outside);
  });

  test('a session that is not approved, or was approved only after it began, gives no credit', async () => {
    const coordinator = await seedMember(database.db, organization, {
      firstName: 'Carla',
      lastName: 'Mendes',
      email: 'carla.mendes@riverside.test',
    });
    await database.db.insert((await import('../../db/schema')).seriesRoles).values({
      seriesId: grandRounds.id,
      accountId: coordinator.id,
      role: 'coordinator',
    });
    const pending = await seedSession(database.db, grandRounds, {
      name: 'Heart failure update',
      attendanceCode: 'HF2QW',
      startsAt: START,
    });
    const late = await seedApprovedSession(
      database.db,
      grandRounds,
      { name: 'Stroke code', attendanceCode: 'SC3RT', startsAt: START },
      { approvedAt: new Date(START.getTime() + 5 * 60_000) },
    );
    expect((await send(ANNS_PHONE, pending.attendanceCode)).reply).toBe(
      'Heart failure update is not approved for credit, so attendance cannot be recorded. Contact Carla Mendes (carla.mendes@riverside.test).',
    );
    expect((await send(ANNS_PHONE, late.attendanceCode)).reply).toMatch(
      /^Stroke code is not approved for credit/,
    );
    expect(await claimsOf(ann)).toEqual([]);
  });

  test('a session that requires registration refuses those not registered', async () => {
    const course = await seedApprovedSession(database.db, grandRounds, {
      name: 'Ultrasound workshop',
      attendanceCode: 'US4WK',
      startsAt: START,
      requiresRegistration: true,
    });
    expect((await send(ANNS_PHONE, course.attendanceCode)).reply).toBe(
      'You are not registered for this event, Ultrasound workshop, so attendance cannot be recorded. Register first, or contact the CME office.',
    );
    await database.db.insert(sessionRegistrations).values({ sessionId: course.id, accountId: ann.id });
    expect((await send(ANNS_PHONE, course.attendanceCode)).reply).toMatch(/^Thank you/);
  });

  test('a series limited to professions, or to medical staff and affiliates, says so by text', async () => {
    const pharmacy = await seedSeries(database.db, organization, {
      name: 'Pharmacy Grand Rounds',
      professions: ['Pharmacist'],
      creditForProfessionsOnly: true,
    });
    const forPharmacists = await seedApprovedSession(database.db, pharmacy, {
      name: 'Anticoagulant reversal',
      attendanceCode: 'PH4RM',
      startsAt: START,
    });
    expect((await send(ANNS_PHONE, forPharmacists.attendanceCode)).reply).toBe(
      'Pharmacy Grand Rounds gives credit only to Pharmacist, so attendance cannot be recorded for your profession. If your profile is wrong, correct it and text the code again.',
    );
    const staff = await seedSeries(database.db, organization, {
      name: 'Staff Case Conference',
      affiliatesOnly: true,
    });
    const forStaff = await seedApprovedSession(database.db, staff, {
      name: 'Difficult airway cases',
      attendanceCode: 'ST4FF',
      startsAt: START,
    });
    expect((await send(ANNS_PHONE, forStaff.attendanceCode)).reply).toBe(
      'Staff Case Conference gives credit only to medical staff and affiliates, so attendance cannot be recorded for your account. If you are one, ask the CME office to mark your account.',
    );
    expect(await claimsOf(ann)).toEqual([]);
  });

  test('a recorded claim is audited with its channel', async () => {
    await send(ANNS_PHONE, 'K7MPQ');
    const [claim] = await claimsOf(ann);
    expect(claim).toMatchObject({ channel: 'sms', credits: '1.00', organizationId: organization.id });
    const [audited] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'attendance_recorded'));
    expect(audited).toMatchObject({ accountId: ann.id, sessionId: session.id, detail: { channel: 'sms' } });
  });

  test('another organization’s code means nothing at this number', async () => {
    const other = await seedOrganization(database.db, { smsNumber: '+18449891332' });
    const otherSeries = await seedSeries(database.db, other);
    const theirs = await seedApprovedSession(database.db, otherSeries, {
      attendanceCode: 'OTH3R',
      startsAt: START,
    });
    expect((await send(ANNS_PHONE, theirs.attendanceCode)).reply).toMatch(/^No session has the code OTH3R/);
  });
});

describe('STOP, START and HELP', () => {
  test('STOP unsubscribes and is confirmed; afterwards nothing is sent until START', async () => {
    const sid = messageSid();
    const stopped = await send(ANNS_PHONE, 'Stop.', { sid });
    expect(stopped.reply).toBe(
      'You are unsubscribed from Riverside CME texts and will get no more. Reply START to resubscribe.',
    );
    expect(await database.db.select().from(smsOptOuts)).toMatchObject([
      { phone: ANNS_PHONE, keyword: 'STOP.' },
    ]);
    // Twilio's retry of the same STOP is answered alike and recorded once.
    expect((await send(ANNS_PHONE, 'Stop.', { sid })).reply).toBe(stopped.reply);
    const stops = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'texts_stopped'));
    expect(stops).toHaveLength(1);

    // The claim still counts, but no reply goes back, not even to HELP.
    const claimed = await send(ANNS_PHONE, 'K7MPQ');
    expect(claimed.status).toBe(200);
    expect(claimed.raw).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await claimsOf(ann)).toHaveLength(1);
    expect((await send(ANNS_PHONE, 'help')).raw).not.toContain('<Message>');

    // Nor does any text Rounds would send on its own.
    const texter = createTexter({ db: database.db, clock: t.clock, log: quietLog });
    const held = await texter.send(organization, {
      idempotencyKey: 'k1',
      kind: 'test',
      to: ANNS_PHONE,
      body: 'Hello',
    });
    expect(held.status).toBe('stopped');

    const started = await send(ANNS_PHONE, 'START');
    expect(started.reply).toMatch(/^You are resubscribed to Riverside CME texts/);
    expect(await database.db.select().from(smsOptOuts)).toEqual([]);
    expect((await send(ANNS_PHONE, 'HELP')).reply).toMatch(
      /^Riverside CME attendance: text a session's code/,
    );
    const actions = (await database.db.select({ action: auditEvents.action }).from(auditEvents)).map(
      (row) => row.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['texts_stopped', 'texts_started']));
  });

  test('carrier synonyms count, as whole messages only', async () => {
    for (const word of ['unsubscribe', 'CANCEL', 'end', 'Quit', 'STOPALL', 'optout', 'revoke']) {
      const phone = `+1610555${String(1000 + word.length)}${word.length}`.slice(0, 12);
      expect((await send(phone, word)).reply, word).toMatch(/^You are unsubscribed/);
      await send(phone, 'unstop');
    }
    expect((await send(ANNS_PHONE, 'stop by the lab')).reply).toMatch(/^No session has the code/);
    expect((await send(ANNS_PHONE, 'INFO')).reply).toMatch(/Reply STOP to opt out\.$/);
  });
});

describe('texts Rounds sends', () => {
  test('in production the stored record leaves out a pairing code; the outbox keeps it for the phone page', async () => {
    const production = createTexter({
      db: database.db,
      clock: t.clock,
      log: quietLog,
      keepSecrets: false,
    });
    await production.send(organization, {
      idempotencyKey: 'pairing-1',
      kind: 'pairing-code',
      to: '+12155550177',
      body: '123456 is your code',
      secrets: ['123456'],
    });
    const development = createTexter({ db: database.db, clock: t.clock, log: quietLog });
    await development.send(organization, {
      idempotencyKey: 'pairing-2',
      kind: 'pairing-code',
      to: '+12155550178',
      body: '654321 is your code',
      secrets: ['654321'],
    });
    const stored = await database.db.select({ to: textsSent.to, body: textsSent.body }).from(textsSent);
    expect(stored).toEqual(
      expect.arrayContaining([
        { to: '+12155550177', body: '[removed] is your code' },
        { to: '+12155550178', body: '654321 is your code' },
      ]),
    );
  });
});

/** The organization sends through its own Twilio account, at a local stand-in for Twilio's API. */
async function throughTwilio(answer: Parameters<typeof twilioApi>[0]) {
  const api = await twilioApi(answer);
  await database.db
    .update(organizations)
    .set({ twilioAccountSid: `AC${'3'.repeat(32)}`, twilioAuthToken: 'b'.repeat(32) })
    .where(eq(organizations.id, organization.id));
  const [updated] = await database.db
    .select()
    .from(organizations)
    .where(eq(organizations.id, organization.id));
  if (!updated) throw new Error('the organization vanished');
  organization = updated;
  t = createTestApp(database, { now: new Date('2026-03-03T17:10:00Z'), twilioBaseUrl: api.url });
  const texter = createTexter({
    db: database.db,
    clock: t.clock,
    log: quietLog,
    twilioBaseUrl: api.url,
  });
  return { api, texter };
}

/** Twilio's error body, as its API answers a refused message. */
const twilioError = (status: number, code: number, message: string) => ({
  status,
  body: { status, code, message, more_info: `https://www.twilio.com/docs/errors/${code}` },
});

describe('when Twilio will not send', () => {
  test('a number unsubscribed at the carrier (error 21610) is recorded as stopped, and nothing more goes to it until START', async () => {
    let unsubscribed = true;
    const { api, texter } = await throughTwilio(() =>
      unsubscribed ? twilioError(400, 21610, 'Attempt to send to unsubscribed recipient') : undefined,
    );
    const remind = (idempotencyKey: string) =>
      texter.send(organization, {
        idempotencyKey,
        kind: 'reminder',
        to: ANNS_PHONE,
        body: 'Grand Rounds at noon.',
      });
    try {
      const first = await remind('reminder-1');
      expect(first.status).toBe('stopped');
      const [sent] = await database.db
        .select()
        .from(textsSent)
        .where(eq(textsSent.idempotencyKey, 'reminder-1'));
      expect(sent).toMatchObject({ status: 'stopped', transport: 'twilio' });
      expect(sent?.error).toContain('21610');
      const optOuts = await database.db.select().from(smsOptOuts);
      expect(optOuts).toMatchObject([{ phone: ANNS_PHONE, keyword: 'CARRIER' }]);
      const [audited] = await database.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, 'texts_stopped'));
      expect(audited?.detail).toMatchObject({ phone: ANNS_PHONE, by: 'carrier', twilioError: 21610 });

      // The next text is held without asking Twilio, and a claim by text is still recorded, silently.
      const second = await remind('reminder-2');
      expect(second.status).toBe('stopped');
      expect(api.received).toHaveLength(1);
      expect((await send(ANNS_PHONE, 'K7MPQ')).raw).not.toContain('<Message>');
      expect(await claimsOf(ann)).toHaveLength(1);

      // START lifts it, as for a STOP texted to Rounds.
      unsubscribed = false;
      expect((await send(ANNS_PHONE, 'START')).reply).toMatch(/^You are resubscribed/);
      const third = await remind('reminder-3');
      expect(third.status).toBe('sent');
      expect(api.received).toHaveLength(2);
    } finally {
      await api.close();
    }
  });

  test('a number Twilio refuses, or Twilio failing, is recorded as failed, and the profile says which', async () => {
    let answer: { status: number; body: unknown } | undefined = twilioError(
      400,
      21614,
      "'To' number is not a valid mobile number",
    );
    const { api } = await throughTwilio(() => answer);
    try {
      await seedMember(database.db, organization, { email: 'carla@riverside.test' });
      const visitor = new Visitor(t.app);
      const { signIn } = await import('../support/accounts');
      await signIn(visitor, organization, 'carla@riverside.test');
      await visitor.get(`/${organization.code}/profile`);
      const landline = await visitor.post(`/${organization.code}/profile`, {
        firstName: 'Carla',
        lastName: 'Lee',
        degree: 'MD',
        profession: 'Physician',
        mobile: '(215) 555-0177',
      });
      expect(textOf(landline.html)).toContain(
        'We could not text that number: check that it is a mobile phone',
      );
      const [refused] = await database.db.select().from(textsSent);
      expect(refused).toMatchObject({ status: 'failed', kind: 'pairing-code' });
      expect(refused?.error).toContain('Twilio answered 400 (error 21614)');

      // Twilio down: the person is told to try again, not that the number is wrong.
      answer = { status: 503, body: { status: 503, message: 'Service Unavailable' } };
      const down = await visitor.post(`/${organization.code}/profile/phone/code`, {});
      expect(down.status).toBe(503);
      expect(textOf(down.html)).toContain('Our texting service did not answer just now');
      expect(textOf(down.html)).not.toContain('check that it is a mobile phone');

      // Back up: the same button sends a code.
      answer = undefined;
      const again = await visitor.post(`/${organization.code}/profile/phone/code`, {});
      expect(again.status).toBe(303);
      expect(textOf((await visitor.get(`/${organization.code}/profile`)).html)).toContain(
        'We texted a 6-digit code to +12155550177.',
      );
      const statuses = (await database.db.select({ status: textsSent.status }).from(textsSent)).map(
        (row) => row.status,
      );
      expect(statuses.sort()).toEqual(['failed', 'failed', 'sent']);
      expect(api.received).toHaveLength(3);
    } finally {
      await api.close();
    }
  });
});

describe('pairing a phone by texting an email', () => {
  const BENS_PHONE = '+12155550142';
  let ben: Account;

  beforeEach(async () => {
    ben = await seedMember(database.db, organization, {
      firstName: 'Ben',
      lastName: 'Ortiz',
      email: 'ben.ortiz@riverside.test',
    });
  });

  test('the reply is the same whether or not the email has an account', async () => {
    const known = await send(BENS_PHONE, 'Ben.Ortiz@riverside.test');
    const unknown = await send(BENS_PHONE, 'nobody@riverside.test');
    expect(known.reply).toBe(unknown.reply);
    expect(known.reply).toBe(
      'If that email has an account here, we sent it a link to pair this phone. Open the link, or text back the 6-digit code in that email.',
    );
    expect(await mailTo(database.db, 'nobody@riverside.test')).toEqual([]);
    expect(await mailTo(database.db, 'ben.ortiz@riverside.test')).toHaveLength(1);
  });

  test('texting the mailed code back pairs the phone, in the words learners know', async () => {
    await send(BENS_PHONE, 'ben.ortiz@riverside.test');
    const [mail] = await mailTo(database.db, 'ben.ortiz@riverside.test');
    const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? '';
    expect((await send(BENS_PHONE, code)).reply).toMatch(/^Your phone number has been updated\./);
    expect((await send(BENS_PHONE, 'K7MPQ')).reply).toMatch(/^Thank you/);
    expect(await claimsOf(ben)).toHaveLength(1);
  });

  test('knowing someone’s email is not enough: without the code nothing is paired', async () => {
    const MALLORYS_PHONE = '+19175550666';
    await send(MALLORYS_PHONE, 'ben.ortiz@riverside.test');
    const guesses = [];
    for (let i = 0; i < 7; i++) guesses.push((await send(MALLORYS_PHONE, String(100000 + i))).reply);
    expect(guesses[0]).toBe(
      'That code does not match. Text the 6-digit code from the newest pairing email, or text your email again for a new one.',
    );
    // After five wrong codes the pairing is void: even the right code does nothing.
    const [mail] = await mailTo(database.db, 'ben.ortiz@riverside.test');
    const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? '';
    expect((await send(MALLORYS_PHONE, code)).reply).toMatch(/^User not found in system/);
    const [stored] = await database.db.select().from(accounts).where(eq(accounts.id, ben.id));
    expect(stored?.smsPairedAt).toBeNull();
  });

  test('the mailed link asks first, then pairs; re-pairing moves the number and tells the old account', async () => {
    // Ann's phone becomes Ben's.
    await send(ANNS_PHONE, 'ben.ortiz@riverside.test');
    const [mail] = await mailTo(database.db, 'ben.ortiz@riverside.test');
    expect(mail?.subject).toBe('Pair your phone for text attendance');
    const link = linkIn(mail!, `/${organization.code}/pair-phone`);
    const visitor = new Visitor(t.app);
    const asked = await visitor.get(link);
    expect(textOf(asked.html)).toContain(
      `Texts from ${ANNS_PHONE} will record attendance for ben.ortiz@riverside.test`,
    );
    // Opening it paired nothing.
    expect(
      (await database.db.select().from(accounts).where(eq(accounts.id, ben.id)))[0]?.smsPairedAt,
    ).toBeNull();
    const token = new URL(link, 'http://x').searchParams.get('token') ?? '';
    const paired = await visitor.post(`/${organization.code}/pair-phone`, { token });
    expect(paired.status).toBe(200);
    expect(textOf(paired.html)).toContain('Your phone number has been updated.');

    const [benNow] = await database.db.select().from(accounts).where(eq(accounts.id, ben.id));
    const [annNow] = await database.db.select().from(accounts).where(eq(accounts.id, ann.id));
    expect(benNow).toMatchObject({ mobile: ANNS_PHONE });
    expect(benNow?.smsPairedAt).not.toBeNull();
    expect(annNow?.smsPairedAt).toBeNull();
    const [note] = await mailTo(database.db, 'ann.lee@riverside.test');
    expect(note?.subject).toBe('Your phone is no longer paired with your account');
    expect(note?.text).not.toContain('ben.ortiz');
    // The phone hears it too.
    const [told] = await database.db.select().from(textsSent).where(eq(textsSent.to, ANNS_PHONE));
    expect(told?.body).toMatch(/^Your phone number has been updated\./);

    // The link is spent.
    expect((await visitor.post(`/${organization.code}/pair-phone`, { token })).status).toBe(410);
    expect((await send(ANNS_PHONE, 'K7MPQ')).reply).toMatch(/^Thank you/);
    expect(await claimsOf(ben)).toHaveLength(1);
    expect(await claimsOf(ann)).toHaveLength(0);
  });
});

describe('pairing a phone from the profile', () => {
  test('the phone is texted a code, and typing it pairs the phone', async () => {
    const api = await twilioApi();
    try {
      await database.db
        .update(organizations)
        .set({ twilioAccountSid: `AC${'3'.repeat(32)}`, twilioAuthToken: 'b'.repeat(32) })
        .where(eq(organizations.id, organization.id));
      t = createTestApp(database, { now: new Date('2026-03-03T17:10:00Z'), twilioBaseUrl: api.url });
      const carla = await seedMember(database.db, organization, { email: 'carla@riverside.test' });
      const visitor = new Visitor(t.app);
      const { signIn } = await import('../support/accounts');
      await signIn(visitor, organization, 'carla@riverside.test');
      const profile = await visitor.get(`/${organization.code}/profile`);
      expect(textOf(profile.html)).toContain('No phone is paired with your account yet.');
      const saved = await visitor.post(`/${organization.code}/profile`, {
        firstName: 'Carla',
        lastName: 'Lee',
        degree: 'MD',
        profession: 'Physician',
        mobile: '(215) 555-0177',
      });
      expect(textOf(saved.html)).toContain('We texted a 6-digit code to +12155550177.');

      // Through the real Twilio client, with the organization's account.
      expect(api.received).toHaveLength(1);
      const sent = api.received[0]!;
      expect(sent.path).toBe(`/2010-04-01/Accounts/AC${'3'.repeat(32)}/Messages.json`);
      expect(sent.authorization).toBe(
        `Basic ${Buffer.from(`AC${'3'.repeat(32)}:${'b'.repeat(32)}`).toString('base64')}`,
      );
      expect(sent.form.get('From')).toBe('+18449860352');
      expect(sent.form.get('To')).toBe('+12155550177');
      const code = /^(\d{6}) is your Riverside CME code/.exec(sent.form.get('Body') ?? '')?.[1] ?? '';
      expect(code).toMatch(/^\d{6}$/);
      const [recorded] = await database.db.select().from(textsSent);
      expect(recorded).toMatchObject({ transport: 'twilio', status: 'sent', kind: 'pairing-code' });

      const wrong = await visitor.post(`/${organization.code}/profile/phone/pair`, {
        code: '000000' === code ? '111111' : '000000',
      });
      expect(wrong.status).toBe(400);
      expect(textOf(wrong.html)).toContain('That is not the code we texted.');
      const right = await visitor.post(`/${organization.code}/profile/phone/pair`, { code });
      expect(right.status).toBe(303);
      const after = await visitor.get(`/${organization.code}/profile`);
      expect(textOf(after.html)).toContain('+12155550177 is paired');
      const [stored] = await database.db.select().from(accounts).where(eq(accounts.id, carla.id));
      expect(stored?.smsPairedAt).not.toBeNull();
      // The phone is told in the words learners know, through Twilio too.
      expect(api.received.at(-1)?.form.get('Body')).toMatch(/^Your phone number has been updated\./);
    } finally {
      await api.close();
    }
  });

  test('guesses sent all at once still stop at five, and one account cannot text codes to number after number', async () => {
    const mallory = await seedMember(database.db, organization, { email: 'mallory@riverside.test' });
    const visitor = new Visitor(t.app);
    const { signIn } = await import('../support/accounts');
    await signIn(visitor, organization, mallory.email);
    await visitor.get(`/${organization.code}/profile`);
    const profile = { firstName: 'Mal', lastName: 'Lory', degree: 'MD', profession: 'Physician' };
    await visitor.post(`/${organization.code}/profile`, { ...profile, mobile: ANNS_PHONE });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        visitor.post(`/${organization.code}/profile/phone/pair`, { code: String(300000 + i) }),
      ),
    );
    const { phonePairings } = await import('../../db/schema');
    const [pairing] = await database.db
      .select()
      .from(phonePairings)
      .where(eq(phonePairings.accountId, mallory.id));
    expect(pairing?.attempts).toBe(5);

    for (let i = 0; i < 8; i++) {
      await visitor.post(`/${organization.code}/profile`, {
        ...profile,
        mobile: `+1215555${String(2000 + i)}`,
      });
    }
    const texted = await database.db.select().from(textsSent).where(eq(textsSent.kind, 'pairing-code'));
    expect(texted).toHaveLength(6);
  });

  test('the code typed from a phone paired to another account moves the phone, and the old account is told', async () => {
    // Ann's phone is now Ben's: he enters it on his profile, and the phone gets the code.
    const ben = await seedMember(database.db, organization, { email: 'ben.ortiz@riverside.test' });
    const visitor = new Visitor(t.app);
    const { signIn } = await import('../support/accounts');
    await signIn(visitor, organization, ben.email);
    await visitor.get(`/${organization.code}/profile`);
    await visitor.post(`/${organization.code}/profile`, {
      firstName: 'Ben',
      lastName: 'Ortiz',
      degree: 'MD',
      profession: 'Physician',
      mobile: ANNS_PHONE,
    });
    const [texted] = await database.db
      .select()
      .from(textsSent)
      .where(and(eq(textsSent.to, ANNS_PHONE), eq(textsSent.kind, 'pairing-code')));
    const code = /^(\d{6}) /.exec(texted?.body ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    // Until the code is typed, the phone still claims for Ann.
    const [annBefore] = await database.db.select().from(accounts).where(eq(accounts.id, ann.id));
    expect(annBefore?.smsPairedAt).not.toBeNull();

    const paired = await visitor.post(`/${organization.code}/profile/phone/pair`, { code });
    expect(paired.status).toBe(303);
    expect(textOf((await visitor.get(`/${organization.code}/profile`)).html)).toContain(
      `${ANNS_PHONE} is paired`,
    );
    const [annNow] = await database.db.select().from(accounts).where(eq(accounts.id, ann.id));
    expect(annNow?.smsPairedAt).toBeNull();
    const [note] = await mailTo(database.db, 'ann.lee@riverside.test');
    expect(note?.subject).toBe('Your phone is no longer paired with your account');
    expect(note?.text).not.toContain('ben.ortiz');
    const told = await database.db.select().from(textsSent).where(eq(textsSent.kind, 'phone-paired'));
    expect(told.map((row) => row.to)).toEqual([ANNS_PHONE]);
    expect((await send(ANNS_PHONE, 'K7MPQ')).reply).toMatch(/^Thank you/);
    expect(await claimsOf(ben)).toHaveLength(1);
    expect(await claimsOf(ann)).toHaveLength(0);
    const actions = (await database.db.select({ action: auditEvents.action }).from(auditEvents)).map(
      (row) => row.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['phone_pairing_requested', 'phone_paired']));
  });

  test('typing someone else’s number pairs nothing without the code their phone got', async () => {
    const mallory = await seedMember(database.db, organization, { email: 'mallory@riverside.test' });
    const visitor = new Visitor(t.app);
    const { signIn } = await import('../support/accounts');
    await signIn(visitor, organization, 'mallory@riverside.test');
    await visitor.get(`/${organization.code}/profile`);
    await visitor.post(`/${organization.code}/profile`, {
      firstName: 'Mal',
      lastName: 'Lory',
      degree: 'MD',
      profession: 'Physician',
      mobile: ANNS_PHONE,
    });
    for (let i = 0; i < 6; i++)
      await visitor.post(`/${organization.code}/profile/phone/pair`, { code: String(200000 + i) });
    const [stored] = await database.db.select().from(accounts).where(eq(accounts.id, mallory.id));
    expect(stored?.smsPairedAt).toBeNull();
    expect((await send(ANNS_PHONE, 'K7MPQ')).reply).toMatch(/^Thank you/);
    expect(await claimsOf(ann)).toHaveLength(1);
    const [pairing] = await database.db
      .select()
      .from(textsSent)
      .where(and(eq(textsSent.to, ANNS_PHONE), eq(textsSent.kind, 'pairing-code')));
    expect(pairing?.transport).toBe('outbox');
  });
});
