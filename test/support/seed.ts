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
  disclosures,
  type Organization,
  organizations,
  type Series,
  type Session,
  series,
  sessionFaculty,
  sessions,
} from '../../db/schema';
import { eq } from 'drizzle-orm';
import { sessionState } from '../../server/session-facts';

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
  session: Pick<Session, 'id' | 'organizationId'>,
  account: Pick<Account, 'id'>,
  overrides: Partial<Omit<typeof claims.$inferInsert, 'sessionId' | 'accountId' | 'organizationId'>> = {},
): Promise<Claim> {
  const [claim] = await db
    .insert(claims)
    .values({
      channel: 'web',
      credits: '1.00',
      claimedAt: new Date('2026-03-04T13:05:00Z'),
      ...overrides,
      organizationId: session.organizationId,
      sessionId: session.id,
      accountId: account.id,
    })
    .returning();
  return claim!;
}

/**
 * A session with one speaker who has nothing to disclose, APPROVED on `approvedAt` (a week before
 * it starts unless said) the way a reviewer approves it: against the facts as they stand.
 */
export async function seedApprovedSession(
  db: Database,
  parent: Series,
  overrides: Partial<Omit<typeof sessions.$inferInsert, 'seriesId' | 'organizationId'>> = {},
  options: { approvedAt?: Date; speaker?: Account } = {},
): Promise<Session> {
  const session = await seedSession(db, parent, overrides);
  const speaker =
    options.speaker ??
    (await seedAccount(db, { id: parent.organizationId }, { firstName: 'Sam', lastName: 'Okafor' }));
  const approvedAt = options.approvedAt ?? new Date(session.startsAt.getTime() - 7 * 24 * 60 * 60 * 1000);
  await db.insert(disclosures).values({
    organizationId: parent.organizationId,
    accountId: speaker.id,
    submittedAt: new Date(approvedAt.getTime() - 24 * 60 * 60 * 1000),
    hasRelationships: false,
    signature: `${speaker.firstName} ${speaker.lastName}`,
    attestedAt: new Date(approvedAt.getTime() - 24 * 60 * 60 * 1000),
  });
  await db.insert(sessionFaculty).values({ sessionId: session.id, accountId: speaker.id });
  const state = await sessionState(db, session, parent);
  const [approved] = await db
    .update(sessions)
    .set({ approvedBasis: state.status.basis, approvedAt })
    .where(eq(sessions.id, session.id))
    .returning();
  return approved!;
}
