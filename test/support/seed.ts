/**
 * Typed builders for test data. Each fills in plausible values and unique keys, so a test states
 * only what it is about: `seedAccount(db, org, { email: 'Ann@Example.org' })`.
 */
import { emailKey } from '../../server/identifiers';
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/client';
import {
  type Account,
  accounts,
  claims,
  type Organization,
  organizations,
  type Series,
  type Session,
  series,
  sessions,
} from '../../db/schema';

export type Claim = typeof claims.$inferSelect;

function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

export async function seedOrganization(
  db: Database,
  overrides: Partial<typeof organizations.$inferInsert> = {},
): Promise<Organization> {
  const suffix = uniqueSuffix();
  const [organization] = await db
    .insert(organizations)
    .values({
      code: `org${suffix}`,
      name: `Riverside Medical Center ${suffix}`,
      timeZone: 'America/New_York',
      degrees: ['MD', 'DO', 'PhD', 'RN', 'NP', 'PA', 'PharmD', 'Other'],
      professions: ['Physician', 'Nurse', 'Pharmacist', 'Physician Assistant', 'Other'],
      renewalReminderDates: ['10-01', '11-01', '12-01'],
      holidays: [],
      ...overrides,
    })
    .returning();
  return organization!;
}

/** `emailKey` follows `email` unless given, the way sign-up derives it. */
export async function seedAccount(
  db: Database,
  organization: Pick<Organization, 'id'>,
  overrides: Partial<Omit<typeof accounts.$inferInsert, 'organizationId'>> = {},
): Promise<Account> {
  const email = overrides.email ?? `learner-${uniqueSuffix()}@example.org`;
  const [account] = await db
    .insert(accounts)
    .values({
      firstName: 'Ann',
      lastName: 'Lee',
      degree: 'MD',
      profession: 'Physician',
      passwordHash: 'not-a-real-hash',
      // Seeded people have confirmed their email unless a test says otherwise.
      emailConfirmedAt: new Date('2026-01-05T15:00:00Z'),
      ...overrides,
      organizationId: organization.id,
      email,
      emailKey: overrides.emailKey ?? emailKey(email),
    })
    .returning();
  return account!;
}

export async function seedSeries(
  db: Database,
  organization: Pick<Organization, 'id'>,
  overrides: Partial<Omit<typeof series.$inferInsert, 'organizationId'>> = {},
): Promise<Series> {
  const [created] = await db
    .insert(series)
    .values({
      name: 'Medicine Grand Rounds',
      department: 'Internal Medicine',
      year: 2026,
      creditsPerSession: '1.00',
      ...overrides,
      organizationId: organization.id,
    })
    .returning();
  return created!;
}

/** A one-hour session of `parent`, in its organization, with a unique attendance code. */
export async function seedSession(
  db: Database,
  parent: Pick<Series, 'id' | 'organizationId'>,
  overrides: Partial<Omit<typeof sessions.$inferInsert, 'seriesId' | 'organizationId'>> = {},
): Promise<Session> {
  const startsAt = overrides.startsAt ?? new Date('2026-03-04T12:00:00Z');
  const [session] = await db
    .insert(sessions)
    .values({
      attendanceCode: uniqueSuffix().toUpperCase(),
      name: 'Sepsis update',
      endsAt: new Date(startsAt.getTime() + 60 * 60 * 1000),
      timeZone: 'America/New_York',
      credits: '1.00',
      ...overrides,
      startsAt,
      seriesId: parent.id,
      organizationId: parent.organizationId,
    })
    .returning();
  return session!;
}

/** Attendance recorded for `account` at `session`. */
export async function seedClaim(
  db: Database,
  session: Pick<Session, 'id'>,
  account: Pick<Account, 'id'>,
  overrides: Partial<Omit<typeof claims.$inferInsert, 'sessionId' | 'accountId'>> = {},
): Promise<Claim> {
  const [claim] = await db
    .insert(claims)
    .values({
      channel: 'web',
      credits: '1.00',
      claimedAt: new Date('2026-03-04T13:05:00Z'),
      ...overrides,
      sessionId: session.id,
      accountId: account.id,
    })
    .returning();
  return claim!;
}
