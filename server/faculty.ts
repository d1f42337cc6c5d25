import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import { accountRoles, accounts, type FacultyRole, presentations, sessionFaculty } from '../db/schema';
import { DomainError } from '../workflows/errors';
import type { Actor } from './series';
import { recordChange } from './history';
import { emailKey } from './identifiers';
import { sessionClosed } from './session-status';
import { mayChangeSessions, type SessionWithSeries } from './sessions';

/**
 * Manage Faculty (coordinator manual): assign a speaker, or for a case series the faculty member
 * who selects the cases; ask for a disclosure and a presentation; remove with confirmation; add a
 * person who has no account, guarding against the manual's duplicate-account trap.
 */

export interface FacultyDeps {
  db: Database;
  now: () => Date;
}

export interface Assignment {
  accountId: string;
  role: FacultyRole;
  requestDisclosure: boolean;
  requestPresentation: boolean;
}

export type NewPersonErrors = Partial<Record<'firstName' | 'lastName' | 'email' | 'degree' | 'form', string>>;

export class InvalidNewPerson extends DomainError {
  constructor(
    readonly fields: NewPersonErrors,
    /** People with the same name under another email: the coordinator must confirm a new account. */
    readonly sameName: { firstName: string; lastName: string; email: string }[] = [],
  ) {
    super('invalid_input');
    this.name = 'InvalidNewPerson';
  }
}

function refuseUnlessOpen(found: SessionWithSeries): void {
  const closed = sessionClosed(found);
  if (closed) throw new DomainError(closed);
}

/** Adds someone of the organization as faculty; adding them twice changes nothing. */
export async function addFaculty(
  deps: FacultyDeps,
  found: SessionWithSeries,
  assignment: Assignment,
  by: Actor,
  clientAddress: string | null = null,
): Promise<'added' | 'already'> {
  const { db } = deps;
  if (!(await mayChangeSessions(db, found.series, by))) throw new DomainError('forbidden');
  refuseUnlessOpen(found);
  if (!z.guid().safeParse(assignment.accountId).success) throw new DomainError('not_found');
  const [person] = await db
    .select({ id: accounts.id, firstName: accounts.firstName, lastName: accounts.lastName })
    .from(accounts)
    .where(and(eq(accounts.id, assignment.accountId), eq(accounts.organizationId, found.organization.id)));
  if (!person) throw new DomainError('not_found');
  return db.transaction((tx) => assign(tx, deps.now(), found, person, assignment, by, clientAddress));
}

/** Assigns the person and records it, inside the caller's transaction. */
async function assign(
  tx: Pick<Database, 'insert'>,
  now: Date,
  found: SessionWithSeries,
  person: { id: string; firstName: string; lastName: string },
  assignment: Omit<Assignment, 'accountId'>,
  by: Actor,
  clientAddress: string | null,
): Promise<'added' | 'already'> {
  const inserted = await tx
    .insert(sessionFaculty)
    .values({
      sessionId: found.session.id,
      accountId: person.id,
      role: assignment.role,
      requestDisclosure: assignment.requestDisclosure,
      requestPresentation: assignment.requestPresentation,
      addedById: by.account.id,
      addedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) return 'already';
  await recordChange(tx, now, {
    organizationId: found.organization.id,
    actorId: by.account.id,
    action: 'faculty_added',
    seriesId: found.series.id,
    sessionId: found.session.id,
    accountId: person.id,
    clientAddress,
    after: {
      faculty: `${person.lastName}, ${person.firstName}`,
      role: assignment.role,
      requestDisclosure: assignment.requestDisclosure,
      requestPresentation: assignment.requestPresentation,
    },
  });
  return 'added';
}

export async function removeFaculty(
  deps: FacultyDeps,
  found: SessionWithSeries,
  accountId: string,
  by: Actor,
  clientAddress: string | null = null,
): Promise<void> {
  const { db } = deps;
  if (!(await mayChangeSessions(db, found.series, by))) throw new DomainError('forbidden');
  refuseUnlessOpen(found);
  if (!z.guid().safeParse(accountId).success) throw new DomainError('not_found');
  await db.transaction(async (tx) => {
    // Their presentation goes with them (a cascading key); the record names it.
    const [slides] = await tx
      .select({ fileName: presentations.fileName })
      .from(presentations)
      .where(and(eq(presentations.sessionId, found.session.id), eq(presentations.accountId, accountId)));
    const [removed] = await tx
      .delete(sessionFaculty)
      .where(and(eq(sessionFaculty.sessionId, found.session.id), eq(sessionFaculty.accountId, accountId)))
      .returning();
    if (!removed) throw new DomainError('not_found');
    const [person] = await tx
      .select({ firstName: accounts.firstName, lastName: accounts.lastName })
      .from(accounts)
      .where(eq(accounts.id, accountId));
    await recordChange(tx, deps.now(), {
      organizationId: found.organization.id,
      actorId: by.account.id,
      action: 'faculty_removed',
      seriesId: found.series.id,
      sessionId: found.session.id,
      accountId,
      clientAddress,
      before: {
        faculty: person ? `${person.lastName}, ${person.firstName}` : accountId,
        role: removed.role,
        ...(slides ? { presentation: slides.fileName } : {}),
      },
    });
  });
}

export interface NewPerson {
  firstName: string;
  lastName: string;
  email: string;
  degree: string;
  /** "Yes, this is a different person" after the same-name warning. */
  confirmedDifferent: boolean;
  /** How they teach this session, assigned with the account in one transaction. */
  role: FacultyRole;
  requestDisclosure: boolean;
  requestPresentation: boolean;
}

const newPersonSchema = (degrees: string[]) =>
  z.object({
    firstName: z
      .string()
      .trim()
      .min(1, 'Enter the first name.')
      .max(100, 'Keep the first name under 100 characters.'),
    lastName: z
      .string()
      .trim()
      .min(1, 'Enter the last name.')
      .max(100, 'Keep the last name under 100 characters.'),
    email: z
      .string()
      .trim()
      .max(254, 'Keep the email under 254 characters.')
      .pipe(z.email('Enter an email address like name@example.org.')),
    degree: z.string().refine((degree) => degrees.includes(degree), 'Choose a degree from the list.'),
    confirmedDifferent: z.boolean(),
  });

/**
 * A person with no account, made for faculty. Refused when the email (case- and space-insensitive)
 * has an account; held back with a warning when the same name exists under another email, until
 * the coordinator confirms it is someone else. The account is a faculty member's, unconfirmed until
 * they choose a password through the invitation. They are assigned to the session at once.
 */
export async function createFacultyAccount(
  deps: FacultyDeps,
  found: SessionWithSeries,
  input: NewPerson,
  by: Actor,
  clientAddress: string | null = null,
) {
  const { db } = deps;
  if (!(await mayChangeSessions(db, found.series, by))) throw new DomainError('forbidden');
  refuseUnlessOpen(found);
  const parsed = newPersonSchema(found.organization.degrees).safeParse(input);
  if (!parsed.success) {
    const fields: NewPersonErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof NewPersonErrors;
      fields[field] ??= issue.message;
    }
    throw new InvalidNewPerson(fields);
  }
  const person = parsed.data;
  const key = emailKey(person.email);
  const [taken] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.organizationId, found.organization.id), eq(accounts.emailKey, key)));
  if (taken) {
    throw new InvalidNewPerson({
      email: 'An account with this email already exists: find the person by name above and add them.',
    });
  }
  if (!person.confirmedDifferent) {
    const sameName = await db
      .select({ firstName: accounts.firstName, lastName: accounts.lastName, email: accounts.email })
      .from(accounts)
      .where(
        and(
          eq(accounts.organizationId, found.organization.id),
          sql`lower(${accounts.firstName}) = lower(${person.firstName})`,
          sql`lower(${accounts.lastName}) = lower(${person.lastName})`,
          ne(accounts.emailKey, key),
        ),
      )
      .limit(5);
    if (sameName.length > 0) {
      throw new InvalidNewPerson(
        {
          form: `${person.firstName} ${person.lastName} already has an account under another email. Two accounts split a person’s disclosures: add the existing account instead, unless this is someone else.`,
        },
        sameName,
      );
    }
  }
  return db.transaction(async (tx) => {
    const [account] = await tx
      .insert(accounts)
      .values({
        organizationId: found.organization.id,
        email: person.email,
        emailKey: key,
        firstName: person.firstName,
        lastName: person.lastName,
        degree: person.degree,
        // They choose their profession when they first sign in (the profile gate asks).
        profession: '',
        // No password until they choose one through the invitation.
        passwordHash: 'invited',
      })
      .returning();
    if (!account) throw new Error('account insert returned no row');
    await tx.insert(accountRoles).values({ accountId: account.id, role: 'faculty' });
    await recordChange(tx, deps.now(), {
      organizationId: found.organization.id,
      actorId: by.account.id,
      action: 'account_created',
      accountId: account.id,
      sessionId: found.session.id,
      seriesId: found.series.id,
      clientAddress,
      after: {
        faculty: `${account.lastName}, ${account.firstName}`,
        email: account.email,
        degree: account.degree,
      },
    });
    await assign(tx, deps.now(), found, account, input, by, clientAddress);
    return account;
  });
}
