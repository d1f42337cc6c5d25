import { ensureStandardEvaluation } from '../../server/evaluation-forms';
import { count } from 'drizzle-orm';
import { hashPassword } from '../../server/auth/password';
import type { Clock } from '../../server/clock';
import { emailKey } from '../../server/identifiers';
import type { Database } from '../client';
import {
  DEFAULT_RENEWAL_REMINDER_DATES,
  type Organization,
  type Role,
  accountRoles,
  accounts,
  organizations,
} from '../schema';

export const DEMO_ORGANIZATION_CODE = 'demo';
/** Published in the README: every demo account signs in with it. */
export const DEMO_PASSWORD = 'Rounds-demo-2026!';

/** The degree list of the seed's sign-up page (ATC … RVT). */
// biome-ignore format: a long list reads better packed
export const SEED_DEGREES = [
  'ATC', 'BSN', 'CCC-SLP', 'CCLS', 'CPhT', 'CRNA', 'CRT', 'DC', 'DDS', 'DMD', 'DNAP', 'DNP', 'DO', 'DPM',
  'LCGC', 'LCSW', 'LVN', 'MBBCh', 'MBBS', 'MD', 'MD, PhD', 'MPH', 'MS', 'MSN', 'MSW', 'None', 'NP', 'OT',
  'Other', 'OTR/L', 'PA', 'PharmD', 'PhD', 'PsyD', 'PT', 'RD', 'RN', 'RN, BSN', 'RPh', 'RRT', 'RT', 'RVT',
];

export const SEED_PROFESSIONS = [
  'Physician',
  'Nurse',
  'Pharmacist',
  'Physician Assistant',
  'Psychologist',
  'Social Worker',
  'Other',
];

/** US federal holidays (observed dates) for 2026 and 2027. */
// biome-ignore format: one line per year
const FEDERAL_HOLIDAYS = [
  '2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07',
  '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25',
  '2027-01-01', '2027-01-18', '2027-02-15', '2027-05-31', '2027-06-18', '2027-07-05', '2027-09-06',
  '2027-10-11', '2027-11-11', '2027-11-25', '2027-12-24',
  // New Year's Day 2028 falls on a Saturday: observed Friday, December 31, 2027.
  '2027-12-31',
];

export type DemoRole = 'learner' | 'faculty' | 'coordinator' | 'owner' | 'reviewer' | 'admin';

interface DemoPerson {
  firstName: string;
  lastName: string;
  degree: string;
  profession: string;
  roles: Role[];
}

/** One account per role, email `<role>@demo.rounds.test`; the admin is also a reviewer. */
export const DEMO_PEOPLE: Record<DemoRole, DemoPerson> = {
  learner: {
    firstName: 'Maya',
    lastName: 'Patel',
    degree: 'MD',
    profession: 'Physician',
    roles: ['learner'],
  },
  faculty: {
    firstName: 'Daniel',
    lastName: 'Okafor',
    degree: 'MD',
    profession: 'Physician',
    roles: ['faculty'],
  },
  coordinator: {
    firstName: 'Grace',
    lastName: 'Kim',
    degree: 'MS',
    profession: 'Other',
    // A coordinator runs series through series roles; as an account, a learner like anyone.
    roles: ['learner'],
  },
  owner: {
    firstName: 'Robert',
    lastName: 'Alvarez',
    degree: 'MD',
    profession: 'Physician',
    roles: ['faculty'],
  },
  reviewer: { firstName: 'Priya', lastName: 'Shah', degree: 'PhD', profession: 'Other', roles: ['reviewer'] },
  admin: {
    firstName: 'Alex',
    lastName: 'Morgan',
    degree: 'MPH',
    profession: 'Other',
    roles: ['admin', 'reviewer'],
  },
};

export function demoEmail(role: DemoRole): string {
  return `${role}@demo.rounds.test`;
}

export interface DemoSeed {
  organization: Organization;
  /** The id of each demo account, by role. */
  accountIds: Record<DemoRole, string>;
}

/**
 * On a database with no organization, creates the demo organization and one account per role.
 * Returns what it created, or null when the database already had an organization (nothing done).
 */
export async function seedDemo(deps: { db: Database; clock: Clock }): Promise<DemoSeed | null> {
  const { db, clock } = deps;
  const [existing] = await db.select({ n: count() }).from(organizations);
  if ((existing?.n ?? 0) > 0) return null;

  // The demo accounts share one published password, so one (deliberately slow) hash serves them all.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = clock.now();
  return db.transaction(async (tx) => {
    const [organization] = await tx
      .insert(organizations)
      .values({
        code: DEMO_ORGANIZATION_CODE,
        name: 'Demo Medical Center',
        timeZone: 'America/New_York',
        smsNumber: '+15555550100',
        degrees: SEED_DEGREES,
        professions: SEED_PROFESSIONS,
        claimMinutesBefore: 60,
        claimMinutesAfter: 2880,
        passwordPolicy: 'asvs',
        lockoutThreshold: 5,
        renewalReminderDates: DEFAULT_RENEWAL_REMINDER_DATES,
        holidays: FEDERAL_HOLIDAYS,
        accreditationStatement:
          'Demo Medical Center is accredited by the Accreditation Council for Continuing Medical Education (ACCME) to provide continuing medical education for physicians.',
        certificateSigner: 'Dana Whitfield, MD, Director of Continuing Medical Education',
        creditDesignationStatement:
          'Demo Medical Center designates this live activity for a maximum of 1.0 AMA PRA Category 1 Credit™. Physicians should claim only the credit commensurate with the extent of their participation in the activity.',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!organization) throw new Error('the demo organization was not returned');
    await ensureStandardEvaluation(tx, organization.id);

    const accountIds = {} as Record<DemoRole, string>;
    for (const [role, person] of Object.entries(DEMO_PEOPLE) as [DemoRole, DemoPerson][]) {
      const email = demoEmail(role);
      const [account] = await tx
        .insert(accounts)
        .values({
          organizationId: organization.id,
          email,
          emailKey: emailKey(email),
          firstName: person.firstName,
          lastName: person.lastName,
          degree: person.degree,
          profession: person.profession,
          passwordHash,
          emailConfirmedAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: accounts.id });
      if (!account) throw new Error(`the demo ${role} account was not returned`);
      await tx.insert(accountRoles).values(person.roles.map((r) => ({ accountId: account.id, role: r })));
      accountIds[role] = account.id;
    }
    return { organization, accountIds };
  });
}
