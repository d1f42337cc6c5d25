import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createCreditActivities } from '../../activities/credit';
import { claims, type Organization, type Session } from '../../db/schema';
import {
  CREDIT_HOLD_MAX_MS,
  ROOM_TEXTING_CLAIMS,
  roomIsTexting,
  startWaitingCredits,
} from '../../server/lifecycles/credit';
import { seedMember, signedInVisitor } from '../support/accounts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { textOf } from '../support/http';
import { seedApprovedSession, seedClaim, seedOrganization, seedSeries } from '../support/seed';
import { createTestApp, recording } from '../support/test-app';
import type { CreditLifecycle } from '../../server/lifecycles/credit';
import { text } from '../support/twilio';

let database: TestDatabase;
let organization: Organization;
let session: Session;

beforeEach(async () => {
  database = await createTestDatabase();
  organization = await seedOrganization(database.db, { smsNumber: '+18449860352' });
  session = await seedApprovedSession(database.db, await seedSeries(database.db, organization), {
    name: 'Sepsis bundles in 2026',
    attendanceCode: 'K7MPQ',
    startsAt: new Date('2026-03-03T17:00:00Z'),
  });
});

afterEach(async () => {
  await database.drop();
});

describe('starting the credit lifecycle', () => {
  test('every recorded attendance, by text or on the web, waits for the relay, which starts it oldest first', async () => {
    const t = createTestApp(database, { now: new Date('2026-03-03T17:10:00Z') });
    const ann = await seedMember(database.db, organization, {
      mobile: '+12155550101',
      smsPairedAt: new Date(),
    });
    await text(t.app, organization, t.config.publicUrl, { from: '+12155550101', body: 'K7MPQ' });
    // A repeat records nothing, so there is nothing more to start.
    await text(t.app, organization, t.config.publicUrl, { from: '+12155550101', body: 'K7MPQ' });
    t.clock.advance(1);
    const ben = await seedMember(database.db, organization, { email: 'ben@riverside.test' });
    const visitor = await signedInVisitor(
      t.app,
      organization,
      ben.email,
      `/${organization.code}/claim/K7MPQ`,
    );
    await visitor.post(`/${organization.code}/claim/K7MPQ`, { credits: '1.00' });
    await t.background.idle();
    // The web server answered without waiting on Temporal.
    expect(t.credits.calls).toEqual([]);
    expect(await startWaitingCredits(database.db, t.credits)).toBe(2);
    const started = t.credits.calls.map((call) => (call.args[0] as { accountId: string }).accountId);
    expect(started).toEqual([ann.id, ben.id]);
  });

  test('the relay takes claims without a lifecycle, oldest first, a batch at a time, and leaves started ones', async () => {
    const now = new Date('2026-03-03T18:00:00Z');
    const people = await Promise.all([1, 2, 3, 4].map(() => seedMember(database.db, organization)));
    const [older, old, recent] = await Promise.all([
      seedClaim(database.db, session, people[0]!, { claimedAt: new Date(now.getTime() - 120_000) }),
      seedClaim(database.db, session, people[1]!, { claimedAt: new Date(now.getTime() - 60_000) }),
      seedClaim(database.db, session, people[2]!, { claimedAt: new Date(now.getTime() - 5_000) }),
      seedClaim(database.db, session, people[3]!, {
        claimedAt: new Date(now.getTime() - 300_000),
        lifecycleStartedAt: new Date(now.getTime() - 299_000),
      }),
    ]);
    const lifecycle = recording<CreditLifecycle>();
    expect(await startWaitingCredits(database.db, lifecycle, { batch: 2, concurrency: 1 })).toBe(2);
    expect(lifecycle.calls.map((call) => (call.args[0] as { id: string }).id)).toEqual([older?.id, old?.id]);
    const all = recording<CreditLifecycle>();
    expect(await startWaitingCredits(database.db, all)).toBe(3);
    expect(all.calls.map((call) => (call.args[0] as { id: string }).id)).toEqual([
      older?.id,
      old?.id,
      recent?.id,
    ]);
  });

  test('while a room texts its code the relay holds back, but no claim waits more than a minute', async () => {
    const now = new Date('2026-03-03T17:20:00Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const room = await Promise.all(
      Array.from({ length: ROOM_TEXTING_CLAIMS }, () => seedMember(database.db, organization)),
    );
    // A quiet session: a few claims, nothing in the last seconds.
    await seedClaim(database.db, session, room[0]!, { claimedAt: ago(30_000) });
    expect(await roomIsTexting(database.db, now)).toBe(false);
    // The room texts: ten claims in the last two seconds, all waiting.
    await Promise.all(
      room.slice(1).map((person, i) => seedClaim(database.db, session, person, { claimedAt: ago(100 * i) })),
    );
    expect(await roomIsTexting(database.db, now)).toBe(false);
    const latecomer = await seedMember(database.db, organization);
    await seedClaim(database.db, session, latecomer, { claimedAt: ago(50) });
    expect(await roomIsTexting(database.db, now)).toBe(true);
    // Claims whose lifecycles started do not count: the room is not waiting on them.
    await database.db.update(claims).set({ lifecycleStartedAt: now });
    expect(await roomIsTexting(database.db, now)).toBe(false);
    // The room still texting, but one claim has waited a minute: the relay starts, oldest first.
    await database.db.update(claims).set({ lifecycleStartedAt: null });
    expect(await roomIsTexting(database.db, now)).toBe(true);
    await seedClaim(database.db, session, await seedMember(database.db, organization), {
      claimedAt: ago(CREDIT_HOLD_MAX_MS + 1_000),
    });
    expect(await roomIsTexting(database.db, now)).toBe(false);
  });

  test('the lifecycle puts the credit on the learner’s record once, and My CE says so', async () => {
    const t = createTestApp(database, { now: new Date('2026-03-03T17:10:00Z') });
    const ann = await seedMember(database.db, organization, { email: 'ann@riverside.test' });
    const claim = await seedClaim(database.db, session, ann, { claimedAt: new Date('2026-03-03T17:05:00Z') });
    const visitor = await signedInVisitor(t.app, organization, ann.email, `/${organization.code}/my-ce`);
    expect(textOf((await visitor.get(`/${organization.code}/my-ce`)).html)).toContain(
      'credit being recorded',
    );
    const activities = createCreditActivities({
      db: database.db,
      clock: t.clock,
      mailer: t.mailer,
      publicUrl: t.config.publicUrl,
    });
    const first = await activities.recordCredit({ claimId: claim.id });
    t.clock.advance(5);
    const again = await activities.recordCredit({ claimId: claim.id });
    expect(again).toEqual(first);
    expect(first.creditedAt).toBe('2026-03-03T17:10:00.000Z');
    const [stored] = await database.db.select().from(claims).where(eq(claims.id, claim.id));
    expect(stored?.creditRecordedAt).toEqual(new Date('2026-03-03T17:10:00Z'));
    expect(textOf((await visitor.get(`/${organization.code}/my-ce`)).html)).toContain(
      'credit on your record',
    );
  });
});
