import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD, demoEmail, seedDemo } from '../../db/seed/demo';
import { accountRoles, accounts, organizations } from '../../db/schema';
import { signIn } from '../support/accounts';
import { type TestDatabase, createPgliteDatabase, createTestDatabase } from '../support/database';
import { Visitor } from '../support/http';
import { SettableClock, createTestApp } from '../support/test-app';

const drivers = [
  { driver: 'PostgreSQL', open: createTestDatabase },
  { driver: 'PGlite', open: createPgliteDatabase },
];

describe.each(drivers)('the demo seed on $driver', ({ open }) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await open();
  });
  afterEach(async () => {
    await database.drop();
  });

  test('an empty database gets the demo organization and one account per role, once', async () => {
    const clock = new SettableClock(new Date('2026-01-05T15:00:00Z'));
    const seeded = await seedDemo({ db: database.db, clock });
    expect(seeded).not.toBeNull();

    const [organization] = await database.db.select().from(organizations);
    expect(organization).toMatchObject({
      code: 'demo',
      name: 'Demo Medical Center',
      timeZone: 'America/New_York',
      smsNumber: '+15555550100',
      claimMinutesBefore: 60,
      claimMinutesAfter: 2880,
      passwordPolicy: 'asvs',
      renewalReminderDates: ['09-15', '10-15', '11-15'],
    });
    expect(organization?.degrees[0]).toBe('ATC');
    expect(organization?.degrees.at(-1)).toBe('RVT');
    expect(organization?.degrees).toContain('MD, PhD');
    expect(organization?.professions).toEqual([
      'Physician',
      'Nurse',
      'Pharmacist',
      'Physician Assistant',
      'Psychologist',
      'Social Worker',
      'Other',
    ]);
    expect(organization?.holidays).toContain('2026-07-03');
    expect(organization?.holidays).toContain('2027-11-25');
    expect(organization?.accreditationStatement).not.toBe('');
    expect(organization?.creditDesignationStatement).not.toBe('');

    for (const [role, id] of Object.entries(seeded!.accountIds)) {
      const [account] = await database.db.select().from(accounts).where(eq(accounts.id, id));
      expect(account?.email).toBe(demoEmail(role as never));
      const roles = await database.db.select().from(accountRoles).where(eq(accountRoles.accountId, id));
      // Owning and coordinating are series roles: as accounts, the owner is faculty, the coordinator a learner.
      const expected = { admin: ['admin', 'reviewer'], owner: ['faculty'], coordinator: ['learner'] }[
        role
      ] ?? [role];
      expect(roles.map((r) => r.role).sort()).toEqual(expected);
    }

    expect(await seedDemo({ db: database.db, clock })).toBeNull();
    expect(await database.db.select().from(organizations)).toHaveLength(1);
    expect(await database.db.select().from(accounts)).toHaveLength(6);
  });

  test('the demo admin signs in with the published password and reaches the settings', async () => {
    const seeded = await seedDemo({
      db: database.db,
      clock: new SettableClock(new Date('2026-01-05T15:00:00Z')),
    });
    const { app } = createTestApp(database);
    const admin = new Visitor(app);
    expect((await signIn(admin, seeded!.organization, 'admin@demo.rounds.test', DEMO_PASSWORD)).status).toBe(
      303,
    );
    expect((await admin.get('/demo/admin/settings')).status).toBe(200);
  });
});
