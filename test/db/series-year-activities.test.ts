import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSeriesYearActivities } from '../../activities/series-year';
import { messages, series, seriesRoles } from '../../db/schema';
import type { Clock } from '../../server/clock';
import { createMailer } from '../../server/mail';
import { loadConfig } from '../../server/config';
import { type PostgresTestDatabase, createTestDatabase } from '../support/database';
import { seedAccount, seedOrganization, seedSeries } from '../support/seed';

let database: PostgresTestDatabase;
const clock: Clock = { now: () => new Date('2027-09-15T13:00:00Z') };

beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

async function setUp() {
  const { db } = database;
  const organization = await seedOrganization(db, { name: 'Riverside Medical Center' });
  const owner = await seedAccount(db, organization, { email: 'owner@riverside.test', firstName: 'Olga' });
  const coordinator = await seedAccount(db, organization, {
    email: 'coord@riverside.test',
    firstName: 'Cam',
  });
  const bystander = await seedAccount(db, organization, { email: 'learner@riverside.test' });
  const grandRounds = await seedSeries(db, organization, {
    name: 'Medicine Grand Rounds',
    year: 2027,
    status: 'approved',
  });
  await db.insert(seriesRoles).values([
    { seriesId: grandRounds.id, accountId: owner.id, role: 'owner' },
    { seriesId: grandRounds.id, accountId: coordinator.id, role: 'coordinator' },
    // Someone both owner and coordinator still gets one email.
    { seriesId: grandRounds.id, accountId: owner.id, role: 'coordinator' },
  ]);
  const mailer = createMailer({ config: loadConfig({}), db, clock });
  const activities = createSeriesYearActivities({
    db,
    mailer,
    clock,
    publicUrl: 'https://cme.riverside.test',
  });
  return { db, organization, owner, coordinator, bystander, grandRounds, activities };
}

describe('series-year activities', () => {
  it('a renewal reminder goes once to each owner and coordinator, with a link to the series, and a retry sends nothing more', async () => {
    const { db, grandRounds, activities, organization } = await setUp();
    const reminder = { seriesId: grandRounds.id, year: 2027, reminderOn: '2027-09-15' };
    expect(await activities.sendRenewalReminder(reminder)).toBe(2);
    expect(await activities.sendRenewalReminder(reminder)).toBe(0);

    const sent = await db.select().from(messages).orderBy(messages.to);
    expect(sent.map((m) => [m.to, m.subject, m.status])).toEqual([
      ['coord@riverside.test', 'Renew Medicine Grand Rounds for 2028', 'sent'],
      ['owner@riverside.test', 'Renew Medicine Grand Rounds for 2028', 'sent'],
    ]);
    expect(sent[0]!.html).toContain(
      `https://cme.riverside.test/${organization.code}/series/${grandRounds.id}`,
    );
    expect(sent[0]!.text).toContain('approved for credit only through December 31, 2027');

    // The next fall date is a new reminder.
    expect(await activities.sendRenewalReminder({ ...reminder, reminderOn: '2027-10-15' })).toBe(2);
  });

  it('no reminder goes out once the renewal is approved, even before the workflow hears of it', async () => {
    const { db, organization, grandRounds, activities } = await setUp();
    await seedSeries(db, organization, { year: 2028, status: 'approved', renewedFromId: grandRounds.id });
    expect(
      await activities.sendRenewalReminder({
        seriesId: grandRounds.id,
        year: 2027,
        reminderOn: '2027-10-15',
      }),
    ).toBe(0);
    expect(await db.select().from(messages)).toEqual([]);
  });

  it('expiring marks the series expired once, and leaves a renewal for next year untouched', async () => {
    const { db, organization, grandRounds, activities } = await setUp();
    const renewal = await seedSeries(db, organization, {
      year: 2028,
      status: 'approved',
      renewedFromId: grandRounds.id,
    });
    await activities.expireSeries({ seriesId: grandRounds.id, year: 2027 });
    await activities.expireSeries({ seriesId: grandRounds.id, year: 2027 });
    const [expired] = await db.select().from(series).where(eq(series.id, grandRounds.id));
    expect(expired).toMatchObject({ status: 'expired', expiredAt: clock.now() });
    const [next] = await db.select().from(series).where(eq(series.id, renewal.id));
    expect(next!.status).toBe('approved');
  });
});
